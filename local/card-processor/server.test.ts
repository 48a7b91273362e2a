import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:http";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import Stripe from "stripe";
import { startCardProcessor } from "./server.ts";
import type { CardProcessor } from "./server.ts";

/** The real SDK pointed at the processor, as the app's Stripe adapter points it there from its URL. */
const createStripeClient = (processor: CardProcessor): { stripe: Stripe } => ({
  stripe: new Stripe(processor.apiKey, processor.stripeConfig),
});

interface Received {
  rawBody: string;
  signature: string;
  event: Stripe.Event;
}

// A webhook endpoint that keeps the raw body, as the app's endpoint must, and can be told to fail.
async function startReceiver(): Promise<{
  url: string;
  received: Received[];
  failNext: (n: number) => void;
  close: () => Promise<void>;
  server: Server;
}> {
  const received: Received[] = [];
  let failures = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const rawBody = Buffer.concat(chunks).toString("utf8");
      if (failures > 0) {
        failures--;
        res.writeHead(500).end();
        return;
      }
      received.push({
        rawBody,
        signature: String(req.headers["stripe-signature"]),
        event: JSON.parse(rawBody) as Stripe.Event,
      });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${String(port)}/webhooks/stripe`,
    received,
    failNext: (n) => {
      failures = n;
    },
    close: () =>
      new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      ),
    server,
  };
}

async function waitFor<T>(find: () => T | undefined, what: string, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const secret = "whsec_local_test_secret";

const objectId = (event: Stripe.Event): string | undefined => (event.data.object as { id?: string }).id;

function chargeIdOf(pi: Stripe.PaymentIntent): string {
  assert.equal(typeof pi.latest_charge, "string");
  return pi.latest_charge as string;
}

describe("local card processor through the stripe SDK", () => {
  let processor: CardProcessor;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let stripe: Stripe;

  before(async () => {
    receiver = await startReceiver();
    processor = await startCardProcessor({
      webhookUrl: receiver.url,
      webhookSecret: secret,
      retry: { attempts: 4, baseDelayMs: 20 },
    });
    stripe = createStripeClient(processor).stripe;
  });
  after(async () => {
    await processor.stop();
    await receiver.close();
  });

  const eventOf = (type: string, id: string, nth = 0) =>
    waitFor(
      () => receiver.received.filter((r) => r.event.type === type && objectId(r.event) === id)[nth],
      `${type} for ${id}`,
    );

  test("idempotency key: same params give the same PaymentIntent, other params an idempotency error", async () => {
    const params = {
      amount: 2550,
      currency: "gel",
      metadata: { order_id: "order-1" },
      automatic_payment_methods: { enabled: true },
    };
    const first = await stripe.paymentIntents.create(params, { idempotencyKey: "order-1-pay" });
    const second = await stripe.paymentIntents.create(params, { idempotencyKey: "order-1-pay" });
    assert.equal(first.object, "payment_intent");
    assert.equal(second.id, first.id);
    assert.equal(first.currency, "gel");
    assert.equal(first.amount, 2550);
    assert.equal(first.status, "requires_payment_method");
    assert.deepEqual(first.metadata, { order_id: "order-1" });
    assert.deepEqual(first.automatic_payment_methods, { enabled: true, allow_redirects: "always" });
    assert.match(first.client_secret ?? "", new RegExp(`^${first.id}_secret_`));
    assert.equal(second.lastResponse.headers["idempotent-replayed"], "true");

    await assert.rejects(
      stripe.paymentIntents.create({ ...params, amount: 9999 }, { idempotencyKey: "order-1-pay" }),
      (error) => error instanceof Stripe.errors.StripeIdempotencyError && error.statusCode === 400,
    );
    const retrieved = await stripe.paymentIntents.retrieve(first.id);
    assert.equal(retrieved.amount, 2550);
  });

  test("confirm with pm_card_visa succeeds and sends a webhook the SDK verifies", async () => {
    const pi = await stripe.paymentIntents.create({ amount: 4200, currency: "gel", metadata: { order_id: "o-2" } });
    const confirmed = await stripe.paymentIntents.confirm(pi.id, { payment_method: "pm_card_visa" });
    assert.equal(confirmed.status, "succeeded");
    assert.equal(confirmed.amount_received, 4200);
    assert.match(chargeIdOf(confirmed), /^ch_/);

    const delivery = await eventOf("payment_intent.succeeded", pi.id);
    assert.match(delivery.signature, /^t=\d+,v1=[0-9a-f]{64}$/);
    const event = stripe.webhooks.constructEvent(delivery.rawBody, delivery.signature, secret);
    assert.equal(event.type, "payment_intent.succeeded");
    assert.equal(event.object, "event");
    assert.equal(event.livemode, false);
    assert.equal(event.api_version, Stripe.API_VERSION);
    assert.ok(event.request?.id?.startsWith("req_"));
    const object = event.data.object;
    assert.equal(object.id, pi.id);
    assert.equal(object.metadata.order_id, "o-2");
    assert.equal(object.currency, "gel");
    await eventOf("charge.succeeded", chargeIdOf(confirmed));

    assert.throws(
      () => stripe.webhooks.constructEvent(delivery.rawBody, delivery.signature, "whsec_wrong"),
      Stripe.errors.StripeSignatureVerificationError,
    );
    // Verification must run on the raw bytes: a re-serialized body does not match the signature.
    assert.throws(
      () => stripe.webhooks.constructEvent(JSON.stringify(JSON.parse(delivery.rawBody)), delivery.signature, secret),
      Stripe.errors.StripeSignatureVerificationError,
    );

    const fetched = await stripe.events.retrieve(event.id);
    assert.equal(fetched.id, event.id);

    await assert.rejects(
      stripe.paymentIntents.confirm(pi.id, { payment_method: "pm_card_visa" }),
      (error) =>
        error instanceof Stripe.errors.StripeInvalidRequestError && error.code === "payment_intent_unexpected_state",
    );
  });

  test("a declined card fails with a card error and payment_intent.payment_failed", async () => {
    const pi = await stripe.paymentIntents.create({ amount: 1000, currency: "gel" });
    await assert.rejects(
      stripe.paymentIntents.confirm(pi.id, { payment_method: "pm_card_chargeDeclined" }),
      (error) =>
        error instanceof Stripe.errors.StripeCardError &&
        error.code === "card_declined" &&
        error.decline_code === "generic_decline" &&
        error.payment_intent?.id === pi.id,
    );
    const failed = await eventOf("payment_intent.payment_failed", pi.id);
    const event = stripe.webhooks.constructEvent(failed.rawBody, failed.signature, secret);
    const object = event.data.object as Stripe.PaymentIntent;
    assert.equal(object.status, "requires_payment_method");
    assert.equal(object.last_payment_error?.code, "card_declined");

    // The customer can retry with another card.
    const retried = await stripe.paymentIntents.confirm(pi.id, { payment_method: "pm_card_visa" });
    assert.equal(retried.status, "succeeded");
  });

  test("partial then full refund emit charge.refunded with the running amount", async () => {
    const pi = await stripe.paymentIntents.create({
      amount: 1000,
      currency: "gel",
      confirm: true,
      payment_method: "pm_card_visa",
    });
    assert.equal(pi.status, "succeeded");
    const chargeId = chargeIdOf(pi);

    const partial = await stripe.refunds.create({ payment_intent: pi.id, amount: 300 });
    assert.equal(partial.object, "refund");
    assert.equal(partial.amount, 300);
    assert.equal(partial.status, "succeeded");
    assert.equal(partial.charge, chargeId);
    const firstDelivery = await eventOf("charge.refunded", chargeId, 0);
    const first = stripe.webhooks.constructEvent(firstDelivery.rawBody, firstDelivery.signature, secret);
    const firstCharge = first.data.object as Stripe.Charge;
    assert.equal(firstCharge.amount_refunded, 300);
    assert.equal(firstCharge.refunded, false);
    assert.equal(firstCharge.payment_intent, pi.id);
    assert.deepEqual(
      firstCharge.refunds?.data.map((r) => r.id),
      [partial.id],
    );

    await assert.rejects(
      stripe.refunds.create({ payment_intent: pi.id, amount: 800 }),
      (error) => error instanceof Stripe.errors.StripeInvalidRequestError && error.param === "amount",
    );

    const rest = await stripe.refunds.create({ payment_intent: pi.id });
    assert.equal(rest.amount, 700);
    const secondCharge = (await eventOf("charge.refunded", chargeId, 1)).event.data.object as Stripe.Charge;
    assert.equal(secondCharge.amount_refunded, 1000);
    assert.equal(secondCharge.refunded, true);
    assert.equal(secondCharge.refunds?.data.length, 2);
    await eventOf("refund.created", rest.id);

    await assert.rejects(
      stripe.refunds.create({ payment_intent: pi.id }),
      (error) => error instanceof Stripe.errors.StripeInvalidRequestError && error.code === "charge_already_refunded",
    );
    const charge = await stripe.charges.retrieve(chargeId);
    assert.equal(charge.amount_refunded, 1000);
  });

  test("refunding an unpaid PaymentIntent is refused", async () => {
    const pi = await stripe.paymentIntents.create({ amount: 500, currency: "gel" });
    await assert.rejects(
      stripe.refunds.create({ payment_intent: pi.id }),
      (error) => error instanceof Stripe.errors.StripeInvalidRequestError && error.param === "payment_intent",
    );
  });

  test("bad input is an invalid request error naming the param", async () => {
    const cases: [Record<string, unknown>, string, string][] = [
      [{ currency: "gel" }, "amount", "parameter_missing"],
      [{ amount: -5, currency: "gel" }, "amount", "parameter_invalid_integer"],
      [{ amount: 0, currency: "gel" }, "amount", "parameter_invalid_integer"],
      [{ amount: 100, currency: "xyz" }, "currency", "parameter_invalid_string"],
      [{ amount: 100 }, "currency", "parameter_missing"],
      [{ amount: 100, currency: "gel", surprise: "x" }, "surprise", "parameter_unknown"],
    ];
    for (const [params, param, code] of cases) {
      await assert.rejects(
        stripe.paymentIntents.create(params as unknown as Stripe.PaymentIntentCreateParams),
        (error) =>
          error instanceof Stripe.errors.StripeInvalidRequestError &&
          error.statusCode === 400 &&
          error.param === param &&
          error.code === code,
        JSON.stringify(params),
      );
    }
    await assert.rejects(
      stripe.paymentIntents.retrieve("pi_missing"),
      (error) => error instanceof Stripe.errors.StripeInvalidRequestError && error.statusCode === 404,
    );
    const pi = await stripe.paymentIntents.create({ amount: 100, currency: "gel" });
    await assert.rejects(
      stripe.paymentIntents.confirm(pi.id, { payment_method: "pm_nonexistent" }),
      (error) => error instanceof Stripe.errors.StripeInvalidRequestError && error.param === "payment_method",
    );
  });

  test("a wrong or missing API key is an authentication error", async () => {
    const wrong = new Stripe("sk_test_wrong", { ...processor.stripeConfig, maxNetworkRetries: 0 });
    await assert.rejects(
      wrong.paymentIntents.create({ amount: 100, currency: "gel" }),
      (error) => error instanceof Stripe.errors.StripeAuthenticationError && error.statusCode === 401,
    );
    const response = await fetch(`${processor.url}/v1/payment_intents`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "amount=100&currency=gel",
    });
    assert.equal(response.status, 401);
    const body = (await response.json()) as { error: { type: string; message: string } };
    assert.equal(body.error.type, "invalid_request_error");
    assert.match(body.error.message, /did not provide an API key/);
  });

  test("failed deliveries are retried with backoff", async () => {
    // Earlier tests' deliveries must not absorb the failures.
    await processor.idle();
    receiver.failNext(2);
    const pi = await stripe.paymentIntents.create({ amount: 700, currency: "gel" });
    const created = await eventOf("payment_intent.created", pi.id);
    const attempts = processor.deliveries.filter((d) => d.eventId === created.event.id);
    assert.deepEqual(
      attempts.map((a) => a.status),
      [500, 500, 200],
    );
  });

  test("duplicates, out-of-order delivery and stale replays can be produced", async () => {
    await processor.idle();
    processor.holdWebhooks();
    const pi = await stripe.paymentIntents.create({
      amount: 1200,
      currency: "gel",
      confirm: true,
      payment_method: "pm_card_visa",
    });
    await stripe.refunds.create({ payment_intent: pi.id, amount: 200 });
    const held = processor.events.slice(-5).map((e) => e.type);
    assert.deepEqual(held, [
      "payment_intent.created",
      "charge.succeeded",
      "payment_intent.succeeded",
      "refund.created",
      "charge.refunded",
    ]);
    const before = receiver.received.length;
    const results = await processor.releaseWebhooks("reverse");
    assert.ok(results.every((r) => r.ok));
    assert.deepEqual(
      receiver.received.slice(before).map((r) => r.event.type),
      [...held].reverse(),
    );

    const succeeded = await eventOf("payment_intent.succeeded", pi.id);
    const duplicate = await processor.redeliver(succeeded.event.id);
    assert.equal(duplicate.ok, true);
    const copies = receiver.received.filter((r) => r.event.id === succeeded.event.id);
    assert.equal(copies.length, 2);
    assert.equal(copies[1]?.rawBody, copies[0]?.rawBody);

    await processor.redeliver(succeeded.event.id, { timestamp: Math.floor(Date.now() / 1000) - 3600 });
    const stale = receiver.received.at(-1);
    assert.ok(stale);
    assert.throws(
      () => stripe.webhooks.constructEvent(stale.rawBody, stale.signature, secret),
      /Timestamp outside the tolerance zone/,
    );
  });
});

test("autoConfirm pays each new PaymentIntent without a confirm call", async () => {
  const receiver = await startReceiver();
  const processor = await startCardProcessor({ webhookUrl: receiver.url, webhookSecret: secret, autoConfirm: true });
  try {
    const { stripe } = createStripeClient(processor);
    const pi = await stripe.paymentIntents.create({ amount: 1500, currency: "gel" });
    assert.equal(pi.status, "requires_payment_method");
    await processor.idle();
    const types = receiver.received.filter((r) => objectId(r.event) === pi.id).map((r) => r.event.type);
    assert.ok(types.includes("payment_intent.succeeded"), types.join());
    assert.equal((await stripe.paymentIntents.retrieve(pi.id)).status, "succeeded");
  } finally {
    await processor.stop();
    await receiver.close();
  }
});

test("with a journal file, payments, refunds and idempotent answers survive a restart, and unacknowledged webhooks go out again", async () => {
  const directory = await mkdtemp(path.join(tmpdir(), "card-processor-"));
  const journalFile = path.join(directory, "journal.jsonl");
  const receiver = await startReceiver();
  try {
    const first = await startCardProcessor({ webhookSecret: secret, journalFile, retry: { attempts: 1 } });
    const { stripe } = createStripeClient(first);
    const params = { amount: 4000, currency: "gel", payment_method: "pm_card_visa", confirm: true };
    const paid = await stripe.paymentIntents.create(params, { idempotencyKey: "order-9-pay" });
    assert.equal(paid.status, "succeeded");
    const partial = await stripe.refunds.create({ payment_intent: paid.id, amount: 1000 });
    await first.idle();
    // No receiver yet: every event is still unacknowledged when the processor goes away.
    await first.stop();

    const second = await startCardProcessor({
      webhookSecret: secret,
      journalFile,
      webhookUrl: receiver.url,
      retry: { attempts: 2, baseDelayMs: 10 },
    });
    try {
      const again = createStripeClient(second).stripe;
      assert.equal((await again.paymentIntents.retrieve(paid.id)).status, "succeeded");
      assert.equal((await again.refunds.retrieve(partial.id)).amount, 1000);
      const replayed = await again.paymentIntents.create(params, { idempotencyKey: "order-9-pay" });
      assert.equal(replayed.id, paid.id);
      assert.equal(replayed.lastResponse.headers["idempotent-replayed"], "true");

      const rest = await again.refunds.create({ payment_intent: paid.id });
      assert.equal(rest.amount, 3000, "the rest of the charge, not the whole of it");
      const charge = await again.charges.retrieve(chargeIdOf(paid));
      assert.equal(charge.amount_refunded, 4000);
      assert.deepEqual(
        charge.refunds?.data.map((refund) => refund.id),
        [rest.id, partial.id],
      );

      const results = await second.deliverPending();
      const types: string[] = receiver.received.map((r) => r.event.type);
      for (const type of ["payment_intent.succeeded", "charge.succeeded", "refund.created"])
        assert.ok(types.includes(type), `${type} delivered after the restart (${types.join()})`);
      assert.ok(results.every((result) => result.ok));
      await second.idle();
      assert.deepEqual(await second.deliverPending(), [], "acknowledged events are not sent again");
    } finally {
      await second.stop();
    }
    const third = await startCardProcessor({ webhookSecret: secret, journalFile, webhookUrl: receiver.url });
    try {
      assert.deepEqual(await third.deliverPending(), [], "acknowledgements survive restarts too");
    } finally {
      await third.stop();
    }
  } finally {
    await receiver.close();
    await rm(directory, { recursive: true, force: true });
  }
});
