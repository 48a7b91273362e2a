import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import { assertMirrorMatchesChain } from "../helpers/mirror.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/database.ts";
import {
  indexerFor,
  openRestaurant,
  settleCard,
  startDevChain,
  waitForMirror,
  type DevChain,
} from "../helpers/devchain.ts";

const FRANCHISEE = 10;
const ALICE = 5;
const BOB = 6;

describe("indexer: chain reorganisations", () => {
  let chain: DevChain;
  let db: TestDatabase;
  let indexer: ReturnType<typeof indexerFor>;

  before(async () => {
    [chain, db] = await Promise.all([startDevChain(), createTestDatabase()]);
    await openRestaurant(chain, 1n, FRANCHISEE);
    indexer = indexerFor(chain, db);
    await indexer.start();
  });

  after(async () => {
    await indexer.stop();
    await Promise.all([chain.stop(), db.drop()]);
  });

  async function orderIds(): Promise<string[]> {
    const { rows } = await db.pool.query<{ order_id: string }>(
      'SELECT order_id FROM "order" WHERE block_to IS NULL ORDER BY order_id',
    );
    return rows.map((row) => row.order_id);
  }

  async function eventsOfTx(hash: string): Promise<number> {
    const { rows } = await db.pool.query<{ count: string }>("SELECT count(*) FROM chain_event WHERE tx_hash = $1", [
      hash,
    ]);
    return Number(rows[0]?.count);
  }

  it("test_reorg_rollsBackAShorterBranchAndIndexesTheNewOne", async () => {
    const test = await chain.connection.viem.getTestClient();
    const kept = await settleCard(chain, "kept", 1n, ALICE, 2_500n);
    await waitForMirror(db, chain);
    const snapshot = await test.snapshot();

    const orphanA = await settleCard(chain, "orphan-a", 1n, ALICE, 1_000n);
    const orphanB = await settleCard(chain, "orphan-b", 1n, BOB, 4_000n);
    const orphanBlock = await chain.client.getBlock();
    const orphanTx = orphanBlock.transactions[0] as string;
    await waitForMirror(db, chain);
    assert.ok((await orderIds()).includes(orphanB));
    assert.ok((await eventsOfTx(orphanTx)) > 0);

    await test.revert({ id: snapshot });
    // One block on the new branch: the head is now lower than what the mirror indexed.
    const replacement = await settleCard(chain, "replacement", 1n, BOB, 700n);
    await waitForMirror(db, chain);

    const ids = await orderIds();
    assert.ok(ids.includes(kept), "the order before the fork stays");
    assert.ok(ids.includes(replacement), "the new branch's order is indexed");
    assert.ok(!ids.includes(orphanA) && !ids.includes(orphanB), "the orphaned branch's orders are gone");
    assert.equal(await eventsOfTx(orphanTx), 0, "the orphaned branch's events are gone");
    await assertMirrorMatchesChain(db, chain);
    assert.match(await indexer.registry.metrics(), /indexer_reorgs_total 1\b/);
  });

  it("test_reorg_detectsALongerBranchByItsParentHash", async () => {
    const test = await chain.connection.viem.getTestClient();
    const snapshot = await test.snapshot();
    const orphan = await settleCard(chain, "orphan-long", 1n, ALICE, 1_500n);
    await waitForMirror(db, chain);
    assert.ok((await orderIds()).includes(orphan));

    await test.revert({ id: snapshot });
    // Three blocks on the new branch, so it is longer than the orphaned one.
    const replacements = [
      await settleCard(chain, "long-1", 1n, ALICE, 100n),
      await settleCard(chain, "long-2", 1n, BOB, 200n),
      await settleCard(chain, "long-3", 1n, ALICE, 300n),
    ];
    await waitForMirror(db, chain);

    const ids = await orderIds();
    assert.ok(!ids.includes(orphan));
    for (const id of replacements) assert.ok(ids.includes(id));
    await assertMirrorMatchesChain(db, chain);
    assert.match(await indexer.registry.metrics(), /indexer_reorgs_total 2\b/);
  });

  it("test_reorg_pastStateQueriesFollowTheNewBranch", async () => {
    // Versions born on the orphaned branch were deleted, not merely closed: the account history
    // has no version from a block that is no longer canonical.
    const { rows } = await db.pool.query<{ block_from: string }>("SELECT DISTINCT block_from FROM account");
    for (const { block_from } of rows) {
      const block = await chain.client.getBlock({ blockNumber: BigInt(block_from) });
      const { rows: events } = await db.pool.query<{ block_hash: string }>(
        "SELECT DISTINCT block_hash FROM chain_event WHERE block_number = $1",
        [block_from],
      );
      for (const event of events) assert.equal(event.block_hash, block.hash, `events of block ${block_from}`);
    }
  });
});
