import type pg from "pg";
import type { Address, PublicClient } from "viem";

import type { Deployment } from "../lib/chain/deployment.ts";
import type { Database } from "../lib/db/client.ts";
import { ConfigError, HotPotError, RetryableError, classifyDatabaseError } from "../lib/errors.ts";
import type { Logger } from "../lib/logger.ts";
import { EventDecoder } from "./decode.ts";
import { createBatchIndexer } from "./indexing.ts";
import type { IndexerMetrics } from "./metrics.ts";
import { RangeTooLargeError, classifyRpcError, fetchHashes, fetchHeaders } from "./rpc.ts";
import { initCursor, readCursor, resetMirror, rollbackTo, type BlockHeader, type Cursor } from "./store.ts";
import { createRangeFetcher } from "./sync-historical.ts";
import { createHeadWatcher, findCommonAncestor } from "./sync-realtime.ts";

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

function classify(error: unknown): HotPotError {
  if (error instanceof HotPotError) return error;
  if (typeof (error as { code?: unknown } | null)?.code === "string") return classifyDatabaseError(error);
  return classifyRpcError(error);
}

/** Mirrors the deployment's events into Postgres: backfill, then follow the head, surviving reorgs and restarts. */
export function createIndexer(context: IndexerContext): Indexer {
  const { db, client, deployment, options, logger, metrics } = context;
  const chainId = deployment.chainId;
  const fetcher = createRangeFetcher({
    client,
    decoder: new EventDecoder(deployment.contracts),
    addresses: deployment.contracts.map((contract): Address => contract.address),
    options: {
      maxBlockRange: options.maxBlockRange,
      targetLogs: options.targetLogsPerBatch ?? 10_000,
      reorgWindow: options.reorgWindow,
    },
    metrics,
    logger,
  });
  const indexing = createBatchIndexer({ db, metrics, reorgWindow: options.reorgWindow });
  const heads = createHeadWatcher(context.wsUrl, options.pollIntervalMs, logger);

  let cursor: Cursor | null = null;
  let head: bigint | null = null;
  let verifiedHead: bigint | null = null;
  let caughtUp = false;
  let running = false;
  // An object, not a `let`: the loop reads it after awaits, where stop() may have changed it.
  const control = { stopped: false };
  let lastError: string | null = null;
  const waiters = new Set<{ block: bigint; resolve: () => void }>();

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
      heads.wake();
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
    const ancestor = await findCommonAncestor(session, client, current, options.reorgWindow);
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
    fetcher.reset();
  }

  /** One batch. Returns false when there is nothing to do until the next head. */
  async function step(session: pg.PoolClient): Promise<boolean> {
    heads.consume();
    const latest = await client.getBlockNumber({ cacheTime: 0 }).catch((error: unknown) => {
      throw classifyRpcError(error);
    });
    head = latest;
    metrics.headBlock.set(Number(latest));
    const target = latest - BigInt(options.confirmations);
    // Where this batch starts: after the one being written, if any.
    const base = indexing.pendingEnd() ?? {
      number: (cursor as Cursor).blockNumber,
      hash: (cursor as Cursor).blockHash,
    };

    if (base.number >= target) {
      await indexing.settle();
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

    const fetched = await fetcher.next(base.number + 1n, target, latest);
    if (fetched === null) return true;
    const fromHeader = fetched.fetched.headers.get(fetched.from) as BlockHeader;
    if (fromHeader.parentHash !== base.hash) {
      await indexing.settle();
      await handleReorg(session, cursor as Cursor);
      return true;
    }
    metrics.syncDelay.set(Math.max(0, (Date.now() - fromHeader.timestamp.getTime()) / 1000));
    await indexing.index(session, fetched, { cursor: () => cursor as Cursor, head: latest }, (to) => {
      const current = cursor as Cursor;
      setCursor({ ...current, blockNumber: to.number, blockHash: to.hash, blockTimestamp: to.timestamp });
      if (to.number >= target) metrics.syncDelay.set(0);
    });
    return true;
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
          if (!progressed && !control.stopped) await heads.wait();
        }
        await indexing.settle();
        session.release();
        session = null;
      } catch (raw) {
        // A write still in flight dies with the session (its transaction rolls back); the cursor
        // is read again from the database when the next session opens.
        indexing.reset();
        fetcher.reset();
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
      heads.start();
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
      await heads.stop();
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
        heads.wake();
        notifyWaiters();
      });
    },

    done,
  };
}
