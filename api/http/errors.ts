/**
 * The last two handlers of the app: JSON 404 for anything unmatched, and errors as
 * `{error, code, issues?}` — an ApiError as it says, a body parser's error by its status, anything
 * else a 500 that is logged and never described to the caller.
 */
import type { ErrorRequestHandler, RequestHandler } from "express";
import type { Logger } from "pino";

import { ApiError, toApiError } from "../rest/errors.ts";

/** Body parser errors carry a `type` saying what was wrong with the body. */
function bodyErrorMessage(error: unknown, status: number): string {
  const type = (error as { type?: unknown } | null)?.type;
  if (type === "entity.parse.failed") return "the body is not valid JSON";
  if (type === "entity.too.large") return "the body is too large";
  if (type === "encoding.unsupported" || type === "charset.unsupported") return "unsupported body encoding";
  return status === 404 ? "not found" : "bad request";
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

export const notFoundHandler: RequestHandler = (_request, response) => {
  response.status(404).json({ error: "not found", code: "not_found" });
};

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (thrown: unknown, _request, response, next) => {
    if (response.headersSent) {
      next(thrown);
      return;
    }
    const error = toApiError(thrown);
    if (error instanceof ApiError) {
      for (const [name, value] of Object.entries(error.headers)) response.setHeader(name, value);
      response.status(error.status).json(error.body());
      return;
    }
    const status = statusOf(error);
    if (status >= 500) logger.error({ err: error }, "HTTP request failed");
    response
      .status(status)
      .json(
        status >= 500
          ? { error: "internal error", code: "internal" }
          : { error: bodyErrorMessage(error, status), code: status === 413 ? "too_large" : "invalid_request" },
      );
  };
}
