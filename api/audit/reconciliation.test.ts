import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { keccak256, toHex } from "viem";

import { classify, type ReconciliationSource } from "./reconciliation.ts";

const NOW = new Date("2026-12-01T12:00:00.000Z");
const minutesAgo = (minutes: number): Date => new Date(NOW.getTime() - minutes * 60_000);

/** A card order paid, settled and receipted, everything agreeing. */
const settled: ReconciliationSource = {
  chain_order_id: `0x${"11".repeat(32)}`,
  at: minutesAgo(30),
  order_id: "3f1c1a52-1b7e-4c51-9a57-0c7f43b1e8a2",
  order_status: "paid",
  order_total_tetri: "5850",
  order_receipt_cid: "bafkreiexample",
  paid_at: minutesAgo(29),
  payment_intent_id: "pi_1",
  payment_amount_tetri: "5850",
  payment_status: "succeeded",
  payment_updated_at: minutesAgo(29),
  chain_status: "settled",
  chain_paid_tetri: "5850",
  chain_refunded_tetri: "0",
  chain_payment_ref: keccak256(toHex("pi_1")),
  chain_receipt_cid: "bafkreiexample",
  chain_block: "12",
  chain_tx: `0x${"22".repeat(32)}`,
  chain_closed_tx: null,
  refund_events_tetri: "0",
  refund_events: 0,
  api_refunded_tetri: "0",
  last_refund_at: null,
};

const notOnChain = {
  chain_status: null,
  chain_paid_tetri: null,
  chain_refunded_tetri: null,
  chain_payment_ref: null,
  chain_receipt_cid: null,
  chain_block: null,
  chain_tx: null,
} as const;

describe("reconciliation rules", () => {
  it("reconciles a settled card payment whose amounts, reference and receipt agree", () => {
    assert.deepEqual(classify(settled, NOW), { state: "reconciled", mismatches: [] });
  });

  it("waits the grace period for a settlement, then calls it missing", () => {
    const fresh = { ...settled, ...notOnChain, paid_at: minutesAgo(1), payment_updated_at: minutesAgo(1) };
    assert.deepEqual(classify(fresh, NOW), { state: "pending", mismatches: [] });
    assert.deepEqual(classify({ ...fresh, paid_at: minutesAgo(11) }, NOW), {
      state: "mismatch",
      mismatches: ["not_settled"],
    });
  });

  it("flags a settlement without a succeeded payment, with or without an API order", () => {
    assert.deepEqual(classify({ ...settled, payment_status: "requires_payment_method" }, NOW).mismatches, [
      "settled_without_payment",
    ]);
    const orphan = {
      ...settled,
      order_id: null,
      order_status: null,
      order_total_tetri: null,
      order_receipt_cid: null,
      paid_at: null,
      payment_intent_id: null,
      payment_amount_tetri: null,
      payment_status: null,
      payment_updated_at: null,
    };
    assert.deepEqual(classify(orphan, NOW).mismatches, ["settled_without_payment"]);
  });

  it("flags amounts, payment references and receipts that differ", () => {
    assert.deepEqual(classify({ ...settled, chain_paid_tetri: "5851" }, NOW).mismatches, ["amount_differs"]);
    assert.deepEqual(classify({ ...settled, payment_amount_tetri: "100" }, NOW).mismatches, ["amount_differs"]);
    assert.deepEqual(classify({ ...settled, ...notOnChain, payment_status: "amount_mismatch" }, NOW).mismatches, [
      "amount_differs",
    ]);
    assert.deepEqual(classify({ ...settled, payment_intent_id: "pi_2" }, NOW).mismatches, ["payment_ref_differs"]);
    assert.deepEqual(classify({ ...settled, order_receipt_cid: "bafkreiother" }, NOW).mismatches, ["receipt_differs"]);
  });

  it("compares refunds three ways, letting a fresh processor refund reach the chain", () => {
    const refunded = {
      ...settled,
      chain_status: "partially_refunded",
      chain_refunded_tetri: "1000",
      refund_events_tetri: "1000",
      refund_events: 1,
      api_refunded_tetri: "1000",
      last_refund_at: minutesAgo(20),
    };
    assert.equal(classify(refunded, NOW).state, "reconciled");
    const inFlight = { ...refunded, api_refunded_tetri: "2000", last_refund_at: minutesAgo(1) };
    assert.deepEqual(classify(inFlight, NOW), { state: "pending", mismatches: [] });
    assert.deepEqual(classify({ ...inFlight, last_refund_at: minutesAgo(11) }, NOW).mismatches, ["refund_differs"]);
    assert.deepEqual(classify({ ...refunded, chain_refunded_tetri: "900" }, NOW).mismatches, ["refund_differs"]);
    // More on chain than the processor ever refunded is never "in flight".
    assert.deepEqual(classify({ ...refunded, api_refunded_tetri: "0", last_refund_at: null }, NOW).mismatches, [
      "refund_differs",
    ]);
  });

  it("leaves an unpaid card order alone", () => {
    const unpaid = { ...settled, ...notOnChain, payment_status: "requires_payment_method", paid_at: null };
    assert.deepEqual(classify(unpaid, NOW), { state: "unpaid", mismatches: [] });
  });
});
