/**
 * What card payments need from a card processor, in the platform's own terms. Stripe is the adapter
 * (providers/stripe.ts); a second processor is another adapter of this interface, and card.ts,
 * refund.ts and webhook.ts stay as they are. Amounts are in the currency's smallest unit (tetri).
 */
import { HotPotError } from "../../lib/errors.ts";

/** A payment as the processor tracks it (Stripe: a PaymentIntent). */
export interface CardIntent {
  readonly id: string;
  /** For the processor's client SDK to confirm the payment on the customer's device. */
  readonly clientSecret: string | null;
  readonly amount: number;
  readonly amountReceived: number;
  /** Lower-case ISO 4217 code, e.g. `gel`. */
  readonly currency: string;
  /** requires_payment_method, requires_confirmation, requires_action, processing, succeeded, canceled, … */
  readonly status: string;
  readonly metadata: Readonly<Record<string, string>>;
}

export interface CardRefund {
  readonly id: string;
  readonly intentId: string | undefined;
  readonly amount: number;
  /** pending, succeeded, failed, canceled, … */
  readonly status: string;
}

/** A verified webhook event, reduced to what the platform acts on. */
export type CardEvent = {
  readonly id: string;
  /** The processor's own name for the event, kept for the record. */
  readonly type: string;
  readonly createdAt: Date;
} & (
  | { readonly kind: "intent"; readonly intent: CardIntent }
  | { readonly kind: "refunds"; readonly refunds: readonly CardRefund[] }
  | { readonly kind: "other" }
);

export interface CardProcessor {
  /** Recorded with webhook events and on receipts, e.g. `stripe`. */
  readonly name: string;
  /** Creates a payment; the same idempotency key gives the same payment back, never a second charge. */
  createIntent(params: {
    readonly amount: number;
    readonly currency: string;
    readonly description: string;
    readonly metadata: Readonly<Record<string, string>>;
    readonly idempotencyKey: string;
  }): Promise<CardIntent>;
  confirmIntent(intentId: string, paymentMethod: string): Promise<CardIntent>;
  retrieveIntent(intentId: string): Promise<CardIntent>;
  /** What may still be refunded of the payment's charge; undefined when it has no charge. */
  refundable(intentId: string): Promise<bigint | undefined>;
  refund(params: {
    readonly intentId: string;
    readonly amount: number;
    readonly metadata: Readonly<Record<string, string>>;
    readonly idempotencyKey?: string;
  }): Promise<CardRefund>;
  /** Checks the webhook's signature over its exact bytes; a CardProcessorError (missing_signature, invalid_signature) when it does not hold. */
  verifyWebhook(rawBody: Buffer, header: (name: string) => string | undefined): CardEvent;
}

/** Why the processor refused a request, or its webhook was refused, for the edges to answer with the right status. */
export type CardFailure =
  /** The customer's card was declined. */
  | "declined"
  /** The processor cannot be reached or is overloaded: worth trying again. */
  | "unavailable"
  /** An idempotency key was reused for a different request. */
  | "idempotency_conflict"
  /** The request does not fit the payment's state (already paid, already refunded). */
  | "state_conflict"
  /** A refund larger than what remains. */
  | "amount_too_large"
  /** Anything else the processor refused. */
  | "refused"
  /** A webhook without its signature header. */
  | "missing_signature"
  /** A webhook whose signature does not verify (forged, stale, or signed with another secret). */
  | "invalid_signature";

export class CardProcessorError extends HotPotError {
  override readonly name = "CardProcessorError";
  override readonly retryable: boolean;
  readonly failure: CardFailure;
  constructor(failure: CardFailure, message: string, options?: ErrorOptions) {
    super(message, options);
    this.failure = failure;
    this.retryable = failure === "unavailable";
  }
}
