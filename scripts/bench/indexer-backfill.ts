/**
 * One backfill for `npm run bench:indexer`, in a process holding only what `node indexer/main.ts`
 * holds: the indexer, its database and chain clients. Its peak RSS is then the indexer's.
 *
 *   node scripts/bench/indexer-backfill.ts '{"databaseUrl":…,"rpcUrl":…,"deploymentDir":…,"head":"123"}'
 *
 * Indexes until `head` is in the database, then prints one JSON line: seconds from start() to
 * then, the time per phase, and the process's peak RSS (VmHWM).
 */
import { readFile } from "node:fs/promises";

import { Registry } from "prom-client";

import { createIndexer, INDEXED_CONTRACTS } from "../../indexer/index.ts";
import { createIndexerMetrics } from "../../indexer/metrics.ts";
import { createChainClient, defaultWsUrl } from "../../lib/chain/client.ts";
import { readDeployment } from "../../lib/chain/deployment.ts";
import { loadConfig } from "../../lib/config.ts";
import { openDatabase } from "../../lib/db/open.ts";
import { createLogger } from "../../lib/logger.ts";

export interface BackfillParams {
  readonly databaseUrl: string;
  readonly rpcUrl: string;
  readonly deploymentDir: string;
  /** Decimal block number. */
  readonly head: string;
}

export interface PhaseTotals {
  readonly seconds: number;
  readonly batches: number;
}

export interface BackfillResult {
  readonly seconds: number;
  readonly phases: Record<string, PhaseTotals>;
  readonly peakRssBytes: number;
  /** CPU seconds (user + system) of this process: fetch, decode, apply, encode. */
  readonly indexerCpuSeconds: number;
  /** CPU seconds of the Postgres backends serving the scratch database; null when they cannot be read (a remote server). */
  readonly databaseCpuSeconds: number | null;
}

/** Linux's USER_HZ, the unit of /proc/<pid>/stat's times on every architecture Node supports. */
const CLOCK_TICKS_PER_SECOND = 100;

/** User + system CPU seconds of a local process, from /proc; null when it is not readable. */
export async function processCpuSeconds(pid: number): Promise<number | null> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, "utf8");
    // Fields after the parenthesised command name (which may hold spaces): utime is the 14th field, stime the 15th.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

async function phaseTotals(registry: Registry): Promise<Record<string, PhaseTotals>> {
  const metric = await registry.getSingleMetric("indexer_batch_duration_seconds")?.get();
  const totals: Record<string, { seconds: number; batches: number }> = {};
  for (const value of metric?.values ?? []) {
    const phase = String(value.labels.phase);
    const entry = (totals[phase] ??= { seconds: 0, batches: 0 });
    const name = (value as { metricName?: string }).metricName ?? "";
    if (name.endsWith("_sum")) entry.seconds = value.value;
    if (name.endsWith("_count")) entry.batches = value.value;
  }
  return totals;
}

async function backfill(params: BackfillParams): Promise<BackfillResult> {
  const config = loadConfig();
  const db = await openDatabase({ url: params.databaseUrl, dataDir: "", port: 0 });
  try {
    const registry = new Registry();
    const indexer = createIndexer({
      db,
      client: createChainClient(params.rpcUrl),
      wsUrl: defaultWsUrl(params.rpcUrl),
      deployment: await readDeployment(params.deploymentDir, INDEXED_CONTRACTS),
      options: config.indexer,
      logger: createLogger({ level: process.env.LOG_LEVEL ?? "warn", name: "bench-indexer-backfill" }),
      metrics: createIndexerMetrics(registry),
    });
    const started = performance.now();
    await indexer.start();
    await indexer.waitForBlock(BigInt(params.head), 30 * 60_000);
    const seconds = (performance.now() - started) / 1_000;
    // Read while the indexer's connections are open: a backend's times vanish with it.
    const { rows } = await db.pool.query<{ pid: number }>(
      "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()",
    );
    const backendSeconds = await Promise.all(rows.map((row) => processCpuSeconds(row.pid)));
    await indexer.stop();
    const usage = process.resourceUsage();
    return {
      seconds,
      phases: await phaseTotals(registry),
      peakRssBytes: usage.maxRSS * 1024,
      indexerCpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6,
      databaseCpuSeconds: backendSeconds.includes(null)
        ? null
        : backendSeconds.reduce<number>((sum, value) => sum + (value as number), 0),
    };
  } finally {
    await db.close();
  }
}

if (import.meta.main) {
  const raw = process.argv[2];
  if (raw === undefined) throw new Error("usage: node scripts/bench/indexer-backfill.ts '<BackfillParams JSON>'");
  console.log(JSON.stringify(await backfill(JSON.parse(raw) as BackfillParams)));
  // A socket the chain client keeps for reuse must not keep the benchmark waiting (stdout to a pipe is synchronous).
  process.exit(0);
}
