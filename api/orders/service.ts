/**
 * Orders as customers place them. The price is computed here from the menu (never taken from the
 * client) in the same SQL statement that stores the order, so an order costs one round trip.
 * What happened on chain (escrow, settlement, refunds) is read from the mirror; the status a
 * customer sees combines the two: placed → paid → settled → fulfilled, or refunded.
 */
import { randomUUID } from "node:crypto";

import { keccak256, type Hex } from "viem";

import { onlyRow } from "../../lib/db/client.ts";

import { hasRole, type Principal } from "../auth/principal.ts";
import { formatGel } from "../money.ts";
import type { Platform } from "../platform.ts";
import { InvalidInput, Forbidden, NotFound, Conflict, type ErrorIssue } from "../errors.ts";
import { API_PREFIX } from "../rest/openapi.ts";
import { currentSql } from "../mirror/blocks.ts";
import { activeNowSql, currentActiveSql } from "../mirror/restaurants.ts";

export type OrderStatus = "placed" | "paid" | "settled" | "fulfilled" | "refunded";

export interface OrderLine {
  readonly id: string;
  readonly name: string;
  readonly unit_price_tetri: number;
  readonly quantity: number;
}

export interface OrderView {
  readonly id: string;
  readonly restaurant_id: string;
  readonly customer_id: string;
  readonly items: readonly (OrderLine & { unit_price: string; line_total: string })[];
  readonly total: string;
  readonly total_tetri: number;
  readonly currency: "GEL";
  readonly status: OrderStatus;
  readonly payment_method: "card" | "token" | null;
  readonly created_at: string;
  readonly paid_at: string | null;
  readonly settled_at: string | null;
  readonly fulfilled_at: string | null;
  readonly refunded_tetri: number;
  /** The order on chain: null until the chain has it. */
  readonly chain: {
    readonly order_id: string;
    readonly status: string | null;
    readonly tx_hash: string | null;
    readonly reward: string | null;
    readonly payment_ref: string | null;
  };
  readonly receipt_cid: string | null;
  readonly receipt_url: string | null;
  readonly pay_url: string;
}

/** The order's id on chain: keccak256 of its UUID's 16 bytes. */
export function chainOrderIdOf(id: string): Hex {
  return keccak256(`0x${id.replaceAll("-", "")}`);
}

export interface OrderRow {
  id: string;
  chain_order_id: string;
  restaurant_id: string;
  customer_id: string;
  items: OrderLine[];
  total_tetri: string;
  status: string;
  payment_method: "card" | "token" | null;
  receipt_cid: string | null;
  created_at: Date;
  paid_at: Date | null;
  fulfilled_at: Date | null;
  chain_status: string | null;
  chain_tx: string | null;
  chain_time: Date | null;
  reward: string | null;
  refunded_amount: string | null;
  payment_ref: string | null;
  chain_receipt_cid: string | null;
}

/** customer_order joined with its mirror row (when the chain has it). */
export const SELECT_ORDER = `
  SELECT co.id, co.chain_order_id, co.restaurant_id::text, co.customer_id, co.items, co.total_tetri::text,
         co.status, co.payment_method, co.receipt_cid, co.created_at, co.paid_at, co.fulfilled_at,
         o.status AS chain_status,
         CASE WHEN o.kind = 'token' AND o.status <> 'escrowed' THEN o.closed_tx ELSE o.placed_tx END AS chain_tx,
         CASE WHEN o.kind = 'token' AND o.status = 'fulfilled' THEN o.closed_at
              WHEN o.kind = 'card' THEN o.placed_at END AS chain_time,
         o.reward::text, o.refunded_amount::text, o.payment_ref, o.receipt_cid AS chain_receipt_cid
    FROM customer_order co
    LEFT JOIN "order" o ON o.order_id = co.chain_order_id AND ${currentSql("o")}`;

// The mirror's statuses: token orders escrowed → fulfilled | refunded | reclaimed; card orders
// settled → partially_refunded → refunded.
const REFUNDED = new Set(["refunded", "reclaimed"]);
const SETTLED = new Set(["fulfilled", "settled", "partially_refunded"]);

function statusOf(row: OrderRow): OrderStatus {
  if (row.chain_status !== null && REFUNDED.has(row.chain_status)) return "refunded";
  if (row.chain_status !== null && SETTLED.has(row.chain_status)) {
    return row.fulfilled_at === null ? "settled" : "fulfilled";
  }
  if (row.chain_status === "escrowed" || row.paid_at !== null) return "paid";
  return "placed";
}

export function orderView(row: OrderRow): OrderView {
  const receiptCid = row.chain_receipt_cid ?? row.receipt_cid;
  return {
    id: row.id,
    restaurant_id: row.restaurant_id,
    customer_id: row.customer_id,
    items: row.items.map((line) => ({
      ...line,
      unit_price: formatGel(BigInt(line.unit_price_tetri)),
      line_total: formatGel(BigInt(line.unit_price_tetri) * BigInt(line.quantity)),
    })),
    total: formatGel(BigInt(row.total_tetri)),
    total_tetri: Number(row.total_tetri),
    currency: "GEL",
    status: statusOf(row),
    payment_method: row.payment_method,
    created_at: row.created_at.toISOString(),
    paid_at: row.paid_at?.toISOString() ?? null,
    settled_at: row.chain_time?.toISOString() ?? null,
    fulfilled_at: row.fulfilled_at?.toISOString() ?? null,
    refunded_tetri: row.payment_method === "card" ? Number(row.refunded_amount ?? 0) : 0,
    chain: {
      order_id: row.chain_order_id,
      status: row.chain_status,
      tx_hash: row.chain_tx,
      reward: row.reward,
      payment_ref: row.payment_ref,
    },
    receipt_cid: receiptCid,
    receipt_url: receiptCid === null ? null : `/ipfs/${receiptCid}`,
    pay_url: `${API_PREFIX}/orders/${row.id}/pay`,
  };
}

export interface NewOrder {
  readonly restaurantId: bigint;
  readonly items: readonly { id: string; quantity: number }[];
  readonly customerId: string | undefined;
}

function customerFor(principal: Principal, order: NewOrder): string {
  if (principal.kind === "api_key") {
    if (principal.restaurantId !== order.restaurantId) {
      throw new Forbidden(`this API key acts for restaurant ${principal.restaurantId} only`);
    }
    if (order.customerId === undefined) throw new InvalidInput("a point-of-sale order names its customer_id");
    return order.customerId;
  }
  if (order.customerId === undefined || order.customerId === principal.userId) return principal.userId;
  if (hasRole(principal, "admin")) return order.customerId;
  throw new Forbidden("customers order for themselves: customer_id must be your own user id");
}

// One statement: price the lines from the menu, check the restaurant is open on chain, store.
// Nothing is inserted unless every line is an available item of that restaurant.
const INSERT_ORDER = `
  WITH wanted AS (
    SELECT w.id, w.quantity, w.n FROM unnest($3::uuid[], $4::int[]) WITH ORDINALITY AS w(id, quantity, n)
  ), priced AS (
    SELECT m.id, m.name, m.price_tetri, wanted.quantity, wanted.n
      FROM wanted JOIN menu_item m ON m.id = wanted.id AND m.restaurant_id = $2::bigint AND m.available
  )
  INSERT INTO customer_order (id, chain_order_id, restaurant_id, customer_id, items, total_tetri)
  SELECT $1, $5, $2::bigint, $6,
         jsonb_agg(jsonb_build_object('id', id, 'name', name, 'unit_price_tetri', price_tetri, 'quantity', quantity)
                   ORDER BY n),
         SUM(price_tetri * quantity)
    FROM priced
   WHERE ${activeNowSql("$2::numeric")}
  HAVING COUNT(*) = $7
  RETURNING created_at, items, total_tetri::text`;

/** Why nothing was inserted: the restaurant, or which lines. */
async function rejection(platform: Platform, order: NewOrder, customerId: string): Promise<Error> {
  const restaurant = await platform.db.pool.query<{ profile: boolean; active: boolean | null }>(
    `SELECT EXISTS (SELECT 1 FROM restaurant WHERE id = $1::bigint) AS profile,
            ${currentActiveSql("$1::numeric")} AS active`,
    [String(order.restaurantId)],
  );
  const { profile, active } = onlyRow(restaurant);
  if (!profile && active === null) return new NotFound(`restaurant ${order.restaurantId}`);
  if (active !== true) {
    return new Conflict(
      `restaurant ${order.restaurantId} is not taking orders (${active === null ? "not registered on chain yet" : "inactive"})`,
    );
  }
  const { rows } = await platform.db.pool.query<{ id: string; restaurant_id: string; available: boolean }>(
    `SELECT id, restaurant_id::text, available FROM menu_item WHERE id = ANY($1::uuid[])`,
    [order.items.map((item) => item.id)],
  );
  const found = new Map(rows.map((row) => [row.id, row]));
  const issues: ErrorIssue[] = [];
  order.items.forEach((item, index) => {
    const row = found.get(item.id);
    const path = `body.items.${index}.id`;
    if (row === undefined || row.restaurant_id !== String(order.restaurantId)) {
      issues.push({ path, message: `item ${item.id} is not on restaurant ${order.restaurantId}'s menu` });
    } else if (!row.available) {
      issues.push({ path, message: `item ${item.id} is not available now` });
    }
  });
  if (issues.length > 0) return new InvalidInput("some items cannot be ordered", issues);
  const customer = await platform.db.pool.query(`SELECT 1 FROM app_user WHERE id = $1`, [customerId]);
  if (customer.rowCount === 0) {
    return new InvalidInput("unknown customer", [{ path: "body.customer_id", message: `no customer ${customerId}` }]);
  }
  return new Conflict("the order could not be stored; try again");
}

export async function createOrder(platform: Platform, principal: Principal, order: NewOrder): Promise<OrderView> {
  const customerId = customerFor(principal, order);
  const id = randomUUID();
  const chainOrderId = chainOrderIdOf(id);
  let inserted: { created_at: Date; items: OrderLine[]; total_tetri: string } | undefined;
  try {
    const { rows } = await platform.db.pool.query<{ created_at: Date; items: OrderLine[]; total_tetri: string }>({
      name: "insert_order",
      text: INSERT_ORDER,
      values: [
        id,
        String(order.restaurantId),
        order.items.map((item) => item.id),
        order.items.map((item) => item.quantity),
        chainOrderId,
        customerId,
        order.items.length,
      ],
    });
    inserted = rows[0];
  } catch (error) {
    // A customer id that names nobody breaks the foreign key: the client's mistake.
    if ((error as { code?: string }).code !== "23503") throw error;
  }
  if (inserted === undefined) throw await rejection(platform, order, customerId);
  return orderView({
    id,
    chain_order_id: chainOrderId,
    restaurant_id: String(order.restaurantId),
    customer_id: customerId,
    items: inserted.items,
    total_tetri: inserted.total_tetri,
    status: "placed",
    payment_method: null,
    receipt_cid: null,
    created_at: inserted.created_at,
    paid_at: null,
    fulfilled_at: null,
    chain_status: null,
    chain_tx: null,
    chain_time: null,
    reward: null,
    refunded_amount: null,
    payment_ref: null,
    chain_receipt_cid: null,
  });
}

export async function findOrder(platform: Platform, id: string): Promise<OrderRow> {
  const { rows } = await platform.db.pool.query<OrderRow>(`${SELECT_ORDER} WHERE co.id = $1`, [id]);
  if (rows[0] === undefined) throw new NotFound(`order ${id}`);
  return rows[0];
}

/** Who may see an order: its customer, its restaurant (owner, API key), admins and auditors. */
export async function canSeeOrder(platform: Platform, principal: Principal, row: OrderRow): Promise<boolean> {
  if (principal.kind === "user" && principal.userId === row.customer_id) return true;
  if (hasRole(principal, "auditor")) return true;
  return platform.access.canActForRestaurant(principal, BigInt(row.restaurant_id));
}

export async function getOrder(platform: Platform, principal: Principal, id: string): Promise<OrderView> {
  const row = await findOrder(platform, id);
  if (!(await canSeeOrder(platform, principal, row))) throw new Forbidden("this is not your order");
  return orderView(row);
}

export interface OrderFilter {
  readonly restaurantId?: bigint;
  readonly customerId?: string;
  readonly before?: { createdAt: Date; id: string };
  readonly limit: number;
}

/** Newest first. Customers see their own orders; restaurants theirs; admins and auditors any. */
export async function listOrders(platform: Platform, principal: Principal, filter: OrderFilter): Promise<OrderView[]> {
  let { customerId } = filter;
  const { restaurantId } = filter;
  const seesAll = hasRole(principal, "admin") || hasRole(principal, "auditor");
  // A restaurant's owner and till list all of its orders; anyone else only their own.
  const forRestaurant =
    seesAll || (restaurantId !== undefined && (await platform.access.canActForRestaurant(principal, restaurantId)));
  if (!forRestaurant) {
    if (principal.kind === "api_key") {
      throw restaurantId === undefined
        ? new InvalidInput("an API key lists orders of its restaurant: add restaurant_id")
        : new Forbidden(`this API key acts for restaurant ${principal.restaurantId} only`);
    }
    if (customerId !== undefined && customerId !== principal.userId)
      throw new Forbidden("you may list your own orders only");
    customerId = principal.userId;
  }
  const { rows } = await platform.db.pool.query<OrderRow>(
    `${SELECT_ORDER}
      WHERE ($1::bigint IS NULL OR co.restaurant_id = $1) AND ($2::uuid IS NULL OR co.customer_id = $2)
        AND ($3::timestamptz IS NULL OR (co.created_at, co.id) < ($3, $4::uuid))
      ORDER BY co.created_at DESC, co.id DESC LIMIT $5`,
    [
      restaurantId?.toString() ?? null,
      customerId ?? null,
      filter.before?.createdAt ?? null,
      filter.before?.id ?? null,
      filter.limit,
    ],
  );
  return rows.map(orderView);
}

/** The kitchen served a settled order. */
export async function fulfilOrder(platform: Platform, principal: Principal, id: string): Promise<OrderView> {
  const row = await findOrder(platform, id);
  if (!(await platform.access.canActForRestaurant(principal, BigInt(row.restaurant_id)))) {
    throw new Forbidden("only the order's restaurant marks it served");
  }
  const status = statusOf(row);
  if (status === "fulfilled") return orderView(row);
  if (status !== "settled") throw new Conflict(`order ${id} is ${status}; only a settled order can be served`);
  await platform.db.pool.query(`UPDATE customer_order SET status = 'fulfilled', fulfilled_at = now() WHERE id = $1`, [
    id,
  ]);
  return orderView(await findOrder(platform, id));
}
