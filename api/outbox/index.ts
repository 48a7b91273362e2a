/**
 * The outbox: how the API asks the relayer for an on-chain effect. A row is written inside the
 * same database transaction as the state change that calls for it and is never updated by the
 * API; its `dedupe_key` names the off-chain event, so a retried webhook or request adds nothing.
 * Every writer goes through `enqueue`, and every dedupe key is spelled here.
 */
import type pg from "pg";

import { PAYLOAD_CODECS, type OutboxKindName, type OutboxPayloads } from "./payloads.ts";

export * from "./payloads.ts";

/** What a dedupe key is built of, besides the kind: the off-chain event it names. */
const KEY_PREFIX: { readonly [K in OutboxKindName]: string } = {
  settle_card: "settle:",
  record_card_refund: "refund:",
  fulfill_token: "fulfill:",
  refund_token: "refund-token:",
  register_franchise: "franchise:",
  kyc_attest: "kyc-attest:",
  kyc_revoke: "kyc-revoke:",
};

/** Kinds whose event is named by something the payload does not carry (the processor's refund id, the KYC case). */
interface ExternalSubjects {
  record_card_refund: { readonly refundId: string };
  kyc_attest: { readonly caseId: string };
  kyc_revoke: { readonly caseId: string };
}

type Reference<K extends OutboxKindName> = K extends keyof ExternalSubjects ? ExternalSubjects[K] : undefined;

const EXTERNAL: ReadonlySet<OutboxKindName> = new Set<keyof ExternalSubjects>([
  "record_card_refund",
  "kyc_attest",
  "kyc_revoke",
]);

/** The subject of each kind's dedupe key: the off-chain event that calls for the row. */
const SUBJECT: {
  readonly [K in OutboxKindName]: (payload: OutboxPayloads[K], reference: Reference<K>) => string;
} = {
  // One settlement per order, whichever webhook (or refund arriving first) asks for it.
  settle_card: (payment) => payment.orderId,
  record_card_refund: (_, reference) => reference.refundId,
  fulfill_token: (fulfilment) => fulfilment.order.orderId,
  refund_token: (refund) => refund.order.orderId,
  register_franchise: (registration) => registration.restaurantId.toString(),
  kyc_attest: (_, reference) => reference.caseId,
  kyc_revoke: (_, reference) => reference.caseId,
};

/** The dedupe key of `kind` for `subject` (an order id, a refund id, a case id, a restaurant id). */
export function dedupeKey(kind: OutboxKindName, subject: string): string {
  return `${KEY_PREFIX[kind]}${subject}`;
}

/** SQL for the dedupe key of `kind` whose subject is the SQL expression `subject` (e.g. `co.chain_order_id`). */
export function dedupeKeySql(kind: OutboxKindName, subject: string): string {
  return `('${KEY_PREFIX[kind]}' || ${subject})`;
}

/** SQL: whether a row of `kind` for the subject `subject` (an SQL expression) was ever enqueued. */
export function queuedSql(kind: OutboxKindName, subject: string): string {
  return `EXISTS (SELECT 1 FROM outbox WHERE dedupe_key = ${dedupeKeySql(kind, subject)})`;
}

export interface EnqueueOptions {
  /** Dedupe keys of rows that, when present, mean this one must not be written (e.g. a refund after a fulfilment). */
  readonly unlessQueued?: readonly string[];
}

type ReferenceAndOptions<K extends OutboxKindName> = K extends keyof ExternalSubjects
  ? [reference: ExternalSubjects[K], options?: EnqueueOptions]
  : [options?: EnqueueOptions];

type Queryable = Pick<pg.PoolClient, "query">;

/**
 * Writes one outbox row of `kind` (inside the caller's transaction `tx`) unless one with the same
 * dedupe key exists. Returns whether a row was written. Call `platform.chain.wake()` after the commit.
 */
export async function enqueue<K extends OutboxKindName>(
  tx: Queryable,
  kind: K,
  payload: OutboxPayloads[K],
  ...rest: ReferenceAndOptions<K>
): Promise<boolean> {
  const [reference, options] = (EXTERNAL.has(kind) ? rest : [undefined, ...rest]) as [
    Reference<K>,
    EnqueueOptions | undefined,
  ];
  const key = dedupeKey(kind, SUBJECT[kind](payload, reference));
  const json = JSON.stringify(PAYLOAD_CODECS[kind].encode(payload));
  const unless = options?.unlessQueued ?? [];
  const { rowCount } =
    unless.length === 0
      ? await tx.query(
          `INSERT INTO outbox (kind, dedupe_key, payload) VALUES ($1, $2, $3) ON CONFLICT (dedupe_key) DO NOTHING`,
          [kind, key, json],
        )
      : await tx.query(
          `INSERT INTO outbox (kind, dedupe_key, payload)
           SELECT $1, $2, $3 WHERE NOT EXISTS (SELECT 1 FROM outbox WHERE dedupe_key = ANY($4::text[]))
           ON CONFLICT (dedupe_key) DO NOTHING`,
          [kind, key, json, unless],
        );
  return rowCount === 1;
}
