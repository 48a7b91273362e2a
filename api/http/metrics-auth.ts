/**
 * /metrics behind a bearer token (METRICS_TOKEN): Prometheus sends it with `authorization:
 * credentials:` in its scrape config. Without a token the endpoint stays open, for local use.
 */
import { createHash, timingSafeEqual } from "node:crypto";

import type { RequestHandler } from "express";

import { unauthorized } from "../rest/errors.ts";

const digest = (text: string): Buffer => createHash("sha256").update(text).digest();

export function requireMetricsToken(token: string | undefined): RequestHandler {
  if (token === undefined || token === "") {
    return (_request, _response, next) => {
      next();
    };
  }
  const expected = digest(token);
  return (request, _response, next) => {
    const header = request.header("authorization") ?? "";
    const match = /^Bearer\s+(.+)$/i.exec(header.trim());
    // Hashing first makes the comparison constant-time whatever the lengths.
    if (match?.[1] !== undefined && timingSafeEqual(digest(match[1]), expected)) {
      next();
      return;
    }
    next(unauthorized("/metrics needs Authorization: Bearer <METRICS_TOKEN>"));
  };
}
