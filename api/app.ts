/**
 * The HTTP face of the API: GraphQL for the apps, health and readiness for the platform, Prometheus
 * metrics. Built from one context object and never listening by itself, so the caller (the start
 * script, a test) chooses the port and owns the server.
 */
import express, { type NextFunction, type Request, type Response } from "express";
import type { Logger } from "pino";
import type { Registry } from "prom-client";

import type { Database } from "../lib/db/client.ts";
import type { ContentStore } from "../lib/ipfs/index.ts";
import { readMeta } from "./graphql/context.ts";
import { createGraphQLServer, GRAPHQL_PATH, type GraphQLLimits } from "./graphql/server.ts";
import { checkHealth, checkReady, type HealthSources } from "./http/health.ts";
import { ipfsGateway } from "./http/ipfs.ts";
import { createApiMetrics } from "./http/metrics.ts";
import { createIndexPubSub, listenForIndexedBatches, type IndexNotifications } from "./notifications.ts";

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
}

export interface ApiApp {
  readonly app: express.Express;
  /** Resolves once subscriptions receive the indexer's notifications (at once if they are off). */
  listening(): Promise<void>;
  /** Stops the notification listener and the GraphQL server; the caller closes its HTTP server and database. */
  close(): Promise<void>;
}

/** Errors body parsers and the like raise carry the HTTP status they mean. */
function statusOf(error: unknown): number {
  if (typeof error === "object" && error !== null) {
    const { status, statusCode } = error as { status?: unknown; statusCode?: unknown };
    const candidate = typeof status === "number" ? status : statusCode;
    if (typeof candidate === "number" && candidate >= 400 && candidate < 600) return candidate;
  }
  return 500;
}

export function createApiApp(context: ApiContext): ApiApp {
  const { db, logger, chainId } = context;
  const metrics = createApiMetrics(context.registry);
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
  });
  const health: HealthSources = {
    db,
    logger,
    chainId,
    chainHead: context.chainHead,
    confirmations: context.confirmations,
  };

  const app = express();
  app.disable("x-powered-by");
  app.use(metrics.middleware);
  // Yoga reads the original URL, so mounting under the path it also knows as its endpoint works.
  app.use(GRAPHQL_PATH, graphql.requestListener);

  app.get("/health", async (_request, response) => {
    const { httpStatus, body } = await checkHealth(health);
    response.status(httpStatus).json(body);
  });

  app.get("/ready", async (_request, response) => {
    const { httpStatus, body } = await checkReady(health);
    response.status(httpStatus).json(body);
  });

  app.get("/metrics", async (_request, response) => {
    const text = await context.registry.metrics();
    response.type(context.registry.contentType).send(text);
  });

  if (context.contentStore !== undefined) app.get("/ipfs/:cid", ipfsGateway(context.contentStore, logger));

  app.use((_request, response) => {
    response.status(404).json({ error: "not found" });
  });

  // Express recognises an error handler by its four parameters.
  app.use((error: unknown, _request: Request, response: Response, next: NextFunction) => {
    if (response.headersSent) {
      next(error);
      return;
    }
    const status = statusOf(error);
    if (status >= 500) logger.error({ err: error }, "HTTP request failed");
    response.status(status).json({ error: status >= 500 ? "internal error" : "bad request" });
  });

  return {
    app,
    listening: () => notifications?.listening() ?? Promise.resolve(),
    async close(): Promise<void> {
      await notifications?.close();
      await graphql.dispose();
    },
  };
}
