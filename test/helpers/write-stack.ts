/**
 * The whole write side for end-to-end tests: a real `hardhat node` with the platform deployed,
 * a fresh Postgres database, the indexer, the relayer, the local card processor (real Stripe SDK
 * on the wire) and the API on a loopback port, built by the same createWriteSide as `npm start`.
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";

import { pino } from "pino";
import { Registry } from "prom-client";
import { keccak256, toHex, type Hex } from "viem";
import { mnemonicToAccount, type HDAccount } from "viem/accounts";
import { createSiweMessage } from "viem/siwe";

import { createApiApp, type ApiApp } from "../../api/app.ts";
import type { KycProvider } from "../../api/kyc/provider.ts";
import type { RelayerHooks, RelayerOptions } from "../../api/relayer/index.ts";
import type { RateLimits } from "../../api/rest/index.ts";
import { createWriteSide, type WriteSideParts } from "../../api/write-side.ts";
import { LOCAL_ACCOUNTS } from "../../deploy/accounts.ts";
import { readDeployment } from "../../lib/chain/deployment.ts";
import { streamingSettings } from "../../lib/config.ts";
import { keyringFromEnv } from "../../lib/crypto/index.ts";
import { LocalContentStore } from "../../lib/ipfs/index.ts";
import { startCardProcessor, type CardProcessor } from "../../local/card-processor/server.ts";
import { createTestDatabase, type TestDatabase } from "./database.ts";
import { freePort, indexerFor, startDevChain, waitForMirror, type DevChain } from "./devchain.ts";

export const HARDHAT_MNEMONIC = "test test test test test test test test test test test junk";
export const SIWE_URI = "http://localhost:3000";

/** Local account #`index` of the Hardhat mnemonic, with its private key (a wallet in the tests). */
export const localAccount = (index: number): HDAccount => mnemonicToAccount(HARDHAT_MNEMONIC, { addressIndex: index });

export interface Reply<Body = Record<string, unknown>> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Body;
}

export interface Credentials {
  readonly token?: string;
  readonly apiKey?: string;
}

export interface WriteStack {
  readonly url: string;
  readonly chain: DevChain;
  readonly db: TestDatabase;
  readonly parts: WriteSideParts;
  /** The local card processor standing in for Stripe (real Stripe SDK on the wire). */
  readonly cardProcessor: CardProcessor;
  readonly api: ApiApp;
  /** An admin's token (Hardhat account #0, signed in with SIWE). */
  readonly adminToken: string;
  /** Where the local IPFS store keeps its blocks. */
  readonly ipfsDir: string;
  call<Body = Record<string, unknown>>(
    method: string,
    pathname: string,
    options?: Credentials & { body?: unknown; headers?: Record<string, string> },
  ): Promise<Reply<Body>>;
  /** A signed SIWE message for a fresh nonce from the server (the body of POST /auth/siwe). */
  siweBody(account: HDAccount): Promise<{ message: string; signature: Hex }>;
  /** Signs `account` in with SIWE; returns its token and user id. */
  signIn(account: HDAccount): Promise<{ token: string; userId: string }>;
  /** The KYC officer attests `address` at level 2 for a year on chain; resolves once the mirror has it. */
  attestKyc(address: Hex): Promise<void>;
  /**
   * A restaurant ready to take orders: its owner attested, signed in, the restaurant registered by
   * the admin and active on chain (relayer and indexer), one menu item on its menu.
   */
  openRestaurant(restaurant: OpenRestaurant): Promise<{ restaurantId: string; itemId: string; ownerToken: string }>;
  stop(): Promise<void>;
}

export interface OpenRestaurant {
  name: string;
  location: string;
  owner: HDAccount;
  item: { name: string; price: string };
}

export async function startWriteStack(
  options: {
    rateLimits?: RateLimits;
    relayer?: Partial<RelayerOptions>;
    hooks?: RelayerHooks;
    /** Collect every log line (level debug) here, e.g. to search them for personal data. */
    logs?: string[];
    /** Who verifies identities (default manual review), e.g. Onfido against its local fake. */
    kycProvider?: KycProvider;
    /** Stripe mode: the web app is told to use Stripe's Elements with this key (payments still reach the local processor). */
    stripePublishableKey?: string;
  } = {},
): Promise<WriteStack> {
  const chain = await startDevChain();
  const db = await createTestDatabase();
  const indexer = indexerFor(chain, db);
  const ipfsDir = await mkdtemp(path.join(tmpdir(), "hotpot-ipfs-"));
  const { logs } = options;
  const logger =
    logs === undefined
      ? pino({ level: process.env.API_TEST_LOG ?? "silent" })
      : pino(
          { level: "debug" },
          {
            write: (line: string) => {
              logs.push(line);
            },
          },
        );
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const registry = new Registry();
  let server: Server | undefined;
  let api: ApiApp | undefined;
  let parts: WriteSideParts | undefined;
  let cardProcessor: CardProcessor | undefined;
  const stop = async (): Promise<void> => {
    server?.closeAllConnections();
    await new Promise<void>((resolve) => {
      if (server === undefined) resolve();
      else
        server.close(() => {
          resolve();
        });
    });
    await api?.close();
    await parts?.stop();
    await cardProcessor?.stop();
    await indexer.stop();
    await db.drop();
    await chain.stop();
    await rm(ipfsDir, { recursive: true, force: true });
  };
  try {
    await indexer.start();
    cardProcessor = await startCardProcessor({
      webhookSecret: `whsec_${randomBytes(24).toString("base64url")}`,
      webhookUrl: `${url}/api/v1/webhooks/stripe`,
    });
    parts = await createWriteSide({
      db,
      logger,
      registry,
      client: chain.client,
      deployment: await readDeployment(chain.addresses.directory),
      contentStore: new LocalContentStore(ipfsDir),
      auth: {
        jwtSecret: "test-secret-test-secret-test-secret-0123456789",
        siwe: { domain: new URL(SIWE_URI).host, uri: SIWE_URI, chainId: chain.deployment.chainId },
        adminAddresses: [localAccount(LOCAL_ACCOUNTS.admin).address],
        custodialMnemonic: HARDHAT_MNEMONIC,
      },
      relayer: {
        accounts: {
          settler: localAccount(LOCAL_ACCOUNTS.settler),
          franchiseAdmin: localAccount(LOCAL_ACCOUNTS.franchiseAdmin),
          kycOfficer: localAccount(LOCAL_ACCOUNTS.kycOfficer),
        },
        options: { pollIntervalMs: 100, notReadyDelayMs: 200, backoffBaseMs: 100, ...options.relayer },
        hooks: options.hooks,
      },
      stripe: {
        secretKey: cardProcessor.apiKey,
        webhookSecret: cardProcessor.webhookSecret,
        apiUrl: cardProcessor.url,
        ...(options.stripePublishableKey === undefined ? {} : { publishableKey: options.stripePublishableKey }),
      },
      // Stream routes and service without a media server (test/streams runs one on its own ports).
      streaming: { config: streamingSettings({ STREAM_MEDIA_SERVER: "off" }), dataDir: ipfsDir },
      people: {
        keyring: keyringFromEnv({ ENCRYPTION_KEY: randomBytes(32).toString("base64") }),
        blindIndexKey: randomBytes(32),
      },
      rateLimits: options.rateLimits,
      kycProvider: options.kycProvider,
    });
    await parts.start();
    api = createApiApp({
      db,
      logger,
      registry,
      chainId: chain.deployment.chainId,
      chainHead: () => chain.client.getBlockNumber({ cacheTime: 0 }),
      confirmations: 0,
      contentStore: parts.platform.contentStore,
      write: { ...parts.write, tokenSettlementIntervalMs: 200 },
    });
    const app = api.app;
    server = await new Promise<Server>((resolve) => {
      const listening = createServer(app).listen(port, "127.0.0.1", () => {
        resolve(listening);
      });
    });
    await api.listening();
  } catch (error) {
    await stop();
    throw error;
  }

  const call = async <Body = Record<string, unknown>>(
    method: string,
    pathname: string,
    request: Credentials & { body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<Reply<Body>> => {
    const headers: Record<string, string> = { ...request.headers };
    if (request.token !== undefined) headers.authorization = `Bearer ${request.token}`;
    if (request.apiKey !== undefined) headers["x-api-key"] = request.apiKey;
    if (request.body !== undefined) headers["content-type"] ??= "application/json";
    const response = await fetch(`${url}${pathname}`, {
      method,
      headers,
      // A string is sent as is (to test malformed bodies); anything else as JSON.
      body:
        request.body === undefined
          ? undefined
          : typeof request.body === "string"
            ? request.body
            : JSON.stringify(request.body),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: (text === "" ? {} : JSON.parse(text)) as Body };
  };

  const siweBody = async (account: HDAccount): Promise<{ message: string; signature: Hex }> => {
    const nonce = await call<{ nonce: string; domain: string; uri: string; chain_id: number; statement: string }>(
      "GET",
      "/api/v1/auth/nonce",
    );
    const message = createSiweMessage({
      address: account.address,
      domain: nonce.body.domain,
      uri: nonce.body.uri,
      chainId: nonce.body.chain_id,
      nonce: nonce.body.nonce,
      statement: nonce.body.statement,
      version: "1",
      issuedAt: new Date(),
    });
    return { message, signature: await account.signMessage({ message }) };
  };

  const signIn = async (account: HDAccount): Promise<{ token: string; userId: string }> => {
    const reply = await call<{ token: string; user: { id: string } }>("POST", "/api/v1/auth/siwe", {
      body: await siweBody(account),
    });
    if (reply.status !== 200) throw new Error(`sign-in failed: ${reply.status} ${JSON.stringify(reply.body)}`);
    return { token: reply.body.token, userId: reply.body.user.id };
  };

  const attestKyc = async (address: Hex): Promise<void> => {
    const block = await chain.client.getBlock();
    await chain.contracts.kycRegistry.write.attest(
      [address, 2, block.timestamp + 365n * 86_400n, keccak256(toHex(`evidence:${address}`))],
      { account: localAccount(LOCAL_ACCOUNTS.kycOfficer).address },
    );
    await waitForMirror(db, chain);
  };
  const admin = await signIn(localAccount(LOCAL_ACCOUNTS.admin));
  const openRestaurant = async ({
    name,
    location,
    owner,
    item,
  }: OpenRestaurant): Promise<{ restaurantId: string; itemId: string; ownerToken: string }> => {
    await attestKyc(owner.address);
    const ownerToken = (await signIn(owner)).token;
    const created = await call<{ id: string }>("POST", "/api/v1/restaurants", {
      token: admin.token,
      body: { name, location, owner: owner.address },
    });
    if (created.status !== 201)
      throw new Error(`registration failed: ${created.status} ${JSON.stringify(created.body)}`);
    const restaurantId = created.body.id;
    await eventually("the franchise on chain", async () => {
      const reply = await call<{ status: string }>("GET", `/api/v1/restaurants/${restaurantId}`);
      return reply.body.status === "active" ? true : undefined;
    });
    const added = await call<{ id: string }>("POST", `/api/v1/restaurants/${restaurantId}/menu`, {
      token: ownerToken,
      body: item,
    });
    if (added.status !== 201) throw new Error(`menu item refused: ${added.status} ${JSON.stringify(added.body)}`);
    return { restaurantId, itemId: added.body.id, ownerToken };
  };
  return {
    url,
    chain,
    db,
    parts,
    cardProcessor,
    api,
    adminToken: admin.token,
    ipfsDir,
    call,
    siweBody,
    signIn,
    attestKyc,
    openRestaurant,
    stop,
  };
}

/** Polls `check` until it returns a value (not undefined) or the time is up. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
