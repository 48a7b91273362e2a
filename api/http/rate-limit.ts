/**
 * One rate limiter for the whole API, REST /api/v1 and /graphql alike: the caller's credential is
 * checked once, then each signed-in person or API key has a budget per minute, anonymous callers one
 * per IP, and failed credentials a stricter one per IP (so guessing keys or tokens is throttled on
 * either door). Over a budget the answer is 429 with Retry-After and a message.
 */
import type { NextFunction, Request, RequestHandler, Response } from "express";
import { ipKeyGenerator, rateLimit, type Store } from "express-rate-limit";

import { principalKey, type Principal } from "../auth/principal.ts";
import { ApiError } from "../rest/errors.ts";

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
  /** Requests with a bad credential per minute for each IP address (default: 30, or anonymousPerMinute if lower). */
  readonly failedAuthPerMinute?: number;
}

export const DEFAULT_RATE_LIMITS: RateLimits = {
  perCallerPerMinute: 6_000,
  anonymousPerMinute: 300,
  failedAuthPerMinute: 30,
};

const WINDOW_MS = 60_000;

/**
 * Where a budget's counters live when several API processes share them (Redis); without it each
 * process counts in its own memory.
 */
export type RateLimitStores = (budget: "per-caller" | "failed-auth") => Store;

export function tooManyRequests(windowMs = WINDOW_MS): ApiError {
  return new ApiError(429, "rate_limited", "too many requests; slow down and try again after Retry-After seconds", {
    headers: { "Retry-After": String(Math.ceil(windowMs / 1000)) },
  });
}

export interface RateLimiter {
  /** For REST: a bad credential is the request's error (401), or 429 past the failed-credential budget. */
  readonly rest: RequestHandler;
  /**
   * For /graphql: a bad credential is left to the GraphQL layer (an UNAUTHENTICATED error) unless
   * the IP is past the failed-credential budget; 429s are GraphQL-shaped (`errors[].extensions.code`).
   */
  readonly graphql: RequestHandler;
}

const principalOf = (response: Response): Principal | undefined =>
  (response.locals as { principal?: Principal }).principal;

/** Sends a 429 in GraphQL's response shape. */
function graphqlTooMany(response: Response, error: ApiError): void {
  for (const [name, value] of Object.entries(error.headers)) response.setHeader(name, value);
  response.status(429).json({ errors: [{ message: error.message, extensions: { code: "RATE_LIMITED" } }] });
}

export function createRateLimiter(
  authenticate: Authenticator | undefined,
  limits: RateLimits,
  stores?: RateLimitStores,
): RateLimiter {
  const failedPerMinute = limits.failedAuthPerMinute ?? Math.min(30, limits.anonymousPerMinute);
  const handler = (_request: Request, _response: Response, next: NextFunction, options: { windowMs: number }) => {
    next(tooManyRequests(options.windowMs));
  };
  const shared = (budget: "per-caller" | "failed-auth") => (stores === undefined ? {} : { store: stores(budget) });
  const failedAuthentication = rateLimit({
    ...shared("failed-auth"),
    windowMs: WINDOW_MS,
    limit: failedPerMinute,
    keyGenerator: (request: Request) => `auth-failure:${ipKeyGenerator(request.ip ?? "unknown")}`,
    standardHeaders: "draft-8",
    legacyHeaders: false,
    handler,
  });
  const perCaller = rateLimit({
    ...shared("per-caller"),
    windowMs: WINDOW_MS,
    limit: (_request: Request, response: Response) =>
      principalOf(response) === undefined ? limits.anonymousPerMinute : limits.perCallerPerMinute,
    keyGenerator: (request: Request, response: Response) => {
      const principal = principalOf(response);
      return principal === undefined ? `ip:${ipKeyGenerator(request.ip ?? "unknown")}` : principalKey(principal);
    },
    standardHeaders: "draft-8",
    legacyHeaders: false,
    handler,
  });

  /** Authenticates, then applies the budgets; `done` gets a 429, the 401, or nothing. */
  async function check(request: Request, response: Response, done: (error?: unknown, failed?: boolean) => void) {
    let failure: unknown;
    try {
      const principal = authenticate === undefined ? undefined : await authenticate(request);
      if (principal !== undefined) (response.locals as { principal?: Principal }).principal = principal;
    } catch (error) {
      failure = error;
    }
    if (failure !== undefined) {
      // The limiter calls back with its own 429 once the IP is over the limit; the 401 otherwise.
      void failedAuthentication(request, response, (limited?: unknown) => {
        done(limited ?? failure, limited === undefined);
      });
      return;
    }
    void perCaller(request, response, (limited?: unknown) => {
      done(limited);
    });
  }

  return {
    rest(request, response, next) {
      void check(request, response, (error) => {
        next(error);
      });
    },
    graphql(request, response, next) {
      void check(request, response, (error, failedCredential) => {
        if (error instanceof ApiError && error.status === 429) graphqlTooMany(response, error);
        else if (failedCredential === true || error === undefined) next();
        else next(error);
      });
    },
  };
}
