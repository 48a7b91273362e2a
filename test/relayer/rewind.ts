/**
 * The chain loses its last blocks under the relayer: a local chain restored from a record that
 * missed the final seconds before a hard kill, or a reorganisation. Transactions the relayer saw
 * mined are gone, the settler's nonce is lower than the relayer's records, and the outbox rows
 * they carried say `done`. The relayer must notice, send what was lost exactly once, and leave no
 * nonce gap behind.
 */
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";

import type { Address, Hex } from "viem";

import { createTestDatabase, type TestDatabase } from "../helpers/database.ts";
import { createChainClient } from "../../lib/chain/client.ts";
import { accountAt, freePort, openRestaurant, startDevChain, type DevChain } from "../helpers/devchain.ts";
import { ACCOUNT } from "../helpers/platform.ts";
import { cardPayment, enqueue, FAST, outboxRow, relayerFor, settlementLogs, SETTLER } from "./setup.ts";

describe("relayer: the chain loses blocks", () => {
  let chain: DevChain;
  let db: TestDatabase;
  let customer: Address;

  before(async () => {
    [chain, db] = await Promise.all([startDevChain(), createTestDatabase()]);
    await openRestaurant(chain, 1n, ACCOUNT.franchisee);
    customer = await accountAt(chain, ACCOUNT.alice);
  });

  beforeEach(async () => {
    await db.pool.query("UPDATE outbox SET status = 'done' WHERE status <> 'done'");
  });

  after(async () => {
    await Promise.all([chain.stop(), db.drop()]);
  });

  const snapshot = (): Promise<Hex> => chain.client.request<{ ReturnType: Hex }>({ method: "evm_snapshot" } as never);
  const revertTo = async (id: Hex): Promise<void> => {
    assert.equal(await chain.client.request({ method: "evm_revert", params: [id] } as never), true);
  };
  const settlerNonce = (): Promise<number> =>
    chain.client.getTransactionCount({ address: SETTLER.address, blockTag: "latest" });

  async function settledOnce(labels: readonly string[], amount: bigint): Promise<void> {
    for (const label of labels) {
      const row = await outboxRow(db, `card:${label}`);
      assert.equal(row.status, "done", `${label}: ${row.last_error ?? ""}`);
      const { orderId } = cardPayment(label, 1n, customer, amount);
      assert.equal(await settlementLogs(chain, "CardPaymentSettled", orderId), 1, `${label} settled exactly once`);
    }
  }

  it("test_rewind_lostSettlementsAreSentAgainAndNewOnesAfterThem", async () => {
    const lost = ["lost-1", "lost-2", "lost-3"];
    const later = ["later-1", "later-2"];
    const mark = await snapshot();
    const nonceAtMark = await settlerNonce();

    const first = relayerFor(chain, db);
    try {
      for (const label of lost)
        await enqueue(db, "settle_card", `card:${label}`, cardPayment(label, 1n, customer, 700n));
      await first.drainOnce();
      await settledOnce(lost, 700n);
    } finally {
      await first.stop();
    }

    // The blocks holding those settlements disappear (the node restarts from an older record).
    await revertTo(mark);
    assert.equal(await settlerNonce(), nonceAtMark);
    for (const label of lost) {
      const { orderId } = cardPayment(label, 1n, customer, 700n);
      assert.equal(await settlementLogs(chain, "CardPaymentSettled", orderId), 0);
    }

    // A new relayer process starts; payments keep arriving.
    for (const label of later)
      await enqueue(db, "settle_card", `card:${label}`, cardPayment(label, 1n, customer, 800n));
    const second = relayerFor(chain, db);
    try {
      await second.drainOnce();
      await second.drainOnce();
    } finally {
      await second.stop();
    }
    await settledOnce(lost, 700n);
    await settledOnce(later, 800n);
    const { rows } = await db.pool.query<{ status: string; count: string }>(
      "SELECT status, count(*)::text AS count FROM relayer_tx WHERE sender = $1 AND status = 'signed' GROUP BY status",
      [SETTLER.address.toLowerCase()],
    );
    assert.deepEqual(rows, [], "nothing left waiting for a receipt");
  });

  it("test_rewind_nonceGapBelowTheRelayersTransactions_isFilled", async () => {
    // A transaction the relayer never recorded takes a nonce (an operator's manual one), the
    // relayer's next transaction follows it; then both blocks are lost and only the relayer's
    // transaction can be sent again: it waits above a gap nothing else would fill.
    const mark = await snapshot();
    const nonceAtMark = await settlerNonce();
    const settler = await accountAt(chain, ACCOUNT.settler);
    const [wallet] = await chain.connection.viem.getWalletClients({ account: settler });
    assert.ok(wallet !== undefined);
    await chain.client.waitForTransactionReceipt({ hash: await wallet.sendTransaction({ to: settler, value: 0n }) });

    const relayer = relayerFor(chain, db);
    await enqueue(db, "settle_card", "card:gap-1", cardPayment("gap-1", 1n, customer, 900n));
    try {
      await relayer.drainOnce();
      await settledOnce(["gap-1"], 900n);
      await revertTo(mark);
      assert.equal(await settlerNonce(), nonceAtMark);

      await enqueue(db, "settle_card", "card:gap-2", cardPayment("gap-2", 1n, customer, 900n));
      await relayer.drainOnce();
      await relayer.drainOnce();
    } finally {
      await relayer.stop();
    }
    await settledOnce(["gap-1", "gap-2"], 900n);
    const { rows } = await db.pool.query<{ count: string }>(
      "SELECT count(*)::text AS count FROM relayer_tx WHERE sender = $1 AND status = 'signed'",
      [SETTLER.address.toLowerCase()],
    );
    assert.equal(rows[0]?.count, "0", "nothing left waiting for a receipt");
  });
  it("test_health_reportsAStuckRelayerUntilItKeepsUpAgain", async () => {
    // The node is unreachable: nothing drains, the row waits, and the relayer says so.
    const deadNode = relayerFor(chain, db, {
      client: createChainClient(`http://127.0.0.1:${(await freePort()).toString()}`),
      options: { ...FAST, stuckAfterMs: 300 },
    });
    await enqueue(db, "settle_card", "card:stuck-1", cardPayment("stuck-1", 1n, customer, 500n));
    try {
      await deadNode.drainOnce().catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 600));
      const stuck = await deadNode.health();
      assert.equal(stuck.ok, false);
      assert.match(stuck.reason ?? "", /outbox row has waited|no drain has succeeded/);
      assert.equal(stuck.unfinishedRows, 1);
      assert.match(await deadNode.registry.metrics(), /relayer_stuck 1/);
    } finally {
      await deadNode.stop();
    }
    const live = relayerFor(chain, db, { options: { ...FAST, stuckAfterMs: 300 } });
    try {
      await db.pool.query("UPDATE outbox SET not_before = now() WHERE dedupe_key = 'card:stuck-1'");
      await live.drainOnce();
      await settledOnce(["stuck-1"], 500n);
      const healthy = await live.health();
      assert.deepEqual(
        { ok: healthy.ok, rows: healthy.unfinishedRows, reason: healthy.reason },
        { ok: true, rows: 0, reason: undefined },
      );
      assert.match(await live.registry.metrics(), /relayer_stuck 0/);
    } finally {
      await live.stop();
    }
  });
});
