import type pg from "pg";
import { createPublicClient, webSocket, type Address, type PublicClient } from "viem";

import type { Deployment } from "../lib/chain/deployment.ts";
import type { Database } from "../lib/db/client.ts";
import { ConfigError, HotPotError, RetryableError, classifyDatabaseError } from "../lib/errors.ts";
import type { Logger } from "../lib/logger.ts";
import { Batch } from "./batch.ts";
import { EventDecoder, type DecodedEvent } from "./decode.ts";
import { applyEvents, eventKeys, orderRestaurantKeys } from "./handlers.ts";
import type { IndexerMetrics } from "./metrics.ts";
import {
  RangeTooLargeError,
  classifyRpcError,
  fetchHashes,
  fetchHeaders,
  fetchRange,
  type FetchedRange,
} from "./rpc.ts";
import {
  initCursor,
  loadCurrent,
  readCursor,
  recentBlocks,
  resetMirror,
  rollbackTo,
  writeBatch,
  type BlockHeader,
  type Cursor,
} from "./store.ts";
import { ORDER, VERSIONED_TABLES, type VersionedTableSpec } from "./tables.ts";

/** The contracts whose events make up the mirror. */
export const INDEXED_CONTRACTS = ["KycRegistry", "HotPotToken", "FranchiseNFT", "OrderSettlement"] as const;

export interface IndexerOptions {
  /** Blocks behind the head to stay (0 follows the head itself). */
  readonly confirmations: number;
  /** Largest block range per eth_getLogs; shrinks when the node refuses or a range holds too many logs. */
  readonly maxBlockRange: number;
  /** Head polling period when no subscription delivers new heads. */
  readonly pollIntervalMs: number;
  /** How many recent blocks are remembered to find the common ancestor of a reorg. */
  readonly reorgWindow: number;
  /** Logs per batch to aim for: large enough to amortise a transaction, small enough to keep memory flat. */
  readonly targetLogsPerBatch?: number;
}

export interface IndexerContext {
  readonly db: Database;
  readonly client: PublicClient;
  /** WebSocket JSON-RPC for newHeads; without it the indexer polls. */
  readonly wsUrl?: string | undefined;
  readonly deployment: Deployment;
  readonly options: IndexerOptions;
  readonly logger: Logger;
  readonly metrics: IndexerMetrics;
}

export interface IndexerStatus {
  readonly chainId: number;
  readonly headBlock: bigint | null;
  readonly indexedBlock: bigint | null;
  readonly caughtUp: boolean;
  readonly running: boolean;
  readonly lastError: string | null;
}

export interface Indexer {
  /** Takes the mirror's lock, checks the deployment against the chain, then indexes until stopped. */
  start(): Promise<void>;
  stop(): Promise<void>;
  status(): IndexerStatus;
  /** Resolves once every block up to `block` is in the database. */
  waitForBlock(block: bigint, timeoutMs?: number): Promise<void>;
  /** Settles when the indexer stops: resolves after stop(), rejects on a fatal error. */
  readonly done: Promise<void>;
}

const LOCK_NAMESPACE = 0x1d3e;
const INITIAL_BLOCK_RANGE = 16;

function classify(error: unknown): HotPotError {
  if (error instanceof HotPotError) return error;
  if (typeof (error as { code?: unknown } | null)?.code === "string") return classifyDatabaseError(error);
  return classifyRpcError(error);
}

/** Mirrors the deployment's events into Postgres: backfill, then follow the head, surviving reorgs and restarts. */
export function createIndexer(context: IndexerContext): Indexer {
  const { db, client, deployment, options, logger, metrics } = context;
  const chainId = deployment.chainId;
  const decoder = new EventDecoder(deployment.contracts);
  const addresses: Address[] = deployment.contracts.map((contract) => contract.address);
  const targetLogs = options.targetLogsPerBatch ?? 10_000;

  let cursor: Cursor | null = null;
  let head: bigint | null = null;
  let verifiedHead: bigint | null = null;
  // Starts small and grows towards the target number of logs: a first range of maxBlockRange
  // blocks on a busy chain would fetch (and hold in memory) far more than one batch.
  let range = BigInt(Math.min(options.maxBlockRange, INITIAL_BLOCK_RANGE));
  let caughtUp = false;
  let running = false;
  // An object, not a `let`: the loop reads it after awaits, where stop() may have changed it.
  const control = { stopped: false };
  let lastError: string | null = null;
  let wake: (() => void) | null = null;
  // A head announced while a step runs (nobody waiting to be woken) must not be lost: the next
  // wait would then sleep a whole poll interval with a new block already there.
  let headPending = false;
  let unwatch: (() => void) | null = null;
  let closeSocket: (() => Promise<void>) | null = null;
  const waiters = new Set<{ block: bigint; resolve: () => void }>();
  // The next range, fetched and decoded while the current batch is applied and written. Used only
  // if the next step starts exactly where it begins; the same checks as for any fetch apply then.
  let prefetched: { from: bigint; to: bigint; result: Promise<FetchedBatch> } | null = null;
  // The batch being written, in its own transaction on the session, while the next one is
  // fetched and applied in memory (seeded from this one's state where it changed). Only one at
  // a time: the next write waits for it, and so does anything that reads the cursor.
  let writing: { readonly to: BlockHeader; readonly batch: Batch; readonly done: Promise<void> } | null = null;

  let resolveDone!: () => void;
  let rejectDone!: (error: unknown) => void;
  const done = new Promise<void>((resolve, reject) => {
    resolveDone = resolve;
    rejectDone = reject;
  });
  // Callers that never await `done` must not see an unhandled rejection.
  done.catch(() => undefined);

  function notifyWaiters(): void {
    if (cursor === null) return;
    for (const waiter of waiters) {
      if (cursor.blockNumber >= waiter.block) {
        waiters.delete(waiter);
        waiter.resolve();
      }
    }
  }

  function setCursor(next: Cursor): void {
    cursor = next;
    metrics.indexedBlock.set(Number(next.blockNumber));
    notifyWaiters();
  }

  async function openSession(): Promise<pg.PoolClient> {
    const session = await db.pool.connect();
    // A checked-out client that loses its server emits 'error'; unheard, that would crash the
    // process. Waking the loop makes its next query fail and the session reopen with backoff.
    session.on("error", (error) => {
      lastError = error.message;
      wake?.();
    });
    try {
      const { rows } = await session.query<{ locked: boolean }>("SELECT pg_try_advisory_lock($1, $2) AS locked", [
        LOCK_NAMESPACE,
        chainId,
      ]);
      if (rows[0]?.locked !== true) {
        throw new RetryableError(`another indexer holds the mirror of chain ${chainId}; waiting for it to stop`);
      }
      await prepareCursor(session);
      return session;
    } catch (error) {
      session.release(true);
      throw error;
    }
  }

  async function prepareCursor(session: pg.PoolClient): Promise<void> {
    const startHash = (await fetchHashes(client, [deployment.startBlock])).get(deployment.startBlock);
    if (startHash !== deployment.startBlockHash) {
      throw new ConfigError(
        `the deployment record ${deployment.directory} does not match the chain: block ${deployment.startBlock} is ${startHash ?? "missing"}, the record says ${deployment.startBlockHash}`,
      );
    }
    let stored = await readCursor(session, chainId);
    if (stored !== null && stored.startBlockHash !== deployment.startBlockHash) {
      logger.warn(
        { chainId, previousStart: stored.startBlockHash, start: deployment.startBlockHash },
        "the chain was redeployed since the mirror was built: forgetting the old mirror and indexing the new one",
      );
      await resetMirror(session, chainId);
      stored = null;
    }
    if (stored === null) {
      const anchorNumber = deployment.startBlock - 1n;
      const anchor = (await fetchHeaders(client, [anchorNumber])).get(anchorNumber) as BlockHeader;
      stored = {
        chainId,
        startBlock: deployment.startBlock,
        startBlockHash: deployment.startBlockHash,
        blockNumber: anchor.number,
        blockHash: anchor.hash,
        blockTimestamp: anchor.timestamp,
      };
      await initCursor(session, stored, anchor);
      logger.info({ chainId, startBlock: deployment.startBlock.toString() }, "mirror initialised");
    }
    setCursor(stored);
  }

  /** Finds the newest remembered block still on the chain and rolls the mirror back to it. */
  async function handleReorg(session: pg.PoolClient, current: Cursor): Promise<void> {
    const remembered = await recentBlocks(session, chainId, current.blockNumber);
    let ancestor: BlockHeader | undefined;
    for (let i = 0; i < remembered.length && ancestor === undefined; i += 100) {
      const chunk = remembered.slice(i, i + 100);
      const hashes = await fetchHashes(
        client,
        chunk.map((block) => block.number),
      );
      ancestor = chunk.find((block) => hashes.get(block.number) === block.hash);
    }
    if (ancestor === undefined) {
      throw new HotPotError(
        `chain ${chainId} reorganised deeper than the ${options.reorgWindow} remembered blocks (indexed up to ${current.blockNumber}); raise INDEXER_REORG_WINDOW and rebuild the mirror`,
      );
    }
    const orders = await rollbackTo(session, current, ancestor);
    metrics.reorgs.inc();
    logger.warn(
      { chainId, from: current.blockNumber.toString(), to: ancestor.number.toString(), orders: orders.length },
      "chain reorganisation: mirror rolled back to the common ancestor",
    );
    setCursor({
      ...current,
      blockNumber: ancestor.number,
      blockHash: ancestor.hash,
      blockTimestamp: ancestor.timestamp,
    });
    verifiedHead = null;
    prefetched = null;
  }

  interface FetchedBatch {
    readonly fetched: FetchedRange;
    readonly events: DecodedEvent[];
    readonly fetchSeconds: number;
    readonly decodeSeconds: number;
  }

  async function fetchBatch(from: bigint, to: bigint): Promise<FetchedBatch> {
    const fetchStarted = performance.now();
    const windowStart = (head ?? to) - BigInt(options.reorgWindow);
    const fetched = await fetchRange(client, addresses, from, to, windowStart);
    const decodeStarted = performance.now();
    const events = fetched.logs.map((log) => decoder.decode(log));
    const done = performance.now();
    return {
      fetched,
      events,
      fetchSeconds: (decodeStarted - fetchStarted) / 1000,
      decodeSeconds: (done - decodeStarted) / 1000,
    };
  }

  function prefetch(from: bigint, to: bigint): void {
    const result = fetchBatch(from, to);
    // Settled by whoever uses it; a prefetch nobody uses must not surface as unhandled.
    result.catch(() => undefined);
    prefetched = { from, to, result };
  }

  /** Waits for the batch being written; its failure is the step's failure. */
  async function settleWrite(): Promise<void> {
    const pending = writing;
    if (pending === null) return;
    writing = null;
    await pending.done;
  }

  /** One batch. Returns false when there is nothing to do until the next head. */
  async function step(session: pg.PoolClient): Promise<boolean> {
    headPending = false;
    const latest = await client.getBlockNumber({ cacheTime: 0 }).catch((error: unknown) => {
      throw classifyRpcError(error);
    });
    head = latest;
    metrics.headBlock.set(Number(latest));
    const target = latest - BigInt(options.confirmations);
    // Where this batch starts: after the one being written, if any.
    const base = writing?.to ?? { number: (cursor as Cursor).blockNumber, hash: (cursor as Cursor).blockHash };

    if (base.number >= target) {
      await settleWrite();
      const current = cursor as Cursor;
      if (verifiedHead !== latest) {
        const hash = (await fetchHashes(client, [current.blockNumber])).get(current.blockNumber);
        if (hash !== current.blockHash) {
          await handleReorg(session, current);
          return true;
        }
        verifiedHead = latest;
      }
      caughtUp = true;
      metrics.syncDelay.set(0);
      return false;
    }
    caughtUp = false;

    const from = base.number + 1n;
    const ahead = prefetched;
    prefetched = null;
    const usePrefetched = ahead !== null && ahead.from === from && ahead.to <= target;
    const to = usePrefetched ? ahead.to : from + range - 1n < target ? from + range - 1n : target;
    let fetchedBatch: FetchedBatch;
    try {
      fetchedBatch = await (usePrefetched ? ahead.result : fetchBatch(from, to));
    } catch (error) {
      const span = to - from + 1n;
      if (error instanceof RangeTooLargeError && span > 1n) {
        metrics.rpcErrors.inc({ kind: "range" });
        // Shrink what was actually asked for (the chain may be shorter than the range). When the
        // answer's size is known, to what fits and, a log being at least ~500 bytes of JSON, to
        // no more than the target number of logs.
        const answer = error.answer;
        const share =
          answer === undefined
            ? 0.5
            : Math.min((0.8 * answer.maxBytes) / answer.bytes, (targetLogs * 500) / answer.bytes);
        const shrunk = BigInt(Math.floor(Number(span) * share));
        range = shrunk > 0n ? shrunk : 1n;
        logger.debug({ range: range.toString() }, "node refused the block range; shrinking it");
        return true;
      }
      throw error;
    }
    const { fetched, events } = fetchedBatch;
    metrics.batchDuration.observe({ phase: "fetch" }, fetchedBatch.fetchSeconds);
    const fromHeader = fetched.headers.get(from) as BlockHeader;
    const toHeader = fetched.headers.get(to) as BlockHeader;
    if (fromHeader.parentHash !== base.hash) {
      await settleWrite();
      await handleReorg(session, cursor as Cursor);
      return true;
    }
    metrics.syncDelay.set(Math.max(0, (Date.now() - fromHeader.timestamp.getTime()) / 1000));

    // Aim the next range at the target number of logs, from the density of this one: shrink
    // when it held too many, grow (at most fourfold) when a whole range held fewer. A range cut
    // short by the head says little about density and leaves the range as it is.
    const count = BigInt(fetched.logs.length);
    const span = to - from + 1n;
    const aim = BigInt(targetLogs);
    if (count > aim) {
      range = (span * aim) / count > 0n ? (span * aim) / count : 1n;
    } else if (span === range) {
      const grown = count === 0n || (range * aim) / count > range * 4n ? range * 4n : (range * aim) / count;
      range = grown > BigInt(options.maxBlockRange) ? BigInt(options.maxBlockRange) : grown;
    }
    if (to < target) prefetch(to + 1n, to + range < target ? to + range : target);

    const processStarted = performance.now();
    const timestampOf = (block: bigint): Date => fetched.timestamps.get(block) as Date;
    const batch = new Batch();
    const previous = writing?.batch;
    // The session is busy with the previous batch's transaction; what it does not change is the
    // same in the database before and after it commits.
    const reader = writing === null ? session : db.pool;
    const seed = async (table: VersionedTableSpec, requested: Iterable<string>): Promise<void> => {
      const keys = previous === undefined ? [...requested] : batch.inherit(previous, table, requested);
      batch.seed(table, await loadCurrent(reader, table, keys), keys);
    };
    const keys = eventKeys(events);
    await seed(ORDER, keys.get(ORDER) ?? []);
    orderRestaurantKeys(batch, events, keys);
    for (const table of VERSIONED_TABLES) {
      if (table !== ORDER) await seed(table, keys.get(table) ?? []);
    }
    applyEvents(batch, events, timestampOf);
    // Decoding happened with the fetch; it is processing all the same.
    metrics.batchDuration.observe(
      { phase: "process" },
      fetchedBatch.decodeSeconds + (performance.now() - processStarted) / 1000,
    );

    await settleWrite();
    const current = cursor as Cursor;
    const windowStart = latest - BigInt(options.reorgWindow);
    const blocks = [...fetched.headers.values()].filter((block) => block.number > windowStart || block.number === to);
    const write = async (): Promise<void> => {
      const writeTimer = metrics.batchDuration.startTimer({ phase: "write" });
      await writeBatch(session, {
        cursor: current,
        to: toHeader,
        events,
        timestampOf,
        batch,
        blocks,
        pruneBelow: windowStart,
      });
      writeTimer();
      metrics.eventsIndexed.inc(events.length);
      setCursor({ ...current, blockNumber: to, blockHash: toHeader.hash, blockTimestamp: toHeader.timestamp });
      if (to >= target) metrics.syncDelay.set(0);
    };
    const done = write();
    // Awaited by the next step, or dropped with the session after a failure elsewhere.
    done.catch(() => undefined);
    writing = { to: toHeader, batch, done };
    return true;
  }

  async function waitForHead(): Promise<void> {
    if (headPending) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(finish, options.pollIntervalMs);
      function finish(): void {
        clearTimeout(timer);
        wake = null;
        resolve();
      }
      wake = finish;
    });
  }

  async function loop(): Promise<void> {
    let failures = 0;
    while (!control.stopped) {
      let session: pg.PoolClient | null = null;
      try {
        session = await openSession();
        // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- as above
        while (!control.stopped) {
          const progressed = await step(session);
          failures = 0;
          lastError = null;
          // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- stop() flips it during the await
          if (!progressed && !control.stopped) await waitForHead();
        }
        await settleWrite();
        session.release();
        session = null;
      } catch (raw) {
        // A write still in flight dies with the session (its transaction rolls back); the cursor
        // is read again from the database when the next session opens.
        writing = null;
        prefetched = null;
        session?.release(true);
        const error = classify(raw);
        lastError = error.message;
        // A range the node or the client refused is shrunk where the logs are fetched; met anywhere
        // else, a small request shared a JSON-RPC batch with an oversized answer: try again.
        if (!error.retryable && !(error instanceof RangeTooLargeError)) throw error;
        failures++;
        metrics.rpcErrors.inc({ kind: "retryable" });
        const delay = Math.min(5_000, 100 * 2 ** Math.min(failures, 6));
        logger.warn({ err: error.message, attempt: failures, delayMs: delay }, "indexer step failed; retrying");
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  return {
    async start(): Promise<void> {
      if (running) return;
      // Fail here, not in the background, when the chain or the database is unusable from the start.
      await client.getChainId().catch((error: unknown) => {
        throw classifyRpcError(error);
      });
      running = true;
      if (context.wsUrl !== undefined) {
        try {
          const transport = webSocket(context.wsUrl, { reconnect: true, retryCount: 3 });
          const ws = createPublicClient({ transport });
          // viem caches sockets per URL and keeps them (and their reconnect timers) alive until closed.
          closeSocket = async () => {
            const rpc = await ws.transport.getRpcClient();
            rpc.close();
          };
          unwatch = ws.watchBlockNumber({
            emitOnBegin: false,
            onBlockNumber: () => {
              headPending = true;
              wake?.();
            },
            onError: (error) => {
              logger.debug({ err: error.message }, "head subscription error; polling continues");
            },
          });
        } catch (error) {
          logger.warn({ err: (error as Error).message }, "no head subscription; polling instead");
        }
      }
      loop().then(
        () => {
          running = false;
          resolveDone();
        },
        (error: unknown) => {
          running = false;
          lastError = error instanceof Error ? error.message : String(error);
          logger.error({ err: lastError }, "indexer stopped on a fatal error");
          for (const waiter of waiters) waiter.resolve();
          waiters.clear();
          rejectDone(error);
        },
      );
    },

    async stop(): Promise<void> {
      control.stopped = true;
      unwatch?.();
      await closeSocket?.().catch(() => undefined);
      wake?.();
      if (running) await done.catch(() => undefined);
    },

    status(): IndexerStatus {
      return {
        chainId,
        headBlock: head,
        indexedBlock: cursor?.blockNumber ?? null,
        caughtUp,
        running,
        lastError,
      };
    },

    waitForBlock(block: bigint, timeoutMs = 30_000): Promise<void> {
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`indexer did not reach block ${block} within ${timeoutMs} ms (at ${cursor?.blockNumber})`));
        }, timeoutMs);
        const waiter = {
          block,
          resolve: () => {
            clearTimeout(timer);
            if (lastError !== null && !running) reject(new Error(`indexer stopped: ${lastError}`));
            else resolve();
          },
        };
        waiters.add(waiter);
        wake?.();
        notifyWaiters();
      });
    },

    done,
  };
}
