import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { RetryableError } from "../lib/errors.ts";
import {
  Conflict,
  Forbidden,
  Gone,
  InvalidInput,
  NotFound,
  PaymentDeclined,
  TooLarge,
  Unauthenticated,
  Unavailable,
  Unprocessable,
  UnsupportedMedia,
  UpstreamFailed,
} from "./errors.ts";
import { ApiError, toApiError } from "./rest/errors.ts";

function said(error: unknown): { status: number; headers: Record<string, string>; body: unknown } {
  const api = toApiError(error);
  assert.ok(api instanceof ApiError);
  return { status: api.status, headers: { ...api.headers }, body: api.body() };
}

describe("domain errors at the REST edge", () => {
  it("keep the status, code, issues and headers the API has always answered with", () => {
    const issues = [{ path: "body.amount", message: "omit it" }];
    assert.deepEqual(said(new InvalidInput("bad", issues)), {
      status: 400,
      headers: {},
      body: { error: "bad", code: "invalid_request", issues },
    });
    assert.deepEqual(said(new InvalidInput("no wallet", undefined, "wallet_required")).body, {
      error: "no wallet",
      code: "wallet_required",
    });
    assert.deepEqual(said(new Unauthenticated()), {
      status: 401,
      headers: { "WWW-Authenticate": 'Bearer realm="hotpot"' },
      body: { error: "sign in first: send Authorization: Bearer <token> or X-API-Key", code: "unauthorized" },
    });
    assert.deepEqual(said(new Unauthenticated("stale", { code: "invalid_siwe", challenge: false })).headers, {});
    assert.deepEqual(said(new PaymentDeclined("declined", "card_declined")).status, 402);
    assert.deepEqual(said(new Forbidden()).body, { error: "you may not do this", code: "forbidden" });
    assert.deepEqual(said(new NotFound("order 1")), {
      status: 404,
      headers: {},
      body: { error: "order 1 not found", code: "not_found" },
    });
    assert.deepEqual(said(new Conflict("no", "kyc_required")).body, { error: "no", code: "kyc_required" });
    assert.equal(said(new Conflict("no")).status, 409);
    assert.deepEqual(said(new Gone("erased", "erased")).status, 410);
    assert.deepEqual(said(new TooLarge("big", "too_large")).body, { error: "big", code: "too_large" });
    assert.equal(said(new TooLarge("big", "too_large")).status, 413);
    assert.deepEqual(said(new UnsupportedMedia("pdf", "unsupported_media_type")).body, {
      error: "pdf",
      code: "unsupported_media_type",
    });
    assert.deepEqual(said(new Unprocessable("too much", issues)), {
      status: 422,
      headers: {},
      body: { error: "too much", code: "unprocessable", issues },
    });
    assert.equal(said(new UpstreamFailed("down", "provider_error")).status, 502);
    assert.deepEqual(said(new Unavailable("later")), {
      status: 503,
      headers: { "Retry-After": "5" },
      body: { error: "later", code: "unavailable" },
    });
  });

  it("leave other errors to the edge's 500", () => {
    const other = new Error("boom");
    assert.equal(toApiError(other), other);
  });

  it("say Unavailable is worth retrying, as a RetryableError is", () => {
    assert.equal(new Unavailable("later").retryable, new RetryableError("later").retryable);
    assert.equal(new Conflict("no").retryable, false);
  });
});
