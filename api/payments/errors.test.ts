import assert from "node:assert/strict";
import { describe, it } from "node:test";

import Stripe from "stripe";

import { ApiError, toApiError } from "../rest/errors.ts";
import { cardError } from "./errors.ts";
import { stripeFailure } from "./providers/stripe.ts";

/** A Stripe SDK error as the adapter reports it, then as the API answers it. */
function apiErrorOf(error: unknown): ApiError {
  const mapped = toApiError(cardError(stripeFailure(error)));
  assert.ok(mapped instanceof ApiError, `${String(error)} maps to an ApiError`);
  return mapped;
}

describe("cardError", () => {
  it("answers a declined card with 402 card_declined and Stripe's message for the customer", () => {
    const error = apiErrorOf(
      new Stripe.errors.StripeCardError({
        message: "Your card has insufficient funds.",
        type: "card_error",
        code: "card_declined",
        decline_code: "insufficient_funds",
        statusCode: 402,
      }),
    );
    assert.equal(error.status, 402);
    assert.equal(error.code, "card_declined");
    assert.equal(error.message, "the card was declined: Your card has insufficient funds.");
    assert.deepEqual(error.body(), { error: error.message, code: "card_declined" });
  });

  it("maps the errors the SDK itself builds from Stripe's HTTP answers", () => {
    const statuses: [number, string | undefined, number][] = [
      [402, "card_declined", 402],
      [429, undefined, 503],
      [400, "rate_limit", 503],
      [500, undefined, 503],
      [502, undefined, 503],
      [400, "parameter_invalid_integer", 502],
      [404, "resource_missing", 502],
      [401, undefined, 502],
      [403, undefined, 502],
    ];
    for (const [statusCode, code, expected] of statuses) {
      const generated = Stripe.errors.StripeError.generate({ message: "from Stripe", statusCode, code });
      assert.equal(apiErrorOf(generated).status, expected, `Stripe ${statusCode} ${code ?? ""}`);
    }
  });

  const unavailable: [string, unknown][] = [
    ["a connection failure", new Stripe.errors.StripeConnectionError({ message: "ECONNRESET" })],
    ["Stripe's rate limit", new Stripe.errors.StripeRateLimitError({ message: "Too many requests", statusCode: 429 })],
    [
      "a 500 from Stripe",
      new Stripe.errors.StripeAPIError({ message: "Internal", type: "api_error", statusCode: 500 }),
    ],
    ["a 503 from Stripe", new Stripe.errors.StripeAPIError({ message: "Unavailable", statusCode: 503 })],
    ["an API error without a status", new Stripe.errors.StripeAPIError({ message: "Unknown" })],
  ];
  for (const [name, stripeError] of unavailable) {
    it(`answers ${name} with 503 unavailable and Retry-After`, () => {
      const error = apiErrorOf(stripeError);
      assert.equal(error.status, 503);
      assert.equal(error.code, "unavailable");
      assert.equal(error.headers["Retry-After"], "5");
      assert.doesNotMatch(error.message, /ECONNRESET|Internal/);
    });
  }

  const refused: [string, unknown][] = [
    [
      "an invalid request",
      new Stripe.errors.StripeInvalidRequestError({
        message: "No such payment_intent: 'pi_123'",
        type: "invalid_request_error",
        statusCode: 404,
      }),
    ],
    [
      "an authentication failure",
      new Stripe.errors.StripeAuthenticationError({ message: "Invalid API Key", statusCode: 401 }),
    ],
    ["a permission failure", new Stripe.errors.StripePermissionError({ message: "Not allowed", statusCode: 403 })],
    ["an API error below 500", new Stripe.errors.StripeAPIError({ message: "Odd", statusCode: 400 })],
  ];
  for (const [name, stripeError] of refused) {
    it(`answers ${name} with 502 card_processor_error`, () => {
      const error = apiErrorOf(stripeError);
      assert.equal(error.status, 502);
      assert.equal(error.code, "card_processor_error");
      assert.match(error.message, /^the card processor refused the request: /);
    });
  }

  it("answers an idempotency key reused for another request with 422", () => {
    const error = apiErrorOf(new Stripe.errors.StripeIdempotencyError({ message: "Keys reused", statusCode: 400 }));
    assert.equal(error.status, 422);
    assert.match(error.message, /Idempotency-Key/);
  });

  const stateError = (code: string, message: string) =>
    new Stripe.errors.StripeInvalidRequestError({ message, code, type: "invalid_request_error", statusCode: 400 });

  it("answers refusals that follow from the payment's state with 409, too much to refund with 422", () => {
    const confirmedTwice = apiErrorOf(
      stateError(
        "payment_intent_unexpected_state",
        "You cannot confirm this PaymentIntent because it has a status of succeeded.",
      ),
    );
    assert.equal(confirmedTwice.status, 409);
    assert.match(confirmedTwice.message, /already gone through/);
    assert.equal(
      apiErrorOf(stateError("charge_already_refunded", "Charge ch_1 has already been refunded.")).status,
      409,
    );
    const tooMuch = apiErrorOf(
      stateError("amount_too_large", "Refund amount (900) is greater than unrefunded amount on charge (500)"),
    );
    assert.equal(tooMuch.status, 422);
    assert.equal(tooMuch.issues?.[0]?.path, "body.amount");
  });

  it("passes errors that are not Stripe's through unchanged", () => {
    const plain = new Error("database is down");
    assert.equal(cardError(stripeFailure(plain)), plain);
    const api = new ApiError(409, "conflict", "already paid");
    assert.equal(cardError(api), api);
  });

  it("wraps what is not an Error at all", () => {
    const mapped = cardError("boom");
    assert.ok(mapped instanceof Error);
    assert.ok(!(mapped instanceof ApiError));
    assert.equal(mapped.message, "boom");
  });
});
