/**
 * The Stripe adapter of CardProcessor, and the one place the app builds its Stripe client. The same
 * SDK calls reach real Stripe or any Stripe-compatible API named by `apiUrl` (the local card
 * processor `npm start` runs). Stripe's objects and errors stop here: the rest of the app sees
 * CardIntent, CardRefund, CardEvent and CardProcessorError.
 * Its settings (lib/config.ts: STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET) come in as values; the
 * publishable key (STRIPE_PUBLISHABLE_KEY) is the web app's, served by GET /api/v1/config.
 */
import Stripe from "stripe";

import type { StripeSettings } from "../../../lib/config.ts";
import {
  CardProcessorError,
  type CardEvent,
  type CardIntent,
  type CardProcessor,
  type CardRefund,
} from "../card-processor.ts";

export interface StripeClient {
  stripe: Stripe;
  webhookSecret: string;
}

/** Where the SDK sends its requests when `apiUrl` names another Stripe-compatible API. */
function apiTarget(apiUrl: string): Pick<Stripe.StripeConfig, "host" | "port" | "protocol"> {
  const url = new URL(apiUrl);
  const protocol = url.protocol === "http:" ? "http" : "https";
  return { host: url.hostname, port: url.port === "" ? (protocol === "http" ? 80 : 443) : Number(url.port), protocol };
}

export function createStripeClient(settings: StripeSettings, config: Stripe.StripeConfig = {}): StripeClient {
  const target = settings.apiUrl === undefined ? {} : apiTarget(settings.apiUrl);
  return { stripe: new Stripe(settings.secretKey, { ...config, ...target }), webhookSecret: settings.webhookSecret };
}

/** Stripe error codes that mean "not in this state": the request was fine, the payment has moved on. */
const STATE_CONFLICTS: Readonly<Record<string, string>> = {
  payment_intent_unexpected_state: "the card payment has already gone through or is being processed",
  charge_already_refunded: "the card payment is already refunded in full",
  charge_not_refundable: "the card payment has no successful charge to refund",
};

/** A Stripe SDK error as a CardProcessorError; anything else unchanged. */
export function stripeFailure(error: unknown): unknown {
  if (!(error instanceof Stripe.errors.StripeError)) return error;
  const failure = (kind: CardProcessorError["failure"], message = error.message): CardProcessorError =>
    new CardProcessorError(kind, message, { cause: error });
  if (error instanceof Stripe.errors.StripeCardError) return failure("declined");
  if (
    error instanceof Stripe.errors.StripeConnectionError ||
    error instanceof Stripe.errors.StripeRateLimitError ||
    (error instanceof Stripe.errors.StripeAPIError && (error.statusCode ?? 500) >= 500)
  ) {
    return failure("unavailable");
  }
  if (error instanceof Stripe.errors.StripeIdempotencyError) return failure("idempotency_conflict");
  if (error instanceof Stripe.errors.StripeInvalidRequestError) {
    const code = error.code ?? "";
    const state = STATE_CONFLICTS[code];
    if (state !== undefined) return failure("state_conflict", `${state} (${error.message})`);
    if (code === "amount_too_large") return failure("amount_too_large");
  }
  return failure("refused");
}

async function calling<T>(request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    throw stripeFailure(error);
  }
}

function intentOf(intent: Stripe.PaymentIntent): CardIntent {
  return {
    id: intent.id,
    clientSecret: intent.client_secret,
    amount: intent.amount,
    amountReceived: intent.amount_received,
    currency: intent.currency,
    status: intent.status,
    metadata: intent.metadata,
  };
}

function refundOf(refund: Stripe.Refund): CardRefund {
  const intent = refund.payment_intent;
  return {
    id: refund.id,
    intentId: typeof intent === "string" ? intent : intent?.id,
    amount: refund.amount,
    status: refund.status ?? "pending",
  };
}

function eventOf(event: Stripe.Event): CardEvent {
  const common = { id: event.id, type: event.type, createdAt: new Date(event.created * 1000) };
  switch (event.type) {
    case "payment_intent.succeeded":
    case "payment_intent.payment_failed":
    case "payment_intent.canceled":
    case "payment_intent.processing":
    case "payment_intent.requires_action":
      return { ...common, kind: "intent", intent: intentOf(event.data.object) };
    case "charge.refunded":
      return { ...common, kind: "refunds", refunds: (event.data.object.refunds?.data ?? []).map(refundOf) };
    case "refund.created":
    case "refund.updated":
      return { ...common, kind: "refunds", refunds: [refundOf(event.data.object)] };
    default:
      return { ...common, kind: "other" };
  }
}

export function createStripeProcessor(settings: StripeSettings, config: Stripe.StripeConfig = {}): CardProcessor {
  const { stripe, webhookSecret } = createStripeClient(settings, config);
  return {
    name: "stripe",
    createIntent: ({ amount, currency, description, metadata, idempotencyKey }) =>
      calling(async () =>
        intentOf(
          await stripe.paymentIntents.create(
            {
              amount,
              currency,
              automatic_payment_methods: { enabled: true, allow_redirects: "never" },
              description,
              metadata: { ...metadata },
            },
            { idempotencyKey },
          ),
        ),
      ),
    confirmIntent: (intentId, paymentMethod) =>
      calling(async () => intentOf(await stripe.paymentIntents.confirm(intentId, { payment_method: paymentMethod }))),
    retrieveIntent: (intentId) => calling(async () => intentOf(await stripe.paymentIntents.retrieve(intentId))),
    refundable: (intentId) =>
      calling(async () => {
        const intent = await stripe.paymentIntents.retrieve(intentId);
        const chargeId = typeof intent.latest_charge === "string" ? intent.latest_charge : intent.latest_charge?.id;
        if (chargeId === undefined) return undefined;
        const charge = await stripe.charges.retrieve(chargeId);
        return BigInt(charge.amount - charge.amount_refunded);
      }),
    refund: ({ intentId, amount, metadata, idempotencyKey }) =>
      calling(async () =>
        refundOf(
          await stripe.refunds.create(
            { payment_intent: intentId, amount, metadata: { ...metadata } },
            idempotencyKey === undefined ? {} : { idempotencyKey },
          ),
        ),
      ),
    verifyWebhook(rawBody, header) {
      const signature = header("stripe-signature");
      if (signature === undefined) throw new CardProcessorError("missing_signature", "missing Stripe-Signature header");
      let event: Stripe.Event;
      try {
        event = stripe.webhooks.constructEvent(rawBody, signature, webhookSecret);
      } catch (error) {
        throw new CardProcessorError(
          "invalid_signature",
          `webhook signature check failed: ${(error as Error).message}`,
          {
            cause: error,
          },
        );
      }
      return eventOf(event);
    },
  };
}
