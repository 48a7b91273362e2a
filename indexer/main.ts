/**
 * The indexer on its own (`npm run indexer`: this file with a heap sized to the batches it holds), for
 * running it apart from the API. `npm start` runs the same indexer in the stack's process. Settings: see .env.example.
 */
import path from "node:path";

import { Registry } from "prom-client";

import { createChainClient, defaultWsUrl } from "../lib/chain/client.ts";
import { readDeployment } from "../lib/chain/deployment.ts";
import { PROJECT_ROOT, loadConfig } from "../lib/config.ts";
import { openDatabase } from "../lib/db/open.ts";
import { createLogger } from "../lib/logger.ts";
import { createIndexer, INDEXED_CONTRACTS } from "./index.ts";
import { createIndexerMetrics } from "./metrics.ts";

const config = loadConfig();
const logger = createLogger({ level: config.logLevel, name: "indexer" });
const rpcUrl = config.rpcUrl ?? `http://127.0.0.1:${config.rpcPort}`;
const client = createChainClient(rpcUrl);
const chainId = await client.getChainId();
const deployment = await readDeployment(
  config.deploymentDir ?? path.join(PROJECT_ROOT, "deploy", "deployments", `chain-${chainId}`),
  INDEXED_CONTRACTS,
);
const db = await openDatabase({
  url: config.databaseUrl,
  dataDir: path.join(config.dataDir, "postgres"),
  port: config.embeddedPostgresPort,
});
const indexer = createIndexer({
  db,
  client,
  wsUrl: config.rpcWsUrl ?? defaultWsUrl(rpcUrl),
  deployment,
  options: config.indexer,
  logger,
  metrics: createIndexerMetrics(new Registry()),
});

async function shutdown(code: number): Promise<never> {
  await indexer.stop();
  await db.close();
  process.exit(code);
}
process.on("SIGINT", () => void shutdown(0));
process.on("SIGTERM", () => void shutdown(0));

await indexer.start();
logger.info({ chainId, rpc: new URL(rpcUrl).host }, "indexer running");
await indexer.done.then(
  () => undefined,
  () => shutdown(1),
);
