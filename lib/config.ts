import path from "node:path";
import { fileURLToPath } from "node:url";

import { ConfigError } from "./errors.ts";

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** Every setting of the stack. Each comes from one environment variable with a safe local default. */
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
  /** The stable token orders are paid in; unset: the deployment's TestGEL. */
  readonly paymentToken: `0x${string}` | undefined;
}

type Env = Readonly<Record<string, string | undefined>>;

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

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"];

/** Reads and validates the environment; throws a ConfigError naming the first wrong variable. */
export function loadConfig(env: Env = process.env): Config {
  const logLevel = optional(env, "LOG_LEVEL") ?? "info";
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(", ")}, got "${logLevel}"`);
  }
  const deploymentDir = optional(env, "DEPLOYMENT_DIR");
  return {
    host: optional(env, "HOST") ?? "127.0.0.1",
    port: integer(env, "PORT", 4000, 1, 65_535),
    logLevel,
    rpcUrl: url(env, "RPC_URL", ["http", "https"]),
    rpcWsUrl: url(env, "RPC_WS_URL", ["ws", "wss"]),
    rpcPort: integer(env, "RPC_PORT", 8545, 1, 65_535),
    databaseUrl: url(env, "DATABASE_URL", ["postgres", "postgresql"]),
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
  };
}
