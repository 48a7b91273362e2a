import path from "node:path";
import { fileURLToPath } from "node:url";

import { ConfigError } from "./errors.ts";

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/**
 * Every setting of the stack, read from the environment here and nowhere else: the parts receive
 * them as values. Each comes from one environment variable with a safe local default.
 */
export interface Config {
  /** API server (`/graphql`, `/health`, `/metrics`). */
  readonly host: string;
  readonly port: number;
  readonly logLevel: string;
  /** JSON-RPC of the chain. Unset: `npm start` runs a local `hardhat node` on `rpcPort`. */
  readonly rpcUrl: string | undefined;
  /** WebSocket JSON-RPC for head subscriptions; unset: derived from the RPC URL (ws:// on the same port). */
  readonly rpcWsUrl: string | undefined;
  readonly rpcPort: number;
  /** Postgres. Unset: an embedded server with its data in `dataDir/postgres`, listening on `embeddedPostgresPort`. */
  readonly databaseUrl: string | undefined;
  /**
   * Redis, for what several API processes must share (the rate limits' counters). Unset: kept in
   * the process's memory, which is right for one API process and needs no Redis.
   */
  readonly redisUrl: string | undefined;
  readonly dataDir: string;
  readonly embeddedPostgresPort: number;
  /** Ignition deployment record to index; unset: deploy/deployments/chain-<chain id>. */
  readonly deploymentDir: string | undefined;
  readonly indexer: {
    readonly confirmations: number;
    readonly maxBlockRange: number;
    readonly pollIntervalMs: number;
    readonly reorgWindow: number;
    readonly targetLogsPerBatch: number;
  };
  /** Browser origins allowed to call the API ("*": any); none: same-origin only. */
  readonly corsOrigins: readonly string[];
  /**
   * Requests per minute (REST and GraphQL together) per signed-in person or API key, per IP without
   * credentials, and per IP for requests with a bad credential.
   */
  readonly rateLimits: {
    readonly perCallerPerMinute: number;
    readonly anonymousPerMinute: number;
    readonly failedAuthPerMinute: number;
  };
  /** When set, GET /metrics needs `Authorization: Bearer <metricsToken>`; unset, it is open. */
  readonly metricsToken: string | undefined;
  /**
   * Keys the relayer signs with: the settler (OrderSettlement SETTLER_ROLE) and the franchise admin
   * (FranchiseNFT registration). Unset on the local chain: Hardhat's accounts #2 and #3.
   */
  readonly relayer: {
    readonly settlerKey: `0x${string}` | undefined;
    readonly franchiseAdminKey: `0x${string}` | undefined;
    /** KycRegistry's KYC officer: attestations of approved KYC cases (local default: account #4). */
    readonly kycOfficerKey: `0x${string}` | undefined;
    /** Work older than this makes the relayer stuck: /health answers 503, `relayer_stuck` is 1. */
    readonly stuckAfterMs: number;
    /** Most nonces the relayer fills below one of its transactions before it stops and asks for an operator. */
    readonly maxGapFill: number;
    /** Whether `npm start` drains the outbox in the API's process; false when `npm run relayer` runs apart. */
    readonly inProcess: boolean;
  };
  /** Port of the local card processor that stands in for Stripe when STRIPE_SECRET_KEY is unset. */
  readonly cardProcessorPort: number;
  /** Real Stripe; unset: `npm start` runs the local card processor and points the app at its URL. */
  readonly stripe: StripeSettings | undefined;
  /** Who verifies identities. */
  readonly kyc: KycSettings;
  /** Kitchen streams: providers and the local media server. */
  readonly streaming: StreamingSettings;
  /** Pinata for IPFS; unset: the embedded store in `dataDir/ipfs`. */
  readonly pinata: PinataSettings | undefined;
  /** Sign-in; the defaults that depend on the chain are applied by api/auth/config.ts. */
  readonly auth: AuthSettings;
  /** The personal-data key variables, as lib/crypto parses them (unset ones are generated locally). */
  readonly personalDataKeys: PersonalDataKeyVariables;
  /** The stable token orders are paid in; unset: the deployment's TestGEL. */
  readonly paymentToken: `0x${string}` | undefined;
}

export type Env = Readonly<Record<string, string | undefined>>;

export interface StripeSettings {
  readonly secretKey: string;
  readonly webhookSecret: string;
  /**
   * The key the web app loads Stripe.js with (pk_…): with it the app pays through Stripe's own Elements.
   * Unset only for the local card processor, whose form stands in for Elements.
   */
  readonly publishableKey?: string;
  /** A Stripe-compatible API to call instead of Stripe's own (the local card processor's URL). */
  readonly apiUrl?: string;
}

export type KycSettings =
  | { readonly provider: "manual" }
  | {
      readonly provider: "onfido";
      readonly apiToken: string;
      readonly workflowId: string;
      readonly webhookToken: string;
      /** The API's base path; unset: Onfido's EU region. */
      readonly apiUrl?: string;
    };
export const KYC_PROVIDERS = ["manual", "onfido"] as const;

export const STREAM_PROVIDERS = ["local", "twitch", "youtube"] as const;
export type StreamProviderName = (typeof STREAM_PROVIDERS)[number];

export interface StreamingSettings {
  readonly defaultProvider: StreamProviderName;
  readonly mediaServer: boolean;
  readonly rtmpPort: number;
  readonly httpPort: number;
  readonly bind: string;
  readonly publicRtmpUrl: string;
  readonly publicPlaybackUrl: string;
  readonly heartbeatTimeoutMs: number;
  readonly twitch?: { clientId: string; clientSecret: string; eventSubSecret: string; callbackUrl: string };
  readonly youtube?: { clientId: string; clientSecret: string; refreshToken: string };
}

export interface PinataSettings {
  readonly jwt: string;
  readonly gateway: string;
}

export interface AuthSettings {
  /** Unset: a random key per process (tokens end at restart). */
  readonly jwtSecret: string | undefined;
  readonly tokenTtlSeconds: number;
  readonly siweDomain: string | undefined;
  readonly siweUri: string;
  /** Unset: the chain the API follows. */
  readonly siweChainId: number | undefined;
  readonly adminAddresses: readonly string[];
  /** Unset: Hardhat's test mnemonic, on the local chain only. */
  readonly custodialMnemonic: string | undefined;
}

// A type, not an interface: it must fit lib/crypto's Env (a record of variables).
export type PersonalDataKeyVariables = Readonly<
  Partial<Record<"ENCRYPTION_KEY" | "ENCRYPTION_PREVIOUS_KEYS" | "BLIND_INDEX_KEY" | "NODE_ENV", string>>
>;

function optional(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === "" ? undefined : value;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = optional(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return Number(raw);
}

function url(env: Env, name: string, protocols: readonly string[]): string | undefined {
  const raw = optional(env, name);
  if (raw === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(`${name} must be a URL (${protocols.join(", ")}), got something unparseable`);
  }
  if (!protocols.includes(parsed.protocol.replace(/:$/, ""))) {
    // The value itself may hold a password or an API key: name the protocol only.
    throw new ConfigError(`${name} must use ${protocols.join(" or ")}, got ${parsed.protocol}`);
  }
  return raw;
}

function privateKey(env: Env, name: string): `0x${string}` | undefined {
  const raw = optional(env, name);
  if (raw === undefined) return undefined;
  // Never echo the value: it is a secret.
  if (!/^0x[0-9a-fA-F]{64}$/.test(raw)) throw new ConfigError(`${name} must be a 0x-prefixed 32-byte hex private key`);
  return raw as `0x${string}`;
}

function address(env: Env, name: string): `0x${string}` | undefined {
  const raw = optional(env, name);
  if (raw === undefined) return undefined;
  if (!/^0x[0-9a-fA-F]{40}$/.test(raw))
    throw new ConfigError(`${name} must be a 0x-prefixed 20-byte address, got "${raw}"`);
  return raw as `0x${string}`;
}

function origins(env: Env, name: string): string[] {
  const list = (optional(env, name) ?? "")
    .split(",")
    .map((origin) => origin.trim())
    .filter((origin) => origin !== "");
  for (const origin of list) {
    if (origin !== "*" && !/^https?:\/\/[^/\s]+$/.test(origin)) {
      throw new ConfigError(`${name} lists origins like https://app.example.com (no path), got "${origin}"`);
    }
  }
  return list;
}

function secretToken(env: Env, name: string): string | undefined {
  const raw = optional(env, name);
  if (raw === undefined) return undefined;
  // Never echo the value: it is a secret.
  if (raw.length < 16 || /\s/.test(raw)) throw new ConfigError(`${name} must be at least 16 characters, no spaces`);
  return raw;
}

/** STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET and STRIPE_PUBLISHABLE_KEY, all or none. */
export function stripeSettings(env: Env): StripeSettings | undefined {
  const secretKey = optional(env, "STRIPE_SECRET_KEY");
  const webhookSecret = optional(env, "STRIPE_WEBHOOK_SECRET");
  const publishableKey = optional(env, "STRIPE_PUBLISHABLE_KEY");
  if (secretKey === undefined && webhookSecret === undefined) {
    if (publishableKey !== undefined) {
      throw new ConfigError("STRIPE_PUBLISHABLE_KEY is set but STRIPE_SECRET_KEY is not: set all three or none");
    }
    return undefined;
  }
  // Half a configuration would send payments to Stripe while webhooks could never verify.
  if (secretKey === undefined || webhookSecret === undefined) {
    throw new ConfigError("STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET must be set together");
  }
  // Without it the web app could only offer the local form, whose test cards Stripe does not know.
  if (publishableKey === undefined) {
    throw new ConfigError(
      "STRIPE_SECRET_KEY is set but STRIPE_PUBLISHABLE_KEY is not: the web app needs the account's publishable key (pk_…) to load Stripe's card form",
    );
  }
  // A publishable key is public, but a secret key pasted here would be sent to every browser: name the prefix only.
  if (!/^pk_(test|live)_\w+$/.test(publishableKey)) {
    throw new ConfigError("STRIPE_PUBLISHABLE_KEY must be a publishable key (pk_test_… or pk_live_…)");
  }
  return { secretKey, webhookSecret, publishableKey };
}

/**
 *   KYC_PROVIDER          manual (default) | onfido
 *   KYC_API_KEY           Onfido API token (required for onfido)
 *   ONFIDO_WORKFLOW_ID    the Onfido Studio workflow each case runs (required for onfido)
 *   ONFIDO_WEBHOOK_TOKEN  the webhook's signing token, checks X-SHA2-Signature (required for onfido)
 *   ONFIDO_API_URL        the API base path (optional; default https://api.eu.onfido.com/v3.6,
 *                         e.g. https://api.us.onfido.com/v3.6, or a local fake)
 */
export function kycSettings(env: Env): KycSettings {
  const provider = optional(env, "KYC_PROVIDER") ?? "manual";
  if (!(KYC_PROVIDERS as readonly string[]).includes(provider)) {
    throw new ConfigError(`KYC_PROVIDER must be one of ${KYC_PROVIDERS.join(", ")}, got "${String(env.KYC_PROVIDER)}"`);
  }
  if (provider === "manual") return { provider };
  const required = (variable: string): string => {
    const value = optional(env, variable);
    if (value === undefined) throw new ConfigError(`${variable} must be set when KYC_PROVIDER=onfido`);
    return value;
  };
  const apiToken = required("KYC_API_KEY");
  const workflowId = required("ONFIDO_WORKFLOW_ID");
  const webhookToken = required("ONFIDO_WEBHOOK_TOKEN");
  const apiUrl = optional(env, "ONFIDO_API_URL");
  if (apiUrl !== undefined) {
    let parsed: URL;
    try {
      parsed = new URL(apiUrl);
    } catch {
      throw new ConfigError(`ONFIDO_API_URL must be a URL, got "${apiUrl}"`);
    }
    if (parsed.protocol !== "https:" && parsed.protocol !== "http:") {
      throw new ConfigError(`ONFIDO_API_URL must be an http(s) URL, got "${apiUrl}"`);
    }
  }
  return { provider: "onfido", apiToken, workflowId, webhookToken, ...(apiUrl === undefined ? {} : { apiUrl }) };
}

function port(env: Env, name: string, fallback: number): number {
  const text = env[name];
  if (text === undefined || text === "") return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > 65535) throw new ConfigError(`${name} must be a TCP port`);
  return value;
}

export function streamingSettings(env: Env): StreamingSettings {
  const defaultProvider = (env.STREAM_PROVIDER || "local") as StreamProviderName;
  if (!STREAM_PROVIDERS.includes(defaultProvider)) {
    throw new ConfigError(`STREAM_PROVIDER must be one of ${STREAM_PROVIDERS.join(", ")}`);
  }
  const rtmpPort = port(env, "STREAM_RTMP_PORT", 1935);
  const httpPort = port(env, "STREAM_HTTP_PORT", 8000);
  const timeout = Number(env.STREAM_HEARTBEAT_TIMEOUT_MS || 60_000);
  if (!Number.isInteger(timeout) || timeout < 1000) throw new ConfigError("STREAM_HEARTBEAT_TIMEOUT_MS must be ≥ 1000");
  const twitchVars = ["TWITCH_CLIENT_ID", "TWITCH_CLIENT_SECRET", "TWITCH_EVENTSUB_SECRET", "TWITCH_EVENTSUB_CALLBACK"];
  const youtubeVars = ["YOUTUBE_CLIENT_ID", "YOUTUBE_CLIENT_SECRET", "YOUTUBE_REFRESH_TOKEN"];
  const all = (names: string[]): boolean => names.every((name) => (env[name] ?? "") !== "");
  const some = (names: string[]): boolean => names.some((name) => (env[name] ?? "") !== "");
  if (some(twitchVars) && !all(twitchVars)) throw new ConfigError(`Twitch needs all of ${twitchVars.join(", ")}`);
  if (some(youtubeVars) && !all(youtubeVars)) throw new ConfigError(`YouTube needs all of ${youtubeVars.join(", ")}`);
  const secret = env.TWITCH_EVENTSUB_SECRET ?? "";
  if (secret !== "" && (secret.length < 10 || secret.length > 100)) {
    throw new ConfigError("TWITCH_EVENTSUB_SECRET must be 10 to 100 characters");
  }
  const settings: StreamingSettings = {
    defaultProvider,
    mediaServer: env.STREAM_MEDIA_SERVER !== "off",
    rtmpPort,
    httpPort,
    bind: env.STREAM_BIND || "0.0.0.0",
    publicRtmpUrl: env.STREAM_PUBLIC_RTMP_URL || `rtmp://127.0.0.1:${rtmpPort}`,
    publicPlaybackUrl: env.STREAM_PUBLIC_PLAYBACK_URL || `http://127.0.0.1:${httpPort}`,
    heartbeatTimeoutMs: timeout,
    twitch: all(twitchVars)
      ? {
          clientId: env.TWITCH_CLIENT_ID ?? "",
          clientSecret: env.TWITCH_CLIENT_SECRET ?? "",
          eventSubSecret: secret,
          callbackUrl: env.TWITCH_EVENTSUB_CALLBACK ?? "",
        }
      : undefined,
    youtube: all(youtubeVars)
      ? {
          clientId: env.YOUTUBE_CLIENT_ID ?? "",
          clientSecret: env.YOUTUBE_CLIENT_SECRET ?? "",
          refreshToken: env.YOUTUBE_REFRESH_TOKEN ?? "",
        }
      : undefined,
  };
  if (defaultProvider !== "local" && settings[defaultProvider] === undefined) {
    throw new ConfigError(`STREAM_PROVIDER=${defaultProvider} but its credentials are not set`);
  }
  return settings;
}

/** Pinata when PINATA_JWT is set (PINATA_GATEWAY is then required), else undefined: the embedded store. */
export function pinataSettings(env: Env): PinataSettings | undefined {
  const jwt = optional(env, "PINATA_JWT");
  const gateway = optional(env, "PINATA_GATEWAY");
  if (jwt === undefined) {
    if (gateway !== undefined)
      throw new ConfigError("PINATA_GATEWAY is set but PINATA_JWT is not: set both or neither");
    return undefined;
  }
  if (gateway === undefined) {
    throw new ConfigError("PINATA_JWT is set but PINATA_GATEWAY is not: receipts are read back through the gateway");
  }
  return { jwt, gateway };
}

/**
 * JWT_SECRET, JWT_TTL_SECONDS, SIWE_DOMAIN, SIWE_URI, SIWE_CHAIN_ID, ADMIN_ADDRESSES, CUSTODIAL_MNEMONIC.
 * SIWE_URI defaults to `servedAt`, the origin the API serves the web app from.
 */
export function authSettings(env: Env, servedAt = "http://localhost:3000"): AuthSettings {
  const positiveInteger = (name: string): number | undefined => {
    const raw = optional(env, name);
    if (raw === undefined) return undefined;
    if (!/^\d+$/.test(raw) || Number(raw) < 1 || !Number.isSafeInteger(Number(raw))) {
      throw new ConfigError(`${name} must be a positive whole number, got "${raw}"`);
    }
    return Number(raw);
  };
  return {
    jwtSecret: optional(env, "JWT_SECRET"),
    tokenTtlSeconds: positiveInteger("JWT_TTL_SECONDS") ?? 900,
    siweDomain: optional(env, "SIWE_DOMAIN"),
    siweUri: optional(env, "SIWE_URI") ?? servedAt,
    siweChainId: positiveInteger("SIWE_CHAIN_ID"),
    adminAddresses: (optional(env, "ADMIN_ADDRESSES") ?? "")
      .split(",")
      .map((entry) => entry.trim())
      .filter((entry) => entry !== ""),
    custodialMnemonic: optional(env, "CUSTODIAL_MNEMONIC"),
  };
}

/** The variables lib/crypto reads its master and blind-index keys from. */
export function personalDataKeyVariables(env: Env): PersonalDataKeyVariables {
  const picked: Record<string, string> = {};
  for (const name of ["ENCRYPTION_KEY", "ENCRYPTION_PREVIOUS_KEYS", "BLIND_INDEX_KEY", "NODE_ENV"] as const) {
    const value = env[name];
    if (value !== undefined) picked[name] = value;
  }
  return picked;
}

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"];

/** Reads and validates the environment; throws a ConfigError naming the first wrong variable. */
export function loadConfig(env: Env = process.env): Config {
  const logLevel = optional(env, "LOG_LEVEL") ?? "info";
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(", ")}, got "${logLevel}"`);
  }
  const deploymentDir = optional(env, "DEPLOYMENT_DIR");
  const host = optional(env, "HOST") ?? "127.0.0.1";
  const port = integer(env, "PORT", 4000, 1, 65_535);
  // Wallet sign-in messages name the origin the web app is served from: this server's.
  const servedAt = `http://${host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host}:${port}`;
  return {
    host,
    port,
    logLevel,
    rpcUrl: url(env, "RPC_URL", ["http", "https"]),
    rpcWsUrl: url(env, "RPC_WS_URL", ["ws", "wss"]),
    rpcPort: integer(env, "RPC_PORT", 8545, 1, 65_535),
    databaseUrl: url(env, "DATABASE_URL", ["postgres", "postgresql"]),
    redisUrl: url(env, "REDIS_URL", ["redis", "rediss"]),
    dataDir: path.resolve(PROJECT_ROOT, optional(env, "DATA_DIR") ?? ".data"),
    embeddedPostgresPort: integer(env, "EMBEDDED_POSTGRES_PORT", 54_329, 1, 65_535),
    deploymentDir: deploymentDir === undefined ? undefined : path.resolve(PROJECT_ROOT, deploymentDir),
    indexer: {
      confirmations: integer(env, "INDEXER_CONFIRMATIONS", 0, 0, 10_000),
      maxBlockRange: integer(env, "INDEXER_MAX_BLOCK_RANGE", 5_000, 1, 1_000_000),
      pollIntervalMs: integer(env, "INDEXER_POLL_INTERVAL_MS", 1_000, 10, 600_000),
      reorgWindow: integer(env, "INDEXER_REORG_WINDOW", 256, 1, 100_000),
      targetLogsPerBatch: integer(env, "INDEXER_BATCH_LOGS", 10_000, 100, 15_000),
    },
    corsOrigins: origins(env, "CORS_ORIGINS"),
    rateLimits: {
      perCallerPerMinute: integer(env, "RATE_LIMIT_PER_MINUTE", 6_000, 1, 100_000_000),
      anonymousPerMinute: integer(env, "RATE_LIMIT_ANONYMOUS_PER_MINUTE", 300, 1, 100_000_000),
      failedAuthPerMinute: integer(env, "RATE_LIMIT_FAILED_AUTH_PER_MINUTE", 30, 1, 100_000_000),
    },
    metricsToken: secretToken(env, "METRICS_TOKEN"),
    relayer: {
      settlerKey: privateKey(env, "RELAYER_PRIVATE_KEY"),
      franchiseAdminKey: privateKey(env, "FRANCHISE_ADMIN_PRIVATE_KEY"),
      kycOfficerKey: privateKey(env, "KYC_OFFICER_PRIVATE_KEY"),
      stuckAfterMs: integer(env, "RELAYER_STUCK_AFTER_SECONDS", 120, 5, 86_400) * 1000,
      maxGapFill: integer(env, "RELAYER_MAX_GAP_FILL", 64, 0, 10_000),
      inProcess: integer(env, "RELAYER_IN_PROCESS", 1, 0, 1) === 1,
    },
    cardProcessorPort: integer(env, "CARD_PROCESSOR_PORT", 12_111, 1, 65_535),
    paymentToken: address(env, "PAYMENT_TOKEN_ADDRESS"),
    stripe: stripeSettings(env),
    kyc: kycSettings(env),
    streaming: streamingSettings(env),
    pinata: pinataSettings(env),
    auth: authSettings(env, servedAt),
    personalDataKeys: personalDataKeyVariables(env),
  };
}
