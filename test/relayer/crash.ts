import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import path from "node:path";
import { after, before, beforeEach, describe, it } from "node:test";
import { fileURLToPath } from "node:url";

import type { Address, Hex } from "viem";

import { createTestDatabase, type TestDatabase } from "../helpers/database.ts";
import { accountAt, openRestaurant, startDevChain, type DevChain } from "../helpers/devchain.ts";
import { ACCOUNT, OrderStatus } from "../helpers/platform.ts";
import { cardPayment, enqueue, outboxRow, relayerFor, settlementLogs, SETTLER } from "./setup.ts";

const FIXTURE = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures", "crash-relayer.ts");

interface StoredTx {
  id: string;
  nonce: string;
  hash: Hex;
  status: string;
}

describe("relayer: crashes", () => {
  let chain: DevChain;
  let db: TestDatabase;
  let customer: Address;

  before(async () => {
    [chain, db] = await Promise.all([startDevChain(), createTestDatabase()]);
    await openRestaurant(chain, 1n, ACCOUNT.franchisee);
    customer = await accountAt(chain, ACCOUNT.alice);
  });

  beforeEach(async () => {
    // Each scenario starts from an empty outbox, so the crashing child sends exactly its rows.
    await db.pool.query("UPDATE outbox SET status = 'done' WHERE status = 'pending'");
  });

  after(async () => {
    await Promise.all([chain.stop(), db.drop()]);
  });

  async function crashRelayer(at: "beforeBroadcast" | "afterBroadcast"): Promise<void> {
    const child = spawn(process.execPath, [FIXTURE], {
      env: {
        ...process.env,
        RELAYER_CRASH_AT: at,
        DATABASE_URL: db.url,
        RPC_URL: chain.url,
        DEPLOYMENT_DIR: chain.addresses.directory,
      },
      stdio: ["ignore", "inherit", "inherit"],
    });
    const [code, signal] = (await once(child, "exit")) as [number | null, NodeJS.Signals | null];
    assert.equal(signal, "SIGKILL", `the fixture should die at ${at} (exit code ${code})`);
  }

  async function storedTxs(): Promise<StoredTx[]> {
    const { rows } = await db.pool.query<StoredTx>(
      "SELECT id, nonce::text AS nonce, hash, status FROM relayer_tx ORDER BY id",
    );
    return rows;
  }

  it("test_crashAfterBroadcast_restartFinishesWithoutASecondTransaction", async () => {
    const labels = ["after-1", "after-2", "after-3"];
    for (const label of labels)
      await enqueue(db, "settle_card", `card:${label}`, cardPayment(label, 1n, customer, 1_234n));
    const before = await storedTxs();
    await crashRelayer("afterBroadcast");

    const afterCrash = await storedTxs();
    assert.equal(afterCrash.length, before.length + 1, "the child recorded one transaction");
    const crashed = afterCrash.at(-1);
    assert.ok(crashed !== undefined);
    assert.equal(crashed.status, "signed");
    for (const label of labels) assert.equal((await outboxRow(db, `card:${label}`)).status, "sent");
    const nonceBefore = await chain.client.getTransactionCount({ address: SETTLER.address });

    const relayer = relayerFor(chain, db);
    try {
      await relayer.start();
      await relayer.drainOnce();
    } finally {
      await relayer.stop();
    }
    const final = await storedTxs();
    assert.equal(final.length, afterCrash.length, "no transaction at a new nonce");
    assert.equal(final.at(-1)?.status, "mined");
    assert.equal(await chain.client.getTransactionCount({ address: SETTLER.address }), nonceBefore);
    for (const label of labels) {
      const row = await outboxRow(db, `card:${label}`);
      assert.equal(row.status, "done");
      assert.equal(row.tx_id, crashed.id);
      const orderId = cardPayment(label, 1n, customer, 1_234n).orderId;
      assert.equal(await settlementLogs(chain, "CardPaymentSettled", orderId), 1, label);
      assert.equal((await chain.contracts.orderSettlement.read.orderOf([orderId])).status, OrderStatus.CardSettled);
    }
  });

  it("test_crashBeforeBroadcast_restartSendsTheStoredRawTransaction", async () => {
    const labels = ["before-1", "before-2"];
    for (const label of labels)
      await enqueue(db, "settle_card", `card:${label}`, cardPayment(label, 1n, customer, 4_321n));
    await crashRelayer("beforeBroadcast");

    const crashed = (await storedTxs()).at(-1);
    assert.ok(crashed !== undefined);
    assert.equal(crashed.status, "signed");
    assert.equal(
      await chain.client.getTransaction({ hash: crashed.hash }).catch(() => undefined),
      undefined,
      "never sent",
    );

    const relayer = relayerFor(chain, db);
    try {
      const summary = await relayer.drainOnce();
      assert.equal(summary.rebroadcast, 1);
      assert.equal(summary.transactions, 0, "nothing signed anew");
    } finally {
      await relayer.stop();
    }
    const receipt = await chain.client.getTransactionReceipt({ hash: crashed.hash });
    assert.equal(receipt.status, "success", "the same hash was mined");
    const final = await storedTxs();
    assert.equal(final.at(-1)?.id, crashed.id);
    assert.equal(final.at(-1)?.status, "mined");
    for (const label of labels) {
      assert.equal((await outboxRow(db, `card:${label}`)).status, "done");
      const orderId = cardPayment(label, 1n, customer, 4_321n).orderId;
      assert.equal(await settlementLogs(chain, "CardPaymentSettled", orderId), 1, label);
    }
  });

  it("test_crashBeforeBroadcast_nonceTakenByAnotherTransaction_isDroppedAndResent", async () => {
    const payload = cardPayment("dropped", 1n, customer, 999n);
    await enqueue(db, "settle_card", "card:dropped", payload);
    await crashRelayer("beforeBroadcast");
    const crashed = (await storedTxs()).at(-1);
    assert.ok(crashed !== undefined);

    // Someone else uses the settler key at that nonce (an operator's manual transaction).
    const settler = await accountAt(chain, ACCOUNT.settler);
    const [wallet] = await chain.connection.viem.getWalletClients({ account: settler });
    assert.ok(wallet !== undefined);
    const other = await wallet.sendTransaction({ to: settler, value: 0n, nonce: Number(crashed.nonce) });
    await chain.client.waitForTransactionReceipt({ hash: other });

    const relayer = relayerFor(chain, db);
    try {
      const summary = await relayer.drainOnce();
      assert.equal(summary.dropped, 1);
      assert.equal(summary.transactions, 1, "the rows went out again at a fresh nonce");
    } finally {
      await relayer.stop();
    }
    const txs = await storedTxs();
    assert.equal(txs.find((tx) => tx.id === crashed.id)?.status, "dropped");
    assert.equal(txs.at(-1)?.status, "mined");
    assert.equal(BigInt(txs.at(-1)?.nonce ?? 0), BigInt(crashed.nonce) + 1n);
    assert.equal((await outboxRow(db, "card:dropped")).status, "done");
    assert.equal(await settlementLogs(chain, "CardPaymentSettled", payload.orderId), 1);
  });
});
