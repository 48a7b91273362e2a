/**
 * Access tokens: HS256 JWTs (jose), issuer and audience "hotpot", claims `sub` (user id), `addr`,
 * `custodial` and `roles`. Verified tokens are remembered until they expire (a small bounded map)
 * so a busy client costs one map lookup per request instead of an HMAC and claim checks.
 *
 * Roles travel in the token: a grant or revocation reaches a person's requests when they next sign
 * in, at the latest after one token lifetime (JWT_TTL_SECONDS).
 */
import { errors, jwtVerify, SignJWT, type JWTPayload } from "jose";

import { Unauthenticated } from "../errors.ts";
import { GRANTED_ROLES, type GrantedRole, type UserPrincipal } from "./principal.ts";

export const TOKEN_ISSUER = "hotpot";
export const TOKEN_AUDIENCE = "hotpot";
export const DEFAULT_TOKEN_TTL_SECONDS = 900;
export const MIN_SECRET_BYTES = 32;

export interface TokenServiceOptions {
  /** At least 32 bytes (a string counts its UTF-8 bytes). */
  readonly secret: string | Uint8Array;
  readonly ttlSeconds?: number;
  /** Verified tokens remembered (default 10 000). */
  readonly cacheSize?: number;
  /** Milliseconds since the epoch; tests move it. */
  readonly now?: () => number;
}

export interface TokenSubject {
  readonly userId: string;
  readonly address: string;
  readonly custodial: boolean;
  readonly roles: Iterable<GrantedRole>;
}

export interface IssuedToken {
  readonly token: string;
  readonly expiresAt: Date;
}

export interface TokenService {
  readonly ttlSeconds: number;
  issue(subject: TokenSubject): Promise<IssuedToken>;
  /** The person the token names; Unauthenticated when it is invalid or expired. */
  verify(token: string): Promise<UserPrincipal>;
}

const ADDRESS = /^0x[0-9a-f]{40}$/;

function principalOfClaims(payload: JWTPayload): UserPrincipal | undefined {
  const { sub, addr, custodial, roles } = payload as JWTPayload & {
    addr?: unknown;
    custodial?: unknown;
    roles?: unknown;
  };
  if (typeof sub !== "string" || sub === "") return undefined;
  if (typeof addr !== "string" || !ADDRESS.test(addr)) return undefined;
  if (typeof custodial !== "boolean") return undefined;
  if (!Array.isArray(roles)) return undefined;
  const granted: GrantedRole[] = [];
  for (const role of roles) {
    if (!(GRANTED_ROLES as readonly unknown[]).includes(role)) return undefined;
    granted.push(role as GrantedRole);
  }
  return { kind: "user", userId: sub, address: addr, custodial, roles: new Set(granted) };
}

export function createTokenService(options: TokenServiceOptions): TokenService {
  const key = typeof options.secret === "string" ? new TextEncoder().encode(options.secret) : options.secret;
  if (key.byteLength < MIN_SECRET_BYTES) {
    throw new Error(`the JWT secret must be at least ${MIN_SECRET_BYTES} bytes, got ${key.byteLength}`);
  }
  const ttlSeconds = options.ttlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS;
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1) {
    throw new Error(`the token lifetime must be a positive whole number of seconds, got ${ttlSeconds}`);
  }
  const now = options.now ?? Date.now;
  const cacheSize = options.cacheSize ?? 10_000;
  /** token → principal and expiry (ms); Map order is insertion order, so the first key is the oldest. */
  const verified = new Map<string, { principal: UserPrincipal; expiresAtMs: number }>();

  function remember(token: string, principal: UserPrincipal, expiresAtMs: number): void {
    if (cacheSize <= 0) return;
    while (verified.size >= cacheSize) {
      const oldest = verified.keys().next();
      if (oldest.done === true) break;
      verified.delete(oldest.value);
    }
    verified.set(token, { principal, expiresAtMs });
  }

  return {
    ttlSeconds,

    async issue(subject: TokenSubject): Promise<IssuedToken> {
      const issuedAt = Math.floor(now() / 1000);
      const expiresAt = issuedAt + ttlSeconds;
      const token = await new SignJWT({
        addr: subject.address.toLowerCase(),
        custodial: subject.custodial,
        roles: [...new Set(subject.roles)].sort(),
      })
        .setProtectedHeader({ alg: "HS256", typ: "JWT" })
        .setSubject(subject.userId)
        .setIssuer(TOKEN_ISSUER)
        .setAudience(TOKEN_AUDIENCE)
        .setIssuedAt(issuedAt)
        .setExpirationTime(expiresAt)
        .sign(key);
      return { token, expiresAt: new Date(expiresAt * 1000) };
    },

    async verify(token: string): Promise<UserPrincipal> {
      const at = now();
      const hit = verified.get(token);
      if (hit !== undefined) {
        if (at < hit.expiresAtMs) return hit.principal;
        verified.delete(token);
        throw new Unauthenticated("token expired");
      }
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, key, {
          algorithms: ["HS256"],
          issuer: TOKEN_ISSUER,
          audience: TOKEN_AUDIENCE,
          requiredClaims: ["sub", "exp", "iat"],
          currentDate: new Date(at),
        }));
      } catch (error) {
        if (error instanceof errors.JWTExpired) throw new Unauthenticated("token expired");
        if (error instanceof errors.JWTClaimValidationFailed) {
          throw new Unauthenticated(`invalid token: ${error.claim} claim check failed`);
        }
        throw new Unauthenticated("invalid token");
      }
      const principal = principalOfClaims(payload);
      if (principal === undefined || payload.exp === undefined)
        throw new Unauthenticated("invalid token: malformed claims");
      remember(token, principal, payload.exp * 1000);
      return principal;
    },
  };
}
