/**
 * The auth settings from the environment, each with a safe local default:
 *
 * - JWT_SECRET: HS256 key, at least 32 bytes. Unset: a random key per process (tokens end at restart).
 * - JWT_TTL_SECONDS: access token lifetime, default 900.
 * - SIWE_DOMAIN / SIWE_URI: what sign-in messages must name, default localhost:3000 / http://localhost:3000.
 * - SIWE_CHAIN_ID: default the chain the API follows.
 * - ADMIN_ADDRESSES: comma-separated wallet addresses given the admin role at sign-in.
 * - CUSTODIAL_MNEMONIC: BIP-39 words custodial addresses derive from. Unset: Hardhat's test mnemonic
 *   (account 1), on the local chain (31337) only; any other chain needs it set.
 */
import { randomBytes } from "node:crypto";

import { isAddress } from "viem";

import { ConfigError } from "../../lib/errors.ts";
import type { AuthOptions } from "./index.ts";
import { MIN_SECRET_BYTES } from "./tokens.ts";

type Env = Readonly<Record<string, string | undefined>>;

export const LOCAL_CHAIN_ID = 31337;
const HARDHAT_MNEMONIC = "test test test test test test test test test test test junk";

const read = (env: Env, name: string): string | undefined => {
  const value = env[name]?.trim();
  return value === undefined || value === "" ? undefined : value;
};

function positiveInteger(env: Env, name: string, fallback: number): number {
  const raw = read(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || !Number.isSafeInteger(Number(raw))) {
    throw new ConfigError(`${name} must be a positive whole number, got "${raw}"`);
  }
  return Number(raw);
}

/** Everything createAuth needs except the database. */
export function authSettingsFromEnv(env: Env, chainId: number): Omit<AuthOptions, "db"> {
  const jwtSecret = read(env, "JWT_SECRET") ?? randomBytes(32).toString("base64url");
  if (Buffer.byteLength(jwtSecret, "utf8") < MIN_SECRET_BYTES) {
    // Never echo the value: it is a secret.
    throw new ConfigError(`JWT_SECRET must be at least ${MIN_SECRET_BYTES} bytes (e.g. openssl rand -base64 48)`);
  }
  const siweChainId = positiveInteger(env, "SIWE_CHAIN_ID", chainId);
  const uri = read(env, "SIWE_URI") ?? "http://localhost:3000";
  let parsed: URL;
  try {
    parsed = new URL(uri);
  } catch {
    throw new ConfigError(`SIWE_URI must be a URL, got "${uri}"`);
  }
  const adminAddresses = (read(env, "ADMIN_ADDRESSES") ?? "")
    .split(",")
    .map((address) => address.trim())
    .filter((address) => address !== "");
  for (const address of adminAddresses) {
    if (!isAddress(address, { strict: false }))
      throw new ConfigError(`ADMIN_ADDRESSES: "${address}" is not an address`);
  }
  const mnemonic = read(env, "CUSTODIAL_MNEMONIC");
  if (mnemonic === undefined && chainId !== LOCAL_CHAIN_ID) {
    throw new ConfigError(`CUSTODIAL_MNEMONIC must be set on chain ${chainId} (only the local chain has a default)`);
  }
  return {
    jwtSecret,
    tokenTtlSeconds: positiveInteger(env, "JWT_TTL_SECONDS", 900),
    siwe: { domain: read(env, "SIWE_DOMAIN") ?? parsed.host, uri, chainId: siweChainId },
    adminAddresses,
    custodialMnemonic: mnemonic ?? HARDHAT_MNEMONIC,
  };
}
