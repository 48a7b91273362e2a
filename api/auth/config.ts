/**
 * The auth options from the auth settings (lib/config.ts reads them: JWT_SECRET, JWT_TTL_SECONDS,
 * SIWE_DOMAIN, SIWE_URI, SIWE_CHAIN_ID, ADMIN_ADDRESSES, CUSTODIAL_MNEMONIC), each with a safe local default:
 *
 * - JWT_SECRET: HS256 key, at least 32 bytes. Unset: a random key per process (tokens end at restart).
 * - JWT_TTL_SECONDS: access token lifetime, default 900.
 * - SIWE_DOMAIN / SIWE_URI: what sign-in messages must name, default SIWE_URI's host / http://HOST:PORT (the served web app).
 * - SIWE_CHAIN_ID: default the chain the API follows.
 * - ADMIN_ADDRESSES: comma-separated wallet addresses given the admin role at sign-in.
 * - CUSTODIAL_MNEMONIC: BIP-39 words custodial addresses derive from. Unset: Hardhat's test mnemonic
 *   (account 1), on the local chain (31337) only; any other chain needs it set.
 */
import { randomBytes } from "node:crypto";

import { isAddress } from "viem";

import type { AuthSettings } from "../../lib/config.ts";
import { ConfigError } from "../../lib/errors.ts";
import type { AuthOptions } from "./index.ts";
import { MIN_SECRET_BYTES } from "./tokens.ts";

export const LOCAL_CHAIN_ID = 31337;
const HARDHAT_MNEMONIC = "test test test test test test test test test test test junk";

/** Everything createAuth needs except the database. */
export function authOptions(settings: AuthSettings, chainId: number): Omit<AuthOptions, "db"> {
  const jwtSecret = settings.jwtSecret ?? randomBytes(32).toString("base64url");
  if (Buffer.byteLength(jwtSecret, "utf8") < MIN_SECRET_BYTES) {
    // Never echo the value: it is a secret.
    throw new ConfigError(`JWT_SECRET must be at least ${MIN_SECRET_BYTES} bytes (e.g. openssl rand -base64 48)`);
  }
  const uri = settings.siweUri;
  let parsed: URL;
  try {
    parsed = new URL(uri);
  } catch {
    throw new ConfigError(`SIWE_URI must be a URL, got "${uri}"`);
  }
  for (const address of settings.adminAddresses) {
    if (!isAddress(address, { strict: false }))
      throw new ConfigError(`ADMIN_ADDRESSES: "${address}" is not an address`);
  }
  const mnemonic = settings.custodialMnemonic;
  if (mnemonic === undefined && chainId !== LOCAL_CHAIN_ID) {
    throw new ConfigError(`CUSTODIAL_MNEMONIC must be set on chain ${chainId} (only the local chain has a default)`);
  }
  return {
    jwtSecret,
    tokenTtlSeconds: settings.tokenTtlSeconds,
    siwe: { domain: settings.siweDomain ?? parsed.host, uri, chainId: settings.siweChainId ?? chainId },
    adminAddresses: [...settings.adminAddresses],
    custodialMnemonic: mnemonic ?? HARDHAT_MNEMONIC,
  };
}
