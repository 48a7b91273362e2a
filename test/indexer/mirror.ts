import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import type { Address } from "viem";

import { writeBatch, rollbackTo, readCursor, CursorConflictError } from "../../indexer/store.ts";
import { Batch } from "../../indexer/batch.ts";
import { simulateActivity } from "../../local/simulation/simulate.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/database.ts";
import { indexerFor, startDevChain, waitForMirror, type DevChain } from "../helpers/devchain.ts";
import { assertMirrorMatchesChain, dumpMirror, indexedBlock } from "../helpers/mirror.ts";

describe("indexer: the mirror equals the chain", () => {
  let chain: DevChain;
  let db: TestDatabase;

  before(async () => {
    [chain, db] = await Promise.all([startDevChain(), createTestDatabase()]);
    // History first, so the indexer starts with a backfill.
    await simulateActivity({ rpcUrl: chain.url, deployment: chain.addresses, orders: 60, seed: "mirror-backfill" });
  });

  after(async () => {
    await Promise.all([chain.stop(), db.drop()]);
  });

  it("test_backfill_mirrorsEveryBalanceOrderFranchiseAndAttestation", async () => {
    // A small range forces many batches, so batch boundaries are exercised too.
    const indexer = indexerFor(chain, db, { maxBlockRange: 7 });
    await indexer.start();
    try {
      await waitForMirror(db, chain);
      const counts = await assertMirrorMatchesChain(db, chain);
      assert.ok(counts.orders >= 60, `orders mirrored: ${counts.orders}`);
      assert.ok(counts.franchises >= 3 && counts.attestations >= 3 && counts.accounts >= 5, JSON.stringify(counts));
      const { rows } = await db.pool.query<{ count: string }>("SELECT count(*) FROM chain_event");
      const logs = await chain.client.getLogs({
        address: chain.deployment.contracts.map((contract) => contract.address),
        fromBlock: chain.deployment.startBlock,
        toBlock: "latest",
      });
      assert.equal(Number(rows[0]?.count), logs.length, "one audit row per log of the platform's contracts");
    } finally {
      await indexer.stop();
    }
  });

  it("test_asOfBlock_everyPastBalanceEqualsBalanceOfAtThatBlock", async () => {
    const { rows: accounts } = await db.pool.query<{ address: Address }>("SELECT DISTINCT address FROM account");
    const { rows: blocks } = await db.pool.query<{ block: string }>(
      "SELECT DISTINCT block_from AS block FROM account ORDER BY 1",
    );
    for (const { block } of blocks) {
      const blockNumber = BigInt(block);
      const { rows } = await db.pool.query<{ address: Address; balance: string }>(
        "SELECT address, balance FROM account WHERE block_from <= $1 AND (block_to IS NULL OR block_to > $1)",
        [block],
      );
      const mirrored = new Map(rows.map((row) => [row.address, BigInt(row.balance)]));
      for (const { address } of accounts) {
        const onChain = await chain.contracts.hotPotToken.read.balanceOf([address], { blockNumber });
        assert.equal(mirrored.get(address) ?? 0n, onChain, `balance of ${address} at block ${block}`);
      }
    }
  });

  it("test_live_followsNewBlocksAsTheyAreMined", async () => {
    const indexer = indexerFor(chain, db);
    await indexer.start();
    try {
      await waitForMirror(db, chain);
      await simulateActivity({ rpcUrl: chain.url, deployment: chain.addresses, orders: 20, seed: "mirror-live" });
      await waitForMirror(db, chain);
      await assertMirrorMatchesChain(db, chain);
      assert.equal(indexer.status().caughtUp, true);
    } finally {
      await indexer.stop();
    }
  });

  it("test_rerun_rewindingAndReindexingARangeGivesTheSameRows", async () => {
    const before = await dumpMirror(db);
    const session = await db.pool.connect();
    try {
      const cursor = await readCursor(session, chain.deployment.chainId);
      assert.ok(cursor);
      const middle = chain.deployment.startBlock + (cursor.blockNumber - chain.deployment.startBlock) / 2n;
      const { rows } = await session.query<{ hash: string; parent_hash: string; timestamp: Date }>(
        "SELECT hash, parent_hash, timestamp FROM indexed_block WHERE number = $1",
        [middle.toString()],
      );
      const header = rows[0];
      assert.ok(header, `block ${middle} is remembered`);
      await rollbackTo(session, cursor, {
        number: middle,
        hash: header.hash,
        parentHash: header.parent_hash,
        timestamp: header.timestamp,
      });

      // A batch that does not start at the cursor is refused and changes nothing.
      const stale = await readCursor(session, chain.deployment.chainId);
      assert.ok(stale);
      await assert.rejects(
        writeBatch(session, {
          cursor: { ...stale, blockNumber: stale.blockNumber - 1n },
          to: { number: stale.blockNumber + 1n, hash: "0x01", parentHash: stale.blockHash, timestamp: new Date() },
          events: [],
          timestampOf: () => new Date(),
          batch: new Batch(),
          blocks: [],
          pruneBelow: 0n,
        }),
        CursorConflictError,
      );
    } finally {
      session.release();
    }

    const indexer = indexerFor(chain, db, { maxBlockRange: 5 });
    await indexer.start();
    try {
      await waitForMirror(db, chain);
    } finally {
      await indexer.stop();
    }
    assert.deepEqual(await dumpMirror(db), before);
  });

  it("test_confirmations_staysTheConfiguredNumberOfBlocksBehindTheHead", async () => {
    const behind = await createTestDatabase();
    const indexer = indexerFor(chain, behind, { confirmations: 3, pollIntervalMs: 50 });
    try {
      await indexer.start();
      const head = await chain.client.getBlockNumber();
      await indexer.waitForBlock(head - 3n);
      // Given time, it still does not index the last three blocks.
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(await indexedBlock(behind), head - 3n);
      await (await chain.connection.viem.getTestClient()).mine({ blocks: 3 });
      await indexer.waitForBlock(head);
      assert.equal(await indexedBlock(behind), head);
    } finally {
      await indexer.stop();
      await behind.drop();
    }
  });
});
