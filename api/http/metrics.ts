import type { NextFunction, Request, RequestHandler, Response } from "express";
import { Counter, Histogram, type Registry } from "prom-client";

/** The routes the app serves; anything else is counted as "other" so a scan cannot explode the label set. */
const ROUTES = ["/graphql", "/health", "/ready", "/metrics", "/ipfs", "/docs", "/api/v1"] as const;

/** The matched route's pattern (`/api/v1/orders/:id`) when express matched one, else the prefix it falls under. */
function routeOf(request: Request, response: Response, path: string): string {
  const declared = (response.locals as { route?: unknown }).route;
  if (typeof declared === "string") return declared;
  const pattern = (request.route as { path?: unknown } | undefined)?.path;
  if (typeof pattern === "string") return `${request.baseUrl}${pattern}`;
  return ROUTES.find((route) => path === route || path.startsWith(`${route}/`)) ?? "other";
}

/** A metric registered once per registry: a second app on the same registry shares the first one's. */
function once<M>(registry: Registry, name: string, create: () => M): M {
  return (registry.getSingleMetric(name) as M | undefined) ?? create();
}

/** The webhooks whose signature failures are counted (the label values of `webhook_signature_failures_total`). */
export const WEBHOOK_PROVIDERS = ["stripe", "onfido", "twitch"] as const;

export interface ApiMetrics {
  /** Counts HTTP requests and times them (the error-rate and p95-latency alerts read these). */
  readonly middleware: RequestHandler;
  /** GraphQL errors by code: unexpected ones are INTERNAL_SERVER_ERROR (HTTP 200 hides them from the request counter). */
  readonly graphqlErrors: Counter<"code">;
}

export function createApiMetrics(registry: Registry): ApiMetrics {
  const requests = once(
    registry,
    "http_requests_total",
    () =>
      new Counter({
        name: "http_requests_total",
        help: "HTTP requests by method, route and status code",
        labelNames: ["method", "route", "status"] as const,
        registers: [registry],
      }),
  );
  const duration = once(
    registry,
    "http_request_duration_seconds",
    () =>
      new Histogram({
        name: "http_request_duration_seconds",
        help: "HTTP request duration (Server-Sent Event streams excluded: they last as long as the client listens)",
        labelNames: ["method", "route", "status"] as const,
        buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10],
        registers: [registry],
      }),
  );
  const graphqlErrors = once(
    registry,
    "graphql_errors_total",
    () =>
      new Counter({
        name: "graphql_errors_total",
        help: "Errors in GraphQL responses by code",
        labelNames: ["code"] as const,
        registers: [registry],
      }),
  );

  const signatureFailures = once(
    registry,
    "webhook_signature_failures_total",
    () =>
      new Counter({
        name: "webhook_signature_failures_total",
        help: "Webhook deliveries refused because their signature did not verify, by provider",
        labelNames: ["provider"] as const,
        registers: [registry],
      }),
  );
  // Present at 0 from the start: an alert on increase() misses the first failures of a series that appears with them.
  for (const provider of WEBHOOK_PROVIDERS) signatureFailures.inc({ provider }, 0);

  const middleware = (request: Request, response: Response, next: NextFunction): void => {
    const started = process.hrtime.bigint();
    // "close" also fires when the client goes away first (an SSE subscriber disconnecting), "finish" would not.
    response.once("close", () => {
      const path = new URL(request.originalUrl, "http://localhost").pathname;
      const labels = {
        method: request.method,
        route: routeOf(request, response, path),
        status: String(response.statusCode),
      };
      requests.inc(labels);
      const rejected = (response.locals as { signatureRejected?: unknown }).signatureRejected;
      if (typeof rejected === "string") signatureFailures.inc({ provider: rejected });
      const type = response.getHeader("content-type");
      if (typeof type === "string" && type.startsWith("text/event-stream")) return;
      duration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
    });
    next();
  };
  return { middleware, graphqlErrors };
}

/**
 * Marks a webhook delivery refused for its signature (provider: stripe, onfido, twitch); the
 * middleware counts it in `webhook_signature_failures_total` when the response ends. A burst of
 * these means a rotated or wrong signing secret (payments stop being confirmed) or someone probing.
 */
export function markSignatureRejected(response: Response, provider: (typeof WEBHOOK_PROVIDERS)[number]): void {
  (response.locals as { signatureRejected?: string }).signatureRejected = provider;
}
