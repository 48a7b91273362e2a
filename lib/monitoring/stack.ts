/**
 * Prometheus and Alertmanager (Debian's `prometheus` and `prometheus-alertmanager`) as child
 * processes on loopback, configured from monitoring/: the same scrape job and alert rules as
 * production, pointed at the API under watch. `npm run monitor` runs it beside `npm start`; the
 * live test runs it with short intervals, `for:` capped, and a webhook receiver.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";

import { parse, stringify } from "yaml";

import { ALERTS_FILE, MONITORING_DIR, readRules, withShortFor } from "./rules.ts";

export interface MonitoringOptions {
  /** Where configs and data go (created if missing). */
  readonly dir: string;
  /** host:port of the API whose /metrics is scraped. */
  readonly apiTarget: string;
  readonly prometheusPort: number;
  readonly alertmanagerPort: number;
  /** Sent as a bearer token when the API has METRICS_TOKEN set. */
  readonly metricsToken?: string;
  /** Default: monitoring/prometheus.yml's (15s). */
  readonly scrapeInterval?: string;
  readonly evaluationInterval?: string;
  /** Caps every alert's `for:` (the live test's shortcut); default: the rules as they are. */
  readonly maxFor?: string;
  /** Alertmanager posts every notification (firing and resolved) here, besides monitoring/alertmanager.yml's receiver. */
  readonly webhookUrl?: string;
  /** Alertmanager's group_wait/group_interval (default monitoring/alertmanager.yml's). */
  readonly groupWait?: string;
  /** Child output goes here (default: discarded). */
  readonly log?: (line: string) => void;
}

export interface Monitoring {
  readonly prometheusUrl: string;
  readonly alertmanagerUrl: string;
  stop(): Promise<void>;
}

interface ScrapeConfig {
  job_name: string;
  static_configs: { targets: string[] }[];
  scrape_interval?: string;
  scrape_timeout?: string;
  authorization?: { type: string; credentials_file: string };
}

interface PrometheusConfig {
  global: Record<string, string>;
  rule_files: string[];
  alerting: { alertmanagers: { static_configs: { targets: string[] }[] }[] };
  scrape_configs: ScrapeConfig[];
}

/** prometheus.yml with the targets, intervals and rule file of this run. */
async function prometheusConfig(options: MonitoringOptions, rulesFile: string): Promise<string> {
  const config = parse(await readFile(path.join(MONITORING_DIR, "prometheus.yml"), "utf8")) as PrometheusConfig;
  const prometheus = `127.0.0.1:${options.prometheusPort}`;
  const alertmanager = `127.0.0.1:${options.alertmanagerPort}`;
  if (options.scrapeInterval !== undefined) {
    config.global.scrape_interval = options.scrapeInterval;
    // The sync-delay gauge waits up to 2 s for the chain; a scrape must be allowed that long.
    config.global.scrape_timeout = options.scrapeInterval;
  }
  if (options.evaluationInterval !== undefined) config.global.evaluation_interval = options.evaluationInterval;
  config.rule_files = [rulesFile];
  config.alerting.alertmanagers = [{ static_configs: [{ targets: [alertmanager] }] }];
  for (const job of config.scrape_configs) {
    const target =
      job.job_name === "hotpot-api"
        ? options.apiTarget
        : job.job_name === "prometheus"
          ? prometheus
          : job.job_name === "alertmanager"
            ? alertmanager
            : undefined;
    if (target !== undefined) job.static_configs = [{ targets: [target] }];
    if (job.job_name === "hotpot-api" && options.metricsToken !== undefined) {
      const tokenFile = path.join(options.dir, "metrics-token");
      await writeFile(tokenFile, options.metricsToken, { mode: 0o600 });
      job.authorization = { type: "Bearer", credentials_file: tokenFile };
    }
  }
  return stringify(config);
}

interface AlertmanagerConfig {
  route: { receiver: string; group_wait?: string; group_interval?: string; routes?: unknown[] };
  receivers: { name: string; webhook_configs?: unknown[] }[];
}

async function alertmanagerConfig(options: MonitoringOptions): Promise<string> {
  const config = parse(await readFile(path.join(MONITORING_DIR, "alertmanager.yml"), "utf8")) as AlertmanagerConfig;
  if (options.groupWait !== undefined) {
    config.route.group_wait = options.groupWait;
    config.route.group_interval = options.groupWait;
  }
  if (options.webhookUrl !== undefined) {
    config.receivers.push({
      name: "webhook",
      webhook_configs: [{ url: options.webhookUrl, send_resolved: true }],
    });
    // Every alert reaches the webhook; `continue` keeps the default receiver too.
    config.route.routes = [{ receiver: "webhook", continue: true }];
  }
  return stringify(config);
}

async function waitReady(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${url} exited with ${child.exitCode}:\n${output()}`);
    const ready = await fetch(`${url}/-/ready`).catch(() => undefined);
    if (ready?.ok === true) return;
    if (Date.now() > deadline) throw new Error(`${url} did not become ready:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function startChild(command: string, args: readonly string[], log?: (line: string) => void) {
  const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const collect = (chunk: Buffer): void => {
    const text = chunk.toString();
    // Keep the tail only: enough to explain a failed start.
    output = (output + text).slice(-20_000);
    if (log !== undefined) for (const line of text.split("\n")) if (line !== "") log(line);
  };
  child.stdout.on("data", collect);
  child.stderr.on("data", collect);
  return { child, output: () => output };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, "exit");
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}

export async function startMonitoring(options: MonitoringOptions): Promise<Monitoring> {
  await mkdir(path.join(options.dir, "prometheus-data"), { recursive: true });
  await mkdir(path.join(options.dir, "alertmanager-data"), { recursive: true });
  const rulesFile = path.join(options.dir, "alerts.yml");
  await writeFile(
    rulesFile,
    options.maxFor === undefined
      ? await readFile(ALERTS_FILE, "utf8")
      : withShortFor(await readRules(), options.maxFor),
  );
  const prometheusFile = path.join(options.dir, "prometheus.yml");
  await writeFile(prometheusFile, await prometheusConfig(options, rulesFile));
  const alertmanagerFile = path.join(options.dir, "alertmanager.yml");
  await writeFile(alertmanagerFile, await alertmanagerConfig(options));

  const alertmanagerUrl = `http://127.0.0.1:${options.alertmanagerPort}`;
  const prometheusUrl = `http://127.0.0.1:${options.prometheusPort}`;
  const alertmanager = startChild(
    "prometheus-alertmanager",
    [
      `--config.file=${alertmanagerFile}`,
      `--storage.path=${path.join(options.dir, "alertmanager-data")}`,
      `--web.listen-address=127.0.0.1:${options.alertmanagerPort}`,
      // No gossip cluster: a single local instance, and nothing listening beyond loopback.
      "--cluster.listen-address=",
    ],
    options.log,
  );
  const children: ChildProcess[] = [alertmanager.child];
  const stop = async (): Promise<void> => {
    await Promise.all(children.map((child) => stopChild(child)));
  };
  try {
    await waitReady(alertmanagerUrl, alertmanager.child, alertmanager.output);
    const prometheus = startChild(
      "prometheus",
      [
        `--config.file=${prometheusFile}`,
        `--storage.tsdb.path=${path.join(options.dir, "prometheus-data")}`,
        `--web.listen-address=127.0.0.1:${options.prometheusPort}`,
        `--web.external-url=${prometheusUrl}`,
      ],
      options.log,
    );
    children.push(prometheus.child);
    await waitReady(prometheusUrl, prometheus.child, prometheus.output);
  } catch (error) {
    await stop();
    throw error;
  }
  return { prometheusUrl, alertmanagerUrl, stop };
}

/** Prometheus's HTTP API: an instant query's result vector. */
export async function queryPrometheus(
  prometheusUrl: string,
  query: string,
): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const response = await fetch(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(query)}`);
  const body = (await response.json()) as {
    status: string;
    error?: string;
    data?: { result: { metric: Record<string, string>; value: [number, string] }[] };
  };
  if (body.status !== "success") throw new Error(`Prometheus query ${query} failed: ${body.error ?? response.status}`);
  return body.data?.result ?? [];
}
