/**
 * GET /health says whether this process can serve (database and chain reachable, the relayer not
 * stuck) and how far behind the mirror is; GET /ready says whether it should receive traffic: only once the indexer has caught up,
 * so a load balancer does not send apps to a mirror that is still backfilling.
 */
import type { Database } from "../../lib/db/client.ts";
import type { Logger } from "pino";

export interface HealthSources {
  readonly db: Database;
  readonly logger: Logger;
  readonly chainId: number;
  readonly chainHead: () => Promise<bigint>;
  /** Blocks the indexer deliberately stays behind the head (it indexes only confirmed blocks). */
  readonly confirmations: number;
  /** How long each check may take before it counts as failed. */
  readonly timeoutMs?: number;
  /** The relayer's own account of whether it keeps up (absent when this process serves reads only). */
  readonly relayer?: () => Promise<RelayerHealthReport>;
}

/** What the relayer says of itself (api/relayer's RelayerHealth). */
export interface RelayerHealthReport {
  readonly ok: boolean;
  readonly reason?: string;
  readonly unfinishedRows: number;
  readonly oldestRowSeconds: number;
  readonly oldestUnminedSeconds: number;
  readonly lastDrainSecondsAgo: number | null;
}

export interface HealthReport {
  readonly status: "ok" | "degraded";
  readonly parts: {
    readonly db: { readonly ok: boolean; readonly latency_ms: number | null };
    readonly chain: { readonly ok: boolean; readonly head: number | null };
    readonly indexer: {
      readonly block: number | null;
      readonly lag_blocks: number | null;
      /** Age of the last indexed block while the indexer is behind its confirmation depth; 0 when caught up. */
      readonly lag_seconds: number | null;
      readonly caught_up: boolean;
    };
    /** Absent when this process runs no relayer. `ok: false` means payments are not reaching the chain. */
    readonly relayer?: {
      readonly ok: boolean;
      readonly reason?: string;
      readonly unfinished_rows: number | null;
      readonly oldest_row_seconds: number | null;
      readonly oldest_unmined_seconds: number | null;
      readonly last_drain_seconds_ago: number | null;
    };
  };
}

export interface Checked<Body> {
  readonly httpStatus: number;
  readonly body: Body;
}

/** `promise`, or a rejection naming `what` once `ms` have passed. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`${what} did not answer within ${ms} ms`));
    }, ms);
  });
  return Promise.race([promise, timeout]).finally(() => {
    clearTimeout(timer);
  });
}

interface Observations {
  readonly dbLatencyMs: number | null;
  readonly head: bigint | null;
  readonly cursor: { readonly block: bigint; readonly timestamp: Date } | null;
}

async function observe(sources: HealthSources): Promise<Observations> {
  const timeoutMs = sources.timeoutMs ?? 2000;
  const database = (async () => {
    const started = performance.now();
    const cursor = await sources.db.prisma.indexerCursor.findUnique({ where: { chainId: sources.chainId } });
    return { latency: performance.now() - started, cursor };
  })();
  const [db, head] = await Promise.allSettled([
    withTimeout(database, timeoutMs, "the database"),
    withTimeout(sources.chainHead(), timeoutMs, "the chain"),
  ]);
  if (db.status === "rejected") {
    sources.logger.warn({ err: db.reason }, "health: database check failed");
  }
  if (head.status === "rejected") {
    // Only the error's name: messages from RPC clients can carry the endpoint URL, keys included.
    const name = head.reason instanceof Error ? head.reason.name : typeof head.reason;
    sources.logger.warn({ error: name }, "health: chain head check failed");
  }
  const cursor = db.status === "fulfilled" ? db.value.cursor : null;
  return {
    dbLatencyMs: db.status === "fulfilled" ? Math.round(db.value.latency * 10) / 10 : null,
    head: head.status === "fulfilled" ? head.value : null,
    cursor: cursor === null ? null : { block: cursor.blockNumber, timestamp: cursor.blockTimestamp },
  };
}

function caughtUp(block: bigint, head: bigint, confirmations: number): boolean {
  return block >= head - BigInt(confirmations);
}

async function relayerPart(sources: HealthSources): Promise<HealthReport["parts"]["relayer"]> {
  if (sources.relayer === undefined) return undefined;
  try {
    const report = await withTimeout(sources.relayer(), sources.timeoutMs ?? 2000, "the relayer");
    return {
      ok: report.ok,
      ...(report.reason === undefined ? {} : { reason: report.reason }),
      unfinished_rows: report.unfinishedRows,
      oldest_row_seconds: report.oldestRowSeconds,
      oldest_unmined_seconds: report.oldestUnminedSeconds,
      last_drain_seconds_ago: report.lastDrainSecondsAgo,
    };
  } catch (error) {
    sources.logger.warn(
      { err: error instanceof Error ? error.message : String(error) },
      "health: relayer check failed",
    );
    return {
      ok: false,
      reason: "the relayer's state could not be read",
      unfinished_rows: null,
      oldest_row_seconds: null,
      oldest_unmined_seconds: null,
      last_drain_seconds_ago: null,
    };
  }
}

export async function checkHealth(sources: HealthSources): Promise<Checked<HealthReport>> {
  const [{ dbLatencyMs, head, cursor }, relayer] = await Promise.all([observe(sources), relayerPart(sources)]);
  const relayerOk = relayer?.ok ?? true;
  const dbOk = dbLatencyMs !== null;
  const chainOk = head !== null;
  const upToDate = cursor !== null && head !== null && caughtUp(cursor.block, head, sources.confirmations);
  let lagBlocks: number | null = null;
  let lagSeconds: number | null = null;
  if (cursor !== null && head !== null) {
    lagBlocks = Math.max(0, Number(head - cursor.block));
    lagSeconds = upToDate ? 0 : Math.max(0, Math.round((Date.now() - cursor.timestamp.getTime()) / 1000));
  }
  return {
    // A stuck relayer is a 503 too: card payments are taken but never settle on chain.
    httpStatus: dbOk && chainOk && relayerOk ? 200 : 503,
    body: {
      status: dbOk && chainOk && upToDate && relayerOk ? "ok" : "degraded",
      parts: {
        db: { ok: dbOk, latency_ms: dbLatencyMs },
        chain: { ok: chainOk, head: head === null ? null : Number(head) },
        indexer: {
          block: cursor === null ? null : Number(cursor.block),
          lag_blocks: lagBlocks,
          lag_seconds: lagSeconds,
          caught_up: upToDate,
        },
        ...(relayer === undefined ? {} : { relayer }),
      },
    },
  };
}

export interface ReadyReport {
  readonly ready: boolean;
  readonly reason?: string;
  readonly block: number | null;
  readonly head: number | null;
}

export async function checkReady(sources: HealthSources): Promise<Checked<ReadyReport>> {
  const { dbLatencyMs, head, cursor } = await observe(sources);
  const block = cursor === null ? null : Number(cursor.block);
  const headNumber = head === null ? null : Number(head);
  let reason: string | undefined;
  if (dbLatencyMs === null) reason = "the database is unavailable";
  else if (head === null) reason = "the chain head is unavailable";
  else if (cursor === null) reason = "the indexer has not indexed any block yet";
  else if (!caughtUp(cursor.block, head, sources.confirmations)) {
    reason = `the indexer is at block ${cursor.block.toString()}, the head is ${head.toString()} (${sources.confirmations.toString()} confirmations)`;
  }
  return reason === undefined
    ? { httpStatus: 200, body: { ready: true, block, head: headNumber } }
    : { httpStatus: 503, body: { ready: false, reason, block, head: headNumber } };
}
