/**
 * Sign-in and authorization for /api/v1, wired from one options object: access tokens, SIWE,
 * custodial accounts, point-of-sale API keys, object-level access checks, the authenticator the
 * REST router runs on every request, and the /auth routes.
 */
import type { Database } from "../../lib/db/client.ts";
import type { Authenticator } from "../rest/index.ts";
import type { Route } from "../rest/route.ts";
import { createAccessControl, type AccessControl } from "./access.ts";
import { createApiKeyService, type ApiKeyService } from "./api-keys.ts";
import { createAuthenticator } from "./authenticate.ts";
import { createCustodialService, type CustodialService } from "./custodial.ts";
import { authRoutes } from "./routes.ts";
import { createSiweService, type SiweService } from "./siwe.ts";
import { createTokenService, type TokenService } from "./tokens.ts";

export interface AuthOptions {
  readonly db: Database;
  /** HS256 key, at least 32 bytes. */
  readonly jwtSecret: string;
  /** Access token lifetime (default 900 s). */
  readonly tokenTtlSeconds?: number;
  readonly siwe: {
    readonly domain: string;
    readonly uri: string;
    readonly chainId: number;
    readonly statement?: string;
    readonly nonceTtlSeconds?: number;
  };
  /** Wallet addresses given the admin role when they sign in. */
  readonly adminAddresses?: readonly string[];
  /** BIP-39 mnemonic custodial addresses are derived from (m/44'/60'/1'/0/<index>). */
  readonly custodialMnemonic: string;
}

export interface Auth {
  readonly authenticate: Authenticator;
  readonly routes: Route[];
  readonly tokens: TokenService;
  readonly siwe: SiweService;
  readonly custodial: CustodialService;
  readonly apiKeys: ApiKeyService;
  readonly access: AccessControl;
}

export function createAuth(options: AuthOptions): Auth {
  const { db } = options;
  const tokens = createTokenService({ secret: options.jwtSecret, ttlSeconds: options.tokenTtlSeconds });
  const siwe = createSiweService(db, tokens, { ...options.siwe, adminAddresses: options.adminAddresses });
  const custodial = createCustodialService(db, tokens, options.custodialMnemonic);
  const apiKeys = createApiKeyService(db);
  const access = createAccessControl(db);
  const authenticate = createAuthenticator({ tokens, apiKeys });
  const routes = authRoutes({ db, siwe, custodial, apiKeys, access });
  return { authenticate, routes, tokens, siwe, custodial, apiKeys, access };
}

export type { AccessControl } from "./access.ts";
export type { ApiKeyService } from "./api-keys.ts";
export type { CustodialService } from "./custodial.ts";
export type { SiweService } from "./siwe.ts";
export type { TokenService } from "./tokens.ts";
