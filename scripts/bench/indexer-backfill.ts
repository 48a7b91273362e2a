/**
 * One backfill for `npm run bench:indexer`, in a process holding only what `node indexer/main.ts`
 * holds: the indexer, its database and chain clients. Its peak RSS is then the indexer's.
 *
 *   node scripts/bench/indexer-backfill.ts '{"databaseUrl":…,"rpcUrl":…,"deploymentDir":…,"head":"123"}'
 *
 * Indexes until `head` is in the database, then prints one JSON line: seconds from start() to
 * then, the time per phase, and the process's peak RSS (VmHWM).
 */
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
    await indexer.stop();
    return { seconds, phases: await phaseTotals(registry), peakRssBytes: process.resourceUsage().maxRSS * 1024 };
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
