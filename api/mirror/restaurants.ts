/**
 * Restaurants' franchises in the mirror (`franchise`, versioned): the FranchiseNFT whose token id is
 * the restaurant id, its owner, fee and whether it takes orders; and the takings read from the orders.
 */
import type { Database } from "../../lib/db/client.ts";
import type { Franchise as FranchiseRow, Prisma } from "../../lib/db/generated/client.ts";
import { atBlock, atBlockSql, currentSql, type AtBlock, type ListSource, type Queryable } from "./blocks.ts";
import { loadAtBlock, type MirrorReader } from "./loader.ts";

export type { FranchiseRow };
/** A restaurant as GraphQL shows it: its franchise row, read at a block. */
export type RestaurantNode = AtBlock<FranchiseRow>;

/** A validated restaurant filter; every condition given must hold. */
export interface RestaurantQuery {
  readonly restaurantIds?: readonly bigint[];
  readonly owner?: string;
  readonly active?: boolean;
  readonly registeredFrom?: bigint;
  readonly registeredTo?: bigint;
}

/** The franchises at the end of `block` that match every one of `queries`. */
export function restaurantsWhere(block: bigint, ...queries: RestaurantQuery[]): Prisma.FranchiseWhereInput {
  return { AND: [atBlock(block), ...queries.flatMap(restaurantConditions)] };
}

function restaurantConditions(query: RestaurantQuery): Prisma.FranchiseWhereInput[] {
  return [
    query.restaurantIds !== undefined ? { restaurantId: { in: query.restaurantIds.map((id) => id.toString()) } } : {},
    query.owner !== undefined ? { owner: query.owner } : {},
    query.active !== undefined ? { active: query.active } : {},
    query.registeredFrom !== undefined ? { registeredBlock: { gte: query.registeredFrom } } : {},
    query.registeredTo !== undefined ? { registeredBlock: { lte: query.registeredTo } } : {},
  ];
}

export function franchiseRows(db: Database): ListSource<FranchiseRow> {
  return {
    findMany: (args) => db.prisma.franchise.findMany(args),
    count: (args) => db.prisma.franchise.count(args),
  };
}

/** A restaurant's franchise at `block` by its decimal id. */
export function loadRestaurant(
  reader: MirrorReader,
  block: bigint,
  restaurantId: string,
): Promise<RestaurantNode | undefined> {
  return loadAtBlock(
    reader,
    "restaurant",
    (at, ids) =>
      reader.db.prisma.franchise.findMany({ where: { AND: [atBlock(at), { restaurantId: { in: [...ids] } }] } }),
    (row) => row.restaurantId.toFixed(),
    block,
    restaurantId,
  );
}

/** Whether the lower-case `owner` holds restaurant `restaurantId`'s franchise NFT now (active or not). */
export async function ownsFranchise(sql: Queryable, owner: string, restaurantId: bigint): Promise<boolean> {
  const { rowCount } = await sql.query(
    `SELECT 1 FROM franchise WHERE restaurant_id = $1 AND ${currentSql()} AND owner = $2 LIMIT 1`,
    [restaurantId.toString(), owner],
  );
  return rowCount === 1;
}

/** The restaurants whose franchise the lower-case `owner` holds now, by id. */
export async function franchisesOwnedBy(sql: Queryable, owner: string): Promise<bigint[]> {
  const { rows } = await sql.query<{ restaurant_id: string }>(
    `SELECT restaurant_id FROM franchise WHERE owner = $1 AND ${currentSql()} ORDER BY restaurant_id`,
    [owner],
  );
  return rows.map((row) => BigInt(row.restaurant_id));
}

/**
 * SQL: the current owner of the restaurant whose id is the SQL expression `restaurantId` (null when
 * the franchise is not minted yet), for statements that store or compare it in one step.
 */
export const currentOwnerSql = (restaurantId: string): string =>
  `(SELECT f.owner FROM franchise f WHERE f.restaurant_id = ${restaurantId} AND ${currentSql("f")} LIMIT 1)`;

/** SQL: the first owner the restaurant with id `restaurantId` (an SQL expression) ever had. */
export const firstOwnerSql = (restaurantId: string): string =>
  `(SELECT f.owner FROM franchise f WHERE f.restaurant_id = ${restaurantId} ORDER BY f.block_from LIMIT 1)`;

/** SQL: whether the restaurant with id `restaurantId` (an SQL expression) takes orders now. */
export const activeNowSql = (restaurantId: string): string =>
  `EXISTS (SELECT 1 FROM franchise f WHERE f.restaurant_id = ${restaurantId} AND ${currentSql("f")} AND f.active)`;

/** SQL: the restaurant's `active` now (null while its franchise is not minted). */
export const currentActiveSql = (restaurantId: string): string =>
  `(SELECT active FROM franchise WHERE restaurant_id = ${restaurantId} AND ${currentSql()})`;

/** SQL: the current franchise rows, to join restaurants' profiles to. */
export const CURRENT_FRANCHISES = `(SELECT * FROM franchise WHERE ${currentSql()})`;

export interface RestaurantDay {
  readonly date: string;
  readonly orderCount: number;
  readonly revenue: string;
  readonly refunds: string;
  readonly platformFees: string;
  readonly rewards: string;
}

export interface DayRange {
  readonly from: string;
  readonly to: string;
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
             WHERE o.restaurant_id = $1 AND ${atBlockSql("o", "$4")}
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

/**
 * Restaurant `restaurantId`'s days in `range` (YYYY-MM-DD, validated by the caller), as the mirror
 * knew them at the end of `block`: the orders settled each day (token orders when fulfilled, card
 * orders when settled), what they paid, their platform fees, the day's card refunds and rewards.
 */
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
