import { Counter, Gauge, Histogram, type Registry } from "prom-client";

export interface RelayerMetrics {
  readonly outboxRows: Gauge<"status">;
  readonly transactionsSent: Counter<"kind">;
  readonly errors: Counter<"class">;
  readonly batchSize: Histogram;
}

/** The relayer's Prometheus metrics (prefix `relayer_`) on `registry`. */
export function createRelayerMetrics(registry: Registry): RelayerMetrics {
  const registers = [registry];
  return {
    outboxRows: new Gauge({
      name: "relayer_outbox_rows",
      help: "Outbox rows by status (pending, sent, done, failed), as of the last drain",
      labelNames: ["status"],
      registers,
    }),
    transactionsSent: new Counter({
      name: "relayer_transactions_sent_total",
      help: "Transactions signed, recorded and broadcast, by outbox kind",
      labelNames: ["kind"],
      registers,
    }),
    errors: new Counter({
      name: "relayer_errors_total",
      help: "Failures by class: retryable (node or database unavailable), revert, broadcast, payload, fatal",
      labelNames: ["class"],
      registers,
    }),
    batchSize: new Histogram({
      name: "relayer_batch_size",
      help: "Outbox rows per transaction",
      buckets: [1, 2, 5, 10, 20, 50, 100, 200],
      registers,
    }),
  };
}
