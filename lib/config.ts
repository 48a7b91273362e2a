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
  };
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
    },
  };
}
