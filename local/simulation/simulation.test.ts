import assert from "node:assert/strict";
import { rm } from "node:fs/promises";
import { after, before, describe, it } from "node:test";

import { createPublicClient, createTestClient, http } from "viem";

import { deployLocal, type LocalDeployment } from "../devchain/deploy-local.ts";
import { startHardhatNode, type HardhatNode } from "../devchain/hardhat-node.ts";
import { loadLocalContracts } from "./contracts.ts";
import { ACTIVITY_KINDS, simulateActivity, type SimulatedOrderStatus, type SimulationSummary } from "./simulate.ts";
import { freePort } from "../devchain/free-port.ts";

/** IOrderSettlement.OrderStatus numbering. */
const ON_CHAIN_STATUS: Record<SimulatedOrderStatus, number> = {
  escrowed: 1,
  fulfilled: 2,
  refunded: 3,
  reclaimed: 4,
  card_settled: 5,
  card_refunded: 6,
};

/** What must come out the same when the same seed replays on the same chain state. */
function replayable(summary: SimulationSummary) {
  return {
    counts: summary.counts,
    restaurants: summary.restaurants,
    transactions: summary.transactions,
    blocks: summary.blocks.count,
    eventsByName: summary.eventsByName,
    orders: summary.simulatedOrders,
  };
}

describe("simulateActivity", () => {
  let node: HardhatNode;
  let deployment: LocalDeployment;

  before(async () => {
    node = await startHardhatNode(await freePort());
    deployment = await deployLocal({ rpcUrl: node.url, deploymentId: `local-simulation-test-${process.pid}` });
  });

  after(async () => {
    await node.stop();
    await rm(deployment.directory, { recursive: true, force: true });
  });

  it("drives every flow through the contracts, replays the same for a seed, and leaves automine on", async () => {
    const testClient = createTestClient({ mode: "hardhat", transport: http(node.url) });
    const publicClient = createPublicClient({ transport: http(node.url, { batch: true }) });
    const snapshot = await testClient.snapshot();

    const summary = await simulateActivity({ rpcUrl: node.url, deployment, orders: 40, seed: "test" });

    const allowedZero = new Set(["stableTokenMints", "tokenOrdersLeftEscrowed"]);
    for (const kind of ACTIVITY_KINDS) {
      if (!allowedZero.has(kind)) assert.ok(summary.counts[kind] > 0, `${kind} never happened`);
    }
    assert.equal(summary.orders, 40);
    assert.equal(
      summary.counts.cardPaymentsSingle +
        summary.counts.cardPaymentsBatched +
        summary.counts.tokenOrdersPermit +
        summary.counts.tokenOrdersAllowance,
      40,
    );
    assert.equal(summary.counts.cardDuplicatesSkipped, 2);
    assert.equal(summary.eventsByName.CardPaymentDuplicateSkipped, 2);
    assert.equal(summary.eventsByName.TokenOrderReclaimed, 1);
    assert.ok(summary.blocks.singleTransaction >= 1, "no block with a single transaction");
    assert.ok(summary.blocks.maxTransactions >= 5, "no block with several transactions");
    assert.ok(summary.blocks.count < summary.transactions / 2, "blocks should mostly hold several transactions");
    assert.equal(await testClient.getAutomine(), true);

    // The chain agrees with the summary, order by order.
    const { orderSettlement } = await loadLocalContracts(deployment);
    const records = await Promise.all(
      summary.simulatedOrders.map((order) =>
        publicClient.readContract({ ...orderSettlement, functionName: "orderOf", args: [order.orderId] }),
      ),
    );
    summary.simulatedOrders.forEach((order, i) => {
      assert.equal(records[i]?.status, ON_CHAIN_STATUS[order.status], `order ${order.orderId} (${order.status})`);
    });

    // Same seed, same starting state: the same activity.
    await testClient.revert({ id: snapshot });
    const replay = await simulateActivity({ rpcUrl: node.url, deployment, orders: 40, seed: "test" });
    assert.deepEqual(replayable(replay), replayable(summary));

    // A second run on top never collides with the first.
    const more = await simulateActivity({ rpcUrl: node.url, deployment, orders: 12, seed: "test" });
    assert.equal(more.orders, 12);
    assert.notDeepEqual(more.restaurants, replay.restaurants);
  });
});
