/**
 * The REST resources of /api/v1, listed once and in the order the OpenAPI document shows them. The
 * app serves this list, `npm run openapi` prints it, and the tests read it from here. A new resource
 * is a `routes.ts` in its domain folder, added below.
 */
import { applicationRoutes } from "./applications/routes.ts";
import { auditRoutes } from "./audit/routes.ts";
import { authRoutes, type AuthRouteServices } from "./auth/routes.ts";
import { clientConfigRoutes, type ClientConfig } from "./client-config/routes.ts";
import type { KycService } from "./kyc/service.ts";
import { kycRoutes } from "./kyc/routes.ts";
import { orderRoutes } from "./orders/routes.ts";
import type { AccessLog } from "./people/access-log.ts";
import { peopleRoutes } from "./people/routes.ts";
import type { PersonVault } from "./people/vault.ts";
import type { Platform } from "./platform.ts";
import { restaurantRoutes } from "./restaurants/routes.ts";
import { openApiDocument, type OpenApiDocument } from "./rest/openapi.ts";
import type { Route } from "./rest/route.ts";
import { streamRoutes } from "./streams/routes.ts";
import type { StreamService } from "./streams/service.ts";

export const API_VERSION = "1.0.0";

/** What the routes' handlers call. */
export interface RouteServices {
  readonly platform: Platform;
  readonly auth: AuthRouteServices;
  readonly kyc: KycService;
  readonly vault: PersonVault;
  readonly accessLog: AccessLog;
  readonly streams: StreamService;
  /** What GET /config tells the web app (how it takes cards). */
  readonly clientConfig: ClientConfig;
}

/** Every REST route. */
export function restRoutes(services: RouteServices): Route[] {
  return [
    ...authRoutes(services.auth),
    ...kycRoutes(services.kyc),
    ...peopleRoutes(services.vault, services.accessLog),
    ...auditRoutes(services.platform),
    ...streamRoutes(services.streams),
    ...restaurantRoutes(services.platform),
    ...applicationRoutes(services.platform),
    ...orderRoutes(services.platform),
    ...clientConfigRoutes(services.clientConfig),
  ];
}

/**
 * Stands in for a service while the API is only described. The route factories close over their
 * services (the database, the relayer, sign-in) and use them only inside handlers, which never run
 * here; so no database, chain or key is needed to print the document, and should a factory ever
 * start using a service while it builds its routes, this says so instead of printing a wrong document.
 */
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the type it stands in for
function unavailable<T extends object>(name: string): T {
  return new Proxy({} as T, {
    get(_target, property) {
      throw new Error(`${name}.${String(property)} is not available while printing the OpenAPI document`);
    },
  });
}

/** Every REST route, as the app serves them, but with no service behind them. */
export function describedRoutes(): Route[] {
  return restRoutes({
    platform: unavailable("platform"),
    auth: {
      db: unavailable("db"),
      siwe: unavailable("siwe"),
      custodial: unavailable("custodial"),
      apiKeys: unavailable("apiKeys"),
      access: unavailable("access"),
    },
    kyc: unavailable("kyc"),
    vault: unavailable("vault"),
    accessLog: unavailable("accessLog"),
    streams: unavailable("streams"),
    clientConfig: unavailable("clientConfig"),
  });
}

/** The OpenAPI document of every REST route: what /api/v1/openapi.json serves and openapi.yaml holds. */
export function describedDocument(): OpenApiDocument {
  return openApiDocument(describedRoutes(), API_VERSION);
}
