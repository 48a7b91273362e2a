/**
 * Reconciliation of card payments for auditors: what the card processor told the API
 * (`card_payment`, `customer_order`, the refunds it queued in the outbox) against what the chain
 * recorded (the mirror's current `order` row and its `card_refund` events). One row per card
 * order, whichever side knows it; each row is classified by `classify`, a pure function, so the
 * rules are tested without a database.
 *
 * Payments and refunds take a few seconds to reach the chain (webhook → outbox → relayer → block →
 * indexer). Within `SETTLEMENT_GRACE_SECONDS` of the processor's confirmation a row missing its
 * settlement (or a refund) is `pending`; after it, a `mismatch`.
 */
import type pg from "pg";
import { keccak256, toHex } from "viem";

import { currentSql } from "../mirror/blocks.ts";

/** How long a confirmed payment or refund may take to reach the chain before it counts as missing. */
export const SETTLEMENT_GRACE_SECONDS = 600;

export const MISMATCH_REASONS = [
  /** The processor says succeeded; no settlement on chain after the grace period. */
  "not_settled",
  /** A card settlement on chain without a succeeded card payment in the API. */
  "settled_without_payment",
  /** The amounts of the order, the processor's payment and the chain's settlement are not all equal. */
  "amount_differs",
  /** The chain's payment reference is not keccak256 of the PaymentIntent id. */
  "payment_ref_differs",
  /** The receipt CID the API gave the customer is not the one the chain's digest names. */
  "receipt_differs",
  /** Refunds: what the processor refunded, what the chain's order says and its refund events disagree. */
  "refund_differs",
] as const;
export type MismatchReason = (typeof MISMATCH_REASONS)[number];

export const STATES = ["reconciled", "pending", "unpaid", "mismatch"] as const;
export type ReconciliationState = (typeof STATES)[number];

/** One joined row as the database returns it (amounts as decimal strings). */
export interface ReconciliationSource {
  readonly chain_order_id: string;
  readonly at: Date;
  readonly order_id: string | null;
  readonly order_status: string | null;
  readonly order_total_tetri: string | null;
  readonly order_receipt_cid: string | null;
  readonly paid_at: Date | null;
  readonly payment_intent_id: string | null;
  readonly payment_amount_tetri: string | null;
  readonly payment_status: string | null;
  readonly payment_updated_at: Date | null;
  readonly chain_status: string | null;
  readonly chain_paid_tetri: string | null;
  readonly chain_refunded_tetri: string | null;
  readonly chain_payment_ref: string | null;
  readonly chain_receipt_cid: string | null;
  readonly chain_block: string | null;
  readonly chain_tx: string | null;
  readonly chain_closed_tx: string | null;
  readonly refund_events_tetri: string;
  readonly refund_events: number;
  readonly api_refunded_tetri: string;
  readonly last_refund_at: Date | null;
}

export interface ReconciliationRow {
  readonly chain_order_id: string;
  readonly at: string;
  readonly state: ReconciliationState;
  readonly mismatches: MismatchReason[];
  readonly order: {
    readonly id: string;
    readonly status: string;
    readonly total_tetri: string;
    readonly receipt_cid: string | null;
    readonly paid_at: string | null;
  } | null;
  readonly payment: {
    readonly payment_intent_id: string;
    readonly amount_tetri: string;
    readonly status: string;
  } | null;
  readonly chain: {
    readonly status: string;
    readonly paid_tetri: string;
    readonly refunded_tetri: string;
    readonly payment_ref: string | null;
    readonly receipt_cid: string | null;
    readonly block: string;
    readonly settlement_tx: string;
    readonly last_tx: string | null;
  } | null;
  readonly refunds: {
    readonly processor_tetri: string;
    readonly chain_events_tetri: string;
    readonly chain_events: number;
  };
}

const older = (at: Date | null, now: Date, graceSeconds: number): boolean =>
  at !== null && now.getTime() - at.getTime() > graceSeconds * 1000;

/** The state of one row and, when it is a mismatch, every reason. */
export function classify(
  row: ReconciliationSource,
  now: Date,
  graceSeconds = SETTLEMENT_GRACE_SECONDS,
): { state: ReconciliationState; mismatches: MismatchReason[] } {
  const reasons: MismatchReason[] = [];
  let pending = false;
  const succeeded = row.payment_status === "succeeded";
  const onChain = row.chain_status !== null;
  if (succeeded && !onChain) {
    if (older(row.paid_at ?? row.payment_updated_at, now, graceSeconds)) reasons.push("not_settled");
    else pending = true;
  }
  if (onChain && !succeeded) reasons.push("settled_without_payment");
  // The webhook refuses to settle a payment whose amount differs from its order's and marks it so.
  if (row.payment_status === "amount_mismatch") reasons.push("amount_differs");
  else {
    const amounts = [row.order_total_tetri, succeeded ? row.payment_amount_tetri : null, row.chain_paid_tetri].filter(
      (amount): amount is string => amount !== null,
    );
    if (new Set(amounts.map((amount) => BigInt(amount))).size > 1) reasons.push("amount_differs");
  }
  if (onChain && row.payment_intent_id !== null && succeeded) {
    const expected = keccak256(toHex(row.payment_intent_id));
    if (row.chain_payment_ref?.toLowerCase() !== expected) reasons.push("payment_ref_differs");
  }
  if (onChain && row.order_id !== null && row.order_receipt_cid !== row.chain_receipt_cid) {
    reasons.push("receipt_differs");
  }
  const processorRefunded = BigInt(row.api_refunded_tetri);
  const chainRefunded = BigInt(row.chain_refunded_tetri ?? 0);
  const eventsRefunded = BigInt(row.refund_events_tetri);
  if (chainRefunded !== eventsRefunded) reasons.push("refund_differs");
  else if (processorRefunded !== chainRefunded) {
    // A refund the processor confirmed moments ago may still be on its way to the chain.
    if (processorRefunded > chainRefunded && !older(row.last_refund_at, now, graceSeconds)) pending = true;
    else reasons.push("refund_differs");
  }
  if (reasons.length > 0) return { state: "mismatch", mismatches: reasons };
  if (pending) return { state: "pending", mismatches: [] };
  if (!onChain) return { state: "unpaid", mismatches: [] };
  return { state: "reconciled", mismatches: [] };
}

export function reconciliationRow(source: ReconciliationSource, now: Date, graceSeconds?: number): ReconciliationRow {
  const { state, mismatches } = classify(source, now, graceSeconds);
  return {
    chain_order_id: source.chain_order_id,
    at: source.at.toISOString(),
    state,
    mismatches,
    order:
      source.order_id === null
        ? null
        : {
            id: source.order_id,
            status: source.order_status ?? "placed",
            total_tetri: source.order_total_tetri ?? "0",
            receipt_cid: source.order_receipt_cid,
            paid_at: source.paid_at?.toISOString() ?? null,
          },
    payment:
      source.payment_intent_id === null
        ? null
        : {
            payment_intent_id: source.payment_intent_id,
            amount_tetri: source.payment_amount_tetri ?? "0",
            status: source.payment_status ?? "unknown",
          },
    chain:
      source.chain_status === null
        ? null
        : {
            status: source.chain_status,
            paid_tetri: source.chain_paid_tetri ?? "0",
            refunded_tetri: source.chain_refunded_tetri ?? "0",
            payment_ref: source.chain_payment_ref,
            receipt_cid: source.chain_receipt_cid,
            block: source.chain_block ?? "0",
            settlement_tx: source.chain_tx ?? "",
            last_tx: source.chain_closed_tx,
          },
    refunds: {
      processor_tetri: source.api_refunded_tetri,
      chain_events_tetri: source.refund_events_tetri,
      chain_events: source.refund_events,
    },
  };
}

/**
 * Card orders as the API knows them (the succeeded PaymentIntent, else the latest) joined in full
 * with the mirror's card orders, newest first by (time, chain order id). Refund sums are read per
 * row: a page is small, and outbox has no index on the payload.
 */
const JOINED = `
  WITH api AS (
    SELECT co.id::text AS order_id, co.chain_order_id, co.status AS order_status,
           co.total_tetri::text AS order_total_tetri, co.receipt_cid AS order_receipt_cid, co.created_at, co.paid_at,
           cp.payment_intent_id, cp.amount_tetri::text AS payment_amount_tetri, cp.status AS payment_status,
           cp.updated_at AS payment_updated_at
      FROM customer_order co
      JOIN LATERAL (SELECT payment_intent_id, amount_tetri, status, updated_at FROM card_payment
                     WHERE order_id = co.id
                     ORDER BY status = 'succeeded' DESC, updated_at DESC LIMIT 1) cp ON true
  ),
  chain AS (
    SELECT order_id, status, paid::text, refunded_amount::text, payment_ref, receipt_cid, placed_block::text,
           placed_at, placed_tx, closed_tx
      FROM "order" WHERE kind = 'card' AND ${currentSql()}
  ),
  joined AS (
    SELECT COALESCE(api.chain_order_id, chain.order_id) AS chain_order_id,
           COALESCE(api.created_at, chain.placed_at) AS at,
           api.order_id, api.order_status, api.order_total_tetri, api.order_receipt_cid, api.paid_at,
           api.payment_intent_id, api.payment_amount_tetri, api.payment_status, api.payment_updated_at,
           chain.status AS chain_status, chain.paid AS chain_paid_tetri,
           chain.refunded_amount AS chain_refunded_tetri, chain.payment_ref AS chain_payment_ref,
           chain.receipt_cid AS chain_receipt_cid, chain.placed_block AS chain_block, chain.placed_tx AS chain_tx,
           chain.closed_tx AS chain_closed_tx
      FROM api FULL OUTER JOIN chain ON chain.order_id = api.chain_order_id
  )
  SELECT j.*,
         (SELECT COALESCE(sum(amount), 0)::text FROM card_refund r WHERE r.order_id = j.chain_order_id)
           AS refund_events_tetri,
         (SELECT count(*)::int FROM card_refund r WHERE r.order_id = j.chain_order_id) AS refund_events,
         (SELECT COALESCE(sum((payload->>'amount')::numeric), 0)::text FROM outbox
           WHERE kind = 'record_card_refund' AND payload->>'orderId' = j.chain_order_id) AS api_refunded_tetri,
         (SELECT max(created_at) FROM outbox
           WHERE kind = 'record_card_refund' AND payload->>'orderId' = j.chain_order_id) AS last_refund_at
    FROM joined j
   WHERE $1::timestamptz IS NULL OR (j.at, j.chain_order_id) < ($1::timestamptz, $2::text)
   ORDER BY j.at DESC, j.chain_order_id DESC
   LIMIT $3`;

export interface Cursor {
  readonly at: Date;
  readonly chainOrderId: string;
}

export const cursorOf = (row: ReconciliationRow): string => `${row.at}~${row.chain_order_id}`;

const BATCH = 200;

async function* scan(pool: pg.Pool, before: Cursor | undefined): AsyncGenerator<ReconciliationSource> {
  let cursor = before;
  for (;;) {
    const { rows } = await pool.query<ReconciliationSource>(JOINED, [
      cursor?.at ?? null,
      cursor?.chainOrderId ?? "",
      BATCH,
    ]);
    yield* rows;
    const last = rows.at(-1);
    if (rows.length < BATCH || last === undefined) return;
    cursor = { at: last.at, chainOrderId: last.chain_order_id };
  }
}

export interface ReconciliationPage {
  readonly rows: ReconciliationRow[];
  readonly next_before: string | null;
  readonly grace_seconds: number;
}

/** A page, newest first; with `onlyMismatches` it reads on until the page is full or the data ends. */
export async function listReconciliation(
  pool: pg.Pool,
  options: { before?: Cursor; limit: number; onlyMismatches: boolean; now?: Date },
): Promise<ReconciliationPage> {
  const now = options.now ?? new Date();
  const rows: ReconciliationRow[] = [];
  for await (const source of scan(pool, options.before)) {
    const row = reconciliationRow(source, now);
    if (options.onlyMismatches && row.state !== "mismatch") continue;
    rows.push(row);
    if (rows.length === options.limit) {
      // As in the order lists, a full page has a cursor (the next page may turn out empty).
      const last = rows[rows.length - 1];
      return { rows, next_before: last === undefined ? null : cursorOf(last), grace_seconds: SETTLEMENT_GRACE_SECONDS };
    }
  }
  return { rows, next_before: null, grace_seconds: SETTLEMENT_GRACE_SECONDS };
}

export interface ReconciliationSummary {
  readonly total: number;
  readonly by_state: Record<ReconciliationState, number>;
  readonly by_reason: Record<MismatchReason, number>;
  readonly grace_seconds: number;
  readonly as_of: string;
}

/** Counts over every card order. */
export async function summarizeReconciliation(pool: pg.Pool, now = new Date()): Promise<ReconciliationSummary> {
  const byState = Object.fromEntries(STATES.map((state) => [state, 0])) as Record<ReconciliationState, number>;
  const byReason = Object.fromEntries(MISMATCH_REASONS.map((reason) => [reason, 0])) as Record<MismatchReason, number>;
  let total = 0;
  for await (const source of scan(pool, undefined)) {
    const { state, mismatches } = classify(source, now);
    total += 1;
    byState[state] += 1;
    for (const reason of mismatches) byReason[reason] += 1;
  }
  return {
    total,
    by_state: byState,
    by_reason: byReason,
    grace_seconds: SETTLEMENT_GRACE_SECONDS,
    as_of: now.toISOString(),
  };
}
