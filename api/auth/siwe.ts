/**
 * Sign-In with Ethereum (EIP-4361). The server hands out a one-time nonce together with the
 * domain, URI and chain id a wallet must put in its message; signing in checks every field the
 * server cares about, the signature, and then consumes the nonce atomically, so a captured
 * message and signature can be used once at most.
 *
 * Warning: signatures are checked for externally owned accounts only (ecrecover); smart-contract
 * wallets (ERC-1271 / ERC-6492) need a chain client and are refused for now.
 */
import { verifyMessage, type Hex } from "viem";
import { generateSiweNonce, parseSiweMessage } from "viem/siwe";

import type { Database } from "../../lib/db/client.ts";
import { InvalidInput, Unauthenticated } from "../errors.ts";
import type { TokenService } from "./tokens.ts";
import { principalOfUser, USER_COLUMNS, userFromRow, type UserRecord, type UserRow } from "./users.ts";

export interface SiweOptions {
  /** RFC 3986 authority the message must name, e.g. `app.hotpot.example` or `localhost:3000`. */
  readonly domain: string;
  /** The app's URI; the message's `uri` must have the same origin. */
  readonly uri: string;
  readonly chainId: number;
  readonly statement?: string;
  /** How long an issued nonce stays usable (default 300 s). */
  readonly nonceTtlSeconds?: number;
  /** Tolerated clock difference for `issuedAt` / `notBefore` (default 60 s). */
  readonly clockSkewSeconds?: number;
  /** Addresses (any case) that receive the admin role when they sign in. */
  readonly adminAddresses?: readonly string[];
  readonly now?: () => Date;
}

export interface NonceChallenge {
  readonly nonce: string;
  readonly expiresAt: Date;
  readonly domain: string;
  readonly uri: string;
  readonly chainId: number;
  readonly statement: string;
  readonly version: "1";
}

export interface SignedIn {
  readonly token: string;
  readonly expiresAt: Date;
  readonly user: UserRecord;
}

export interface SiweService {
  readonly options: Required<Omit<SiweOptions, "adminAddresses" | "now">>;
  issueNonce(): Promise<NonceChallenge>;
  signIn(input: { readonly message: string; readonly signature: string }): Promise<SignedIn>;
  /** Deletes nonces past their expiry; returns how many. */
  purgeExpiredNonces(): Promise<number>;
}

export const DEFAULT_SIWE_STATEMENT = "Sign in to The Hot Pot Spot.";
const PURGE_INTERVAL_MS = 60_000;
const NONCE = /^[A-Za-z0-9]{8,128}$/;

const invalid = (message: string): Unauthenticated =>
  new Unauthenticated(message, { code: "invalid_siwe", challenge: false });

export function createSiweService(db: Database, tokens: TokenService, options: SiweOptions): SiweService {
  const settings = {
    domain: options.domain,
    uri: options.uri,
    chainId: options.chainId,
    statement: options.statement ?? DEFAULT_SIWE_STATEMENT,
    nonceTtlSeconds: options.nonceTtlSeconds ?? 300,
    clockSkewSeconds: options.clockSkewSeconds ?? 60,
  };
  const origin = new URL(settings.uri).origin;
  const admins = new Set((options.adminAddresses ?? []).map((address) => address.toLowerCase()));
  const now = options.now ?? ((): Date => new Date());
  let lastPurge = 0;

  async function purgeExpiredNonces(): Promise<number> {
    const result = await db.pool.query("DELETE FROM siwe_nonce WHERE expires_at <= $1", [now()]);
    return result.rowCount ?? 0;
  }

  /** At most once a minute per process, without making the caller wait or fail on it. */
  function purgeNow(): void {
    const at = now().getTime();
    if (at - lastPurge < PURGE_INTERVAL_MS) return;
    lastPurge = at;
    purgeExpiredNonces().catch(() => undefined);
  }

  /** The checks that need no database, in the order a person would want to hear about them. */
  function check(message: string): { address: Hex; nonce: string } {
    const fields = parseSiweMessage(message);
    const { address, domain, uri, chainId, nonce, version, issuedAt, expirationTime, notBefore } = fields;
    if (address === undefined || domain === undefined || uri === undefined || chainId === undefined) {
      throw new InvalidInput("not an EIP-4361 message: address, domain, URI and chain id are required");
    }
    if (nonce === undefined || version === undefined || issuedAt === undefined) {
      throw new InvalidInput("not an EIP-4361 message: nonce, version and issued-at are required");
    }
    // The parser reads any digits here, whatever its type says.
    if ((version as string) !== "1") throw new InvalidInput(`unsupported SIWE version ${version}`);
    if (Number.isNaN(issuedAt.getTime())) throw new InvalidInput("issued-at is not a valid time");
    if (domain !== settings.domain) throw invalid(`message domain ${domain} is not ${settings.domain}`);
    if (chainId !== settings.chainId) throw invalid(`message chain id ${chainId} is not ${settings.chainId}`);
    let uriOrigin: string;
    try {
      uriOrigin = new URL(uri).origin;
    } catch {
      throw invalid("message URI is not a URI");
    }
    if (uriOrigin !== origin) throw invalid(`message URI must be on ${origin}`);
    if (fields.scheme !== undefined && `${fields.scheme}:` !== new URL(origin).protocol) {
      throw invalid(`message scheme ${fields.scheme} does not match ${origin}`);
    }
    const at = now().getTime();
    const skew = settings.clockSkewSeconds * 1000;
    if (expirationTime !== undefined && !(expirationTime.getTime() > at)) throw invalid("message expired");
    if (notBefore !== undefined && !(notBefore.getTime() <= at + skew)) throw invalid("message is not valid yet");
    if (issuedAt.getTime() > at + skew) throw invalid("message issued in the future");
    if (!NONCE.test(nonce)) throw invalid("unknown or expired nonce");
    return { address, nonce };
  }

  return {
    options: settings,
    purgeExpiredNonces,

    async issueNonce(): Promise<NonceChallenge> {
      purgeNow();
      const nonce = generateSiweNonce();
      const expiresAt = new Date(now().getTime() + settings.nonceTtlSeconds * 1000);
      await db.pool.query("INSERT INTO siwe_nonce (nonce, expires_at) VALUES ($1, $2)", [nonce, expiresAt]);
      return {
        nonce,
        expiresAt,
        domain: settings.domain,
        uri: settings.uri,
        chainId: settings.chainId,
        statement: settings.statement,
        version: "1",
      };
    },

    async signIn(input): Promise<SignedIn> {
      const { address, nonce } = check(input.message);
      let valid = false;
      try {
        valid = await verifyMessage({ address, message: input.message, signature: input.signature as Hex });
      } catch {
        valid = false;
      }
      if (!valid) throw invalid("signature does not match the message's address");

      // Consumed only now, so a message that fails a check above leaves the nonce for a corrected one.
      const consumed = await db.pool.query(
        "DELETE FROM siwe_nonce WHERE nonce = $1 AND expires_at > $2 RETURNING nonce",
        [nonce, now()],
      );
      if (consumed.rowCount !== 1) throw invalid("unknown or expired nonce (each nonce signs in once)");

      const lower = address.toLowerCase();
      const admin = admins.has(lower);
      const { rows } = await db.pool.query<UserRow>(
        `INSERT INTO app_user (address, custodial, roles)
         VALUES ($1, false, CASE WHEN $2::boolean THEN ARRAY['admin']::text[] ELSE ARRAY[]::text[] END)
         ON CONFLICT (address) DO UPDATE SET roles =
           CASE WHEN $2::boolean AND NOT ('admin' = ANY (coalesce(app_user.roles, '{}')))
                THEN array_append(coalesce(app_user.roles, '{}'), 'admin') ELSE app_user.roles END
         RETURNING ${USER_COLUMNS}`,
        [lower, admin],
      );
      const row = rows[0];
      if (row === undefined) throw new Error("app_user upsert returned no row");
      const user = userFromRow(row);
      const issued = await tokens.issue(principalOfUser(user));
      return { token: issued.token, expiresAt: issued.expiresAt, user };
    },
  };
}
