/**
 * Grafana dashboards as code (@grafana/grafana-foundation-sdk): platform overview, chain and
 * indexer, relayer and payments, business (the seed's success metrics), KYC and streams. `npm run
 * dashboards` writes them to monitoring/grafana/dashboards/ (committed; Grafana loads them through
 * monitoring/grafana/provisioning/). The unit test beside this file fails when the committed JSON
 * is stale; the live alert test evaluates every panel's PromQL against a running Prometheus.
 *
 * Panels read the recording rules of monitoring/alerts.yml where one exists, so a dashboard and
 * the alert that pages about it show the same number.
 */
/* eslint-disable @typescript-eslint/no-deprecated -- the SDK deprecates the classic dashboard model in favour of
   dashboardv2, which Grafana serves only behind its kubernetesDashboards feature; file provisioning and every
   Grafana in use read the classic JSON model built here. */
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";

import { ReduceDataOptionsBuilder, BigValueGraphMode } from "@grafana/grafana-foundation-sdk/common";
import {
  DashboardBuilder,
  DashboardCursorSync,
  ThresholdsConfigBuilder,
  ThresholdsMode,
  type Dashboard,
  type Panel,
} from "@grafana/grafana-foundation-sdk/dashboard";
import { DataqueryBuilder } from "@grafana/grafana-foundation-sdk/prometheus";
import * as stat from "@grafana/grafana-foundation-sdk/stat";
import * as timeseries from "@grafana/grafana-foundation-sdk/timeseries";
import { format, resolveConfig } from "prettier";

import { MONITORING_DIR } from "./rules.ts";

export const DASHBOARDS_DIR = path.join(MONITORING_DIR, "grafana", "dashboards");

/** The datasource monitoring/grafana/provisioning/datasources/prometheus.yml creates, by uid. */
export const DATASOURCE = { type: "prometheus", uid: "hotpot-prometheus" } as const;

interface Query {
  readonly expr: string;
  readonly legend?: string;
}

interface PanelSpec {
  readonly kind: "stat" | "timeseries";
  readonly title: string;
  readonly description: string;
  readonly unit: string;
  readonly queries: readonly Query[];
  /**
   * Colour steps: [value, colour] from the base (null) up; an alert's threshold turns red, a seed
   * target turns green once reached.
   */
  readonly steps?: readonly (readonly [number | null, string])[];
}

interface DashboardSpec {
  readonly uid: string;
  readonly title: string;
  readonly description: string;
  readonly panels: readonly PanelSpec[];
}

const WIDTH = { stat: 6, timeseries: 12 } as const;
const HEIGHT = { stat: 4, timeseries: 8 } as const;

/** Red at and above an alert's threshold. */
const alertAt = (threshold: number): PanelSpec["steps"] => [
  [null, "green"],
  [threshold, "red"],
];
/** Green once a seed target is met. */
const targetAt = (target: number): PanelSpec["steps"] => [
  [null, "orange"],
  [target, "green"],
];

const ts = (title: string, description: string, unit: string, queries: Query[], steps?: PanelSpec["steps"]) =>
  ({ kind: "timeseries", title, description, unit, queries, steps }) satisfies PanelSpec;
const st = (title: string, description: string, unit: string, expr: string, steps?: PanelSpec["steps"]) =>
  ({ kind: "stat", title, description, unit, queries: [{ expr }], steps }) satisfies PanelSpec;

// Without any 5xx the 5xx recording rule has no series; `or ... * 0` shows 0 % instead of "No data".
const ERROR_RATIO = "job:http_error_ratio:rate5m or job:http_requests:rate5m * 0";
const API_REQUESTS = 'http_requests_total{route!~"/health|/ready"}';

export const DASHBOARD_SPECS: readonly DashboardSpec[] = [
  {
    uid: "hotpot-overview",
    title: "Hot Pot Spot / Platform overview",
    description: "Requests, 5xx share, latency, orders, settlements and the mirror's sync delay at a glance.",
    panels: [
      st(
        "Requests/s",
        "API requests per second (health checks excluded), 5 m rate",
        "reqps",
        "sum(job:http_requests:rate5m)",
      ),
      st(
        "5xx share",
        "Share of API requests answered 5xx over 5 m; HighErrorRate above 1 %",
        "percentunit",
        ERROR_RATIO,
        alertAt(0.01),
      ),
      st(
        "p95 response time",
        "95th percentile over 5 m; HighResponseTime above 2 s",
        "s",
        "max(job:http_request_duration_seconds:p95_5m)",
        alertAt(2),
      ),
      st(
        "Sync delay",
        "How long the oldest block not yet in the mirror has waited; BlockchainSyncIssues above 60 s",
        "s",
        "max(blockchain_sync_delay_seconds)",
        alertAt(60),
      ),
      ts("Requests by status", "API requests per second by HTTP status", "reqps", [
        { expr: `sum by (status) (rate(${API_REQUESTS}[$__rate_interval]))`, legend: "{{status}}" },
        { expr: "job:http_requests_5xx:rate5m or job:http_requests:rate5m * 0", legend: "all 5xx (5 m rate)" },
      ]),
      ts(
        "5xx share",
        "Share of API requests answered 5xx, 5 m rate",
        "percentunit",
        [{ expr: ERROR_RATIO, legend: "{{job}}" }],
        alertAt(0.01),
      ),
      ts(
        "Latency percentiles",
        "API request duration percentiles over 5 m",
        "s",
        [
          { expr: "job:http_request_duration_seconds:p50_5m", legend: "p50" },
          { expr: "job:http_request_duration_seconds:p95_5m", legend: "p95" },
          { expr: "job:http_request_duration_seconds:p99_5m", legend: "p99" },
        ],
        alertAt(2),
      ),
      ts(
        "Blockchain sync delay",
        "Seconds the mirror is behind the chain",
        "s",
        [{ expr: "blockchain_sync_delay_seconds", legend: "{{job}}" }],
        alertAt(60),
      ),
      ts("Orders by status", "Orders the API took, by status", "short", [
        { expr: "sum by (status) (hotpot_orders)", legend: "{{status}}" },
      ]),
      ts(
        "Settlements",
        "Card-paid orders waiting for their settlement on chain, and orders on chain by kind and status",
        "short",
        [
          { expr: "max(hotpot_card_payments_unsettled)", legend: "card paid, not settled" },
          { expr: "sum by (kind, status) (hotpot_chain_orders)", legend: "on chain: {{kind}} {{status}}" },
        ],
      ),
    ],
  },
  {
    uid: "hotpot-chain-indexer",
    title: "Hot Pot Spot / Chain and indexer",
    description:
      "The chain mirror: head and indexed block, sync delay, indexing throughput, batch phases, reorgs, RPC errors.",
    panels: [
      st("Indexed block", "Last block whose events are all in the database", "none", "max(indexer_indexed_block)"),
      st(
        "Blocks behind",
        "Chain head minus the indexed block",
        "none",
        "max(indexer_head_block - indexer_indexed_block)",
      ),
      st("Sync delay", "BlockchainSyncIssues above 60 s", "s", "max(blockchain_sync_delay_seconds)", alertAt(60)),
      st(
        "Reorgs (15 m)",
        "Reorganisations rolled back; ReorgStorm above 3",
        "short",
        "sum(increase(indexer_reorgs_total[15m]))",
        alertAt(4),
      ),
      ts("Head and indexed block", "IndexerStalled fires when the head moves and the indexed block does not", "none", [
        { expr: "indexer_head_block", legend: "head" },
        { expr: "indexer_indexed_block", legend: "indexed" },
      ]),
      ts(
        "Blockchain sync delay",
        "Seconds the mirror is behind the chain",
        "s",
        [{ expr: "blockchain_sync_delay_seconds", legend: "{{job}}" }],
        alertAt(60),
      ),
      ts("Events indexed/s", "Chain events written to the database", "ops", [
        { expr: "sum(rate(indexer_events_indexed_total[$__rate_interval]))", legend: "events" },
      ]),
      ts("Batch duration p95 by phase", "fetch = RPC, process = decode and apply, write = database transaction", "s", [
        {
          expr: "histogram_quantile(0.95, sum by (phase, le) (rate(indexer_batch_duration_seconds_bucket[$__rate_interval])))",
          legend: "{{phase}}",
        },
      ]),
      ts("RPC errors/s by kind", "Failed JSON-RPC calls (range = the node refused the block range)", "ops", [
        { expr: "sum by (kind) (rate(indexer_rpc_errors_total[$__rate_interval]))", legend: "{{kind}}" },
      ]),
      ts(
        "Reorgs",
        "Reorganisations rolled back per 15 m",
        "short",
        [{ expr: "sum(increase(indexer_reorgs_total[15m]))", legend: "reorgs" }],
        alertAt(4),
      ),
    ],
  },
  {
    uid: "hotpot-relayer-payments",
    title: "Hot Pot Spot / Relayer and payments",
    description: "The outbox and the relayer that writes it to the chain, card settlements and webhook signatures.",
    panels: [
      st(
        "Pending outbox rows",
        "RelayerOutboxBacklog above 100 for 10 m",
        "short",
        'max(hotpot_outbox_rows{status="pending"})',
        alertAt(100),
      ),
      st(
        "Oldest unfinished row",
        "RelayerOutboxStale above 5 m",
        "s",
        "max(hotpot_outbox_oldest_pending_seconds)",
        alertAt(300),
      ),
      st(
        "Failed rows",
        "Rows the relayer gave up on; RelayerRowsFailed above 0",
        "short",
        'max(hotpot_outbox_rows{status="failed"})',
        alertAt(1),
      ),
      st(
        "Card settlement lag",
        "Oldest card-paid order not settled on chain; CardSettlementLag above 10 m",
        "s",
        "max(hotpot_card_settlement_lag_seconds)",
        alertAt(600),
      ),
      ts("Outbox rows by status", "Read from the database at scrape time", "short", [
        { expr: "sum by (status) (hotpot_outbox_rows)", legend: "{{status}}" },
      ]),
      ts("Relayer errors by class (10 m)", "RelayerTransactionFailures fires on any class but retryable", "short", [
        { expr: "sum by (class) (increase(relayer_errors_total[10m]))", legend: "{{class}}" },
      ]),
      ts("Transactions sent/s by kind", "Signed, recorded and broadcast, by outbox kind", "ops", [
        { expr: "sum by (kind) (rate(relayer_transactions_sent_total[$__rate_interval]))", legend: "{{kind}}" },
      ]),
      ts("Relayer health", "Stuck flag, oldest unmined transaction and time since the last good drain", "s", [
        { expr: "max(relayer_oldest_unmined_transaction_age_seconds)", legend: "oldest unmined transaction" },
        { expr: "max(relayer_oldest_unfinished_row_age_seconds)", legend: "oldest unfinished row (relayer)" },
        { expr: "time() - max(relayer_last_drain_timestamp_seconds)", legend: "since the last good drain" },
      ]),
      ts("Rows per transaction (p95)", "Outbox rows batched into one transaction", "short", [
        {
          expr: "histogram_quantile(0.95, sum by (le) (rate(relayer_batch_size_bucket[$__rate_interval])))",
          legend: "p95",
        },
      ]),
      ts(
        "Lost, dropped, nonce gaps (1 h)",
        "Transactions lost to reorganisations, given up and resent, and nonce gaps filled",
        "short",
        [
          { expr: "sum(increase(relayer_transactions_lost_total[1h]))", legend: "lost" },
          { expr: "sum(increase(relayer_transactions_dropped_total[1h]))", legend: "dropped" },
          { expr: "sum(increase(relayer_nonce_gaps_filled_total[1h]))", legend: "nonce gaps filled" },
        ],
      ),
      ts("Card payments", "Card-paid orders not yet settled on chain, and the oldest one's wait", "short", [
        { expr: "max(hotpot_card_payments_unsettled)", legend: "unsettled" },
        { expr: "max(hotpot_card_settlement_lag_seconds) / 60", legend: "oldest, minutes" },
      ]),
      ts(
        "Webhook signature failures (10 m)",
        "WebhookSignatureFailures at 3 in 10 m",
        "short",
        [{ expr: "sum by (provider) (increase(webhook_signature_failures_total[10m]))", legend: "{{provider}}" }],
        alertAt(3),
      ),
    ],
  },
  {
    uid: "hotpot-business",
    title: "Hot Pot Spot / Business (seed success metrics)",
    description:
      "The seed's success metrics from the live system: users > 100, orders > 1000, tokens > 10,000, stream hours > 100, uptime, error rate, response time.",
    panels: [
      st("Registered users", "Target > 100", "short", "max(hotpot_users)", targetAt(101)),
      st(
        "Paid orders",
        "Orders paid or fulfilled; target > 1000",
        "short",
        'sum(hotpot_orders{status=~"paid|fulfilled"})',
        targetAt(1001),
      ),
      st(
        "HOTPOT distributed",
        "Loyalty tokens minted as rewards; target > 10,000",
        "short",
        "max(hotpot_tokens_distributed)",
        targetAt(10_001),
      ),
      st("Stream hours", "Kitchen video streamed; target > 100 h", "h", "max(hotpot_stream_hours)", targetAt(100.001)),
      st(
        "KYC completion",
        "Users with an approved, unexpired KYC case",
        "percentunit",
        "max(hotpot_kyc_approved_users) / max(hotpot_users)",
      ),
      st(
        "Uptime",
        "Share of successful scrapes of the API over the dashboard's range; target 99.9 %",
        "percentunit",
        'avg(avg_over_time(up{job="hotpot-api"}[$__range]))',
        targetAt(0.999),
      ),
      st("Error rate", "5xx share over 5 m; target < 1 %", "percentunit", ERROR_RATIO, alertAt(0.01)),
      st("p95 response time", "Target < 2 s", "s", "max(job:http_request_duration_seconds:p95_5m)", alertAt(2)),
      ts("Users and KYC", "Registered users and users with approved KYC", "short", [
        { expr: "max(hotpot_users)", legend: "users" },
        { expr: "max(hotpot_kyc_approved_users)", legend: "KYC approved" },
      ]),
      ts("Orders by status", "Orders the API took, by status", "short", [
        { expr: "sum by (status) (hotpot_orders)", legend: "{{status}}" },
      ]),
      ts("HOTPOT tokens", "Distributed (minted as rewards) and redeemed (discounts and clawbacks)", "short", [
        { expr: "max(hotpot_tokens_distributed)", legend: "distributed" },
        { expr: "max(hotpot_tokens_redeemed)", legend: "redeemed" },
      ]),
      ts("Stream hours", "Hours of kitchen video streamed, all restaurants", "h", [
        { expr: "max(hotpot_stream_hours)", legend: "hours" },
      ]),
    ],
  },
  {
    uid: "hotpot-kyc-streams",
    title: "Hot Pot Spot / KYC and streams",
    description: "The KYC queue and the kitchen video streams.",
    panels: [
      st("KYC cases waiting", "Submitted or in review", "short", "max(hotpot_kyc_cases_waiting)"),
      st(
        "Oldest waiting KYC case",
        "KycQueueWaiting above 24 h",
        "s",
        "max(hotpot_kyc_oldest_waiting_seconds)",
        alertAt(86_400),
      ),
      st("Live kitchen streams", "Streams live now", "short", "sum(kitchen_streams_live)"),
      st("Stream hours", "All restaurants", "h", "max(hotpot_stream_hours)"),
      ts("KYC queue", "Cases waiting for a decision, and approved users", "short", [
        { expr: "max(hotpot_kyc_cases_waiting)", legend: "waiting" },
        { expr: "max(hotpot_kyc_approved_users)", legend: "approved users" },
      ]),
      ts(
        "Oldest waiting KYC case",
        "KycQueueWaiting above 24 h",
        "s",
        [{ expr: "max(hotpot_kyc_oldest_waiting_seconds)", legend: "oldest" }],
        alertAt(86_400),
      ),
      ts("Stream hours by restaurant", "Closed sessions, and open ones to their last sign of life", "h", [
        { expr: "kitchen_stream_hours_total", legend: "{{restaurant_id}}" },
      ]),
      ts(
        "KYC and streaming webhook signature failures (10 m)",
        "Onfido (KYC) and Twitch (streams) deliveries refused",
        "short",
        [
          {
            expr: 'sum by (provider) (increase(webhook_signature_failures_total{provider=~"onfido|twitch"}[10m]))',
            legend: "{{provider}}",
          },
        ],
        alertAt(3),
      ),
    ],
  },
];

function thresholds(steps: NonNullable<PanelSpec["steps"]>): ThresholdsConfigBuilder {
  return new ThresholdsConfigBuilder()
    .mode(ThresholdsMode.Absolute)
    .steps(steps.map(([value, color]) => ({ value, color })));
}

function panel(spec: PanelSpec, id: number, gridPos: { x: number; y: number }) {
  const targets = spec.queries.map((query, index) => {
    const target = new DataqueryBuilder()
      .expr(query.expr)
      .refId(String.fromCharCode(65 + index))
      .datasource(DATASOURCE);
    return query.legend === undefined ? target : target.legendFormat(query.legend);
  });
  const position = { ...gridPos, w: WIDTH[spec.kind], h: HEIGHT[spec.kind] };
  const built =
    spec.kind === "stat"
      ? new stat.PanelBuilder()
          .graphMode(BigValueGraphMode.Area)
          .reduceOptions(new ReduceDataOptionsBuilder().calcs(["lastNotNull"]))
      : new timeseries.PanelBuilder().lineWidth(1).fillOpacity(10);
  built
    .id(id)
    .title(spec.title)
    .description(spec.description)
    .unit(spec.unit)
    .datasource(DATASOURCE)
    .gridPos(position)
    .targets(targets);
  if (spec.steps !== undefined) built.thresholds(thresholds(spec.steps));
  return built;
}

export function buildDashboard(spec: DashboardSpec): Dashboard {
  const builder = new DashboardBuilder(spec.title)
    .uid(spec.uid)
    .description(spec.description)
    .tags(["hotpot", "generated"])
    .editable()
    .tooltip(DashboardCursorSync.Crosshair)
    .refresh("30s")
    .time({ from: "now-6h", to: "now" })
    .timezone("browser");
  // Left to right, a new line when the next panel does not fit the 24 columns.
  let x = 0;
  let y = 0;
  let lineHeight = 0;
  for (const spec_ of spec.panels) {
    const width = WIDTH[spec_.kind];
    if (x + width > 24) {
      x = 0;
      y += lineHeight;
      lineHeight = 0;
    }
    builder.withPanel(panel(spec_, spec.panels.indexOf(spec_) + 1, { x, y }));
    x += width;
    lineHeight = Math.max(lineHeight, HEIGHT[spec_.kind]);
  }
  return builder.build();
}

/** Every panel's PromQL expressions, for the live check. */
export function panelQueries(dashboard: Dashboard): { panel: string; expr: string }[] {
  return (dashboard.panels ?? []).flatMap((item) => {
    const targets = (item as Panel).targets ?? [];
    return targets.map((target) => ({
      panel: `${dashboard.title} / ${(item as Panel).title ?? ""}`,
      expr: (target as { expr?: string }).expr ?? "",
    }));
  });
}

/** The committed files: file name (under DASHBOARDS_DIR) → content, formatted as prettier formats JSON. */
export async function renderDashboards(): Promise<Map<string, string>> {
  const options = (await resolveConfig(path.join(DASHBOARDS_DIR, "x.json"))) ?? {};
  const files = new Map<string, string>();
  for (const spec of DASHBOARD_SPECS) {
    const json = JSON.stringify(buildDashboard(spec), null, 2);
    files.set(`${spec.uid}.json`, await format(json, { ...options, parser: "json" }));
  }
  return files;
}

/** The file names whose committed content differs from what the generator writes now. */
export async function staleDashboards(): Promise<string[]> {
  const stale: string[] = [];
  for (const [name, content] of await renderDashboards()) {
    const committed = await readFile(path.join(DASHBOARDS_DIR, name), "utf8").catch(() => undefined);
    if (committed !== content) stale.push(name);
  }
  return stale;
}

export async function writeDashboards(): Promise<string[]> {
  const written: string[] = [];
  for (const [name, content] of await renderDashboards()) {
    await writeFile(path.join(DASHBOARDS_DIR, name), content);
    written.push(path.join(DASHBOARDS_DIR, name));
  }
  return written;
}

/** The series names a PromQL expression reads (metrics and recording rules; not functions, labels or keywords). */
export function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, "")
    .replace(/\[[^\]]*\]/g, "")
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, "");
  const keywords = new Set(["and", "or", "unless", "bool", "offset", "inf", "nan"]);
  const names = [...bare.matchAll(/\b[a-zA-Z_:][\w:]*\b(?!\s*\()/g)].map((match) => match[0]);
  return [...new Set(names.filter((name) => !keywords.has(name.toLowerCase())))];
}

/**
 * An expression as Grafana sends it to Prometheus: its interval macros replaced by `window` (the
 * live check's stand-in for what Grafana derives from the scrape interval and the time range).
 */
export function expandMacros(expr: string, window: string): string {
  return expr.replace(/\$__(?:rate_interval|interval|range)\b/g, window);
}
