/**
 * What went wrong, as the domain says it. Services throw these; the edges say them in their own
 * terms: the REST edge (api/rest/errors.ts `toApiError`) as an HTTP status and the body
 * `{error, code, issues?}`, the GraphQL edge as an error with `extensions.code`. `code` is the
 * stable machine code clients see; each class has its usual one and a service may name a finer one
 * (e.g. Conflict "kyc_required").
 */
import { HotPotError } from "../lib/errors.ts";

export interface ErrorIssue {
  /** Where the problem is, e.g. `body.items.0.quantity`. */
  readonly path: string;
  readonly message: string;
}

export type DomainErrorKind =
  | "invalid_input"
  | "unauthenticated"
  | "forbidden"
  | "not_found"
  | "gone"
  | "conflict"
  | "payment_declined"
  | "too_large"
  | "unsupported_media"
  | "unprocessable"
  | "upstream_failed"
  | "unavailable";

export abstract class DomainError extends HotPotError {
  abstract readonly kind: DomainErrorKind;
  readonly code: string;
  readonly issues: readonly ErrorIssue[] | undefined;

  constructor(message: string, code: string, issues?: readonly ErrorIssue[]) {
    super(message);
    this.code = code;
    this.issues = issues;
  }
}

/** The request is malformed or names something impossible; `issues` say where. */
export class InvalidInput extends DomainError {
  override readonly name = "InvalidInput";
  readonly kind = "invalid_input";
  constructor(message: string, issues?: readonly ErrorIssue[], code = "invalid_request") {
    super(message, code, issues);
  }
}

/** No caller, or credentials that prove nothing. `challenge`: whether to ask for credentials again. */
export class Unauthenticated extends DomainError {
  override readonly name = "Unauthenticated";
  readonly kind = "unauthenticated";
  readonly challenge: boolean;
  constructor(
    message = "sign in first: send Authorization: Bearer <token> or X-API-Key",
    options: { code?: string; challenge?: boolean } = {},
  ) {
    super(message, options.code ?? "unauthorized");
    this.challenge = options.challenge ?? true;
  }
}

export class Forbidden extends DomainError {
  override readonly name = "Forbidden";
  readonly kind = "forbidden";
  constructor(message = "you may not do this") {
    super(message, "forbidden");
  }
}

export class NotFound extends DomainError {
  override readonly name = "NotFound";
  readonly kind = "not_found";
  constructor(what: string) {
    super(`${what} not found`, "not_found");
  }
}

/** It existed and is gone for good (e.g. a person's erased data). */
export class Gone extends DomainError {
  override readonly name = "Gone";
  readonly kind = "gone";
}

/** The thing's current state does not allow it (already refunded, not approved yet, ...). */
export class Conflict extends DomainError {
  override readonly name = "Conflict";
  readonly kind = "conflict";
  constructor(message: string, code = "conflict") {
    super(message, code);
  }
}

export class PaymentDeclined extends DomainError {
  override readonly name = "PaymentDeclined";
  readonly kind = "payment_declined";
}

export class TooLarge extends DomainError {
  override readonly name = "TooLarge";
  readonly kind = "too_large";
}

export class UnsupportedMedia extends DomainError {
  override readonly name = "UnsupportedMedia";
  readonly kind = "unsupported_media";
}

/** Well-formed, but not allowed by the numbers (e.g. refunding more than remains). */
export class Unprocessable extends DomainError {
  override readonly name = "Unprocessable";
  readonly kind = "unprocessable";
  constructor(message: string, issues?: readonly ErrorIssue[]) {
    super(message, "unprocessable", issues);
  }
}

/** An outside service (card processor, KYC or stream provider) refused or failed the request. */
export class UpstreamFailed extends DomainError {
  override readonly name = "UpstreamFailed";
  readonly kind = "upstream_failed";
}

/** A dependency is briefly unavailable: doing the same again later may succeed (RetryableError's meaning). */
export class Unavailable extends DomainError {
  override readonly name = "Unavailable";
  override readonly retryable = true;
  readonly kind = "unavailable";
  constructor(message: string) {
    super(message, "unavailable");
  }
}
