/**
 * The HTTP face of the API: GraphQL for the apps, health and readiness for the platform, Prometheus
 * metrics. Built from one context object and never listening by itself, so the caller (the start
 * script, a test) chooses the port and owns the server.
 */
import { createRequire } from "node:module";
import path from "node:path";

import cors from "cors";
import express, { type RequestHandler } from "express";
import helmet from "helmet";
import type { Logger } from "pino";
import type { Registry } from "prom-client";

import type { Database } from "../lib/db/client.ts";
import type { ContentStore } from "../lib/ipfs/index.ts";
import { readMeta } from "./graphql/context.ts";
import { createGraphQLServer, GRAPHQL_PATH, type GraphQLLimits } from "./graphql/server.ts";
import { errorHandler, notFoundHandler } from "./http/errors.ts";
import { checkHealth, checkReady, type HealthSources } from "./http/health.ts";
import { ipfsGateway } from "./http/ipfs.ts";
import { createApiMetrics } from "./http/metrics.ts";
import { registerOperationsMetrics } from "./operations/metrics.ts";
import { createIndexPubSub, listenForIndexedBatches, type IndexNotifications } from "./notifications.ts";
import { startTokenSettlement, type TokenSettlement } from "./payments/token-settlement.ts";
import { STRIPE_WEBHOOK_PATH, stripeWebhook } from "./payments/webhook.ts";
import { ONFIDO_WEBHOOK_PATH } from "./kyc/providers/onfido.ts";
import type { KycService } from "./kyc/service.ts";
import type { Platform } from "./platform.ts";
import { TWITCH_WEBHOOK_PATH } from "./streams/index.ts";
import { createRateLimiter, DEFAULT_RATE_LIMITS, type RateLimitStores } from "./http/rate-limit.ts";
import { requireMetricsToken } from "./http/metrics-auth.ts";
import { createSyncDelay } from "./http/sync-delay.ts";
import { createRestApi, type Authenticator, type RateLimits } from "./rest/index.ts";
import { API_PREFIX } from "./rest/openapi.ts";
import { API_VERSION, restRoutes, type RouteServices } from "./routes.ts";

export interface ApiContext {
  readonly db: Database;
  readonly logger: Logger;
  /** Where the API's metrics are registered (not prom-client's global registry). */
  readonly registry: Registry;
  /** The chain this mirror follows: the indexer's cursor row for it is what the API serves. */
  readonly chainId: number;
  /** The chain's latest block number, for /health and /ready. */
  readonly chainHead: () => Promise<bigint>;
  /** Blocks the indexer stays behind the head; within that it counts as caught up. */
  readonly confirmations: number;
  /** Browser origins allowed to call /graphql ("*" for any); none means same-origin only. */
  readonly corsOrigins?: readonly string[];
  readonly graphqlLimits?: Partial<GraphQLLimits>;
  /** Listen for the indexer's notifications to drive subscriptions (default true). */
  readonly notifications?: boolean;
  /** Receipts and documents, served verified at `GET /ipfs/:cid`; without it that route is absent. */
  readonly contentStore?: ContentStore;
  /** The write side (REST /api/v1, webhooks, token settlement); without it only reads are served. */
  readonly write?: WriteSide;
  /** Budgets per minute shared by REST and /graphql (default: the write side's, else DEFAULT_RATE_LIMITS). */
  readonly rateLimits?: RateLimits;
  /** Counters shared by every API process (Redis); unset: this process's memory. */
  readonly rateLimitStores?: RateLimitStores;
  /** When set, GET /metrics needs `Authorization: Bearer <metricsToken>`; unset, /metrics is open (local use). */
  readonly metricsToken?: string;
  /** The built web app (web/dist), served at `/` with its client-side routes; without it `/` is a 404. */
  readonly webDist?: string;
  /** Origins the web app plays kitchen streams from (the media server's HTTP-FLV), allowed by its CSP. */
  readonly mediaOrigins?: readonly string[];
}

export interface WriteSide {
  readonly platform: Platform;
  readonly authenticate: Authenticator;
  /** What the REST routes (api/routes.ts) call, beside the platform. */
  readonly services: Omit<RouteServices, "platform">;
  readonly rateLimits?: RateLimits;
  /** Twitch's EventSub endpoint (raw body), when Twitch is configured. */
  readonly twitchWebhook?: readonly RequestHandler[];
  /** The KYC vendor's webhook (Onfido, raw body), when a vendor verifies identities. */
  readonly kycWebhook?: readonly RequestHandler[];
  /** The KYC workflow, for GraphQL (its REST routes are among `routes`). */
  readonly kyc?: KycService;
  /** How often escrowed token orders are looked for (they are also looked for on every indexed batch). */
  readonly tokenSettlementIntervalMs?: number;
}

const SWAGGER_UI_DIR = path.dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));
const SWAGGER_INITIALIZER = `window.onload = () => {
  window.ui = SwaggerUIBundle({ url: "${API_PREFIX}/openapi.json", dom_id: "#swagger-ui", deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset], layout: "StandaloneLayout" });
};
`;

/** GraphiQL's page: its bundle, styles and workers come from unpkg.com, its bootstrap is inline. */
const GRAPHIQL_CSP = {
  "script-src": ["'self'", "'unsafe-inline'", "https://unpkg.com"],
  "style-src": ["'self'", "'unsafe-inline'", "https://unpkg.com"],
  "worker-src": ["'self'", "blob:", "https://unpkg.com"],
  "img-src": ["'self'", "data:", "https://unpkg.com"],
  "font-src": ["'self'", "data:", "https://unpkg.com"],
  "connect-src": ["'self'", "https://unpkg.com"],
};

/**
 * Everything but GraphiQL: helmet's default policy, plus what the kitchen-stream player needs: it
 * fetches the HTTP-FLV stream from the media server and plays it through Media Source Extensions,
 * whose video source is a blob: URL. KYC officers see identity documents the page fetched with
 * their bearer token as blob: URLs too (an <img src> cannot send a token).
 * With Stripe configured, the origins Stripe's security guide lists for Stripe.js and Elements:
 * the script and its frames from js.stripe.com, its API calls to api.stripe.com, and the 3-D Secure
 * pages it frames from hooks.stripe.com. Without Stripe the app never loads them, so none is allowed.
 */
function webCsp(mediaOrigins: readonly string[], stripe: boolean): Record<string, string[]> {
  const stripeScripts = stripe ? ["https://js.stripe.com", "https://*.js.stripe.com"] : [];
  return {
    "connect-src": ["'self'", ...mediaOrigins, ...(stripe ? ["https://api.stripe.com"] : [])],
    "media-src": ["'self'", "blob:"],
    "img-src": ["'self'", "data:", "blob:"],
    ...(stripe
      ? {
          "script-src": ["'self'", ...stripeScripts],
          "frame-src": [...stripeScripts, "https://hooks.stripe.com"],
        }
      : {}),
  };
}

/** The API's own routes: never answered with the web app's page, so their 404s stay JSON. */
const API_ROUTE_PREFIXES = [API_PREFIX, GRAPHQL_PATH, "/docs", "/ipfs", "/health", "/ready", "/metrics"];

/**
 * The web app, same origin as the API: its hashed assets (cached for a year, as their names change
 * with their content), and index.html for any other GET a browser navigates to, so client-side
 * routes (/menu, /order/…) survive a reload. Its CSP (webCsp) keeps scripts and styles 'self'; it
 * connects to 'self' (fetch, the subscriptions' EventSource) and to the media server.
 */
function webApp(dist: string): express.Router {
  const router = express.Router();
  router.use("/assets", express.static(path.join(dist, "assets"), { immutable: true, maxAge: "1y" }));
  router.use(express.static(dist, { index: false, maxAge: 0 }));
  router.get(/.*/, (request, response, next) => {
    const apiRoute = [...API_ROUTE_PREFIXES, "/assets"].some(
      (prefix) => request.path === prefix || request.path.startsWith(`${prefix}/`),
    );
    if (apiRoute || !request.accepts("html")) {
      next();
      return;
    }
    response.setHeader("Cache-Control", "no-cache");
    response.sendFile(path.join(dist, "index.html"));
  });
  return router;
}

export interface ApiApp {
  readonly app: express.Express;
  /** Resolves once subscriptions receive the indexer's notifications (at once if they are off). */
  listening(): Promise<void>;
  /** Stops the notification listener and the GraphQL server; the caller closes its HTTP server and database. */
  close(): Promise<void>;
}

export function createApiApp(context: ApiContext): ApiApp {
  const { db, logger, chainId } = context;
  const metrics = createApiMetrics(context.registry);
  registerOperationsMetrics({ registry: context.registry, db });
  const pubSub = createIndexPubSub();
  const notifications: IndexNotifications | undefined =
    context.notifications === false
      ? undefined
      : listenForIndexedBatches({
          url: db.url,
          chainId,
          logger,
          pubSub,
          indexedBlock: async () => (await readMeta(db, chainId)).blockNumber,
        });
  const graphql = createGraphQLServer({
    db,
    chainId,
    logger,
    pubSub,
    errors: metrics.graphqlErrors,
    corsOrigins: context.corsOrigins,
    limits: context.graphqlLimits,
    write:
      context.write === undefined
        ? undefined
        : { platform: context.write.platform, authenticate: context.write.authenticate, kyc: context.write.kyc },
  });
  // The chain head as /health, /ready and the sync-delay gauge see it: each success is remembered.
  const syncDelay = createSyncDelay({
    registry: context.registry,
    db,
    chainId,
    chainHead: context.chainHead,
  });
  const health: HealthSources = {
    db,
    logger,
    chainId,
    chainHead: syncDelay.chainHead,
    confirmations: context.confirmations,
    ...(context.write === undefined ? {} : { relayer: context.write.platform.chain.health }),
  };

  const app = express();
  app.disable("x-powered-by");
  app.use(metrics.middleware);
  // Security headers on every response. GraphiQL (GET /graphql in a browser) loads its page from
  // unpkg.com and starts with an inline script, so /graphql's policy allows those; nothing else does.
  const graphiqlHeaders = helmet({ contentSecurityPolicy: { directives: GRAPHIQL_CSP } });
  const stripeElements = context.write?.services.clientConfig.card.provider === "stripe";
  const securityHeaders = helmet({
    contentSecurityPolicy: { directives: webCsp(context.mediaOrigins ?? [], stripeElements) },
  });
  app.use((request, response, next) => {
    if (request.path === GRAPHQL_PATH || request.path.startsWith(`${GRAPHQL_PATH}/`))
      graphiqlHeaders(request, response, next);
    else securityHeaders(request, response, next);
  });
  const limiter = createRateLimiter(
    context.write?.authenticate,
    context.rateLimits ?? context.write?.rateLimits ?? DEFAULT_RATE_LIMITS,
    context.rateLimitStores,
  );
  // Yoga reads the original URL, so mounting under the path it also knows as its endpoint works.
  app.use(GRAPHQL_PATH, limiter.graphql, graphql.requestListener);

  let tokenSettlement: TokenSettlement | undefined;
  if (context.write !== undefined) {
    const { write } = context;
    const rest = createRestApi({
      routes: restRoutes({ ...write.services, platform: write.platform }),
      authenticate: write.authenticate,
      rateLimiter: limiter,
      version: API_VERSION,
    });
    const origins = context.corsOrigins ?? [];
    const restCors = cors({
      origin: origins.includes("*") ? true : [...origins],
      allowedHeaders: ["Authorization", "Content-Type", "X-API-Key", "Idempotency-Key"],
      exposedHeaders: ["Location", "Retry-After", "RateLimit", "RateLimit-Policy"],
      maxAge: 600,
    });
    app.use(API_PREFIX, restCors);
    app.post(`${API_PREFIX}${STRIPE_WEBHOOK_PATH}`, ...stripeWebhook(write.platform));
    if (write.twitchWebhook !== undefined) app.post(`${API_PREFIX}${TWITCH_WEBHOOK_PATH}`, ...write.twitchWebhook);
    if (write.kycWebhook !== undefined) app.post(`${API_PREFIX}${ONFIDO_WEBHOOK_PATH}`, ...write.kycWebhook);
    app.use(API_PREFIX, rest.router);
    app.get("/docs/swagger-initializer.js", (_request, response) => {
      response.type("application/javascript").send(SWAGGER_INITIALIZER);
    });
    app.use("/docs", express.static(SWAGGER_UI_DIR, { index: "index.html" }));
    tokenSettlement = startTokenSettlement(write.platform, {
      intervalMs: write.tokenSettlementIntervalMs ?? 1_000,
      pubSub,
    });
  }

  app.get("/health", async (_request, response) => {
    const { httpStatus, body } = await checkHealth(health);
    response.status(httpStatus).json(body);
  });

  app.get("/ready", async (_request, response) => {
    const { httpStatus, body } = await checkReady(health);
    response.status(httpStatus).json(body);
  });

  app.get("/metrics", requireMetricsToken(context.metricsToken), async (_request, response) => {
    const text = await context.registry.metrics();
    response.type(context.registry.contentType).send(text);
  });

  if (context.contentStore !== undefined) app.get("/ipfs/:cid", ipfsGateway(context.contentStore, logger));

  if (context.webDist !== undefined) app.use(webApp(context.webDist));

  app.use(notFoundHandler);
  // Express recognises an error handler by its four parameters.
  app.use(errorHandler(logger));

  return {
    app,
    listening: () => notifications?.listening() ?? Promise.resolve(),
    async close(): Promise<void> {
      await tokenSettlement?.stop();
      await notifications?.close();
      await graphql.dispose();
      syncDelay.close();
    },
  };
}
