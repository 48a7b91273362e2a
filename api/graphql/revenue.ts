/**
 * A restaurant's takings by day (UTC), read from the mirror at the block its Restaurant was read at:
 * the orders settled each day (token orders when fulfilled, card orders when settled, as
 * Restaurant.totals counts them), what they paid, the platform fees they carried, the card refunds
 * recorded that day and the loyalty rewards minted for them. Over every day, revenue − refunds,
 * platformFees and orderCount add up to Restaurant.totals at the same block.
 */
import { readDailyTotals, type DayRange, type RestaurantDay, type RestaurantNode } from "../mirror/restaurants.ts";
import type { GraphQLContext } from "./context.ts";
import { badInput } from "./inputs.ts";

/** A year, leap day included: enough for any chart and a bound on what one field can ask of the database. */
export const MAX_DAYS = 366;

export const typeDefs = /* GraphQL */ `
  "A restaurant's settled orders and what came of them on one day (UTC)."
  type RestaurantDay {
    "The day, as YYYY-MM-DD (UTC)."
    date: String!
    "Orders settled that day: token orders when fulfilled, card orders when settled."
    orderCount: Int!
    "What those orders paid (GEL tetri), before refunds."
    revenue: BigInt!
    "Card refunds recorded that day (GEL tetri), whichever day their orders were settled."
    refunds: BigInt!
    "Platform fees of the token orders fulfilled that day (card fees are taken off chain)."
    platformFees: BigInt!
    "HOTPOT (wei) minted as rewards for the orders settled that day."
    rewards: BigInt!
  }

  extend type Restaurant {
    """
    Every day from \`from\` to \`to\` (both included, YYYY-MM-DD, UTC, at most ${String(MAX_DAYS)} days), oldest
    first, days without activity included as zeros; as of the same block as the restaurant.
    """
    dailyTotals(from: String!, to: String!): [RestaurantDay!]!
  }
`;

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;

/** Milliseconds at the day's UTC midnight; undefined unless `text` is a real calendar day. */
function dayStart(text: string): number | undefined {
  const match = DAY.exec(text);
  if (match === null) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const start = Date.UTC(year, month - 1, day);
  const date = new Date(start);
  // Date.UTC rolls 2026-02-30 over to March: only a day that comes back unchanged exists.
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
    ? start
    : undefined;
}

/** Validates the field's arguments: real days, in order, at most MAX_DAYS of them. */
export function parseDayRange(from: string, to: string): DayRange {
  const start = dayStart(from);
  if (start === undefined) throw badInput("from must be a day written YYYY-MM-DD", { argument: "from" });
  const end = dayStart(to);
  if (end === undefined) throw badInput("to must be a day written YYYY-MM-DD", { argument: "to" });
  if (end < start) throw badInput(`to (${to}) must not be before from (${from})`, { argument: "to" });
  const days = (end - start) / MS_PER_DAY + 1;
  if (days > MAX_DAYS) {
    throw badInput(`at most ${String(MAX_DAYS)} days at a time; ${from} to ${to} is ${String(days)}`, {
      argument: "to",
    });
  }
  return { from, to };
}

export const resolvers = {
  Restaurant: {
    dailyTotals: (
      restaurant: RestaurantNode,
      args: { from: string; to: string },
      context: GraphQLContext,
    ): Promise<RestaurantDay[]> =>
      readDailyTotals(
        context.db,
        restaurant.restaurantId.toFixed(),
        restaurant.asOf,
        parseDayRange(args.from, args.to),
      ),
  },
};
