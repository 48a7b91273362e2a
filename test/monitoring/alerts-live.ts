/**
 * The alerts against the running stack: Debian's Prometheus scrapes the API (write side, indexer,
 * relayer, chain) with the real rules (`for:` capped at 5 s), Alertmanager delivers to a webhook
 * receiver here. Stopping the chain fires BlockchainSyncIssues and it resolves once the chain is
 * back; a database that refuses connections makes the API answer 5xx and fires HighErrorRate (and
 * DatabaseDown). Last, every Grafana panel's PromQL is evaluated against the same Prometheus.
 */
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";

import pg from "pg";

import { PROJECT_ROOT } from "../../lib/config.ts";
import {
  DASHBOARD_SPECS,
  buildDashboard,
  expandMacros,
  metricNames,
  panelQueries,
} from "../../lib/monitoring/dashboards.ts";
import { queryPrometheus, startMonitoring, type Monitoring } from "../../lib/monitoring/stack.ts";
import { testServerUrl } from "../helpers/database.ts";
import { freePort } from "../helpers/devchain.ts";
import { startWriteStack, type WriteStack } from "../helpers/write-stack.ts";

interface ReportRow {
  readonly name: string;
  readonly value: number | null;
  readonly status: "pass" | "fail" | "unknown";
  readonly source: string;
}

interface Notification {
  readonly status: "firing" | "resolved";
  readonly alerts: readonly { status: "firing" | "resolved"; labels: Record<string, string> }[];
}

const available = (command: string): boolean => spawnSync(command, ["--version"]).error === undefined;

describe("alerts on the live stack (Prometheus + Alertmanager)", () => {
  const skip =
    !available("prometheus") || !available("prometheus-alertmanager")
      ? "prometheus and prometheus-alertmanager are not installed (.ci/run installs them)"
      : false;
  let stack: WriteStack;
  let monitoring: Monitoring | undefined;
  let receiver: Server | undefined;
  let dir: string | undefined;
  const notifications: Notification[] = [];

  before(async () => {
    if (skip !== false) return;
    dir = await mkdtemp(path.join(tmpdir(), "hotpot-monitoring-"));
    const receiverPort = await freePort();
    const server = createServer((request, response) => {
      let body = "";
      request.on("data", (chunk: Buffer) => (body += chunk.toString()));
      request.on("end", () => {
        notifications.push(JSON.parse(body) as Notification);
        response.end();
      });
    });
    receiver = server;
    await new Promise<void>((resolve) => server.listen(receiverPort, "127.0.0.1", resolve));
    stack = await startWriteStack();
    const [prometheusPort, alertmanagerPort] = [await freePort(), await freePort()];
    monitoring = await startMonitoring({
      dir,
      apiTarget: new URL(stack.url).host,
      prometheusPort,
      alertmanagerPort,
      scrapeInterval: "3s",
      evaluationInterval: "1s",
      maxFor: "5s",
      groupWait: "1s",
      webhookUrl: `http://127.0.0.1:${receiverPort}/alerts`,
    });
  });

  after(async () => {
    if (skip !== false) return;
    await monitoring?.stop();
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- unset when before() failed early
    await stack?.stop();
    const server = receiver;
    if (server !== undefined) await new Promise((resolve) => server.close(resolve));
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  /** The first notification (from `since` on) in which `alertname` has `status`. */
  const prometheus = (): string => {
    assert.ok(monitoring !== undefined);
    return monitoring.prometheusUrl;
  };

  async function notified(alertname: string, status: "firing" | "resolved", since: number, timeoutMs: number) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = notifications
        .slice(since)
        .flatMap((notification) => notification.alerts)
        .find((alert) => alert.labels.alertname === alertname && alert.status === status);
      if (hit !== undefined) return hit;
      if (Date.now() > deadline) {
        const seen = notifications.flatMap((n) => n.alerts.map((a) => `${a.labels.alertname}:${a.status}`));
        throw new Error(`no ${status} notification for ${alertname} within ${timeoutMs} ms (seen: ${seen.join(", ")})`);
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }

  it("test_prometheus_scrapesTheApiAndLoadsEveryRule", { skip, timeout: 60_000 }, async () => {
    for (;;) {
      const up = await queryPrometheus(prometheus(), 'up{job="hotpot-api"}');
      if (up[0]?.value[1] === "1") break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const rules = (await (await fetch(`${prometheus()}/api/v1/rules?type=alert`)).json()) as {
      data: { groups: { rules: { name: string; health: string }[] }[] };
    };
    const loaded = rules.data.groups.flatMap((group) => group.rules);
    assert.ok(loaded.length >= 14, `${loaded.length} alerts loaded`);
    for (const rule of loaded) assert.equal(rule.health, "ok", rule.name);
    const [database] = await queryPrometheus(prometheus(), "hotpot_database_up");
    assert.equal(database?.value[1], "1");
  });

  /** `npm run report` as an operator runs it, against this stack. */
  async function report(prometheusUrl: string): Promise<{ code: number | null; stdout: string; rows: ReportRow[] }> {
    const child = spawn(process.execPath, [path.join(PROJECT_ROOT, "scripts", "report.ts")], {
      cwd: PROJECT_ROOT,
      env: {
        ...process.env,
        API_URL: stack.url,
        PROMETHEUS_URL: prometheusUrl,
        RPC_URL: stack.chain.url,
        DATABASE_URL: stack.db.url,
        REPORT_BLOCKS: "200",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const [code] = (await once(child, "exit")) as [number | null];
    assert.equal(stderr, "", stderr);
    const last = stdout.trim().split("\n").at(-1) ?? "";
    return { code, stdout, rows: (JSON.parse(last) as { metrics: ReportRow[] }).metrics };
  }

  it("test_report_printsTheSeedsSuccessMetricsFromTheLiveStack", { skip, timeout: 120_000 }, async () => {
    const { rows: users } = await stack.db.pool.query<{ count: string }>(
      "SELECT count(*)::text AS count FROM app_user",
    );
    const fromPrometheus = await report(prometheus());
    // A fresh stack misses the business targets: the report says so and exits 1.
    assert.equal(fromPrometheus.code, 1, fromPrometheus.stdout);
    const byName = new Map(fromPrometheus.rows.map((row) => [row.name, row]));
    assert.equal(fromPrometheus.rows.length, 12, fromPrometheus.stdout);
    for (const row of fromPrometheus.rows) assert.ok(fromPrometheus.stdout.includes(row.name), row.name);
    assert.equal(byName.get("Uptime")?.status, "pass");
    assert.match(byName.get("Uptime")?.source ?? "", /^Prometheus/);
    assert.equal(byName.get("User registration")?.value, Number(users[0]?.count));
    assert.equal(byName.get("User registration")?.status, "fail");
    assert.equal(byName.get("Data encryption (personal data)")?.status, "pass");
    assert.equal(byName.get("Audit trail")?.status, "pass");
    assert.ok((byName.get("Blockchain TPS (busiest 10 s)")?.value ?? -1) >= 0);

    // Without Prometheus: the API's own figures, uptime unknown.
    const fromApi = await report(`http://127.0.0.1:${await freePort()}`);
    assert.equal(fromApi.rows.find((row) => row.name === "Uptime")?.status, "unknown");
    assert.match(fromApi.rows.find((row) => row.name === "Error rate (5xx)")?.source ?? "", /the API's \/metrics/);
  });

  it(
    "test_blockchainSyncIssues_firesWhileTheChainIsStoppedAndResolvesWhenItIsBack",
    { skip, timeout: 240_000 },
    async () => {
      const since = notifications.length;
      const node = stack.chain.node.process;
      assert.ok(node.pid !== undefined);
      // SIGSTOP: the node keeps its port and its state but answers nothing, as a hung RPC provider.
      process.kill(node.pid, "SIGSTOP");
      try {
        await notified("BlockchainSyncIssues", "firing", since, 150_000);
      } finally {
        process.kill(node.pid, "SIGCONT");
      }
      await notified("BlockchainSyncIssues", "resolved", since, 60_000);
    },
  );

  it("test_highErrorRate_firesWhenTheApiAnswers5xx", { skip, timeout: 180_000 }, async () => {
    const since = notifications.length;
    // The test database stops accepting connections (superusers included) and loses the open ones:
    // every request that needs it fails with a 5xx, as in a database outage.
    const admin = new pg.Client({ connectionString: testServerUrl() });
    await admin.connect();
    const name = admin.escapeIdentifier(stack.db.name);
    const statuses = new Map<number, number>();
    const traffic = { on: true };
    try {
      await admin.query(`ALTER DATABASE ${name} WITH ALLOW_CONNECTIONS false`);
      await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", [stack.db.name]);
      const sending = (async () => {
        while (traffic.on) {
          const response = await fetch(`${stack.url}/api/v1/restaurants`).catch(() => undefined);
          if (response !== undefined) {
            await response.arrayBuffer();
            statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
          }
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      })();
      try {
        await notified("HighErrorRate", "firing", since, 120_000);
        await notified("DatabaseDown", "firing", since, 60_000);
      } finally {
        traffic.on = false;
        await sending;
      }
      const errors = [...statuses].filter(([status]) => status >= 500).reduce((sum, [, count]) => sum + count, 0);
      assert.ok(errors > 0, `the API answered ${JSON.stringify([...statuses])}`);
    } finally {
      await admin.query(`ALTER DATABASE ${name} WITH ALLOW_CONNECTIONS true`);
      await admin.end();
    }
    // The database is back: DatabaseDown resolves.
    await notified("DatabaseDown", "resolved", since, 60_000);
  });

  /**
   * Series a panel may lack here. Event-driven ones appear with an RPC error, a relayed
   * transaction, a kitchen stream, an order on chain or a 5xx, which this stack need not have had.
   * The indexer_* series are on the indexer's own registry in the write stack (`npm start` puts
   * them on the API's). Every other series a panel reads must exist, and a panel whose series all
   * exist must show data.
   */
  const NOT_EXPORTED_HERE = new Set([
    "indexer_rpc_errors_total",
    "relayer_transactions_sent_total",
    "kitchen_stream_hours_total",
    "hotpot_chain_orders",
    "job:http_requests_5xx:rate5m",
    "job:http_error_ratio:rate5m",
    "indexer_head_block",
    "indexer_indexed_block",
    "indexer_events_indexed_total",
    "indexer_batch_duration_seconds_bucket",
    "indexer_reorgs_total",
  ]);

  it("test_dashboards_everyPanelQueryEvaluatesOnTheLiveStack", { skip, timeout: 60_000 }, async () => {
    const queries = DASHBOARD_SPECS.flatMap((spec) => panelQueries(buildDashboard(spec)));
    // Grafana derives $__rate_interval from the scrape interval (3 s here) and $__range from the time range; 1 m stands in for both.
    const deadline = Date.now() + 30_000;
    for (;;) {
      const names = await fetch(`${prometheus()}/api/v1/label/__name__/values`)
        .then((response) => response.json() as Promise<{ data: string[] }>)
        .then((body) => new Set(body.data));
      const missing = new Set<string>();
      const empty: string[] = [];
      for (const query of queries) {
        // A query error (bad PromQL, an unknown function) throws here and fails the test at once.
        const result = await queryPrometheus(prometheus(), expandMacros(query.expr, "1m")).catch((error: unknown) => {
          throw new Error(`${query.panel}: ${String(error)}`);
        });
        const used = metricNames(query.expr);
        assert.ok(used.length > 0, `${query.panel}: reads no series (${query.expr})`);
        for (const name of used) if (!names.has(name) && !NOT_EXPORTED_HERE.has(name)) missing.add(name);
        if (result.length === 0 && used.every((name) => names.has(name))) empty.push(`${query.panel}: ${query.expr}`);
      }
      if ((missing.size === 0 && empty.length === 0) || Date.now() > deadline) {
        assert.deepEqual([...missing], [], "series the stack exports but Prometheus does not have");
        assert.deepEqual(empty, [], "panels without data although every series they read exists");
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  });
});
