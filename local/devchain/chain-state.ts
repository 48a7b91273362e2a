/**
 * A local chain that survives restarts. `hardhat node` keeps its state in memory only, so
 * `npm start` records every block it mines (timestamp and signed transactions) and, on the next
 * start, replays them into a fresh node whose genesis time is pinned (HARDHAT_INITIAL_DATE).
 * Identical genesis, transactions and timestamps give identical block hashes, which is checked
 * block by block: the deployment record and the database mirror stay valid, and the indexer
 * resumes where it stopped. Blocks mined in the last moments before a hard kill may be missing;
 * the replayed chain is then a prefix and the indexer treats the difference as a reorg.
 */
import { appendFile, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";

import {
  createPublicClient,
  createTestClient,
  http,
  keccak256,
  serializeTransaction,
  type Hex,
  type Transaction,
} from "viem";

export interface SavedChain {
  /** Genesis time of the node (ISO-8601), fixed for the chain's whole life. */
  readonly initialDate: string;
  readonly blocks: readonly SavedBlock[];
}

interface SavedBlock {
  readonly number: string;
  readonly hash: Hex;
  readonly timestamp: string;
  readonly transactions: readonly Hex[];
}

const META_FILE = "chain.json";
const BLOCKS_FILE = "blocks.jsonl";

export async function loadSavedChain(directory: string): Promise<SavedChain | null> {
  try {
    const meta = JSON.parse(await readFile(path.join(directory, META_FILE), "utf8")) as { initialDate: string };
    const lines = (await readFile(path.join(directory, BLOCKS_FILE), "utf8")).split("\n").filter((line) => line !== "");
    const blocks: SavedBlock[] = [];
    for (const line of lines) {
      try {
        blocks.push(JSON.parse(line) as SavedBlock);
      } catch {
        break; // a line cut short by a kill ends the usable record
      }
    }
    return { initialDate: meta.initialDate, blocks };
  } catch {
    return null;
  }
}

/** Starts a new record for a chain whose genesis time is `initialDate`. */
export async function resetSavedChain(directory: string, initialDate: string): Promise<void> {
  await rm(directory, { recursive: true, force: true });
  await mkdir(directory, { recursive: true });
  await writeFile(path.join(directory, META_FILE), JSON.stringify({ initialDate }));
  await writeFile(path.join(directory, BLOCKS_FILE), "");
}

/** The signed transaction as it was sent, rebuilt from the node's JSON (it has no eth_getRawTransaction). */
function rawTransaction(tx: Transaction): Hex {
  const raw = serializeTransaction(
    { ...tx, data: tx.input },
    {
      r: tx.r,
      s: tx.s,
      v: tx.v,
      yParity: tx.yParity,
    },
  );
  if (keccak256(raw) !== tx.hash) throw new Error(`transaction ${tx.hash} cannot be re-serialised exactly`);
  return raw;
}

/**
 * Replays saved blocks into a fresh node started with the chain's initialDate. Returns the
 * number of the last block that matched; replay stops at the first block whose hash differs.
 */
export async function replayChain(rpcUrl: string, saved: SavedChain): Promise<{ matched: bigint; complete: boolean }> {
  const transport = http(rpcUrl);
  const client = createPublicClient({ transport });
  const test = createTestClient({ mode: "hardhat", transport });
  let matched = 0n;
  await test.setAutomine(false);
  try {
    for (const block of saved.blocks) {
      await test.setNextBlockTimestamp({ timestamp: BigInt(block.timestamp) });
      for (const serializedTransaction of block.transactions)
        await client.sendRawTransaction({ serializedTransaction });
      await test.mine({ blocks: 1 });
      const mined = await client.getBlock({ blockTag: "latest" });
      if (mined.hash !== block.hash || mined.number !== BigInt(block.number)) return { matched, complete: false };
      matched = mined.number;
    }
    return { matched, complete: true };
  } finally {
    await test.setAutomine(true);
    // Let time run on from now rather than from the genesis date the node was started with.
    const latest = await client.getBlock({ blockTag: "latest" });
    const behind = Math.floor(Date.now() / 1000) - Number(latest.timestamp);
    if (behind > 0) await test.increaseTime({ seconds: behind });
  }
}

export interface ChainRecorder {
  /** Writes every block mined since the last flush. */
  flush(): Promise<void>;
  /** Final flush; stops the periodic one. */
  stop(): Promise<void>;
}

/** Appends each new block of the node to the record, every `intervalMs` and on stop. */
export function recordChain(
  rpcUrl: string,
  directory: string,
  lastSaved: bigint,
  options: { intervalMs?: number; onError?: (error: unknown) => void } = {},
): ChainRecorder {
  const client = createPublicClient({ transport: http(rpcUrl) });
  let saved = lastSaved;
  let running: Promise<void> = Promise.resolve();

  async function flushOnce(): Promise<void> {
    const head = await client.getBlockNumber({ cacheTime: 0 });
    const lines: string[] = [];
    for (let number = saved + 1n; number <= head; number++) {
      const block = await client.getBlock({ blockNumber: number, includeTransactions: true });
      lines.push(
        JSON.stringify({
          number: block.number.toString(),
          hash: block.hash,
          timestamp: block.timestamp.toString(),
          transactions: block.transactions.map(rawTransaction),
        } satisfies SavedBlock),
      );
    }
    if (lines.length === 0) return;
    await appendFile(path.join(directory, BLOCKS_FILE), `${lines.join("\n")}\n`);
    saved = head;
  }

  let queued = 0;
  const flush = (): Promise<void> => {
    queued++;
    running = running
      .then(flushOnce)
      .catch((error: unknown) => options.onError?.(error))
      .finally(() => queued--);
    return running;
  };
  // Often: a hard kill loses the blocks mined since the last flush (the relayer sends its own
  // transactions again; a customer's would be lost), and asking for the head is one cheap call.
  // A tick while a flush is still running is skipped rather than queued behind it.
  const timer = setInterval(() => {
    if (queued === 0) void flush();
  }, options.intervalMs ?? 250);
  timer.unref();
  return {
    flush,
    async stop(): Promise<void> {
      clearInterval(timer);
      await flush();
    },
  };
}
