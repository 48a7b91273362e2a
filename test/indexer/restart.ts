import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { after, before, describe, it } from "node:test";

import { PROJECT_ROOT } from "../../lib/config.ts";
import { simulateActivity } from "../../local/simulation/simulate.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/database.ts";
import { indexerFor, startDevChain, waitForMirror, type DevChain } from "../helpers/devchain.ts";
import { dumpMirror, indexedBlock } from "../helpers/mirror.ts";

/** The standalone indexer (`node indexer/main.ts`) as a process we can kill. */
function spawnIndexer(chain: DevChain, db: TestDatabase): ChildProcess {
  return spawn(process.execPath, ["indexer/main.ts"], {
    cwd: PROJECT_ROOT,
    stdio: ["ignore", "ignore", "inherit"],
    env: {
      ...process.env,
      DATABASE_URL: db.url,
      RPC_URL: chain.url,
      DEPLOYMENT_DIR: chain.addresses.directory,
      // Tiny batches, so a kill lands in the middle of the backfill.
      INDEXER_MAX_BLOCK_RANGE: "2",
      LOG_LEVEL: "error",
    },
  });
}

describe("indexer: crash and restart", () => {
  let chain: DevChain;
  let reference: TestDatabase;
  let crashed: TestDatabase;

  before(async () => {
    [chain, reference, crashed] = await Promise.all([startDevChain(), createTestDatabase(), createTestDatabase()]);
    await simulateActivity({ rpcUrl: chain.url, deployment: chain.addresses, orders: 120, seed: "restart" });
    const indexer = indexerFor(chain, reference);
    await indexer.start();
    await waitForMirror(reference, chain);
    await indexer.stop();
  });

  after(async () => {
    await Promise.all([chain.stop(), reference.drop(), crashed.drop()]);
  });

  it("test_restart_killedMidBackfillResumesToAnIdenticalDatabase", async () => {
    const head = await chain.client.getBlockNumber();
    const start = chain.deployment.startBlock;
    let kills = 0;
    // Kill it twice at different points of the backfill, without any chance to clean up.
    for (const fraction of [0.3, 0.6]) {
      const child = spawnIndexer(chain, crashed);
      const exited = once(child, "exit");
      const goal = start + BigInt(Math.floor(Number(head - start) * fraction));
      for (;;) {
        const indexed = await indexedBlock(crashed).catch(() => -1n);
        if (indexed >= goal) break;
        if (child.exitCode !== null) throw new Error(`indexer exited early with ${child.exitCode}`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      child.kill("SIGKILL");
      await exited;
      kills++;
      assert.ok((await indexedBlock(crashed)) < head, "killed before the backfill finished");
    }
    assert.equal(kills, 2);

    const child = spawnIndexer(chain, crashed);
    try {
      await waitForMirror(crashed, chain, 60_000);
    } finally {
      child.kill("SIGTERM");
      const [code] = (await once(child, "exit")) as [number | null];
      assert.equal(code, 0, "SIGTERM stops the indexer cleanly");
    }
    assert.deepEqual(await dumpMirror(crashed), await dumpMirror(reference));
  });
});
