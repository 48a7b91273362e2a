import assert from "node:assert/strict";
import { test } from "node:test";

import { signWebhookPayload, startCardProcessor } from "../../../local/card-processor/server.ts";
import { CardProcessorError } from "../card-processor.ts";
import { stripeSettings as stripeSettingsFromEnv } from "../../../lib/config.ts";
import { createStripeProcessor } from "./stripe.ts";

test("Stripe settings come from the environment, all three keys or none", () => {
  assert.equal(stripeSettingsFromEnv({}), undefined);
  const keys = { STRIPE_SECRET_KEY: "sk_test_x", STRIPE_WEBHOOK_SECRET: "whsec_y" };
  assert.deepEqual(stripeSettingsFromEnv({ ...keys, STRIPE_PUBLISHABLE_KEY: "pk_test_z" }), {
    secretKey: "sk_test_x",
    webhookSecret: "whsec_y",
    publishableKey: "pk_test_z",
  });
  assert.throws(() => stripeSettingsFromEnv({ STRIPE_SECRET_KEY: "sk_test_x" }), /must be set together/);
  // The web app could not load Stripe's form: refused at start, not at the first checkout.
  assert.throws(() => stripeSettingsFromEnv(keys), /STRIPE_PUBLISHABLE_KEY is not/);
  assert.throws(() => stripeSettingsFromEnv({ STRIPE_PUBLISHABLE_KEY: "pk_test_z" }), /STRIPE_SECRET_KEY is not/);
  // A secret key in the publishable key's place would be handed to every browser; the message does not echo it.
  assert.throws(
    () => stripeSettingsFromEnv({ ...keys, STRIPE_PUBLISHABLE_KEY: "sk_live_secret" }),
    (error: Error) => /pk_test_/.test(error.message) && !error.message.includes("sk_live_secret"),
  );
});

test("the adapter pays, refunds and reads webhooks through the Stripe-compatible API at apiUrl", async () => {
  const secret = "whsec_test";
  const processor = await startCardProcessor({ webhookSecret: secret });
  try {
    const cards = createStripeProcessor({ secretKey: processor.apiKey, webhookSecret: secret, apiUrl: processor.url });
    const params = { amount: 1500, currency: "gel", description: "test", metadata: { order_id: "o-1" } };
    const intent = await cards.createIntent({ ...params, idempotencyKey: "o-1-pay" });
    assert.equal(intent.status, "requires_payment_method");
    assert.deepEqual(await cards.createIntent({ ...params, idempotencyKey: "o-1-pay" }), intent);
    const paid = await cards.confirmIntent(intent.id, "pm_card_visa");
    assert.deepEqual([paid.status, paid.amountReceived, paid.metadata.order_id], ["succeeded", 1500, "o-1"]);
    assert.equal(await cards.refundable(intent.id), 1500n);
    const refund = await cards.refund({ intentId: intent.id, amount: 500, metadata: {} });
    assert.deepEqual([refund.intentId, refund.amount, refund.status], [intent.id, 500, "succeeded"]);
    assert.equal(await cards.refundable(intent.id), 1000n);

    const tooMuch = await cards.refund({ intentId: intent.id, amount: 5000, metadata: {} }).catch((e: unknown) => e);
    assert.ok(tooMuch instanceof CardProcessorError);
    assert.equal(tooMuch.failure, "amount_too_large");
    const declined = await cards
      .confirmIntent((await cards.createIntent({ ...params, idempotencyKey: "o-2" })).id, "pm_card_chargeDeclined")
      .catch((e: unknown) => e);
    assert.ok(declined instanceof CardProcessorError);
    assert.equal(declined.failure, "declined");

    const succeeded = processor.events.find(
      (event) => event.type === "payment_intent.succeeded" && event.data.object.id === intent.id,
    );
    assert.ok(succeeded !== undefined);
    const body = JSON.stringify(succeeded);
    const headers = (signature: string | undefined) => (name: string) =>
      name === "stripe-signature" ? signature : undefined;
    const now = Math.floor(Date.now() / 1000);
    const event = cards.verifyWebhook(Buffer.from(body), headers(signWebhookPayload(body, secret, now)));
    assert.ok(event.kind === "intent");
    assert.equal(event.intent.status, "succeeded");
    assert.throws(
      () => cards.verifyWebhook(Buffer.from(body), headers(signWebhookPayload(body, "whsec_other", now))),
      (error: unknown) => error instanceof CardProcessorError && error.failure === "invalid_signature",
    );
    assert.throws(
      () => cards.verifyWebhook(Buffer.from(body), headers(undefined)),
      (error: unknown) => error instanceof CardProcessorError && error.failure === "missing_signature",
    );
    const refunded = processor.events.find((candidate) => candidate.type === "refund.created");
    assert.ok(refunded !== undefined);
    const refundBody = JSON.stringify(refunded);
    const refundEvent = cards.verifyWebhook(
      Buffer.from(refundBody),
      headers(signWebhookPayload(refundBody, secret, now)),
    );
    assert.deepEqual(refundEvent.kind === "refunds" ? refundEvent.refunds.map((r) => r.amount) : [], [500]);
  } finally {
    await processor.stop();
  }
});
