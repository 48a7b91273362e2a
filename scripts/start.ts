/**
 * `npm start`: the whole stack in one process tree. A local chain (child `hardhat node`) with
 * every contract deployed, unless RPC_URL names another chain; Postgres (DATABASE_URL, or an
 * embedded server keeping its data in DATA_DIR); migrations; the indexer; the API server.
 * Ctrl-C stops everything. Settings: .env.example.
 */
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import type { Server } from "node:http";
import path from "node:path";

import { collectDefaultMetrics, Registry } from "prom-client";
import { mnemonicToAccount } from "viem/accounts";

import { createApiApp, type ApiApp } from "../api/app.ts";
import { authOptions } from "../api/auth/config.ts";
import { connectRedisRateLimits, type RedisRateLimits } from "../api/http/redis-rate-limits.ts";
import { relayerAccounts } from "../api/relayer/accounts.ts";
import { kycProviderFrom } from "../api/kyc/config.ts";
import { createWriteSide, type WriteSideParts } from "../api/write-side.ts";
import { LOCAL_ACCOUNTS } from "../deploy/accounts.ts";
import { createIndexer, INDEXED_CONTRACTS, type Indexer } from "../indexer/index.ts";
import { createIndexerMetrics } from "../indexer/metrics.ts";
import { createChainClient, defaultWsUrl } from "../lib/chain/client.ts";
import { readDeployment } from "../lib/chain/deployment.ts";
import { loadConfig, PROJECT_ROOT, type Config, type StripeSettings } from "../lib/config.ts";
import type { Database } from "../lib/db/client.ts";
import { openDatabase } from "../lib/db/open.ts";
import {
  loadSavedChain,
  recordChain,
  replayChain,
  resetSavedChain,
  type ChainRecorder,
} from "../local/devchain/chain-state.ts";
import { deployLocal } from "../local/devchain/deploy-local.ts";
import { startHardhatNode, type HardhatNode } from "../local/devchain/hardhat-node.ts";
import { blindIndexKeyFromEnv, ensureLocalKeys, keyringFromEnv } from "../lib/crypto/index.ts";
import { ConfigError } from "../lib/errors.ts";
import { createContentStore, LocalContentStore } from "../lib/ipfs/index.ts";
import { createLogger } from "../lib/logger.ts";
import { startCardProcessor, type CardProcessor } from "../local/card-processor/server.ts";
import { ensureWebBuild } from "./web-build.ts";

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
let recorder: ChainRecorder | undefined;
let db: (Database & { embedded: boolean }) | undefined;
let indexer: Indexer | undefined;
let api: ApiApp | undefined;
let writeSide: WriteSideParts | undefined;
let cardProcessor: CardProcessor | undefined;
let redisRateLimits: RedisRateLimits | undefined;
let server: Server | undefined;
let stopping = false;

async function stop(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  say("\nStopping ...");
  // First, while the node surely runs: the blocks of the last seconds.
  await recorder?.stop();
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
  await redisRateLimits?.close().catch(() => undefined);
  await writeSide?.stop().catch(() => undefined);
  await cardProcessor?.stop().catch(() => undefined);
  await indexer?.stop().catch(() => undefined);
  await db?.close().catch(() => undefined);
  await node?.stop().catch(() => undefined);
  process.exit(code);
}
process.on("SIGINT", () => void stop(0));
process.on("SIGTERM", () => void stop(0));

const DEPLOYMENTS = path.join(PROJECT_ROOT, "deploy", "deployments");

/**
 * The local chain: restored from DATA_DIR/chain when a previous run recorded one (same blocks,
 * same hashes, so the deployment and the database mirror stay valid), else a new chain with the
 * platform deployed. Every block it mines is recorded for the next start.
 */
async function startLocalChain(requestedDir: string | undefined): Promise<{ url: string; deploymentDir: string }> {
  const deploymentDir = requestedDir ?? path.join(DEPLOYMENTS, "chain-31337");
  const deploymentId = path.relative(DEPLOYMENTS, deploymentDir);
  if (deploymentId.startsWith("..") || deploymentId.includes(path.sep)) {
    throw new ConfigError(`DEPLOYMENT_DIR must be a folder directly inside ${DEPLOYMENTS} for the local chain`);
  }
  const chainDir = path.join(config.dataDir, "chain");
  const saved = await loadSavedChain(chainDir);
  const onExit = (started: HardhatNode): void => {
    started.process.on("exit", (code) => {
      if (!stopping && node === started) {
        logger.error({ code }, "hardhat node exited unexpectedly");
        void stop(1);
      }
    });
  };

  if (saved !== null && saved.blocks.length > 0 && existsSync(path.join(deploymentDir, "deployed_addresses.json"))) {
    say(`Restoring the local chain (${saved.blocks.length} blocks) on 127.0.0.1:${config.rpcPort} ...`);
    const started = await startHardhatNode(config.rpcPort, {
      env: { HARDHAT_INITIAL_DATE: saved.initialDate },
      ownProcessGroup: true,
    });
    node = started;
    onExit(started);
    const replay = await replayChain(started.url, saved);
    if (replay.complete) {
      recorder = recordChain(started.url, chainDir, replay.matched, { onError: recordError });
      return { url: started.url, deploymentDir };
    }
    say(`The saved chain diverged at block ${replay.matched + 1n}; starting a new chain instead.`);
    node = undefined;
    await started.stop();
  }

  const initialDate = new Date().toISOString();
  await resetSavedChain(chainDir, initialDate);
  say(`Starting a local chain on 127.0.0.1:${config.rpcPort} ...`);
  const started = await startHardhatNode(config.rpcPort, {
    env: { HARDHAT_INITIAL_DATE: initialDate },
    ownProcessGroup: true,
  });
  node = started;
  onExit(started);
  say("Deploying contracts with Hardhat Ignition (deploy/modules/LocalHotPotSpot.ts) ...");
  say("(The first run compiles every contract with solc-js first: allow a few minutes.)");
  await deployLocal({ rpcUrl: started.url, deploymentId });
  recorder = recordChain(started.url, chainDir, 0n, { onError: recordError });
  return { url: started.url, deploymentDir };
}

const HARDHAT_MNEMONIC = "test test test test test test test test test test test junk";

function recordError(error: unknown): void {
  logger.warn({ err: error instanceof Error ? error.message : String(error) }, "could not record the local chain");
}

try {
  const webDist = await ensureWebBuild(say);
  let rpcUrl = config.rpcUrl;
  let deploymentDir = config.deploymentDir;
  if (rpcUrl === undefined) {
    const local = await startLocalChain(config.deploymentDir);
    rpcUrl = local.url;
    deploymentDir = local.deploymentDir;
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

  const contentStore = createContentStore({ dataDir: config.dataDir, pinata: config.pinata });
  // Personal-data keys: from the environment, else generated once into DATA_DIR/keys and reused.
  const localKeys = await ensureLocalKeys({ dataDir: config.dataDir, env: config.personalDataKeys });
  const keyVariables = { ...config.personalDataKeys, ...localKeys.env };
  if (localKeys.created.length > 0)
    say(`Generated ${localKeys.created.join(", ")} in ${localKeys.directory} (back it up with the data)`);
  const blindIndexKey = blindIndexKeyFromEnv(keyVariables);
  if (blindIndexKey === undefined) throw new ConfigError("BLIND_INDEX_KEY must be set");
  const localChain = node !== undefined;
  const apiHost = config.host === "0.0.0.0" || config.host === "::" ? "127.0.0.1" : config.host;
  let stripe: StripeSettings | undefined = config.stripe;
  if (stripe === undefined) {
    // No Stripe account: the local stand-in speaks Stripe's API, and the app is pointed at its URL.
    cardProcessor = await startCardProcessor({
      webhookSecret: `whsec_${randomBytes(24).toString("base64url")}`,
      webhookUrl: `http://${apiHost}:${config.port}/api/v1/webhooks/stripe`,
      port: config.cardProcessorPort,
      // Card payments taken before a restart can still be refunded, and their webhooks still arrive.
      journalFile: path.join(config.dataDir, "card-processor", "journal.jsonl"),
    });
    stripe = { secretKey: cardProcessor.apiKey, webhookSecret: cardProcessor.webhookSecret, apiUrl: cardProcessor.url };
  }
  const kycSettings = kycProviderFrom(config.kyc);
  writeSide = await createWriteSide({
    db,
    logger: logger.child({ part: "api" }),
    registry,
    client,
    // Every contract of the deployment (TestGEL too, the local payment token).
    deployment: await readDeployment(deployment.directory),
    contentStore,
    auth: authOptions(
      localChain && config.auth.adminAddresses.length === 0
        ? {
            ...config.auth,
            adminAddresses: [mnemonicToAccount(HARDHAT_MNEMONIC, { addressIndex: LOCAL_ACCOUNTS.admin }).address],
          }
        : config.auth,
      chainId,
    ),
    relayer: {
      accounts: relayerAccounts(config.relayer, localChain),
      inProcess: config.relayer.inProcess,
      options: { stuckAfterMs: config.relayer.stuckAfterMs, maxGapFill: config.relayer.maxGapFill },
    },
    stripe,
    paymentToken: config.paymentToken,
    rateLimits: config.rateLimits,
    people: { keyring: keyringFromEnv(keyVariables), blindIndexKey },
    streaming: { config: config.streaming, dataDir: config.dataDir },
    kycProvider: kycSettings.provider,
    kycWebhook: kycSettings.webhook,
  });
  await writeSide.start();
  if (config.redisUrl !== undefined) redisRateLimits = await connectRedisRateLimits(config.redisUrl, logger);
  api = createApiApp({
    db,
    logger: logger.child({ part: "api" }),
    registry,
    chainId,
    chainHead: () => client.getBlockNumber({ cacheTime: 0 }),
    confirmations: config.indexer.confirmations,
    contentStore,
    corsOrigins: config.corsOrigins,
    rateLimits: config.rateLimits,
    rateLimitStores: redisRateLimits?.stores,
    metricsToken: config.metricsToken,
    write: writeSide.write,
    webDist,
    mediaOrigins: [new URL(config.streaming.publicPlaybackUrl).origin],
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

  // Events the API never acknowledged (it was killed while they were sent) go out again now that it listens.
  void cardProcessor
    ?.deliverPending()
    .then((results) => {
      if (results.length > 0) say(`Card processor: delivered ${results.length} webhook(s) left over from the last run`);
    })
    .catch((error: unknown) => {
      logger.warn({ err: error instanceof Error ? error.message : String(error) }, "card processor: redelivery failed");
    });

  const base = `http://${config.host}:${config.port}`;
  const contract = (name: string): string =>
    deployment.contracts.find((deployed) => deployed.name === name)?.address ?? "(not deployed)";
  say(`
The Hot Pot Spot is running.

  Web app         ${base}/
  GraphQL         ${base}/graphql   (GraphiQL in a browser)
  REST            ${base}/api/v1   (Swagger UI: ${base}/docs, OpenAPI: ${base}/api/v1/openapi.json)
  Card payments   ${cardProcessor === undefined ? "Stripe" : `local card processor on ${cardProcessor.url} (test cards: pm_card_visa, pm_card_chargeDeclined)`}
  Health          ${base}/health
  Metrics         ${base}/metrics
  IPFS gateway    ${base}/ipfs/<cid>   (${contentStore instanceof LocalContentStore ? `local store in ${path.join(config.dataDir, "ipfs")}` : "Pinata"})
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
  Demo data:      npm run seed   (restaurants, menus, orders paid by card and token, receipts)
  Demo activity:  npm run simulate -- --orders 100
`
}
Press Ctrl-C to stop.`);
} catch (error) {
  console.error(error instanceof ConfigError ? `Configuration error: ${error.message}` : error);
  await stop(1);
}
