/**
 * Card processor failures as domain errors (api/errors.ts), as the edges then answer them: declines are
 * the customer's (402), outages retryable (503), refusals that follow from the payment's state
 * (already paid, already refunded, too much) 409/422.
 * The processor's adapter (providers/) has already said which failure it was.
 */
import { InvalidInput, Conflict, PaymentDeclined, Unprocessable, UpstreamFailed, Unavailable } from "../errors.ts";
import { CardProcessorError } from "./card-processor.ts";

export function cardError(error: unknown): Error {
  if (error instanceof CardProcessorError) {
    switch (error.failure) {
      case "declined":
        return new PaymentDeclined(`the card was declined: ${error.message}`, "card_declined");
      case "unavailable":
        return new Unavailable("the card processor is unavailable; try again shortly");
      case "idempotency_conflict":
        return new Unprocessable("this Idempotency-Key was already used for a different request; send a new key");
      case "state_conflict":
        return new Conflict(error.message);
      case "amount_too_large":
        return new Unprocessable(`refund too large: ${error.message}`, [
          { path: "body.amount", message: error.message },
        ]);
      case "refused":
        return new UpstreamFailed(`the card processor refused the request: ${error.message}`, "card_processor_error");
      case "missing_signature":
        return new InvalidInput(error.message);
      case "invalid_signature":
        return new InvalidInput(error.message, undefined, "invalid_signature");
    }
  }
  return error instanceof Error ? error : new Error(String(error));
}
