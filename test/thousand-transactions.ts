import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { network } from "hardhat";
import { keccak256, parseEventLogs, toHex, type Hex } from "viem";

import { ACCOUNT, CARD_REWARD_PER_TETRI, deployPlatform, RECEIPT_DIGEST } from "./helpers/platform.ts";

const TRANSACTIONS = 1_000;
const QUEUE_BEFORE_MINING = 150;

// The seed's test_blockchain_performance: 1000 transactions, all processed, none left pending.
describe("1000 transactions", async () => {
  const connection = await network.create();

  it("mines 1000 card settlements sent back to back, leaving nothing pending", async () => {
    const platform = await deployPlatform(connection);
    await platform.openRestaurant(1n, platform.wallet(ACCOUNT.franchisee).account.address);
    const customers = [ACCOUNT.alice, ACCOUNT.bob, ACCOUNT.carol, ACCOUNT.dave, ACCOUNT.erin].map(
      (i) => platform.wallet(i).account.address,
    );
    const settler = platform.wallet(ACCOUNT.settler);
    const testClient = await connection.viem.getTestClient();
    const supplyBefore = await platform.hotPotToken.read.totalSupply();

    // Queue transactions faster than blocks come, as a busy relayer would, mining a block after
    // every few hundred, then let the chain drain what is left.
    await testClient.setAutomine(false);
    let nonce = await platform.publicClient.getTransactionCount({ address: settler.account.address });
    const hashes: Hex[] = [];
    for (let i = 0; i < TRANSACTIONS; i++) {
      const customer = customers[i % customers.length];
      assert.ok(customer);
      hashes.push(
        await platform.orderSettlement.write.settleCardPayment(
          [keccak256(toHex(`order:bulk-${i}`)), 1n, customer, 100n, keccak256(toHex(`pi_bulk_${i}`)), RECEIPT_DIGEST],
          { account: settler.account, nonce: nonce++, gas: 250_000n },
        ),
      );
      if (i % QUEUE_BEFORE_MINING === QUEUE_BEFORE_MINING - 1) await testClient.mine({ blocks: 1 });
    }
    assert.ok((await platform.publicClient.getBlockTransactionCount({ blockTag: "pending" })) > 0);

    let blocks = 0;
    while ((await platform.publicClient.getBlockTransactionCount({ blockTag: "pending" })) > 0) {
      await testClient.mine({ blocks: 1 });
      assert.ok(++blocks < 20, "the chain should drain the queue in a few blocks");
    }
    await testClient.setAutomine(true);
    assert.equal(
      await platform.publicClient.getTransactionCount({ address: settler.account.address, blockTag: "pending" }),
      await platform.publicClient.getTransactionCount({ address: settler.account.address, blockTag: "latest" }),
    );

    let settled = 0;
    for (const hash of hashes) {
      const receipt = await platform.publicClient.getTransactionReceipt({ hash });
      assert.equal(receipt.status, "success");
      settled += parseEventLogs({
        abi: platform.orderSettlement.abi,
        logs: receipt.logs,
        eventName: "CardPaymentSettled",
      }).length;
    }
    assert.equal(settled, TRANSACTIONS);
    assert.equal(
      await platform.hotPotToken.read.totalSupply(),
      supplyBefore + BigInt(TRANSACTIONS) * 100n * CARD_REWARD_PER_TETRI,
    );
  });
});
