import { Counter, Gauge, Histogram, type Registry } from "prom-client";

export interface RelayerMetrics {
  readonly outboxRows: Gauge<"status">;
  readonly transactionsSent: Counter<"kind">;
  readonly errors: Counter<"class">;
  readonly batchSize: Histogram;
  readonly lost: Counter;
  readonly dropped: Counter;
  readonly gapsFilled: Counter;
  readonly oldestRowAge: Gauge;
  readonly oldestUnminedAge: Gauge;
  readonly lastDrain: Gauge;
  readonly stuck: Gauge;
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
      // Every class present at 0 from the start: increase() in RelayerTransactionFailures misses a series' first errors.
      collect() {
        for (const errorClass of ["retryable", "revert", "broadcast", "payload", "fatal"])
          this.inc({ class: errorClass }, 0);
      },
    }),
    batchSize: new Histogram({
      name: "relayer_batch_size",
      help: "Outbox rows per transaction",
      buckets: [1, 2, 5, 10, 20, 50, 100, 200],
      registers,
    }),
    lost: new Counter({
      name: "relayer_transactions_lost_total",
      help: "Transactions seen mined whose block later left the chain (reorganisation, a local chain restored short)",
      registers,
    }),
    dropped: new Counter({
      name: "relayer_transactions_dropped_total",
      help: "Stored transactions given up (nonce used by another transaction, or refused by the node); their rows are sent again",
      registers,
    }),
    gapsFilled: new Counter({
      name: "relayer_nonce_gaps_filled_total",
      help: "Nonces filled with a zero-value self-transfer so that the transactions above them could be mined",
      registers,
    }),
    oldestRowAge: new Gauge({
      name: "relayer_oldest_unfinished_row_age_seconds",
      help: "Age of the oldest outbox row this relayer signs that is not done or failed (0 when none)",
      registers,
    }),
    oldestUnminedAge: new Gauge({
      name: "relayer_oldest_unmined_transaction_age_seconds",
      help: "Seconds since the oldest transaction still waiting for its receipt was signed or sent again (0 when none)",
      registers,
    }),
    lastDrain: new Gauge({
      name: "relayer_last_drain_timestamp_seconds",
      help: "Unix time of the last drain that finished without error",
      registers,
    }),
    stuck: new Gauge({
      name: "relayer_stuck",
      help: "1 while the relayer is stuck: work older than RELAYER_STUCK_AFTER_SECONDS, or no successful drain for as long while work waits",
      registers,
    }),
  };
}
