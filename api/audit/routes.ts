/**
 * REST: the reconciliation of card payments with their on-chain settlements and receipts, for
 * auditors and admins (`/audit/reconciliation`, `/audit/reconciliation/summary`).
 */
import * as z from "zod";

import { hasRole, type UserPrincipal } from "../auth/principal.ts";
import type { Platform } from "../platform.ts";
import { forbidden } from "../rest/errors.ts";
import { defineRoute, type Route } from "../rest/route.ts";
import { Limit, Timestamp } from "../rest/schemas.ts";
import {
  listReconciliation,
  MISMATCH_REASONS,
  SETTLEMENT_GRACE_SECONDS,
  STATES,
  summarizeReconciliation,
} from "./reconciliation.ts";

const Tetri = z
  .string()
  .regex(/^\d+$/)
  .meta({ description: "An amount in GEL tetri", examples: ["5850"] });
const Reason = z.enum(MISMATCH_REASONS).meta({
  description:
    "not_settled: the processor confirmed the payment but the chain has no settlement after the grace period; " +
    "settled_without_payment: a card settlement on chain with no succeeded card payment; " +
    "amount_differs: order total, payment amount and settled amount are not all equal; " +
    "payment_ref_differs: the chain's payment reference is not keccak256 of the PaymentIntent id; " +
    "receipt_differs: the API's receipt CID differs from the chain's; " +
    "refund_differs: processor refunds, the chain's refunded amount and its refund events disagree",
});
const State = z.enum(STATES).meta({
  description:
    "reconciled: paid, settled, everything agrees; pending: within the grace period; " +
    "unpaid: no succeeded payment and nothing on chain; mismatch: see mismatches",
});

const Row = z
  .object({
    chain_order_id: z.string().meta({ examples: [`0x${"ab".repeat(32)}`] }),
    at: Timestamp,
    state: State,
    mismatches: z.array(Reason),
    order: z
      .object({
        id: z.string(),
        status: z.string(),
        total_tetri: Tetri,
        receipt_cid: z.string().nullable(),
        paid_at: Timestamp.nullable(),
      })
      .nullable(),
    payment: z
      .object({
        payment_intent_id: z.string().meta({ examples: ["pi_3Nf1"] }),
        amount_tetri: Tetri,
        status: z.string().meta({ examples: ["succeeded"] }),
      })
      .nullable(),
    chain: z
      .object({
        status: z.string().meta({ examples: ["settled"] }),
        paid_tetri: Tetri,
        refunded_tetri: Tetri,
        payment_ref: z.string().nullable(),
        receipt_cid: z.string().nullable(),
        block: z.string(),
        settlement_tx: z.string(),
        last_tx: z.string().nullable(),
      })
      .nullable(),
    refunds: z.object({ processor_tetri: Tetri, chain_events_tetri: Tetri, chain_events: z.number().int() }),
  })
  .meta({ id: "ReconciliationRow" });

/** `before` cursor: the time and chain order id of the last row seen. */
const Before = z
  .string()
  .regex(/^[\w.:-]+~0x[0-9a-f]{64}$/, "a cursor from next_before")
  .meta({ examples: [`2026-11-26T12:00:00.000Z~0x${"ab".repeat(32)}`] })
  .transform((cursor, context) => {
    const [at = "", chainOrderId = ""] = cursor.split("~");
    const date = new Date(at);
    if (Number.isNaN(date.getTime())) {
      context.addIssue({ code: "custom", message: "a cursor from next_before" });
      return z.NEVER;
    }
    return { at: date, chainOrderId };
  });

function auditorsOnly(principal: UserPrincipal): void {
  if (!hasRole(principal, "auditor") && !hasRole(principal, "admin"))
    throw forbidden("auditors and admins read the reconciliation");
}

export function auditRoutes(platform: Platform): Route[] {
  return [
    defineRoute({
      method: "get",
      path: "/audit/reconciliation",
      operationId: "listReconciliation",
      summary: "Card payments against their on-chain settlements and receipts, newest first (auditors, admins)",
      description:
        `One row per card order known to the API or the chain. A payment not on chain within ${SETTLEMENT_GRACE_SECONDS} s ` +
        "of the processor's confirmation (or a refund not recorded within that time) is a mismatch; before that, pending.",
      tags: ["audit"],
      access: "user",
      query: z.object({
        only: z.enum(["mismatches"]).optional().meta({ description: "Only rows with a mismatch" }),
        before: Before.optional().meta({ description: "next_before of the previous page" }),
        limit: Limit,
      }),
      responses: {
        200: {
          description: "A page of rows",
          schema: z.object({
            rows: z.array(Row),
            next_before: z.string().nullable(),
            grace_seconds: z.number().int(),
          }),
        },
      },
      errors: [403],
      handle: async ({ principal, query }) => {
        auditorsOnly(principal);
        const page = await listReconciliation(platform.db.pool, {
          before: query.before,
          limit: query.limit,
          onlyMismatches: query.only === "mismatches",
        });
        return { status: 200, body: page };
      },
    }),
    defineRoute({
      method: "get",
      path: "/audit/reconciliation/summary",
      operationId: "summarizeReconciliation",
      summary: "How many card orders are reconciled, pending, unpaid or mismatched, and why (auditors, admins)",
      tags: ["audit"],
      access: "user",
      responses: {
        200: {
          description: "Counts over every card order",
          schema: z
            .object({
              total: z.number().int(),
              by_state: z.record(State, z.number().int()),
              by_reason: z.record(Reason, z.number().int()),
              grace_seconds: z.number().int(),
              as_of: Timestamp,
            })
            .meta({ id: "ReconciliationSummary" }),
        },
      },
      errors: [403],
      handle: async ({ principal }) => {
        auditorsOnly(principal);
        return { status: 200, body: await summarizeReconciliation(platform.db.pool) };
      },
    }),
  ];
}
