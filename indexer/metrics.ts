import { Counter, Gauge, Histogram, type Registry } from "prom-client";

export interface IndexerMetrics {
  readonly syncDelay: Gauge;
  readonly headBlock: Gauge;
  readonly indexedBlock: Gauge;
  readonly eventsIndexed: Counter;
  readonly batchDuration: Histogram<"phase">;
  readonly reorgs: Counter;
  readonly rpcErrors: Counter<"kind">;
}

/** The indexer's Prometheus metrics; `blockchain_sync_delay_seconds` is what the sync-delay alert watches. */
export function createIndexerMetrics(registry: Registry): IndexerMetrics {
  const registers = [registry];
  return {
    syncDelay: new Gauge({
      name: "blockchain_sync_delay_seconds",
      help: "How long the oldest block not yet in the mirror has been waiting (0 when caught up)",
      registers,
    }),
    headBlock: new Gauge({ name: "indexer_head_block", help: "Latest block number seen on the chain", registers }),
    indexedBlock: new Gauge({
      name: "indexer_indexed_block",
      help: "Last block whose events are all in the database",
      registers,
    }),
    eventsIndexed: new Counter({ name: "indexer_events_indexed_total", help: "Chain events written", registers }),
    batchDuration: new Histogram({
      name: "indexer_batch_duration_seconds",
      help: "Time per batch, by phase (fetch = RPC, process = decode and apply, write = database transaction)",
      labelNames: ["phase"],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    reorgs: new Counter({ name: "indexer_reorgs_total", help: "Chain reorganisations rolled back", registers }),
    rpcErrors: new Counter({
      name: "indexer_rpc_errors_total",
      help: "Failed JSON-RPC calls, by kind (range = the node refused the block range, retryable, fatal)",
      labelNames: ["kind"],
      registers,
    }),
  };
}
