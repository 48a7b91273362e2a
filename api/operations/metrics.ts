/**
 * Figures read from the database at scrape time: whether it answers at all, how long work has been
 * waiting (outbox rows, card payments not yet settled on chain, KYC cases), and the seed's business
 * metrics (`hotpot_` namespace). Each scrape runs one set of queries shared by every gauge; when the
 * database does not answer, `hotpot_database_up` is 0 and the other gauges are NaN (labelled ones
 * have no samples): unknown, not zero. The scrape itself still succeeds (a failed scrape would hide
 * the API's other metrics too).
 */
import { Gauge, type Registry } from "prom-client";

import type { Database } from "../../lib/db/client.ts";
import { currentOrderCounts } from "../mirror/orders.ts";
import { pointsToDate } from "../mirror/tokens.ts";

/** Token amounts are stored in wei (18 decimals); the gauges report whole tokens. */
const WEI_PER_TOKEN = 10n ** 18n;

export interface OperationsSnapshot {
  readonly users: number;
  /** Users with an approved KYC case that has not expired. */
  readonly kycApprovedUsers: number;
  readonly kycWaiting: number;
  readonly kycOldestWaitingSeconds: number;
  /** Orders as the API took them, by status (placed, paid, fulfilled). */
  readonly ordersByStatus: ReadonlyMap<string, number>;
  /** Orders as the chain knows them, by kind (token, card) and status. */
  readonly chainOrders: readonly { kind: string; status: string; count: number }[];
  readonly tokensDistributed: number;
  readonly tokensRedeemed: number;
  readonly streamHours: number;
  readonly outboxByStatus: ReadonlyMap<string, number>;
  readonly outboxOldestPendingSeconds: number;
  readonly cardUnsettled: number;
  readonly cardOldestUnsettledSeconds: number;
}

const toTokens = (wei: string): number => {
  const value = BigInt(wei);
  // Whole tokens exactly, the fraction to micro-token precision (plenty for a dashboard).
  return Number(value / WEI_PER_TOKEN) + Number((value % WEI_PER_TOKEN) / 10n ** 12n) / 1e6;
};

/** One consistent read of every figure (a REPEATABLE READ transaction, so the numbers agree with each other). */
export async function readOperationsSnapshot(db: Database): Promise<OperationsSnapshot> {
  const client = await db.pool.connect();
  try {
    await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    const one = async <Row>(sql: string): Promise<Row> => (await client.query(sql)).rows[0] as Row;
    const all = async <Row>(sql: string): Promise<Row[]> => (await client.query(sql)).rows as Row[];
    const users = await one<{ users: string; approved: string }>(
      `SELECT (SELECT count(*) FROM app_user)::text AS users,
              (SELECT count(DISTINCT user_id) FROM kyc_case
                WHERE status = 'approved' AND (expires_at IS NULL OR expires_at > now()))::text AS approved`,
    );
    const kyc = await one<{ waiting: string; oldest: string | null }>(
      `SELECT count(*)::text AS waiting, EXTRACT(EPOCH FROM now() - min(submitted_at))::text AS oldest
         FROM kyc_case WHERE status IN ('submitted', 'in_review')`,
    );
    const orders = await all<{ status: string; count: string }>(
      "SELECT status, count(*)::text AS count FROM customer_order GROUP BY status",
    );
    const chainOrders = await currentOrderCounts(client);
    const tokens = await pointsToDate(client);
    // The streams module's own rule: closed sessions, and open ones up to their stream's last sign of life.
    const streams = await one<{ seconds: string }>(
      `SELECT COALESCE(sum(GREATEST(0, EXTRACT(EPOCH FROM
                (COALESCE(s.ended_at, GREATEST(k.last_seen_at, s.started_at)) - s.started_at)))), 0)::text AS seconds
         FROM stream_session s JOIN kitchen_stream k ON k.restaurant_id = s.restaurant_id`,
    );
    const outbox = await all<{ status: string; count: string }>(
      "SELECT status, count(*)::text AS count FROM outbox GROUP BY status",
    );
    const outboxOldest = await one<{ oldest: string | null }>(
      `SELECT EXTRACT(EPOCH FROM now() - min(created_at))::text AS oldest FROM outbox WHERE status IN ('pending', 'sent')`,
    );
    // A card payment the API accepted (order paid) whose settlement the mirror has not seen on chain yet.
    const card = await one<{ unsettled: string; oldest: string | null }>(
      `SELECT count(*)::text AS unsettled, EXTRACT(EPOCH FROM now() - min(co.paid_at))::text AS oldest
         FROM customer_order co
        WHERE co.payment_method = 'card' AND co.paid_at IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM "order" o WHERE o.order_id = co.chain_order_id AND o.kind = 'card')`,
    );
    await client.query("COMMIT");
    const seconds = (value: string | null): number => Math.max(0, Number(value ?? 0));
    return {
      users: Number(users.users),
      kycApprovedUsers: Number(users.approved),
      kycWaiting: Number(kyc.waiting),
      kycOldestWaitingSeconds: seconds(kyc.oldest),
      ordersByStatus: new Map(orders.map((row) => [row.status, Number(row.count)])),
      chainOrders: chainOrders.map((row) => ({ kind: row.kind, status: row.status, count: Number(row.count) })),
      tokensDistributed: toTokens(tokens.minted),
      tokensRedeemed: toTokens(tokens.redeemed),
      streamHours: Number(streams.seconds) / 3600,
      outboxByStatus: new Map(outbox.map((row) => [row.status, Number(row.count)])),
      outboxOldestPendingSeconds: seconds(outboxOldest.oldest),
      cardUnsettled: Number(card.unsettled),
      cardOldestUnsettledSeconds: seconds(card.oldest),
    };
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

export interface OperationsMetricsOptions {
  readonly registry: Registry;
  readonly db: Database;
  /** How long a scrape waits for the database before counting it down (default 2 000 ms). */
  readonly timeoutMs?: number;
  /** Snapshots younger than this are reused by the gauges of one scrape (default 1 000 ms). */
  readonly maxAgeMs?: number;
}

const ORDER_STATUSES = ["placed", "paid", "fulfilled"] as const;
const OUTBOX_STATUSES = ["pending", "sent", "done", "failed"] as const;

/** Registers the gauges on `registry` (once: a second API app on the same registry shares them). */
export function registerOperationsMetrics(options: OperationsMetricsOptions): void {
  const { registry, db } = options;
  if (registry.getSingleMetric("hotpot_database_up") !== undefined) return;
  const timeoutMs = options.timeoutMs ?? 2_000;
  const maxAgeMs = options.maxAgeMs ?? 1_000;
  let cached: { at: number; snapshot: Promise<OperationsSnapshot | undefined> } | undefined;

  /** The scrape's snapshot, or undefined when the database did not answer in time. */
  const snapshot = (): Promise<OperationsSnapshot | undefined> => {
    const now = Date.now();
    if (cached !== undefined && now - cached.at < maxAgeMs) return cached.snapshot;
    let timer: NodeJS.Timeout | undefined;
    const read = Promise.race([
      readOperationsSnapshot(db),
      new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => {
          reject(new Error("timeout"));
        }, timeoutMs);
      }),
    ])
      .catch(() => undefined)
      .finally(() => {
        clearTimeout(timer);
      });
    cached = { at: now, snapshot: read };
    return read;
  };

  const registers = [registry];
  const gauge = <L extends string = never>(
    name: string,
    help: string,
    fill: (gauge: Gauge<L>, figures: OperationsSnapshot) => void,
    labelNames: readonly L[] = [],
  ): void => {
    new Gauge<L>({
      name,
      help,
      labelNames,
      registers,
      async collect() {
        const figures = await snapshot();
        this.reset();
        if (figures !== undefined) fill(this, figures);
        // prom-client keeps a 0 sample for a gauge without labels; unknown is NaN, not 0.
        else if (labelNames.length === 0) (this as Gauge).set(Number.NaN);
      },
    });
  };

  new Gauge({
    name: "hotpot_database_up",
    help: "1 when the database answered this scrape's queries in time, else 0",
    registers,
    async collect() {
      this.set((await snapshot()) === undefined ? 0 : 1);
    },
  });
  gauge("hotpot_users", "People who signed in (registered users)", (g, f) => {
    g.set(f.users);
  });
  gauge("hotpot_kyc_approved_users", "Users with an approved, unexpired KYC case", (g, f) => {
    g.set(f.kycApprovedUsers);
  });
  gauge("hotpot_kyc_cases_waiting", "KYC cases submitted or in review", (g, f) => {
    g.set(f.kycWaiting);
  });
  gauge(
    "hotpot_kyc_oldest_waiting_seconds",
    "How long the oldest KYC case still waiting for a decision has waited (0 when none)",
    (g, f) => {
      g.set(f.kycOldestWaitingSeconds);
    },
  );
  gauge(
    "hotpot_orders",
    "Orders taken by the API, by status (placed, paid, fulfilled)",
    (g, f) => {
      for (const status of ORDER_STATUSES) g.set({ status }, f.ordersByStatus.get(status) ?? 0);
      for (const [status, count] of f.ordersByStatus) g.set({ status }, count);
    },
    ["status"],
  );
  gauge(
    "hotpot_chain_orders",
    "Orders on chain (the mirror), by kind (token, card) and status",
    (g, f) => {
      for (const row of f.chainOrders) g.set({ kind: row.kind, status: row.status }, row.count);
    },
    ["kind", "status"],
  );
  gauge("hotpot_tokens_distributed", "HOTPOT loyalty tokens minted as rewards, in tokens", (g, f) => {
    g.set(f.tokensDistributed);
  });
  gauge("hotpot_tokens_redeemed", "HOTPOT loyalty tokens redeemed (discounts and clawbacks), in tokens", (g, f) => {
    g.set(f.tokensRedeemed);
  });
  gauge("hotpot_stream_hours", "Hours of kitchen video streamed, all restaurants", (g, f) => {
    g.set(f.streamHours);
  });
  gauge(
    "hotpot_outbox_rows",
    "Relayer outbox rows by status, read from the database (the relayer's own gauge is as of its last drain)",
    (g, f) => {
      for (const status of OUTBOX_STATUSES) g.set({ status }, f.outboxByStatus.get(status) ?? 0);
      for (const [status, count] of f.outboxByStatus) g.set({ status }, count);
    },
    ["status"],
  );
  gauge(
    "hotpot_outbox_oldest_pending_seconds",
    "Age of the oldest outbox row not yet done or failed (0 when none); grows even when no relayer runs",
    (g, f) => {
      g.set(f.outboxOldestPendingSeconds);
    },
  );
  gauge("hotpot_card_payments_unsettled", "Card-paid orders not yet settled on chain (per the mirror)", (g, f) => {
    g.set(f.cardUnsettled);
  });
  gauge(
    "hotpot_card_settlement_lag_seconds",
    "How long the oldest card-paid order has waited for its on-chain settlement (0 when none)",
    (g, f) => {
      g.set(f.cardOldestUnsettledSeconds);
    },
  );
}
