import assert from "node:assert/strict";
import { after, afterEach, before, describe, it } from "node:test";

import type { Address } from "viem";

import { createTestDatabase, type TestDatabase } from "../helpers/database.ts";
import { accountAt, openRestaurant, startDevChain, type DevChain } from "../helpers/devchain.ts";
import { ACCOUNT, DAY, OrderStatus, RECEIPT_DIGEST } from "../helpers/platform.ts";
import { signPermit } from "../../lib/typed-data.ts";
import { cardPayment, chainOrderId, enqueue, outboxRow, relayerFor } from "./setup.ts";

/** Transactions wait in the node's pool until the test mines: several are in flight at once. */
describe("relayer: transactions in flight (no automine)", () => {
  let chain: DevChain;
  let db: TestDatabase;
  let customer: Address;

  async function setAutomine(on: boolean): Promise<void> {
    await chain.connection.provider.request({ method: "evm_setAutomine", params: [on] });
  }
  async function mine(): Promise<void> {
    await chain.connection.provider.request({ method: "evm_mine", params: [] });
  }

  before(async () => {
    [chain, db] = await Promise.all([startDevChain(), createTestDatabase()]);
    await openRestaurant(chain, 1n, ACCOUNT.franchisee);
    customer = await accountAt(chain, ACCOUNT.alice);
  });

  afterEach(async () => {
    await setAutomine(true);
  });

  after(async () => {
    await Promise.all([chain.stop(), db.drop()]);
  });

  it("test_pipelined_batchesGoOutAtConsecutiveNonces_andFinishAfterConfirmations", async () => {
    const labels = ["pipe-1", "pipe-2", "pipe-3", "pipe-4", "pipe-5"];
    for (const label of labels)
      await enqueue(db, "settle_card", `card:${label}`, cardPayment(label, 1n, customer, 10n));
    const relayer = relayerFor(chain, db, { options: { maxBatch: 2, confirmations: 2 } });
    try {
      await setAutomine(false);
      const sent = await relayer.drainOnce();
      assert.equal(sent.transactions, 3);
      assert.equal(sent.inFlight, 3);
      const { rows } = await db.pool.query<{ nonce: string }>(
        "SELECT nonce::text AS nonce FROM relayer_tx ORDER BY nonce",
      );
      const nonces = rows.map((row) => BigInt(row.nonce));
      assert.deepEqual(nonces, [nonces[0], (nonces[0] ?? 0n) + 1n, (nonces[0] ?? 0n) + 2n]);
      for (const label of labels) assert.equal((await outboxRow(db, `card:${label}`)).status, "sent");

      // Nothing new: a drain while they wait sends nothing again at new nonces.
      const waiting = await relayer.drainOnce();
      assert.equal(waiting.transactions, 0);
      assert.equal(waiting.inFlight, 3);

      await mine();
      const shallow = await relayer.drainOnce();
      assert.equal(shallow.inFlight, 3, "one block deep is not two confirmations");
      await mine();
      const final = await relayer.drainOnce();
      assert.equal(final.inFlight, 0);
      assert.equal(final.done, 5);
      for (const label of labels) {
        assert.equal((await outboxRow(db, `card:${label}`)).status, "done");
        const record = await chain.contracts.orderSettlement.read.orderOf([chainOrderId(label)]);
        assert.equal(record.status, OrderStatus.CardSettled);
      }
    } finally {
      await relayer.stop();
    }
  });

  it("test_revertedOnChain_rowFailsWithTheDecodedError", async () => {
    // The relayer's fulfil is estimated and sent; before it is mined the restaurant owner refunds
    // the order with a higher tip, so the fulfil reverts on chain. The relayer asks the chain
    // again why, and the row fails with that error's name.
    const [wallet] = await chain.connection.viem.getWalletClients({ account: customer });
    assert.ok(wallet !== undefined);
    const franchisee = await accountAt(chain, ACCOUNT.franchisee);
    const relayer = relayerFor(chain, db);
    try {
      const block = await chain.client.getBlock();
      const order = {
        orderId: chainOrderId("race"),
        restaurantId: 1n,
        customer,
        token: chain.addresses.testGel,
        price: 1_000n,
        discount: 0n,
        pointsRedeemed: 0n,
        reclaimAfter: Number(block.timestamp + DAY),
      };
      const info = await relayer.tokenInfo(order.token);
      const deadline = BigInt(order.reclaimAfter);
      const permit = await signPermit(wallet, info, {
        spender: chain.addresses.orderSettlement,
        value: order.price,
        nonce: await relayer.permitNonce(order.token, customer),
        deadline,
      });
      await chain.contracts.orderSettlement.write.placeOrderWithPermit(
        [order, await relayer.signQuote(order), deadline, permit.v, permit.r, permit.s],
        { account: customer },
      );
      await setAutomine(false);
      await enqueue(db, "fulfill_token", "race:fulfill", {
        order: {
          orderId: order.orderId,
          restaurantId: "1",
          customer: customer.toLowerCase(),
          token: order.token.toLowerCase(),
          price: "1000",
          discount: "0",
          pointsRedeemed: "0",
          reclaimAfter: String(order.reclaimAfter),
        },
        receiptDigest: RECEIPT_DIGEST,
      });
      const sent = await relayer.drainOnce();
      assert.equal(sent.transactions, 1);
      // A fixed gas limit: estimating against the pending block (with the fulfil) would revert.
      await chain.contracts.orderSettlement.write.refund([order], {
        account: franchisee,
        gas: 500_000n,
        maxPriorityFeePerGas: 100_000_000_000n,
        maxFeePerGas: 200_000_000_000n,
      });
      await mine();
      assert.equal((await chain.contracts.orderSettlement.read.orderOf([order.orderId])).status, OrderStatus.Refunded);
      await relayer.drainOnce();
      const row = await outboxRow(db, "race:fulfill");
      assert.equal(row.status, "failed");
      assert.match(row.last_error ?? "", /^OrderSettlementInvalidStatus\(0x[0-9a-f]{64}, 3\)$/);
      const { rows } = await db.pool.query<{ status: string }>(
        "SELECT t.status FROM relayer_tx t JOIN outbox o ON o.tx_id = t.id WHERE o.dedupe_key = 'race:fulfill'",
      );
      assert.deepEqual(rows, [{ status: "reverted" }]);
    } finally {
      await relayer.stop();
    }
  });
});
