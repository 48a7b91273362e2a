/**
 * `npm run monitor`: Prometheus and Alertmanager (Debian's packages) watching the API that
 * `npm start` runs (HOST:PORT, METRICS_TOKEN), with monitoring/'s scrape job, alert rules and
 * Alertmanager route; data in DATA_DIR/monitoring. Ctrl-C stops both.
 *   PROMETHEUS_PORT (9090), ALERTMANAGER_PORT (9093)
 */
import path from "node:path";

import { loadConfig } from "../lib/config.ts";
import { ConfigError } from "../lib/errors.ts";
import { startMonitoring, type Monitoring } from "../lib/monitoring/stack.ts";

function port(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 65_535) throw new ConfigError(`${name} must be a port number`);
  return value;
}

let monitoring: Monitoring | undefined;
try {
  const config = loadConfig();
  const host = config.host === "0.0.0.0" || config.host === "::" ? "127.0.0.1" : config.host;
  monitoring = await startMonitoring({
    dir: path.join(config.dataDir, "monitoring"),
    apiTarget: `${host}:${config.port}`,
    prometheusPort: port("PROMETHEUS_PORT", 9090),
    alertmanagerPort: port("ALERTMANAGER_PORT", 9093),
    metricsToken: config.metricsToken,
  });
  console.log(`Monitoring http://${host}:${config.port}/metrics (start the stack with \`npm start\`).

  Prometheus     ${monitoring.prometheusUrl}   (alerts: ${monitoring.prometheusUrl}/classic/alerts)
  Alertmanager   ${monitoring.alertmanagerUrl}
  Rules          monitoring/alerts.yml   Runbook: docs/runbook.md

Press Ctrl-C to stop.`);
} catch (error) {
  console.error(error instanceof ConfigError ? `Configuration error: ${error.message}` : error);
  process.exitCode = 1;
}

const stop = async (): Promise<void> => {
  await monitoring?.stop();
  process.exit(0);
};
process.on("SIGINT", () => void stop());
process.on("SIGTERM", () => void stop());
