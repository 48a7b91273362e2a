/**
 * `npm run report`: the seed's success metrics (seed plan, "Метрики успеха") read off the running
 * stack, each with its live value, target and pass/fail, as a table and, on the last line, as JSON.
 *
 * Sources: Prometheus when it runs (`npm run monitor`; uptime, response time and error rate over
 * what it has recorded), else the API's own /metrics (figures since the process started; uptime is
 * then unknown); the business figures from the API's scrape-time gauges (hotpot_*); blockchain TPS
 * from the chain's recent blocks; test coverage from coverage/lcov.info (`npm test`); encryption and
 * the audit trail from the database.
 *
 *   API_URL (default http://HOST:PORT), PROMETHEUS_URL (default http://127.0.0.1:PROMETHEUS_PORT),
 *   RPC_URL (default the local chain on RPC_PORT), DATABASE_URL (default npm start's embedded
 *   Postgres), METRICS_TOKEN, REPORT_BLOCKS (recent blocks read for TPS, default 2000)
 * Exit code: 0 when every target is met, 1 when one is not or could not be measured, 2 on bad settings.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";

import { createPublicClient, http } from "viem";

import { verifyAccessLog } from "../api/people/access-log.ts";
import { loadConfig, PROJECT_ROOT, type Config } from "../lib/config.ts";
import { createDatabase } from "../lib/db/client.ts";
import { embeddedPostgresUrl } from "../lib/db/embedded.ts";
import { DEFAULT_EMBEDDED_DATABASE } from "../lib/db/open.ts";
import { ConfigError } from "../lib/errors.ts";

type Status = "pass" | "fail" | "unknown";

interface MetricRow {
  readonly group: "technical" | "business" | "security";
  readonly name: string;
  /** null when it could not be measured. */
  readonly value: number | null;
  readonly unit: string;
  readonly target: string;
  readonly status: Status;
  readonly source: string;
}

const above = (value: number | null, min: number): Status =>
  value === null ? "unknown" : value > min ? "pass" : "fail";
const below = (value: number | null, max: number): Status =>
  value === null ? "unknown" : value < max ? "pass" : "fail";

/** Prometheus text exposition: `name{labels} value` lines, as [labels, value] per metric name. */
function parseExposition(text: string): Map<string, { labels: Record<string, string>; value: number }[]> {
  const metrics = new Map<string, { labels: Record<string, string>; value: number }[]>();
  for (const line of text.split("\n")) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)/.exec(line);
    if (match === null) continue;
    const labels: Record<string, string> = {};
    for (const pair of (match[2] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g))
      labels[pair[1] as string] = pair[2] ?? "";
    const list = metrics.get(match[1] as string) ?? [];
    list.push({ labels, value: Number(match[3]) });
    metrics.set(match[1] as string, list);
  }
  return metrics;
}

/** The p-quantile of cumulative histogram buckets (linear within a bucket, as histogram_quantile does). */
function quantileOfBuckets(buckets: readonly { le: number; count: number }[], q: number): number | null {
  const sorted = [...buckets].sort((a, b) => a.le - b.le);
  const total = sorted.at(-1)?.count ?? 0;
  if (total === 0) return null;
  const rank = q * total;
  let previous = { le: 0, count: 0 };
  for (const bucket of sorted) {
    if (bucket.count >= rank) {
      // Above the largest finite bound only that bound is known.
      if (!Number.isFinite(bucket.le)) return previous.le;
      const inBucket = bucket.count - previous.count;
      return previous.le + (bucket.le - previous.le) * (inBucket === 0 ? 1 : (rank - previous.count) / inBucket);
    }
    previous = bucket;
  }
  return previous.le;
}

async function promQuery(url: string, query: string): Promise<number | null> {
  const response = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(query)}`);
  const body = (await response.json()) as { status: string; data?: { result: { value: [number, string] }[] } };
  if (body.status !== "success") throw new Error(`Prometheus query failed: ${query}`);
  const value = body.data?.result[0]?.value[1];
  return value === undefined || Number.isNaN(Number(value)) ? null : Number(value);
}

/** Whether Prometheus answers and scrapes this API (else the API's own figures are used). */
async function prometheusWatching(url: string): Promise<boolean> {
  try {
    return (await promQuery(url, 'count(up{job="hotpot-api"})')) !== null;
  } catch {
    return false;
  }
}

// What an operator sees over everything Prometheus has kept (30 days at most by default retention).
const WINDOW = "30d";
const NOT_HEALTH = 'route!~"/health|/ready"';

async function technicalFromPrometheus(url: string): Promise<MetricRow[]> {
  const uptime = await promQuery(url, `avg(avg_over_time(up{job="hotpot-api"}[${WINDOW}])) * 100`);
  const p95 = await promQuery(
    url,
    `histogram_quantile(0.95, sum by (le) (increase(http_request_duration_seconds_bucket{job="hotpot-api"}[${WINDOW}])))`,
  );
  const errors = await promQuery(
    url,
    `sum(increase(http_requests_total{job="hotpot-api",${NOT_HEALTH},status=~"5.."}[${WINDOW}])) / sum(increase(http_requests_total{job="hotpot-api",${NOT_HEALTH}}[${WINDOW}])) * 100`,
  );
  const source = `Prometheus ${url} (last ${WINDOW} recorded)`;
  return [
    {
      group: "technical",
      name: "Uptime",
      value: uptime,
      unit: "%",
      target: "> 99.5 %",
      status: above(uptime, 99.5),
      source,
    },
    {
      group: "technical",
      name: "Response time (p95)",
      value: p95,
      unit: "s",
      target: "< 2 s",
      status: below(p95, 2),
      source,
    },
    {
      group: "technical",
      name: "Error rate (5xx)",
      value: errors ?? 0,
      unit: "%",
      target: "< 1 %",
      status: below(errors ?? 0, 1),
      source,
    },
  ];
}

function technicalFromApi(metrics: ReturnType<typeof parseExposition>): MetricRow[] {
  const requests = (metrics.get("http_requests_total") ?? []).filter(
    (sample) => sample.labels.route !== "/health" && sample.labels.route !== "/ready",
  );
  const total = requests.reduce((sum, sample) => sum + sample.value, 0);
  const failed = requests
    .filter((sample) => (sample.labels.status ?? "").startsWith("5"))
    .reduce((sum, sample) => sum + sample.value, 0);
  const buckets = new Map<number, number>();
  for (const sample of metrics.get("http_request_duration_seconds_bucket") ?? []) {
    const le = sample.labels.le === "+Inf" ? Number.POSITIVE_INFINITY : Number(sample.labels.le);
    buckets.set(le, (buckets.get(le) ?? 0) + sample.value);
  }
  const p95 = quantileOfBuckets(
    [...buckets].map(([le, count]) => ({ le, count })),
    0.95,
  );
  const errors = total === 0 ? null : (failed / total) * 100;
  const source = "the API's /metrics (since the process started; Prometheus not running)";
  return [
    {
      group: "technical",
      name: "Uptime",
      value: null,
      unit: "%",
      target: "> 99.5 %",
      status: "unknown",
      source: "needs Prometheus history: npm run monitor",
    },
    {
      group: "technical",
      name: "Response time (p95)",
      value: p95,
      unit: "s",
      target: "< 2 s",
      status: below(p95, 2),
      source,
    },
    {
      group: "technical",
      name: "Error rate (5xx)",
      value: errors,
      unit: "%",
      target: "< 1 %",
      status: below(errors, 1),
      source,
    },
  ];
}

/** The busiest 10-second stretch of the last `blocks` blocks, in transactions per second. */
async function observedTps(rpcUrl: string, blocks: number): Promise<number | null> {
  const client = createPublicClient({ transport: http(rpcUrl, { timeout: 10_000 }) });
  const head = await client.getBlockNumber();
  const from = head - BigInt(blocks) + 1n > 0n ? head - BigInt(blocks) + 1n : 0n;
  const perWindow = new Map<bigint, number>();
  const numbers: bigint[] = [];
  for (let number = from; number <= head; number++) numbers.push(number);
  for (let index = 0; index < numbers.length; index += 50) {
    const found = await Promise.all(
      numbers.slice(index, index + 50).map((blockNumber) => client.getBlock({ blockNumber })),
    );
    for (const block of found) {
      const window = block.timestamp / 10n;
      perWindow.set(window, (perWindow.get(window) ?? 0) + block.transactions.length);
    }
  }
  const busiest = Math.max(0, ...perWindow.values());
  return busiest / 10;
}

/** Line coverage of the contracts in coverage/lcov.info, as scripts/coverage-check.ts measures it. */
async function contractCoverage(): Promise<number | null> {
  const text = await readFile(path.join(PROJECT_ROOT, "coverage", "lcov.info"), "utf8").catch(() => undefined);
  if (text === undefined) return null;
  let hit = 0;
  let found = 0;
  let file = "";
  for (const line of text.split("\n")) {
    if (line.startsWith("SF:")) file = line.slice(3);
    const counted = file.includes("contracts/") && !file.includes("/test/") && !file.endsWith("TestGEL.sol");
    if (counted && line.startsWith("LH:")) hit += Number(line.slice(3));
    if (counted && line.startsWith("LF:")) found += Number(line.slice(3));
  }
  return found === 0 ? null : (hit / found) * 100;
}

async function securityFromDatabase(url: string): Promise<MetricRow[]> {
  const db = createDatabase(url, { max: 2, applicationName: "hot-pot-spot report" });
  try {
    // Every personal field must be AES-GCM ciphertext (version byte 1, nonce, tag: 29+ bytes) under a data key.
    const { rows } = await db.pool.query<{ profiles: string; exposed: string }>(
      `SELECT count(*)::text AS profiles,
              count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM person_key k WHERE k.user_id = p.user_id)
                 OR EXISTS (SELECT 1 FROM unnest(ARRAY[p.full_name, p.email, p.phone, p.address, p.birth_date,
                                                       p.nationality, p.document_number]) AS f(v)
                             WHERE f.v IS NOT NULL AND (length(f.v) < 29 OR get_byte(f.v, 0) <> 1)))::text AS exposed
         FROM person_profile p`,
    );
    const profiles = Number(rows[0]?.profiles ?? 0);
    const exposed = Number(rows[0]?.exposed ?? 0);
    const encrypted = profiles === 0 ? 100 : ((profiles - exposed) / profiles) * 100;
    const log = await verifyAccessLog(db.pool);
    // Every order the API took payment for carries its receipt (whose CID the chain records).
    const receipts = await db.pool.query<{ missing: string; paid: string }>(
      `SELECT count(*) FILTER (WHERE receipt_cid IS NULL)::text AS missing, count(*)::text AS paid
         FROM customer_order WHERE status IN ('paid', 'fulfilled')`,
    );
    const missing = Number(receipts.rows[0]?.missing ?? 0);
    const traced = log.ok && missing === 0;
    return [
      {
        group: "security",
        name: "Data encryption (personal data)",
        value: encrypted,
        unit: "%",
        target: "100 %",
        status: exposed === 0 ? "pass" : "fail",
        source: `${profiles} profiles in person_profile`,
      },
      {
        group: "security",
        name: "Audit trail",
        value: traced ? 100 : 0,
        unit: "%",
        target: "complete",
        status: traced ? "pass" : "fail",
        source: `access log ${log.ok ? `verified (${log.count} rows)` : `broken at ${log.brokenAt}: ${log.problem}`}; ${missing} of ${receipts.rows[0]?.paid ?? 0} paid orders without a receipt`,
      },
    ];
  } finally {
    await db.close();
  }
}

const UNKNOWN_SECURITY: MetricRow[] = [
  {
    group: "security",
    name: "Data encryption (personal data)",
    value: null,
    unit: "%",
    target: "100 %",
    status: "unknown",
    source: "database unreachable",
  },
  {
    group: "security",
    name: "Audit trail",
    value: null,
    unit: "%",
    target: "complete",
    status: "unknown",
    source: "database unreachable",
  },
];

function format(row: MetricRow): string {
  if (row.value === null) return "n/a";
  const digits = row.unit === "s" ? 3 : row.unit === "%" ? 2 : Number.isInteger(row.value) ? 0 : 2;
  return `${row.value.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: 0 })}${row.unit === "" ? "" : ` ${row.unit}`}`;
}

function renderTable(rows: readonly MetricRow[]): string {
  const header = ["Metric", "Value", "Target", "Status", "Source"];
  const cells = rows.map((row) => [row.name, format(row), row.target, row.status.toUpperCase(), row.source]);
  const widths = header.map((title, index) =>
    Math.max(title.length, ...cells.map((cell) => (cell[index] ?? "").length)),
  );
  const line = (values: readonly string[]): string =>
    values
      .map((value, index) => value.padEnd(widths[index] ?? 0))
      .join("  ")
      .trimEnd();
  return [line(header), widths.map((width) => "-".repeat(width)).join("  "), ...cells.map(line)].join("\n");
}

async function main(config: Config): Promise<number> {
  const env = process.env;
  const host = config.host === "0.0.0.0" || config.host === "::" ? "127.0.0.1" : config.host;
  const apiUrl = (env.API_URL ?? `http://${host}:${config.port}`).replace(/\/$/, "");
  const prometheusUrl = (env.PROMETHEUS_URL ?? `http://127.0.0.1:${env.PROMETHEUS_PORT ?? "9090"}`).replace(/\/$/, "");
  const rpcUrl = config.rpcUrl ?? `http://127.0.0.1:${config.rpcPort}`;
  const databaseUrl = config.databaseUrl ?? embeddedPostgresUrl(config.embeddedPostgresPort, DEFAULT_EMBEDDED_DATABASE);
  const blocks = Number(env.REPORT_BLOCKS ?? 2000);
  if (!Number.isInteger(blocks) || blocks < 1) throw new ConfigError("REPORT_BLOCKS must be a positive integer");

  const metricsResponse = await fetch(`${apiUrl}/metrics`, {
    headers: config.metricsToken === undefined ? {} : { authorization: `Bearer ${config.metricsToken}` },
  }).catch((error: unknown) => {
    throw new ConfigError(
      `the API at ${apiUrl} does not answer (${(error as Error).message}); start it with npm start`,
    );
  });
  if (!metricsResponse.ok)
    throw new ConfigError(`${apiUrl}/metrics answered ${metricsResponse.status} (METRICS_TOKEN?)`);
  const metrics = parseExposition(await metricsResponse.text());
  const gauge = (name: string): number | null => {
    const value = metrics.get(name)?.[0]?.value;
    return value === undefined || Number.isNaN(value) ? null : value;
  };

  const rows: MetricRow[] = [];
  rows.push(
    ...((await prometheusWatching(prometheusUrl))
      ? await technicalFromPrometheus(prometheusUrl)
      : technicalFromApi(metrics)),
  );
  const tps = await observedTps(rpcUrl, blocks).catch(() => null);
  rows.push({
    group: "technical",
    name: "Blockchain TPS (busiest 10 s)",
    value: tps,
    unit: "tx/s",
    target: "> 100 tx/s",
    status: above(tps, 100),
    source: `last ${blocks} blocks of ${rpcUrl}; capacity: npm run bench:chain`,
  });
  const coverage = await contractCoverage();
  rows.push({
    group: "technical",
    name: "Test coverage (contracts, lines)",
    value: coverage,
    unit: "%",
    target: "> 80 %",
    status: above(coverage, 80),
    source: coverage === null ? "coverage/lcov.info missing: run npm test" : "coverage/lcov.info (npm test)",
  });

  const fromGauges = `the API's hotpot_* gauges (${apiUrl})`;
  const users = gauge("hotpot_users");
  const processed = metrics.has("hotpot_orders")
    ? (metrics.get("hotpot_orders") ?? [])
        .filter((sample) => sample.labels.status === "paid" || sample.labels.status === "fulfilled")
        .reduce((sum, sample) => sum + sample.value, 0)
    : null;
  const tokens = gauge("hotpot_tokens_distributed");
  const hours = gauge("hotpot_stream_hours");
  rows.push(
    {
      group: "business",
      name: "User registration",
      value: users,
      unit: "",
      target: "> 100 users",
      status: above(users, 100),
      source: fromGauges,
    },
    {
      group: "business",
      name: "Order processing (paid orders)",
      value: processed,
      unit: "",
      target: "> 1,000 orders",
      status: above(processed, 1000),
      source: fromGauges,
    },
    {
      group: "business",
      name: "Token distribution (HOTPOT minted)",
      value: tokens,
      unit: "",
      target: "> 10,000 tokens",
      status: above(tokens, 10_000),
      source: fromGauges,
    },
    {
      group: "business",
      name: "Video streams",
      value: hours,
      unit: "h",
      target: "> 100 h",
      status: above(hours, 100),
      source: fromGauges,
    },
  );

  const approved = gauge("hotpot_kyc_approved_users");
  const kyc = users === null || approved === null ? null : users === 0 ? 100 : (approved / users) * 100;
  rows.push({
    group: "security",
    name: "KYC compliance (users verified)",
    value: kyc,
    unit: "%",
    target: "100 %",
    status: kyc === null ? "unknown" : kyc >= 100 ? "pass" : "fail",
    source: `${approved ?? "?"} of ${users ?? "?"} users with an approved KYC case`,
  });
  rows.push(...(await securityFromDatabase(databaseUrl).catch(() => UNKNOWN_SECURITY)));

  const pass = rows.every((row) => row.status === "pass");
  console.log(`The Hot Pot Spot: the seed's success metrics, ${new Date().toISOString()}\n`);
  console.log(renderTable(rows));
  console.log(`\n${rows.filter((row) => row.status === "pass").length} of ${rows.length} targets met.\n`);
  console.log(JSON.stringify({ generatedAt: new Date().toISOString(), pass, metrics: rows }));
  return pass ? 0 : 1;
}

try {
  process.exitCode = await main(loadConfig());
} catch (error) {
  console.error(error instanceof ConfigError ? `Configuration error: ${error.message}` : error);
  process.exitCode = 2;
}
