/**
 * The relayer on its own (`npm run relayer`, or `node api/relayer/main.ts`), for draining the
 * outbox in a process of its own: run the API with RELAYER_IN_PROCESS=0 so that it only enqueues
 * (and answers chain reads), and this process holds the sender lock. Same settings as `npm start`
 * (.env.example); without RPC_URL it signs on the local chain with Hardhat's accounts.
 */
import path from "node:path";

import { Registry } from "prom-client";

import { createChainClient } from "../../lib/chain/client.ts";
import { readDeployment } from "../../lib/chain/deployment.ts";
import { PROJECT_ROOT, loadConfig } from "../../lib/config.ts";
import { openDatabase } from "../../lib/db/open.ts";
import { createLogger } from "../../lib/logger.ts";

import { relayerAccounts } from "./accounts.ts";
import { createRelayer } from "./index.ts";

const config = loadConfig();
const logger = createLogger({ level: config.logLevel, name: "relayer" });
const rpcUrl = config.rpcUrl ?? `http://127.0.0.1:${config.rpcPort}`;
const client = createChainClient(rpcUrl);
const chainId = await client.getChainId();
const deployment = await readDeployment(
  config.deploymentDir ?? path.join(PROJECT_ROOT, "deploy", "deployments", `chain-${chainId}`),
);
const db = await openDatabase({
  url: config.databaseUrl,
  dataDir: path.join(config.dataDir, "postgres"),
  port: config.embeddedPostgresPort,
});
const relayer = createRelayer({
  db,
  client,
  chainId,
  deployment,
  accounts: relayerAccounts(config.relayer, config.rpcUrl === undefined),
  logger,
  registry: new Registry(),
  options: { stuckAfterMs: config.relayer.stuckAfterMs, maxGapFill: config.relayer.maxGapFill },
});

async function shutdown(code: number): Promise<never> {
  await relayer.stop();
  await db.close();
  process.exit(code);
}
process.on("SIGINT", () => void shutdown(0));
process.on("SIGTERM", () => void shutdown(0));

try {
  // Takes the sender lock (another relayer of the same keys makes this refuse), then drains.
  await relayer.start();
} catch (error) {
  logger.error({ err: (error as Error).message }, "relayer: could not start");
  await db.close();
  process.exit(1);
}
logger.info({ chainId, rpc: new URL(rpcUrl).host, senders: relayer.senders }, "relayer running");
