import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import { keccak256, toHex, type Address } from "viem";

import { RelayerLockedError } from "../../api/relayer/index.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/database.ts";
import {
  accountAt,
  freePort,
  indexerFor,
  openRestaurant,
  startDevChain,
  waitForMirror,
  type DevChain,
} from "../helpers/devchain.ts";
import { ACCOUNT, CARD_REWARD_PER_TETRI, OrderStatus } from "../helpers/platform.ts";
import { cardPayment, chainOrderId, enqueue, outboxRow, relayerFor, settlementLogs, waitUntil } from "./setup.ts";

describe("relayer: card payments", () => {
  let chain: DevChain;
  let db: TestDatabase;
  let customer: Address;

  before(async () => {
    [chain, db] = await Promise.all([startDevChain(), createTestDatabase()]);
    await openRestaurant(chain, 1n, ACCOUNT.franchisee);
    await openRestaurant(chain, 2n, ACCOUNT.franchisee2);
    customer = await accountAt(chain, ACCOUNT.alice);
  });

  after(async () => {
    await Promise.all([chain.stop(), db.drop()]);
  });

  it("test_settleCard_pendingRowsBecomeOneBatch", async () => {
    const labels = ["batch-1", "batch-2", "batch-3", "batch-4", "batch-5"];
    const balanceBefore = await chain.contracts.hotPotToken.read.balanceOf([customer]);
    for (const [i, label] of labels.entries()) {
      await enqueue(db, "settle_card", `card:${label}`, cardPayment(label, i % 2 === 0 ? 1n : 2n, customer, 2_500n));
    }
    const relayer = relayerFor(chain, db);
    try {
      const summary = await relayer.drainOnce();
      assert.equal(summary.transactions, 1, "five rows, one settleCardPayments");
      assert.equal(summary.rowsSent, 5);
      assert.equal(summary.done, 5);
      for (const label of labels) {
        const row = await outboxRow(db, `card:${label}`);
        assert.equal(row.status, "done", label);
        assert.equal(row.last_error, null);
        const record = await chain.contracts.orderSettlement.read.orderOf([chainOrderId(label)]);
        assert.equal(record.status, OrderStatus.CardSettled);
        assert.equal(record.cardAmount, 2_500n);
        assert.equal(record.customer.toLowerCase(), customer.toLowerCase());
      }
      const balanceAfter = await chain.contracts.hotPotToken.read.balanceOf([customer]);
      assert.equal(balanceAfter - balanceBefore, 5n * 2_500n * CARD_REWARD_PER_TETRI, "rewards minted");
      const { rows } = await db.pool.query<{ status: string; n: string }>(
        "SELECT status, count(*) AS n FROM relayer_tx GROUP BY status",
      );
      assert.deepEqual(rows, [{ status: "mined", n: "1" }]);
      const metrics = await relayer.registry.metrics();
      assert.match(metrics, /relayer_transactions_sent_total\{kind="settle_card"\} 1/);
      assert.match(metrics, /relayer_outbox_rows\{status="done"\} 5/);
      assert.match(metrics, /relayer_batch_size_sum 5/);
    } finally {
      await relayer.stop();
    }
  });

  it("test_settleCard_splitsIntoBatchesOfMaxBatch", async () => {
    const labels = ["split-1", "split-2", "split-3", "split-4", "split-5"];
    for (const label of labels)
      await enqueue(db, "settle_card", `card:${label}`, cardPayment(label, 1n, customer, 100n));
    const relayer = relayerFor(chain, db, { options: { maxBatch: 2 } });
    try {
      const summary = await relayer.drainOnce();
      assert.equal(summary.transactions, 3);
      for (const label of labels) assert.equal((await outboxRow(db, `card:${label}`)).status, "done");
    } finally {
      await relayer.stop();
    }
  });

  it("test_outbox_duplicateDedupeKeyIsRejected", async () => {
    const payload = cardPayment("dedupe", 1n, customer, 700n);
    assert.equal(await enqueue(db, "settle_card", "card:dedupe", payload), true);
    assert.equal(await enqueue(db, "settle_card", "card:dedupe", payload), false, "ON CONFLICT DO NOTHING");
    await assert.rejects(
      db.pool.query("INSERT INTO outbox (kind, dedupe_key, payload) VALUES ('settle_card', 'card:dedupe', '{}')"),
      /outbox_dedupe_key_key/,
    );
    const relayer = relayerFor(chain, db);
    try {
      await relayer.drainOnce();
    } finally {
      await relayer.stop();
    }
    assert.equal(await settlementLogs(chain, "CardPaymentSettled", payload.orderId), 1);
  });

  it("test_settleCard_sameOrderUnderAnotherKey_isSkippedOnChainAndDone", async () => {
    // Two rows for one order (e.g. two webhook deliveries keyed differently): one settlement on chain.
    const payload = cardPayment("twice", 1n, customer, 900n);
    await enqueue(db, "settle_card", "card:twice:a", payload);
    await enqueue(db, "settle_card", "card:twice:b", payload);
    const relayer = relayerFor(chain, db);
    try {
      await relayer.drainOnce();
    } finally {
      await relayer.stop();
    }
    assert.equal((await outboxRow(db, "card:twice:a")).status, "done");
    assert.equal((await outboxRow(db, "card:twice:b")).status, "done");
    assert.equal(await settlementLogs(chain, "CardPaymentSettled", payload.orderId), 1);
    assert.equal(await settlementLogs(chain, "CardPaymentDuplicateSkipped", payload.orderId), 1);
  });

  it("test_settleCard_badEntryFailsWithErrorName_othersDone", async () => {
    const good = ["iso-1", "iso-2", "iso-3", "iso-4"];
    await enqueue(db, "settle_card", "card:iso-1", cardPayment("iso-1", 1n, customer, 100n));
    await enqueue(db, "settle_card", "card:iso-2", cardPayment("iso-2", 2n, customer, 100n));
    await enqueue(db, "settle_card", "card:iso-bad", cardPayment("iso-bad", 999n, customer, 100n));
    await enqueue(db, "settle_card", "card:iso-3", cardPayment("iso-3", 1n, customer, 100n));
    await enqueue(db, "settle_card", "card:iso-4", cardPayment("iso-4", 2n, customer, 100n));
    await enqueue(db, "settle_card", "card:iso-garbage", { orderId: "0x12", amount: "x" });
    const relayer = relayerFor(chain, db);
    try {
      const summary = await relayer.drainOnce();
      assert.equal(summary.failed, 2);
    } finally {
      await relayer.stop();
    }
    for (const label of good) assert.equal((await outboxRow(db, `card:${label}`)).status, "done", label);
    const bad = await outboxRow(db, "card:iso-bad");
    assert.equal(bad.status, "failed");
    assert.match(bad.last_error ?? "", /^OrderSettlementRestaurantInactive\(999\)$/);
    const garbage = await outboxRow(db, "card:iso-garbage");
    assert.equal(garbage.status, "failed");
    assert.match(garbage.last_error ?? "", /invalid payload/);
  });

  it("test_cardRefund_beforeSettlement_waitsThenExecutes_andIsIdempotent", async () => {
    const payment = cardPayment("refund-early", 1n, customer, 1_000n);
    const refund = { orderId: payment.orderId, amount: "400", refundRef: keccak256(toHex("re_refund-early")) };
    await enqueue(db, "record_card_refund", "refund:early", refund);
    const relayer = relayerFor(chain, db);
    try {
      await relayer.drainOnce();
      const waiting = await outboxRow(db, "refund:early");
      assert.equal(waiting.status, "pending");
      assert.equal(waiting.attempts, 0, "waiting for the settlement is not a failed attempt");
      assert.ok(waiting.not_before.getTime() > Date.now(), "not_before moved later");

      await enqueue(db, "settle_card", "card:refund-early", payment);
      await relayer.drainOnce();
      assert.equal((await outboxRow(db, "card:refund-early")).status, "done");

      await waitUntil(
        async () => {
          await relayer.drainOnce();
          return (await outboxRow(db, "refund:early")).status === "done";
        },
        5_000,
        "the refund",
      );
      const record = await chain.contracts.orderSettlement.read.orderOf([payment.orderId]);
      assert.equal(record.cardAmount, 600n);

      // The same refund again (another webhook delivery under another key): done, no second record.
      await enqueue(db, "record_card_refund", "refund:early:again", refund);
      await relayer.drainOnce();
      const again = await outboxRow(db, "refund:early:again");
      assert.equal(again.status, "done");
      assert.match(again.last_error ?? "", /already recorded/);
      assert.equal(await settlementLogs(chain, "CardRefundRecorded", payment.orderId), 1);
      assert.equal((await chain.contracts.orderSettlement.read.orderOf([payment.orderId])).cardAmount, 600n);
    } finally {
      await relayer.stop();
    }
  });

  it("test_cardRefund_mirrorShowsTheSettlement_refundGoesOut", async () => {
    const payment = cardPayment("refund-mirror", 2n, customer, 2_000n);
    const indexer = indexerFor(chain, db);
    await indexer.start();
    const relayer = relayerFor(chain, db);
    try {
      await enqueue(db, "settle_card", "card:refund-mirror", payment);
      await relayer.drainOnce();
      await waitForMirror(db, chain);
      // The mirror keys orders as the outbox payloads spell them (lower-case hex).
      const { rows } = await db.pool.query<{ kind: string; status: string }>(
        `SELECT kind, status FROM "order" WHERE order_id = $1 AND block_to IS NULL`,
        [payment.orderId],
      );
      assert.deepEqual(rows, [{ kind: "card", status: "settled" }]);
      await enqueue(db, "record_card_refund", "refund:mirror", {
        orderId: payment.orderId,
        amount: "2000",
        refundRef: keccak256(toHex("re_refund-mirror")),
      });
      await relayer.drainOnce();
      assert.equal((await outboxRow(db, "refund:mirror")).status, "done");
      const record = await chain.contracts.orderSettlement.read.orderOf([payment.orderId]);
      assert.equal(record.status, OrderStatus.CardRefunded);
    } finally {
      await relayer.stop();
      await indexer.stop();
    }
  });

  it("test_lock_secondRelayerForTheSameSenderRefuses", async () => {
    const first = relayerFor(chain, db);
    const second = relayerFor(chain, db);
    await first.start();
    try {
      await assert.rejects(second.start(), RelayerLockedError);
      await assert.rejects(second.drainOnce(), RelayerLockedError);
    } finally {
      await first.stop();
      await second.stop();
    }
    // Released on stop: the second may now run.
    await second.drainOnce();
    await second.stop();
  });

  it("test_wake_drainsSoonAfterInsert", async () => {
    const relayer = relayerFor(chain, db, { options: { pollIntervalMs: 60_000 } });
    await relayer.start();
    try {
      await enqueue(db, "settle_card", "card:wake", cardPayment("wake", 1n, customer, 300n));
      relayer.wake();
      await waitUntil(async () => (await outboxRow(db, "card:wake")).status === "done", 5_000, "wake");
    } finally {
      await relayer.stop();
    }
  });

  // A node that cannot be reached says nothing about the transactions already sent: nothing new is
  // sent (that could leave a nonce gap) and no attempt is spent, so an outage never fails a payment.
  it("test_rpcDown_rowsStayPendingWithoutSpendingAttempts_thenSucceed", async () => {
    const payload = cardPayment("rpc-down", 1n, customer, 500n);
    await enqueue(db, "settle_card", "card:rpc-down", payload);
    const down = relayerFor(chain, db, {
      client: undefined,
      rpcUrl: `http://127.0.0.1:${await freePort()}`,
      options: { maxAttempts: 2, backoffBaseMs: 10, backoffMaxMs: 20 },
    });
    try {
      for (let drain = 0; drain < 3; drain++) {
        await down.drainOnce();
        await new Promise((resolve) => setTimeout(resolve, 30));
      }
      const row = await outboxRow(db, "card:rpc-down");
      assert.equal(row.status, "pending");
      assert.equal(row.attempts, 0);
      assert.match(await down.registry.metrics(), /relayer_errors_total\{class="retryable"\} 3/);
    } finally {
      await down.stop();
    }
    const up = relayerFor(chain, db);
    try {
      await waitUntil(
        async () => {
          await up.drainOnce();
          return (await outboxRow(db, "card:rpc-down")).status === "done";
        },
        5_000,
        "recovery",
      );
    } finally {
      await up.stop();
    }
    assert.equal(await settlementLogs(chain, "CardPaymentSettled", payload.orderId), 1);
  });
});
