/**
 * Card payments through the card processor (Stripe, or the local one speaking its API). Paying
 * creates a payment in GEL whose idempotency key is derived from the order, so retries never charge
 * twice; the webhook (payments/webhook.ts) turns its success into exactly one on-chain settlement.
 */

import type { Principal } from "../auth/principal.ts";
import type { Platform } from "../platform.ts";
import { Forbidden, Conflict } from "../errors.ts";
import { findOrder, type OrderRow } from "../orders/service.ts";
import type { CardIntent } from "./card-processor.ts";
import { cardError } from "./errors.ts";

export interface CardPaymentView {
  readonly method: "card";
  readonly payment_intent_id: string;
  /** For Stripe.js / the mobile SDKs to confirm the payment on the customer's device. */
  readonly client_secret: string | null;
  readonly amount_tetri: number;
  readonly currency: "GEL";
  /** The PaymentIntent's status: requires_payment_method, requires_confirmation, processing, succeeded, … */
  readonly status: string;
}

function viewOf(intent: CardIntent): CardPaymentView {
  return {
    method: "card",
    payment_intent_id: intent.id,
    client_secret: intent.clientSecret,
    amount_tetri: intent.amount,
    currency: "GEL",
    status: intent.status,
  };
}

const METHOD_NAMES = { card: "card", token: "the stable token" } as const;

/** Claims the order for a payment method; a second method for the same order is a conflict. */
export async function choosePaymentMethod(platform: Platform, row: OrderRow, method: "card" | "token"): Promise<void> {
  let current: string | null = null;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const { rowCount } = await platform.db.pool.query(
      `UPDATE customer_order SET payment_method = $2 WHERE id = $1 AND (payment_method IS NULL OR payment_method = $2)`,
      [row.id, method],
    );
    if (rowCount === 1) return;
    // A statement of its own: it sees the claim that beat this one (the UPDATE's snapshot may not).
    const { rows } = await platform.db.pool.query<{ payment_method: string | null }>(
      "SELECT payment_method FROM customer_order WHERE id = $1",
      [row.id],
    );
    current = rows[0]?.payment_method ?? null;
    if (current !== null) break;
  }
  const holder = current === "card" || current === "token" ? METHOD_NAMES[current] : "another payment method";
  throw new Conflict(
    `order ${row.id} is already being paid by ${holder}; it cannot also be paid by ${METHOD_NAMES[method]}`,
  );
}

/**
 * Runs `work` holding a Postgres advisory lock named by `name`, on a connection of its own (so a
 * crash releases it); when another request holds it, throws `busy()` at once instead of waiting.
 */
export async function exclusively<T>(
  platform: Platform,
  name: string,
  busy: () => Error,
  work: () => Promise<T>,
): Promise<T> {
  const client = await platform.db.pool.connect();
  let healthy = true;
  try {
    const { rows } = await client.query<{ locked: boolean }>(
      "SELECT pg_try_advisory_lock(hashtext('hotpot-api'), hashtext($1)) AS locked",
      [name],
    );
    if (rows[0]?.locked !== true) throw busy();
    try {
      return await work();
    } finally {
      await client.query("SELECT pg_advisory_unlock(hashtext('hotpot-api'), hashtext($1))", [name]).catch(() => {
        // The connection is dropped below, which releases the lock with it.
        healthy = false;
      });
    }
  } finally {
    client.release(!healthy);
  }
}

/** The order, if `principal` may pay it: its customer, or its restaurant's till (owner, API key) or an admin. */
export async function requirePayable(platform: Platform, principal: Principal, id: string): Promise<OrderRow> {
  const row = await findOrder(platform, id);
  const isCustomer = principal.kind === "user" && principal.userId === row.customer_id;
  if (!isCustomer && !(await platform.access.canActForRestaurant(principal, BigInt(row.restaurant_id)))) {
    throw new Forbidden("only the order's customer or its restaurant pays it");
  }
  if (row.paid_at !== null || row.chain_status !== null) throw new Conflict(`order ${id} is already paid`);
  return row;
}

export async function startCardPayment(
  platform: Platform,
  principal: Principal,
  id: string,
  paymentMethod: string | undefined,
): Promise<CardPaymentView> {
  // One payment attempt per order at a time: a parallel one is told so, instead of racing the processor.
  return exclusively(
    platform,
    `order-pay:${id}`,
    () =>
      new Conflict(`order ${id} is being paid by card in another request right now; wait for it, then check the order`),
    () => payByCard(platform, principal, id, paymentMethod),
  );
}

async function payByCard(
  platform: Platform,
  principal: Principal,
  id: string,
  paymentMethod: string | undefined,
): Promise<CardPaymentView> {
  const row = await requirePayable(platform, principal, id);
  // A request that waited out the winner's lock finds its payment through at the processor before the
  // webhook marks the order paid: say so, rather than confirm the same PaymentIntent a second time.
  const { rows: through } = await platform.db.pool.query<{ status: string }>(
    `SELECT status FROM card_payment WHERE order_id = $1 AND status IN ('succeeded', 'processing') LIMIT 1`,
    [row.id],
  );
  if (through[0] !== undefined) {
    throw new Conflict(
      through[0].status === "succeeded"
        ? `order ${id} is already paid by card; the order page shows it as soon as the processor's confirmation arrives`
        : `order ${id} is being paid by card: the processor is still processing the payment`,
    );
  }
  await choosePaymentMethod(platform, row, "card");
  const { cards } = platform;
  try {
    const intent = await cards.createIntent({
      amount: Number(row.total_tetri),
      currency: "gel",
      description: `The Hot Pot Spot order ${row.id}`,
      metadata: { order_id: row.id, chain_order_id: row.chain_order_id, restaurant_id: row.restaurant_id },
      // Same order, same PaymentIntent: a retried request cannot create a second charge.
      idempotencyKey: `order-${row.id}-payment-intent`,
    });
    await platform.db.pool.query(
      `INSERT INTO card_payment (payment_intent_id, order_id, amount_tetri, status) VALUES ($1, $2, $3, $4)
       ON CONFLICT (payment_intent_id) DO NOTHING`,
      [intent.id, row.id, String(intent.amount), intent.status],
    );
    if (paymentMethod === undefined || intent.status === "succeeded" || intent.status === "processing") {
      return viewOf(intent);
    }
    const confirmed = await cards.confirmIntent(intent.id, paymentMethod);
    await platform.db.pool.query(
      `UPDATE card_payment SET status = $2, updated_at = now() WHERE payment_intent_id = $1 AND status <> 'succeeded'`,
      [confirmed.id, confirmed.status],
    );
    return viewOf(confirmed);
  } catch (error) {
    throw cardError(error);
  }
}

export interface RefundView {
  readonly method: "card" | "token";
  readonly refund_id: string | null;
  readonly amount_tetri: number;
  readonly status: string;
}

/**
 * What the processor still lets be refunded of the order's card payment, in tetri: its charge's
 * amount less what was refunded. The processor knows at once; the mirror only once the refund's
 * webhook went through the chain. Undefined when the order has no successful card payment.
 */
export async function refundableByCard(platform: Platform, row: OrderRow): Promise<bigint | undefined> {
  const { rows } = await platform.db.pool.query<{ payment_intent_id: string }>(
    `SELECT payment_intent_id FROM card_payment WHERE order_id = $1 AND status = 'succeeded'`,
    [row.id],
  );
  if (rows[0] === undefined) return undefined;
  try {
    return await platform.cards.refundable(rows[0].payment_intent_id);
  } catch (error) {
    throw cardError(error);
  }
}

/** A card refund through the processor; the chain records it when the processor confirms (webhook). */
export async function refundCard(
  platform: Platform,
  row: OrderRow,
  amountTetri: bigint,
  idempotencyKey: string | undefined,
): Promise<RefundView> {
  const { rows } = await platform.db.pool.query<{ payment_intent_id: string }>(
    `SELECT payment_intent_id FROM card_payment WHERE order_id = $1 AND status = 'succeeded'`,
    [row.id],
  );
  if (rows[0] === undefined) throw new Conflict(`order ${row.id} has no successful card payment to refund`);
  try {
    const refund = await platform.cards.refund({
      intentId: rows[0].payment_intent_id,
      amount: Number(amountTetri),
      metadata: { order_id: row.id },
      idempotencyKey: idempotencyKey === undefined ? undefined : `order-${row.id}-refund-${idempotencyKey}`,
    });
    return { method: "card", refund_id: refund.id, amount_tetri: refund.amount, status: refund.status };
  } catch (error) {
    throw cardError(error);
  }
}
