/** Card processor failures as API errors: declines are the customer's (402), outages retryable (503). */
import Stripe from "stripe";

import { ApiError, unavailable } from "../rest/errors.ts";

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
  if (error instanceof Stripe.errors.StripeError) {
    return new ApiError(502, "card_processor_error", `the card processor refused the request: ${error.message}`);
  }
  return error instanceof Error ? error : new Error(String(error));
}
