/**
 * Card processor failures as API errors: declines are the customer's (402), outages retryable (503),
 * refusals that follow from the payment's state (already paid, already refunded, too much) 409/422.
 */
import Stripe from "stripe";

import { ApiError, conflict, unavailable, unprocessable } from "../rest/errors.ts";

/** Processor error codes that mean "not in this state": the request was fine, the payment has moved on. */
const STATE_CONFLICTS: Readonly<Record<string, string>> = {
  payment_intent_unexpected_state: "the card payment has already gone through or is being processed",
  charge_already_refunded: "the card payment is already refunded in full",
  charge_not_refundable: "the card payment has no successful charge to refund",
};

export function cardError(error: unknown): Error {
  if (error instanceof Stripe.errors.StripeCardError) {
    return new ApiError(402, "card_declined", `the card was declined: ${error.message}`);
  }
  if (
    error instanceof Stripe.errors.StripeConnectionError ||
    error instanceof Stripe.errors.StripeRateLimitError ||
    (error instanceof Stripe.errors.StripeAPIError && (error.statusCode ?? 500) >= 500)
  ) {
    return unavailable("the card processor is unavailable; try again shortly");
  }
  if (error instanceof Stripe.errors.StripeIdempotencyError) {
    return unprocessable("this Idempotency-Key was already used for a different request; send a new key");
  }
  if (error instanceof Stripe.errors.StripeInvalidRequestError) {
    const code = error.code ?? "";
    const state = STATE_CONFLICTS[code];
    if (state !== undefined) return conflict(`${state} (${error.message})`);
    if (code === "amount_too_large") {
      return unprocessable(`refund too large: ${error.message}`, [{ path: "body.amount", message: error.message }]);
    }
  }
  if (error instanceof Stripe.errors.StripeError) {
    return new ApiError(502, "card_processor_error", `the card processor refused the request: ${error.message}`);
  }
  return error instanceof Error ? error : new Error(String(error));
}
