/**
 * `npm start`: the whole stack in one process tree. A local chain (child `hardhat node`) with
 * every contract deployed, unless RPC_URL names another chain; Postgres (DATABASE_URL, or an
 * embedded server keeping its data in DATA_DIR); migrations; the indexer; the API server.
 * Ctrl-C stops everything. Settings: .env.example.
 */
import type { Server } from "node:http";
import path from "node:path";

import { collectDefaultMetrics, Registry } from "prom-client";

import { createApiApp, type ApiApp } from "../api/app.ts";
import { createIndexer, INDEXED_CONTRACTS, type Indexer } from "../indexer/index.ts";
import { createIndexerMetrics } from "../indexer/metrics.ts";
import { createChainClient, defaultWsUrl } from "../lib/chain/client.ts";
import { readDeployment } from "../lib/chain/deployment.ts";
import { loadConfig, PROJECT_ROOT, type Config } from "../lib/config.ts";
import type { Database } from "../lib/db/client.ts";
import { openDatabase } from "../lib/db/open.ts";
import { deployLocal } from "../lib/devchain/deploy-local.ts";
import { startHardhatNode, type HardhatNode } from "../lib/devchain/hardhat-node.ts";
import { ConfigError } from "../lib/errors.ts";
import { createLogger } from "../lib/logger.ts";

let config: Config;
try {
  config = loadConfig();
} catch (error) {
  console.error(error instanceof ConfigError ? `Configuration error: ${error.message}` : error);
  process.exit(2);
}
const logger = createLogger({ level: config.logLevel });
const say = (message: string): void => {
  if (config.logLevel !== "silent") console.log(message);
};

let node: HardhatNode | undefined;
let db: (Database & { embedded: boolean }) | undefined;
let indexer: Indexer | undefined;
let api: ApiApp | undefined;
let server: Server | undefined;
let stopping = false;

async function stop(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  say("\nStopping ...");
  const closeServer = server
    ? new Promise<void>((resolve) => {
        server?.close(() => {
          resolve();
        });
        server?.closeAllConnections();
      })
    : Promise.resolve();
  await closeServer;
  await api?.close().catch(() => undefined);
  await indexer?.stop().catch(() => undefined);
  await db?.close().catch(() => undefined);
  await node?.stop().catch(() => undefined);
  process.exit(code);
}
process.on("SIGINT", () => void stop(0));
process.on("SIGTERM", () => void stop(0));

try {
  let rpcUrl = config.rpcUrl;
  let deploymentDir = config.deploymentDir;
  if (rpcUrl === undefined) {
    say(`Starting a local chain on 127.0.0.1:${config.rpcPort} ...`);
    const started = await startHardhatNode(config.rpcPort);
    node = started;
    started.process.on("exit", (code) => {
      if (!stopping) {
        logger.error({ code }, "hardhat node exited unexpectedly");
        void stop(1);
      }
    });
    rpcUrl = started.url;
    say("Deploying contracts with Hardhat Ignition (deploy/modules/LocalHotPotSpot.ts) ...");
    say("(The first run compiles every contract with solc-js first: allow a few minutes.)");
    deploymentDir = (await deployLocal({ rpcUrl })).directory;
  }
  const client = createChainClient(rpcUrl);
  const chainId = await client.getChainId();
  const deployment = await readDeployment(
    deploymentDir ?? path.join(PROJECT_ROOT, "deploy", "deployments", `chain-${chainId}`),
    INDEXED_CONTRACTS,
  );

  say(config.databaseUrl === undefined ? "Starting the embedded Postgres ..." : "Connecting to DATABASE_URL ...");
  db = await openDatabase({
    url: config.databaseUrl,
    dataDir: path.join(config.dataDir, "postgres"),
    port: config.embeddedPostgresPort,
    log: (message) => {
      logger.debug(message);
    },
  });

  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  indexer = createIndexer({
    db,
    client,
    wsUrl: config.rpcWsUrl ?? defaultWsUrl(rpcUrl),
    deployment,
    options: config.indexer,
    logger: logger.child({ part: "indexer" }),
    metrics: createIndexerMetrics(registry),
  });
  await indexer.start();
  indexer.done.catch(() => void stop(1));

  api = createApiApp({
    db,
    logger: logger.child({ part: "api" }),
    registry,
    chainId,
    chainHead: () => client.getBlockNumber({ cacheTime: 0 }),
    confirmations: config.indexer.confirmations,
  });
  await api.listening();
  const app = api.app;
  server = await new Promise<Server>((resolve, reject) => {
    const listening = app.listen(config.port, config.host, () => {
      resolve(listening);
    });
    listening.on("error", (error: NodeJS.ErrnoException) => {
      reject(
        error.code === "EADDRINUSE"
          ? new ConfigError(`PORT ${config.port} is already in use on ${config.host}; choose another PORT`)
          : error,
      );
    });
  });

  const base = `http://${config.host}:${config.port}`;
  const contract = (name: string): string =>
    deployment.contracts.find((deployed) => deployed.name === name)?.address ?? "(not deployed)";
  say(`
The Hot Pot Spot is running.

  GraphQL         ${base}/graphql   (GraphiQL in a browser)
  Health          ${base}/health
  Metrics         ${base}/metrics
  JSON-RPC        ${rpcUrl}   (chain id ${chainId})
  Postgres        ${db.embedded ? `embedded, data in ${path.join(config.dataDir, "postgres")}` : "DATABASE_URL"}

  KycRegistry     ${contract("KycRegistry")}
  HotPotToken     ${contract("HotPotToken")}
  FranchiseNFT    ${contract("FranchiseNFT")}
  OrderSettlement ${contract("OrderSettlement")}
  Deployment      ${deployment.directory}
${
  node === undefined
    ? ""
    : `
  Accounts: #0 admin, #1 treasury, #2 settler, #3 franchise admin, #4 KYC officer,
            #5-#9 customers holding 10,000 tGEL each (keys: \`npx hardhat node\` prints them).
  Demo activity:  npm run simulate -- --orders 100
`
}
Press Ctrl-C to stop.`);
} catch (error) {
  console.error(error instanceof ConfigError ? `Configuration error: ${error.message}` : error);
  await stop(1);
}
