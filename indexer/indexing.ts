import type pg from "pg";

import type { Database } from "../lib/db/client.ts";
import { Batch } from "./batch.ts";
import { applyEvents, eventKeys, orderRestaurantKeys } from "./handlers.ts";
import type { IndexerMetrics } from "./metrics.ts";
import { loadCurrent, writeBatch, type BlockHeader, type Cursor } from "./store.ts";
import type { FetchedBatch } from "./sync-historical.ts";
import { ORDER, VERSIONED_TABLES, type VersionedTableSpec } from "./tables.ts";

/** Turns fetched ranges into mirror rows: one batch in memory while the one before it is written. */
export interface BatchIndexer {
  /** The last block of the batch being written, or null when no write is in flight. */
  pendingEnd(): BlockHeader | null;
  /**
   * Applies the range's events to the entities they touch, waits for the previous batch's write,
   * then starts writing this one on `session` and returns without waiting for it.
   * `written` runs once it is committed.
   */
  index(
    session: pg.PoolClient,
    fetched: FetchedBatch,
    at: { readonly cursor: () => Cursor; readonly head: bigint },
    written: (to: BlockHeader) => void,
  ): Promise<void>;
  /** Waits for the batch being written; its failure is the caller's. */
  settle(): Promise<void>;
  /** Forgets the write in flight: it dies with its session (its transaction rolls back). */
  reset(): void;
}

/**
 * Indexing: the handlers applied to each range's events, the batch written in one transaction
 * (store.ts). The write of one batch overlaps the fetch and apply of the next, seeded from the
 * batch being written where it changed an entity, from the database otherwise.
 */
export function createBatchIndexer(context: {
  readonly db: Database;
  readonly metrics: IndexerMetrics;
  readonly reorgWindow: number;
}): BatchIndexer {
  const { db, metrics, reorgWindow } = context;
  // Only one at a time: the next write waits for it, and so does anything that reads the cursor.
  let writing: { readonly to: BlockHeader; readonly batch: Batch; readonly done: Promise<void> } | null = null;

  async function settle(): Promise<void> {
    const pending = writing;
    if (pending === null) return;
    writing = null;
    await pending.done;
  }

  return {
    pendingEnd(): BlockHeader | null {
      return writing?.to ?? null;
    },

    async index(session, { to, fetched, events, decodeSeconds }, at, written): Promise<void> {
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
      metrics.batchDuration.observe({ phase: "process" }, decodeSeconds + (performance.now() - processStarted) / 1000);

      await settle();
      const cursor = at.cursor();
      const toHeader = fetched.headers.get(to) as BlockHeader;
      const windowStart = at.head - BigInt(reorgWindow);
      const blocks = [...fetched.headers.values()].filter((block) => block.number > windowStart || block.number === to);
      const write = async (): Promise<void> => {
        const writeTimer = metrics.batchDuration.startTimer({ phase: "write" });
        await writeBatch(session, {
          cursor,
          to: toHeader,
          events,
          timestampOf,
          batch,
          blocks,
          pruneBelow: windowStart,
        });
        writeTimer();
        metrics.eventsIndexed.inc(events.length);
        written(toHeader);
      };
      const done = write();
      // Awaited by the next index() or settle(), or dropped with the session after a failure elsewhere.
      done.catch(() => undefined);
      writing = { to: toHeader, batch, done };
    },

    settle,

    reset(): void {
      writing = null;
    },
  };
}
