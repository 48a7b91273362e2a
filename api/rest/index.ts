/**
 * REST /api/v1: JSON bodies (size-limited), the caller's credential checked once, per-caller
 * rate limits, the routes, and their OpenAPI document at /api/v1/openapi.json.
 * Swagger UI (/docs) is mounted by the app beside it.
 */
import express, { type NextFunction, type Request, type Response, type Router } from "express";
import { ipKeyGenerator, rateLimit } from "express-rate-limit";

import { principalKey, type Principal } from "../auth/principal.ts";
import { ApiError } from "./errors.ts";
import { openApiDocument, type OpenApiDocument } from "./openapi.ts";
import { routerFor, type Route } from "./route.ts";

/** Where credentials are read from: an express Request, or the GraphQL request's headers. */
export interface CredentialSource {
  header(name: string): string | undefined;
}

/** Finds the caller's credential; undefined when none was sent, an ApiError (401) when it is bad. */
export type Authenticator = (request: CredentialSource) => Promise<Principal | undefined>;

export interface RateLimits {
  /** Requests per minute for each signed-in person or API key. */
  readonly perCallerPerMinute: number;
  /** Requests per minute for each IP address without a credential. */
  readonly anonymousPerMinute: number;
}

export const DEFAULT_RATE_LIMITS: RateLimits = { perCallerPerMinute: 6_000, anonymousPerMinute: 300 };

export interface RestApiOptions {
  readonly routes: readonly Route[];
  readonly authenticate: Authenticator;
  readonly rateLimits?: RateLimits;
  /** Largest JSON body accepted. */
  readonly bodyLimit?: string;
  readonly version: string;
}

export interface RestApi {
  readonly router: Router;
  readonly document: OpenApiDocument;
}

function tooManyRequests(windowMs: number): ApiError {
  return new ApiError(429, "rate_limited", "too many requests; slow down", {
    headers: { "Retry-After": String(Math.ceil(windowMs / 1000)) },
  });
}

export function createRestApi(options: RestApiOptions): RestApi {
  const limits = options.rateLimits ?? DEFAULT_RATE_LIMITS;
  const document = openApiDocument(options.routes, options.version);
  const router = express.Router();

  router.get("/openapi.json", (_request, response) => {
    response.json(document);
  });

  router.use(express.json({ limit: options.bodyLimit ?? "64kb" }));

  // Failed credentials count against the caller's IP, so guessing keys or tokens is throttled too.
  const failedAuthentication = rateLimit({
    windowMs: 60_000,
    limit: limits.anonymousPerMinute,
    keyGenerator: (request: Request) => `auth-failure:${ipKeyGenerator(request.ip ?? "unknown")}`,
    standardHeaders: "draft-8",
    legacyHeaders: false,
    handler: (_request, _response, next, optionsUsed) => {
      next(tooManyRequests(optionsUsed.windowMs));
    },
  });

  router.use(async (request: Request, response: Response, next: NextFunction): Promise<void> => {
    try {
      const principal = await options.authenticate(request);
      if (principal !== undefined) (response.locals as { principal?: Principal }).principal = principal;
      next();
    } catch (error) {
      // The limiter calls back with its own 429 once the IP is over the limit; the 401 otherwise.
      void failedAuthentication(request, response, (limited?: unknown) => {
        next(limited ?? error);
      });
    }
  });

  router.use(
    rateLimit({
      windowMs: 60_000,
      limit: (_request: Request, response: Response) => {
        const principal = (response.locals as { principal?: Principal }).principal;
        return principal === undefined ? limits.anonymousPerMinute : limits.perCallerPerMinute;
      },
      keyGenerator: (request: Request, response: Response) => {
        const principal = (response.locals as { principal?: Principal }).principal;
        return principal === undefined ? `ip:${ipKeyGenerator(request.ip ?? "unknown")}` : principalKey(principal);
      },
      standardHeaders: "draft-8",
      legacyHeaders: false,
      handler: (_request, _response, next, optionsUsed) => {
        next(tooManyRequests(optionsUsed.windowMs));
      },
    }),
  );

  router.use(routerFor(options.routes));
  return { router, document };
}
