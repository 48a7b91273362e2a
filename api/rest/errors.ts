/**
 * What a request did wrong, as the HTTP status and the body every REST error shares:
 * `{ error: <message for people>, code: <stable machine code>, issues?: [{ path, message }] }`.
 * Anything that is not an ApiError is the server's fault: a 500 with no detail (logged).
 */
import { DomainError, Unauthenticated, type DomainErrorKind, type ErrorIssue } from "../errors.ts";

export type { ErrorIssue };

export interface ErrorBody {
  readonly error: string;
  readonly code: string;
  readonly issues?: readonly ErrorIssue[];
}

export class ApiError extends Error {
  override readonly name: string = "ApiError";
  readonly status: number;
  readonly code: string;
  readonly issues: readonly ErrorIssue[] | undefined;
  /** Extra response headers (e.g. Retry-After, WWW-Authenticate). */
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    status: number,
    code: string,
    message: string,
    extra: { issues?: readonly ErrorIssue[]; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.status = status;
    this.code = code;
    this.issues = extra.issues;
    this.headers = extra.headers ?? {};
  }

  body(): ErrorBody {
    return this.issues === undefined
      ? { error: this.message, code: this.code }
      : { error: this.message, code: this.code, issues: this.issues };
  }
}

export const badRequest = (message: string, issues?: readonly ErrorIssue[]): ApiError =>
  new ApiError(400, "invalid_request", message, { issues });

export const unauthorized = (message = "sign in first: send Authorization: Bearer <token> or X-API-Key"): ApiError =>
  new ApiError(401, "unauthorized", message, { headers: { "WWW-Authenticate": 'Bearer realm="hotpot"' } });

export const forbidden = (message = "you may not do this"): ApiError => new ApiError(403, "forbidden", message);

export const notFound = (what: string): ApiError => new ApiError(404, "not_found", `${what} not found`);

export const conflict = (message: string): ApiError => new ApiError(409, "conflict", message);

/** Well-formed, but the state of the thing does not allow it (e.g. refunding more than remains). */
export const unprocessable = (message: string, issues?: readonly ErrorIssue[]): ApiError =>
  new ApiError(422, "unprocessable", message, { issues });

/** A dependency (card processor, storage) failed; the client may try again later. */
export const unavailable = (message: string): ApiError =>
  new ApiError(503, "unavailable", message, { headers: { "Retry-After": "5" } });

/** The HTTP status each domain error kind (api/errors.ts) is said with. */
const STATUS: Record<DomainErrorKind, number> = {
  invalid_input: 400,
  unauthenticated: 401,
  payment_declined: 402,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  gone: 410,
  too_large: 413,
  unsupported_media: 415,
  unprocessable: 422,
  upstream_failed: 502,
  unavailable: 503,
};

/** A domain error as the REST edge says it (status, code, issues, headers); anything else unchanged. */
export function toApiError(error: unknown): unknown {
  if (!(error instanceof DomainError)) return error;
  const headers: Record<string, string> = {};
  if (error instanceof Unauthenticated && error.challenge) headers["WWW-Authenticate"] = 'Bearer realm="hotpot"';
  if (error.kind === "unavailable") headers["Retry-After"] = "5";
  return new ApiError(STATUS[error.kind], error.code, error.message, { issues: error.issues, headers });
}
