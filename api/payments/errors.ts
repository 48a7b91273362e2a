/**
 * Card processor failures as API errors: declines are the customer's (402), outages retryable (503),
 * refusals that follow from the payment's state (already paid, already refunded, too much) 409/422.
 * The processor's adapter (providers/) has already said which failure it was.
 */
import { ApiError, badRequest, conflict, unavailable, unprocessable } from "../rest/errors.ts";
import { CardProcessorError } from "./card-processor.ts";

export function cardError(error: unknown): Error {
  if (error instanceof CardProcessorError) {
    switch (error.failure) {
      case "declined":
        return new ApiError(402, "card_declined", `the card was declined: ${error.message}`);
      case "unavailable":
        return unavailable("the card processor is unavailable; try again shortly");
      case "idempotency_conflict":
        return unprocessable("this Idempotency-Key was already used for a different request; send a new key");
      case "state_conflict":
        return conflict(error.message);
      case "amount_too_large":
        return unprocessable(`refund too large: ${error.message}`, [{ path: "body.amount", message: error.message }]);
      case "refused":
        return new ApiError(502, "card_processor_error", `the card processor refused the request: ${error.message}`);
      case "missing_signature":
        return badRequest(error.message);
      case "invalid_signature":
        return new ApiError(400, "invalid_signature", error.message);
    }
  }
  return error instanceof Error ? error : new Error(String(error));
}
