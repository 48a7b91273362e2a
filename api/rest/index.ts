/**
 * REST /api/v1: JSON bodies (size-limited, no NUL characters), the caller's credential checked
 * once and rate limits (api/http/rate-limit.ts, shared with /graphql), the routes, and their OpenAPI document at /api/v1/openapi.json.
 * Swagger UI (/docs) is mounted by the app beside it.
 */
import express, { type ErrorRequestHandler, type Router } from "express";

import { rejectNul } from "../http/nul.ts";
import {
  createRateLimiter,
  DEFAULT_RATE_LIMITS,
  type Authenticator,
  type RateLimiter,
  type RateLimits,
} from "../http/rate-limit.ts";
import { toApiError } from "./errors.ts";
import { openApiDocument, type OpenApiDocument } from "./openapi.ts";
import { routerFor, type Route } from "./route.ts";

export type { Authenticator, CredentialSource, RateLimits } from "../http/rate-limit.ts";
export { DEFAULT_RATE_LIMITS } from "../http/rate-limit.ts";

export interface RestApiOptions {
  readonly routes: readonly Route[];
  readonly authenticate: Authenticator;
  readonly rateLimits?: RateLimits;
  /** The app's limiter, shared with /graphql; without it the router builds its own from rateLimits. */
  readonly rateLimiter?: RateLimiter;
  /** Largest JSON body accepted. */
  readonly bodyLimit?: string;
  readonly version: string;
}

export interface RestApi {
  readonly router: Router;
  readonly document: OpenApiDocument;
}

export function createRestApi(options: RestApiOptions): RestApi {
  const document = openApiDocument(options.routes, options.version);
  const router = express.Router();

  router.get("/openapi.json", (_request, response) => {
    response.json(document);
  });

  router.use(express.json({ limit: options.bodyLimit ?? "64kb" }));
  const limiter =
    options.rateLimiter ?? createRateLimiter(options.authenticate, options.rateLimits ?? DEFAULT_RATE_LIMITS);
  router.use(limiter.rest);
  router.use(rejectNul);

  router.use(routerFor(options.routes));
  // Whatever the router's middleware and handlers throw leaves it as the REST edge says it: domain
  // errors (api/errors.ts) become ApiErrors, so any error handler after it sees status and body.
  router.use(((error: unknown, _request, _response, next) => {
    next(toApiError(error));
  }) satisfies ErrorRequestHandler);
  return { router, document };
}
