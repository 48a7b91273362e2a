/**
 * A restaurant's takings by day (UTC), read from the mirror at the block its Restaurant was read at:
 * the orders settled each day (token orders when fulfilled, card orders when settled, as
 * Restaurant.totals counts them), what they paid, the platform fees they carried, the card refunds
 * recorded that day and the loyalty rewards minted for them. Over every day, revenue − refunds,
 * platformFees and orderCount add up to Restaurant.totals at the same block.
 */
import type { Database } from "../../lib/db/client.ts";
import type { GraphQLContext } from "./context.ts";
import { badInput } from "./inputs.ts";
import type { RestaurantNode } from "./restaurants.ts";

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

export interface DayRange {
  readonly from: string;
  readonly to: string;
}

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

export interface RestaurantDay {
  readonly date: string;
  readonly orderCount: number;
  readonly revenue: string;
  readonly refunds: string;
  readonly platformFees: string;
  readonly rewards: string;
}

/*
 * One statement: the days of the range, and beside each the restaurant's facts of that day known at
 * block $4. Settlements are read from the order's version at that block (a card order is placed and
 * settled by one event; a token order settles when fulfilled); refunds and rewards are append-only
 * facts of the restaurant's orders (an order never changes restaurant).
 */
const DAILY_TOTALS = `
  WITH days AS (
    SELECT generate_series($2::date, $3::date, interval '1 day')::date AS day
  ), bounds AS (
    SELECT $2::date AT TIME ZONE 'UTC' AS start, ($3::date + 1) AT TIME ZONE 'UTC' AS finish
  ), orders AS (
    SELECT DISTINCT order_id FROM "order" WHERE restaurant_id = $1 AND block_from <= $4
  ), settled AS (
    SELECT (s.at AT TIME ZONE 'UTC')::date AS day, count(*)::int AS order_count,
           sum(s.paid) AS revenue, sum(coalesce(s.platform_fee, 0)) AS platform_fees
      FROM (SELECT CASE WHEN o.kind = 'card' THEN o.placed_at ELSE o.closed_at END AS at, o.paid, o.platform_fee
              FROM "order" o
             WHERE o.restaurant_id = $1 AND o.block_from <= $4 AND (o.block_to IS NULL OR o.block_to > $4)
               AND (o.kind = 'card' OR o.status = 'fulfilled')) s, bounds
     WHERE s.at >= bounds.start AND s.at < bounds.finish
     GROUP BY 1
  ), refunds AS (
    SELECT (r.block_timestamp AT TIME ZONE 'UTC')::date AS day, sum(r.amount) AS amount
      FROM card_refund r JOIN orders USING (order_id), bounds
     WHERE r.block_number <= $4 AND r.block_timestamp >= bounds.start AND r.block_timestamp < bounds.finish
     GROUP BY 1
  ), rewards AS (
    SELECT (w.block_timestamp AT TIME ZONE 'UTC')::date AS day, sum(w.amount) AS amount
      FROM reward w JOIN orders USING (order_id), bounds
     WHERE w.block_number <= $4 AND w.block_timestamp >= bounds.start AND w.block_timestamp < bounds.finish
     GROUP BY 1
  )
  SELECT to_char(days.day, 'YYYY-MM-DD') AS date,
         coalesce(settled.order_count, 0) AS order_count,
         coalesce(settled.revenue, 0)::text AS revenue,
         coalesce(refunds.amount, 0)::text AS refunds,
         coalesce(settled.platform_fees, 0)::text AS platform_fees,
         coalesce(rewards.amount, 0)::text AS rewards
    FROM days
    LEFT JOIN settled USING (day)
    LEFT JOIN refunds USING (day)
    LEFT JOIN rewards USING (day)
   ORDER BY days.day`;

/** Restaurant `restaurantId`'s days in `range`, as the mirror knew them at the end of `block`. */
export async function readDailyTotals(
  db: Database,
  restaurantId: string,
  block: bigint,
  range: DayRange,
): Promise<RestaurantDay[]> {
  const { rows } = await db.pool.query<{
    date: string;
    order_count: number;
    revenue: string;
    refunds: string;
    platform_fees: string;
    rewards: string;
  }>(DAILY_TOTALS, [restaurantId, range.from, range.to, block.toString()]);
  return rows.map((row) => ({
    date: row.date,
    orderCount: row.order_count,
    revenue: row.revenue,
    refunds: row.refunds,
    platformFees: row.platform_fees,
    rewards: row.rewards,
  }));
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
