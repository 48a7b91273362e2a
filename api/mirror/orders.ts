/** Orders in the mirror (`order`, versioned): token orders in escrow and card orders settled on chain. */
import type { Database } from "../../lib/db/client.ts";
import { onlyRow } from "../../lib/db/client.ts";
import type { Order as OrderRow, Prisma } from "../../lib/db/generated/client.ts";
import type { Address, Hex } from "viem";
import { atBlock, currentSql, type AtBlock, type ListSource, type Queryable } from "./blocks.ts";
import { loadAtBlock, type MirrorReader } from "./loader.ts";

export type { OrderRow };
export type OrderNode = AtBlock<OrderRow>;

/** A validated order filter; every condition given must hold. */
export interface OrderQuery {
  readonly orderIds?: readonly string[];
  readonly customer?: string;
  readonly restaurantId?: bigint;
  readonly kind?: string;
  readonly status?: string;
  readonly statuses?: readonly string[];
  readonly placedFrom?: bigint;
  readonly placedTo?: bigint;
  readonly placedAtFrom?: Date;
  readonly placedBefore?: Date;
  /** Orders whose state began at or after this block. */
  readonly changedFrom?: bigint;
}

/** The orders at the end of `block` that match every one of `queries` (e.g. a parent's scope and a filter). */
export function ordersWhere(block: bigint, ...queries: OrderQuery[]): Prisma.OrderWhereInput {
  return { AND: [atBlock(block), ...queries.flatMap(orderConditions)] };
}

function orderConditions(query: OrderQuery): Prisma.OrderWhereInput[] {
  return [
    query.orderIds !== undefined ? { orderId: { in: [...query.orderIds] } } : {},
    query.customer !== undefined ? { customer: query.customer } : {},
    query.restaurantId !== undefined ? { restaurantId: query.restaurantId.toString() } : {},
    query.kind !== undefined ? { kind: query.kind } : {},
    query.status !== undefined ? { status: query.status } : {},
    query.statuses !== undefined ? { status: { in: [...query.statuses] } } : {},
    query.placedFrom !== undefined ? { placedBlock: { gte: query.placedFrom } } : {},
    query.placedTo !== undefined ? { placedBlock: { lte: query.placedTo } } : {},
    query.placedAtFrom !== undefined ? { placedAt: { gte: query.placedAtFrom } } : {},
    query.placedBefore !== undefined ? { placedAt: { lt: query.placedBefore } } : {},
    query.changedFrom !== undefined ? { blockFrom: { gte: query.changedFrom } } : {},
  ];
}

export function orderRows(db: Database): ListSource<OrderRow> {
  return {
    findMany: (args) => db.prisma.order.findMany(args),
    count: (args) => db.prisma.order.count(args),
  };
}

/** An order at `block` by its bytes32 id (lower-case hex). */
export function loadOrder(reader: MirrorReader, block: bigint, orderId: string): Promise<OrderNode | undefined> {
  return loadAtBlock(
    reader,
    "order",
    (at, ids) => reader.db.prisma.order.findMany({ where: { AND: [atBlock(at), { orderId: { in: [...ids] } }] } }),
    (row) => row.orderId,
    block,
    orderId,
  );
}

/** The orders of `orderIds` at `block`, by id. */
export function ordersAt(db: Database, block: bigint, orderIds: readonly string[]): Promise<OrderRow[]> {
  return db.prisma.order.findMany({
    where: { AND: [atBlock(block), { orderId: { in: [...orderIds] } }] },
    orderBy: { orderId: "asc" },
  });
}

/** Up to `limit` orders matching `query` at `block`, oldest change first. */
export function ordersByChange(db: Database, block: bigint, query: OrderQuery, limit: number): Promise<OrderRow[]> {
  return db.prisma.order.findMany({
    where: ordersWhere(block, query),
    orderBy: [{ blockFrom: "asc" }, { orderId: "asc" }],
    take: limit,
  });
}

/** The kind ("token" | "card") of the order as the mirror knows it now; undefined before it is indexed. */
export async function currentOrderKind(sql: Queryable, orderId: string): Promise<string | undefined> {
  const { rows } = await sql.query<{ kind: string }>(
    `SELECT kind FROM "order" WHERE order_id = $1 AND ${currentSql()}`,
    [orderId],
  );
  return rows[0]?.kind;
}

/** A token order's escrow terms as the customer signed them, columns named as the outbox payload wants them. */
export interface TokenEscrowRow {
  chain_order_id: Hex;
  restaurant_id: string;
  customer: Address;
  token: Address;
  price: string;
  discount: string;
  points_redeemed: string;
  reclaim_after: Date;
}

/** The escrow of token order `orderId` now; throws unless the mirror has it. */
export async function currentTokenEscrow(sql: Queryable, orderId: string): Promise<TokenEscrowRow> {
  return onlyRow(
    await sql.query<TokenEscrowRow>(
      `SELECT order_id AS chain_order_id, restaurant_id::text, customer, token, price::text, discount::text,
              points_redeemed::text, reclaim_after
         FROM "order" WHERE order_id = $1 AND ${currentSql()}`,
      [orderId],
    ),
  );
}

/** How many orders the mirror holds now, by kind and status. */
export async function currentOrderCounts(sql: Queryable): Promise<{ kind: string; status: string; count: string }[]> {
  const { rows } = await sql.query<{ kind: string; status: string; count: string }>(
    `SELECT kind, status, count(*)::text AS count FROM "order" WHERE ${currentSql()} GROUP BY kind, status`,
  );
  return rows;
}
