// A local stand-in for the part of Stripe's API the app uses, speaking Stripe's wire format so the
// real `stripe` SDK and real webhook verification run against it unchanged.
import { createHmac, randomBytes } from "node:crypto";
import { appendFileSync, mkdirSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import Stripe from "stripe";
import { parseStripeForm } from "./form.ts";
import type { FormObject, FormValue } from "./form.ts";

export type PaymentIntentObject = Pick<
  Stripe.PaymentIntent,
  | "id"
  | "object"
  | "amount"
  | "amount_capturable"
  | "amount_received"
  | "automatic_payment_methods"
  | "canceled_at"
  | "cancellation_reason"
  | "capture_method"
  | "client_secret"
  | "confirmation_method"
  | "created"
  | "currency"
  | "customer"
  | "description"
  | "last_payment_error"
  | "latest_charge"
  | "livemode"
  | "metadata"
  | "next_action"
  | "payment_method"
  | "payment_method_types"
  | "receipt_email"
  | "status"
>;

export type RefundObject = Pick<
  Stripe.Refund,
  | "id"
  | "object"
  | "amount"
  | "balance_transaction"
  | "charge"
  | "created"
  | "currency"
  | "metadata"
  | "payment_intent"
  | "reason"
  | "receipt_number"
  | "status"
>;

export interface ChargeObject extends Pick<
  Stripe.Charge,
  | "id"
  | "object"
  | "amount"
  | "amount_captured"
  | "amount_refunded"
  | "balance_transaction"
  | "captured"
  | "created"
  | "currency"
  | "customer"
  | "description"
  | "disputed"
  | "failure_code"
  | "failure_message"
  | "livemode"
  | "metadata"
  | "paid"
  | "payment_intent"
  | "payment_method"
  | "receipt_email"
  | "refunded"
  | "status"
> {
  refunds: { object: "list"; data: RefundObject[]; has_more: boolean; url: string };
}

export type StripeObject = PaymentIntentObject | ChargeObject | RefundObject;

export interface EventObject {
  id: string;
  object: "event";
  api_version: string;
  created: number;
  data: { object: StripeObject };
  livemode: false;
  pending_webhooks: number;
  request: { id: string | null; idempotency_key: string | null };
  type: string;
}

export interface DeliveryAttempt {
  eventId: string;
  type: string;
  attempt: number;
  /** HTTP status of the receiver's answer; absent when the request itself failed. */
  status?: number;
  error?: string;
  at: number;
}

export interface DeliveryResult {
  eventId: string;
  ok: boolean;
  attempts: number;
  status?: number;
}

export interface DeliveryOptions {
  /** Signature timestamp (unix seconds): an old one simulates a replayed delivery. */
  timestamp?: number;
  /** Sign with another secret, to check that the receiver rejects it. */
  secret?: string;
  /** Attempts before giving up (default: the processor's retry setting). */
  attempts?: number;
}

export interface CardProcessorOptions {
  port?: number;
  webhookUrl?: string;
  webhookSecret: string;
  /** Confirm each new PaymentIntent right away, standing in for the customer's browser. */
  autoConfirm?: boolean;
  /** Test payment method used by autoConfirm (default `pm_card_visa`). */
  autoConfirmPaymentMethod?: string;
  /** Secret key clients must send; a random `sk_test_…` by default. */
  apiKey?: string;
  /** Webhook retries on failure: total attempts and the first backoff, doubled each time. */
  retry?: { attempts?: number; baseDelayMs?: number };
  /**
   * Keeps state across restarts, as Stripe does: every event (which carries the whole object it
   * changed), idempotent answer and successful delivery is appended to this file before the
   * request is answered, and read back at start. Without it, state lives in memory only.
   */
  journalFile?: string;
}

export interface CardProcessor {
  url: string;
  host: string;
  port: number;
  protocol: "http";
  apiKey: string;
  webhookSecret: string;
  /** Spread into `new Stripe(apiKey, { ...stripeConfig })`. */
  stripeConfig: { host: string; port: number; protocol: "http" };
  /** Every event created so far, oldest first. */
  readonly events: readonly EventObject[];
  readonly deliveries: readonly DeliveryAttempt[];
  setWebhookUrl(url: string | undefined): void;
  /** Queue new events instead of sending them, until releaseWebhooks. */
  holdWebhooks(): void;
  /** Send the held events one after another in the given order (default: as created) and stop holding. */
  releaseWebhooks(order?: "created" | "reverse" | readonly string[]): Promise<DeliveryResult[]>;
  /** Send an already delivered event again (a duplicate), optionally signed differently. */
  redeliver(eventId: string, options?: DeliveryOptions): Promise<DeliveryResult>;
  /**
   * Sends every event no receiver has acknowledged yet (from before a restart, or whose retries
   * ran out), oldest first, as Stripe keeps retrying for days. Call once the receiver listens.
   */
  deliverPending(): Promise<DeliveryResult[]>;
  /** Resolves when no delivery or retry is in flight. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

const HOST = "127.0.0.1";
const MAX_AMOUNT = 99_999_999;
const TEST_CARDS: Record<string, { brand: string; decline?: { code: string; decline_code: string; message: string } }> =
  {
    pm_card_visa: { brand: "visa" },
    pm_card_mastercard: { brand: "mastercard" },
    pm_card_amex: { brand: "amex" },
    pm_card_chargeDeclined: {
      brand: "visa",
      decline: { code: "card_declined", decline_code: "generic_decline", message: "Your card was declined." },
    },
    pm_card_chargeDeclinedInsufficientFunds: {
      brand: "visa",
      decline: {
        code: "card_declined",
        decline_code: "insufficient_funds",
        message: "Your card has insufficient funds.",
      },
    },
    pm_card_chargeDeclinedExpiredCard: {
      brand: "visa",
      decline: { code: "expired_card", decline_code: "expired_card", message: "Your card has expired." },
    },
  };
// ISO 4217 codes Stripe accepts for card charges (the common subset; GEL included).
const CURRENCIES = new Set(
  (
    "usd aed all amd ang aoa ars aud awg azn bam bbd bdt bgn bif bmd bnd bob brl bsd bwp byn bzd cad cdf chf clp " +
    "cny cop crc cve czk djf dkk dop dzd egp etb eur fjd fkp gbp gel gip gmd gnf gtq gyd hkd hnl htg huf idr ils " +
    "inr isk jmd jpy kes kgs khr kmf krw kyd kzt lak lbp lkr lrd lsl mad mdl mga mkd mmk mnt mop mur mvr mwk mxn " +
    "myr mzn nad ngn nio nok npr nzd pab pen pgk php pkr pln pyg qar ron rsd rub rwf sar sbd scr sek sgd shp sle " +
    "sos srd std szl thb tjs top try ttd twd tzs uah ugx uyu uzs vnd vuv wst xaf xcd xof xpf yer zar zmw"
  ).split(" "),
);

interface ErrorBody {
  type: "invalid_request_error" | "idempotency_error" | "card_error" | "api_error";
  message: string;
  code?: string;
  param?: string;
  decline_code?: string;
  charge?: string;
  payment_intent?: PaymentIntentObject;
  doc_url?: string;
}

class ApiError extends Error {
  readonly status: number;
  readonly body: ErrorBody;
  /** Stripe stores an idempotent result only once the request started executing. */
  readonly replayable: boolean;
  constructor(status: number, body: ErrorBody, replayable = false) {
    super(body.message);
    this.status = status;
    this.body = body;
    this.replayable = replayable;
  }
}

function invalid(message: string, param?: string, code?: string, status = 400): ApiError {
  return new ApiError(status, { type: "invalid_request_error", message, param, code });
}

function randomId(prefix: string, bytes = 12): string {
  return `${prefix}_${randomBytes(bytes).toString("base64url").replace(/[-_]/g, "x")}`;
}

function now(): number {
  return Math.floor(Date.now() / 1000);
}

export function signWebhookPayload(payload: string, secret: string, timestamp: number): string {
  const signature = createHmac("sha256", secret)
    .update(`${String(timestamp)}.${payload}`)
    .digest("hex");
  return `t=${String(timestamp)},v1=${signature}`;
}

// --- parameter validation ------------------------------------------------------------------

function rejectUnknown(params: FormObject, allowed: readonly string[]): void {
  for (const key of Object.keys(params)) {
    if (!allowed.includes(key)) {
      throw invalid(
        `Received unknown parameter: ${key} (not implemented by the local card processor)`,
        key,
        "parameter_unknown",
      );
    }
  }
}

function stringParam(params: FormObject, name: string): string | undefined {
  const value = params[name];
  if (value === undefined) return undefined;
  if (typeof value !== "string") throw invalid(`Invalid string: ${name}`, name, "parameter_invalid_string");
  return value;
}

function integerParam(params: FormObject, name: string, required: boolean): number | undefined {
  const value = stringParam(params, name);
  if (value === undefined || value === "") {
    if (required) throw invalid(`Missing required param: ${name}.`, name, "parameter_missing");
    return undefined;
  }
  if (!/^-?\d+$/.test(value)) throw invalid(`Invalid integer: ${value}`, name, "parameter_invalid_integer");
  const n = Number(value);
  if (n < 1) throw invalid("This value must be greater than or equal to 1.", name, "parameter_invalid_integer");
  if (n > MAX_AMOUNT) throw invalid(`Amount must be no more than ${String(MAX_AMOUNT)}`, name, "amount_too_large");
  return n;
}

function booleanParam(params: FormObject, name: string, value: FormValue | undefined = params[name]): boolean {
  if (value === undefined) return false;
  if (value === "true") return true;
  if (value === "false") return false;
  throw invalid(`Invalid boolean: ${typeof value === "string" ? value : name}`, name, "parameter_invalid_boolean");
}

function metadataParam(params: FormObject): Record<string, string> {
  const value = params.metadata;
  if (value === undefined || value === "") return {};
  if (typeof value === "string" || Array.isArray(value)) throw invalid("Invalid object", "metadata");
  const entries = Object.entries(value);
  if (entries.length > 50) throw invalid("You can specify up to 50 keys in metadata.", "metadata");
  const metadata: Record<string, string> = {};
  for (const [key, v] of entries) {
    if (typeof v !== "string") throw invalid("Invalid metadata value", `metadata[${key}]`);
    if (key.length > 40) throw invalid("Metadata keys must be at most 40 characters.", `metadata[${key}]`);
    if (v.length > 500) throw invalid("Metadata values must be at most 500 characters.", `metadata[${key}]`);
    metadata[key] = v;
  }
  return metadata;
}

function fingerprint(params: FormObject): string {
  return JSON.stringify(params);
}

interface IdempotentAnswer {
  route: string;
  params: string;
  status: number;
  body: string;
}

/** One line of the journal file. */
type JournalEntry =
  { event: EventObject } | { delivered: string } | { idempotencyKey: string; answer: IdempotentAnswer };

// --- server --------------------------------------------------------------------------------

export async function startCardProcessor(options: CardProcessorOptions): Promise<CardProcessor> {
  const apiKey = options.apiKey ?? randomId("sk_test", 36);
  const apiVersion = Stripe.API_VERSION;
  const retryAttempts = options.retry?.attempts ?? 5;
  const retryBaseDelayMs = options.retry?.baseDelayMs ?? 250;
  let webhookUrl = options.webhookUrl;
  const { webhookSecret } = options;

  const paymentIntents = new Map<string, PaymentIntentObject>();
  const charges = new Map<string, ChargeObject>();
  const refunds = new Map<string, RefundObject>();
  const events: EventObject[] = [];
  const eventsById = new Map<string, EventObject>();
  const deliveries: DeliveryAttempt[] = [];
  const idempotent = new Map<string, IdempotentAnswer>();
  const inFlight = new Set<Promise<unknown>>();
  const held: EventObject[] = [];
  let holding = false;
  const stopping = new AbortController();
  const delivered = new Set<string>();

  const journal = options.journalFile;
  /** Synchronous, so that what a response announced is on disk before the response is sent. */
  function record(entry: JournalEntry): void {
    if (journal !== undefined) appendFileSync(journal, `${JSON.stringify(entry)}\n`);
  }
  function remember(key: string, answer: IdempotentAnswer): void {
    idempotent.set(key, answer);
    record({ idempotencyKey: key, answer });
  }
  function restore(object: StripeObject): void {
    if (object.object === "payment_intent") paymentIntents.set(object.id, object);
    else if (object.object === "charge") charges.set(object.id, object);
    else refunds.set(object.id, object);
  }
  if (journal !== undefined) {
    mkdirSync(path.dirname(journal), { recursive: true });
    let text = "";
    try {
      text = readFileSync(journal, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
    for (const line of text.split("\n")) {
      if (line === "") continue;
      let entry: JournalEntry;
      try {
        entry = JSON.parse(line) as JournalEntry;
      } catch {
        break; // a line cut short by a kill ends the usable journal
      }
      if ("event" in entry) {
        events.push(entry.event);
        eventsById.set(entry.event.id, entry.event);
        restore(structuredClone(entry.event.data.object));
      } else if ("delivered" in entry) delivered.add(entry.delivered);
      else idempotent.set(entry.idempotencyKey, entry.answer);
    }
    // Objects embedded in others (a charge's refunds) are the same object once more, as in memory.
    for (const charge of charges.values())
      charge.refunds.data = charge.refunds.data.map((refund) => refunds.get(refund.id) ?? refund);
  }

  function track<T>(promise: Promise<T>): Promise<T> {
    inFlight.add(promise);
    void promise.finally(() => inFlight.delete(promise)).catch(() => undefined);
    return promise;
  }

  // --- webhooks ---

  async function deliver(event: EventObject, opts: DeliveryOptions = {}): Promise<DeliveryResult> {
    const url = webhookUrl;
    const maxAttempts = opts.attempts ?? retryAttempts;
    if (url === undefined) return { eventId: event.id, ok: false, attempts: 0 };
    // Stripe sends pretty-printed JSON: receivers that verify a re-serialized body instead of
    // the raw bytes fail here just as they would in production.
    const payload = JSON.stringify(event, null, 2);
    let status: number | undefined;
    let attempts = 0;
    for (let attempt = 1; attempt <= maxAttempts && !stopping.signal.aborted; attempt++) {
      if (attempt > 1) {
        try {
          await sleep(retryBaseDelayMs * 2 ** (attempt - 2), undefined, { signal: stopping.signal });
        } catch {
          break;
        }
      }
      attempts = attempt;
      const signature = signWebhookPayload(payload, opts.secret ?? webhookSecret, opts.timestamp ?? now());
      const attemptRecord: DeliveryAttempt = { eventId: event.id, type: event.type, attempt, at: Date.now() };
      try {
        const response = await fetch(url, {
          method: "POST",
          headers: {
            "content-type": "application/json; charset=utf-8",
            "stripe-signature": signature,
            "user-agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
          },
          body: payload,
          signal: AbortSignal.any([stopping.signal, AbortSignal.timeout(10_000)]),
        });
        await response.arrayBuffer();
        status = response.status;
        attemptRecord.status = status;
        deliveries.push(attemptRecord);
        if (response.ok) {
          if (!delivered.has(event.id)) {
            delivered.add(event.id);
            record({ delivered: event.id });
          }
          return { eventId: event.id, ok: true, attempts: attempt, status };
        }
      } catch (error) {
        attemptRecord.error = error instanceof Error ? error.message : String(error);
        deliveries.push(attemptRecord);
      }
    }
    return { eventId: event.id, ok: false, attempts, status };
  }

  function emit(type: string, object: StripeObject, request: EventObject["request"]): void {
    const event: EventObject = {
      id: randomId("evt", 18),
      object: "event",
      api_version: apiVersion,
      created: now(),
      data: { object: structuredClone(object) },
      livemode: false,
      pending_webhooks: webhookUrl === undefined ? 0 : 1,
      request,
      type,
    };
    events.push(event);
    eventsById.set(event.id, event);
    record({ event });
    if (holding) held.push(event);
    else void track(deliver(event));
  }

  // --- resources ---

  function confirm(pi: PaymentIntentObject, paymentMethod: string | undefined, request: EventObject["request"]) {
    if (pi.status === "succeeded" || pi.status === "canceled") {
      throw new ApiError(400, {
        type: "invalid_request_error",
        code: "payment_intent_unexpected_state",
        message: `You cannot confirm this PaymentIntent because it has a status of ${pi.status}.`,
        payment_intent: structuredClone(pi),
      });
    }
    const pmId = paymentMethod ?? (typeof pi.payment_method === "string" ? pi.payment_method : undefined);
    if (pmId === undefined) {
      throw new ApiError(400, {
        type: "invalid_request_error",
        code: "payment_intent_unexpected_state",
        param: "payment_method",
        message:
          "You cannot confirm this PaymentIntent because it's missing a payment method. To confirm the PaymentIntent with a test card, pass `payment_method=pm_card_visa`.",
      });
    }
    const card = TEST_CARDS[pmId];
    if (card === undefined) throw invalid(`No such PaymentMethod: '${pmId}'`, "payment_method", "resource_missing");

    const charge: ChargeObject = {
      id: randomId("ch"),
      object: "charge",
      amount: pi.amount,
      amount_captured: card.decline ? 0 : pi.amount,
      amount_refunded: 0,
      balance_transaction: card.decline ? null : randomId("txn"),
      captured: !card.decline,
      created: now(),
      currency: pi.currency,
      customer: pi.customer,
      description: pi.description,
      disputed: false,
      failure_code: card.decline?.code ?? null,
      failure_message: card.decline?.message ?? null,
      livemode: false,
      metadata: { ...pi.metadata },
      paid: !card.decline,
      payment_intent: pi.id,
      payment_method: randomId("pm"),
      receipt_email: pi.receipt_email,
      refunded: false,
      status: card.decline ? "failed" : "succeeded",
      refunds: { object: "list", data: [], has_more: false, url: "" },
    };
    charge.refunds.url = `/v1/charges/${charge.id}/refunds`;
    charges.set(charge.id, charge);
    pi.latest_charge = charge.id;

    if (card.decline) {
      pi.status = "requires_payment_method";
      pi.payment_method = null;
      pi.last_payment_error = {
        type: "card_error",
        charge: charge.id,
        code: card.decline.code,
        decline_code: card.decline.decline_code,
        message: card.decline.message,
        doc_url: `https://stripe.com/docs/error-codes/${card.decline.code.replaceAll("_", "-")}`,
        payment_method_type: "card",
      };
      emit("charge.failed", charge, request);
      emit("payment_intent.payment_failed", pi, request);
      throw new ApiError(
        402,
        {
          type: "card_error",
          code: card.decline.code,
          decline_code: card.decline.decline_code,
          message: card.decline.message,
          charge: charge.id,
          doc_url: pi.last_payment_error.doc_url,
          payment_intent: structuredClone(pi),
        },
        true,
      );
    }
    pi.status = "succeeded";
    pi.payment_method = charge.payment_method;
    pi.amount_received = pi.amount;
    pi.last_payment_error = null;
    emit("charge.succeeded", charge, request);
    emit("payment_intent.succeeded", pi, request);
    return pi;
  }

  function createPaymentIntent(params: FormObject, request: EventObject["request"]): PaymentIntentObject {
    rejectUnknown(params, [
      "amount",
      "currency",
      "metadata",
      "automatic_payment_methods",
      "payment_method_types",
      "payment_method",
      "confirm",
      "description",
      "receipt_email",
      "return_url",
      "expand",
    ]);
    const amount = integerParam(params, "amount", true) ?? 0;
    const currencyParam = stripeCurrency(params);
    const metadata = metadataParam(params);
    let automatic: PaymentIntentObject["automatic_payment_methods"] = null;
    const apm = params.automatic_payment_methods;
    if (apm !== undefined) {
      if (typeof apm === "string" || Array.isArray(apm)) throw invalid("Invalid object", "automatic_payment_methods");
      rejectUnknown(apm, ["enabled", "allow_redirects"]);
      const allow = apm.allow_redirects;
      if (allow !== undefined && allow !== "always" && allow !== "never") {
        throw invalid("Invalid allow_redirects", "automatic_payment_methods[allow_redirects]");
      }
      automatic = {
        enabled: booleanParam(apm, "automatic_payment_methods[enabled]", apm.enabled),
        allow_redirects: allow ?? "always",
      };
    }
    const types = params.payment_method_types;
    if (types !== undefined) {
      if (automatic?.enabled) {
        throw invalid(
          "You may only specify one of these parameters: automatic_payment_methods, payment_method_types.",
          "payment_method_types",
        );
      }
      if (!Array.isArray(types) || types.some((t) => t !== "card")) {
        throw invalid("The local card processor only supports payment_method_types[]=card.", "payment_method_types");
      }
    }
    const paymentMethod = stringParam(params, "payment_method");
    // Checked before anything is created, so a failed request leaves no PaymentIntent behind.
    if (paymentMethod !== undefined && !(paymentMethod in TEST_CARDS)) {
      throw invalid(`No such PaymentMethod: '${paymentMethod}'`, "payment_method", "resource_missing");
    }
    const id = randomId("pi");
    const pi: PaymentIntentObject = {
      id,
      object: "payment_intent",
      amount,
      amount_capturable: 0,
      amount_received: 0,
      automatic_payment_methods: automatic,
      canceled_at: null,
      cancellation_reason: null,
      capture_method: "automatic_async",
      client_secret: `${id}_secret_${randomBytes(12).toString("hex")}`,
      confirmation_method: "automatic",
      created: now(),
      currency: currencyParam,
      customer: null,
      description: stringParam(params, "description") ?? null,
      last_payment_error: null,
      latest_charge: null,
      livemode: false,
      metadata,
      next_action: null,
      payment_method: paymentMethod ?? null,
      payment_method_types: ["card"],
      receipt_email: stringParam(params, "receipt_email") ?? null,
      status: paymentMethod === undefined ? "requires_payment_method" : "requires_confirmation",
    };
    paymentIntents.set(id, pi);
    emit("payment_intent.created", pi, request);
    if (booleanParam(params, "confirm")) return confirm(pi, paymentMethod, request);
    if (options.autoConfirm) {
      // After the response, as a customer's browser would confirm once it has the client secret.
      void track(
        new Promise<void>((resolve) => {
          setImmediate(() => {
            try {
              confirm(pi, options.autoConfirmPaymentMethod ?? "pm_card_visa", { id: null, idempotency_key: null });
            } catch {
              // A declining auto-confirm card is the point of choosing one; its events are already out.
            }
            resolve();
          });
        }),
      );
    }
    return pi;
  }

  function stripeCurrency(params: FormObject): string {
    const currency = stringParam(params, "currency");
    if (currency === undefined || currency === "")
      throw invalid("Missing required param: currency.", "currency", "parameter_missing");
    const lower = currency.toLowerCase();
    if (!CURRENCIES.has(lower)) {
      throw invalid(
        `Invalid currency: ${lower}. Stripe currently supports these currencies: ${[...CURRENCIES].join(", ")}`,
        "currency",
        "parameter_invalid_string",
      );
    }
    return lower;
  }

  function getPaymentIntent(id: string, param?: string): PaymentIntentObject {
    const pi = paymentIntents.get(id);
    if (pi === undefined) {
      throw invalid(`No such payment_intent: '${id}'`, param ?? "intent", "resource_missing", param ? 400 : 404);
    }
    return pi;
  }

  function createRefund(params: FormObject, request: EventObject["request"]): RefundObject {
    rejectUnknown(params, ["payment_intent", "charge", "amount", "reason", "metadata", "expand"]);
    const piId = stringParam(params, "payment_intent");
    const chargeId = stringParam(params, "charge");
    let charge: ChargeObject | undefined;
    if (piId !== undefined) {
      const pi = getPaymentIntent(piId, "payment_intent");
      charge = typeof pi.latest_charge === "string" ? charges.get(pi.latest_charge) : undefined;
      if (pi.status !== "succeeded" || charge === undefined) {
        throw invalid(
          `This PaymentIntent (${pi.id}) does not have a successful charge to refund.`,
          "payment_intent",
          "charge_not_refundable",
        );
      }
    } else if (chargeId !== undefined) {
      charge = charges.get(chargeId);
      if (charge === undefined) throw invalid(`No such charge: '${chargeId}'`, "charge", "resource_missing");
      if (charge.status !== "succeeded")
        throw invalid("This charge cannot be refunded.", "charge", "charge_not_refundable");
    } else {
      throw invalid(
        "One of the following params should be provided for this request: payment_intent or charge.",
        "payment_intent",
      );
    }
    const reason = stringParam(params, "reason");
    if (reason !== undefined && !["duplicate", "fraudulent", "requested_by_customer"].includes(reason)) {
      throw invalid(`Invalid reason: ${reason}`, "reason", "parameter_invalid_string");
    }
    const remaining = charge.amount - charge.amount_refunded;
    if (remaining === 0) {
      throw invalid(`Charge ${charge.id} has already been refunded.`, "charge", "charge_already_refunded");
    }
    const amount = integerParam(params, "amount", false) ?? remaining;
    if (amount > remaining) {
      throw invalid(
        `Refund amount (${String(amount)}) is greater than unrefunded amount on charge (${String(remaining)})`,
        "amount",
        "amount_too_large",
      );
    }
    const refund: RefundObject = {
      id: randomId("re"),
      object: "refund",
      amount,
      balance_transaction: randomId("txn"),
      charge: charge.id,
      created: now(),
      currency: charge.currency,
      metadata: metadataParam(params),
      payment_intent: charge.payment_intent,
      reason: reason ?? null,
      receipt_number: null,
      status: "succeeded",
    };
    refunds.set(refund.id, refund);
    charge.amount_refunded += amount;
    charge.refunded = charge.amount_refunded === charge.amount;
    charge.refunds.data.unshift(refund);
    emit("refund.created", refund, request);
    emit("charge.refunded", charge, request);
    return refund;
  }

  function find<T>(map: Map<string, T>, id: string, name: string): T {
    const found = map.get(id);
    if (found === undefined) throw invalid(`No such ${name}: '${id}'`, "id", "resource_missing", 404);
    return found;
  }

  // --- HTTP ---

  type Route = (params: FormObject, request: EventObject["request"], id: string) => StripeObject | EventObject;
  const routes: { method: string; pattern: RegExp; run: Route }[] = [
    { method: "POST", pattern: /^\/v1\/payment_intents$/, run: (p, r) => createPaymentIntent(p, r) },
    { method: "GET", pattern: /^\/v1\/payment_intents\/([^/]+)$/, run: (_p, _r, id) => getPaymentIntent(id) },
    {
      method: "POST",
      pattern: /^\/v1\/payment_intents\/([^/]+)\/confirm$/,
      run: (p, r, id) => {
        rejectUnknown(p, ["payment_method", "return_url", "expand", "receipt_email"]);
        return confirm(getPaymentIntent(id), stringParam(p, "payment_method"), r);
      },
    },
    { method: "POST", pattern: /^\/v1\/refunds$/, run: (p, r) => createRefund(p, r) },
    { method: "GET", pattern: /^\/v1\/refunds\/([^/]+)$/, run: (_p, _r, id) => find(refunds, id, "refund") },
    { method: "GET", pattern: /^\/v1\/charges\/([^/]+)$/, run: (_p, _r, id) => find(charges, id, "charge") },
    { method: "GET", pattern: /^\/v1\/events\/([^/]+)$/, run: (_p, _r, id) => find(eventsById, id, "event") },
  ];

  function authenticate(req: IncomingMessage): void {
    const header = req.headers.authorization ?? "";
    let key = "";
    if (header.startsWith("Bearer ")) key = header.slice(7).trim();
    else if (header.startsWith("Basic ")) key = Buffer.from(header.slice(6), "base64").toString().split(":")[0] ?? "";
    if (key === "") {
      throw invalid(
        "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').",
        undefined,
        undefined,
        401,
      );
    }
    if (key !== apiKey)
      throw invalid(`Invalid API Key provided: ${key.slice(0, 8)}****${key.slice(-4)}`, undefined, undefined, 401);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomId("req", 10);
    const send = (status: number, body: string, replayed = false): void => {
      res.writeHead(status, {
        "content-type": "application/json",
        "request-id": requestId,
        "stripe-version": apiVersion,
        ...(replayed ? { "idempotent-replayed": "true" } : {}),
      });
      res.end(body);
    };
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    const method = req.method ?? "GET";
    const url = new URL(req.url ?? "/", `http://${HOST}`);
    const idempotencyKey = method === "POST" ? (req.headers["idempotency-key"] as string | undefined) : undefined;
    let routeKey = "";
    let params = "";
    try {
      authenticate(req);
      const match = routes
        .map((route) => ({ route, m: route.pattern.exec(url.pathname) }))
        .find(({ route, m }) => m !== null && route.method === method);
      if (match === undefined) {
        throw invalid(`Unrecognized request URL (${method}: ${url.pathname}).`, undefined, undefined, 404);
      }
      let parsed: FormObject;
      try {
        parsed = parseStripeForm(method === "POST" ? body : url.search.slice(1));
      } catch (error) {
        throw invalid(error instanceof Error ? error.message : "Invalid request body");
      }
      routeKey = `${method} ${url.pathname}`;
      params = fingerprint(parsed);
      if (idempotencyKey !== undefined) {
        if (idempotencyKey.length > 255)
          throw invalid("Idempotency-Key must be at most 255 characters.", undefined, "idempotency_key_in_use");
        const previous = idempotent.get(idempotencyKey);
        if (previous !== undefined) {
          if (previous.route !== routeKey || previous.params !== params) {
            throw new ApiError(400, {
              type: "idempotency_error",
              message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${idempotencyKey}' if you meant to execute a different request.`,
            });
          }
          send(previous.status, previous.body, true);
          return;
        }
      }
      const object = match.route.run(
        parsed,
        { id: requestId, idempotency_key: idempotencyKey ?? null },
        decodeURIComponent(match.m?.[1] ?? ""),
      );
      const json = JSON.stringify(object, null, 2);
      if (idempotencyKey !== undefined) remember(idempotencyKey, { route: routeKey, params, status: 200, body: json });
      send(200, json);
    } catch (error) {
      const apiError =
        error instanceof ApiError
          ? error
          : new ApiError(500, { type: "api_error", message: error instanceof Error ? error.message : String(error) });
      const json = JSON.stringify({ error: apiError.body }, null, 2);
      if (apiError.replayable && idempotencyKey !== undefined) {
        remember(idempotencyKey, { route: routeKey, params, status: apiError.status, body: json });
      }
      send(apiError.status, json);
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { type: "api_error", message: String(error) } }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, HOST, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${HOST}:${String(port)}`;

  return {
    url,
    host: HOST,
    port,
    protocol: "http",
    apiKey,
    webhookSecret,
    stripeConfig: { host: HOST, port, protocol: "http" },
    get events() {
      return events;
    },
    get deliveries() {
      return deliveries;
    },
    setWebhookUrl(next) {
      webhookUrl = next;
    },
    holdWebhooks() {
      holding = true;
    },
    async releaseWebhooks(order = "created") {
      holding = false;
      const queue = held.splice(0);
      let ordered: EventObject[];
      if (order === "created") ordered = queue;
      else if (order === "reverse") ordered = queue.reverse();
      else {
        ordered = order.map((id) => {
          const event = queue.find((e) => e.id === id);
          if (event === undefined) throw new Error(`Event ${id} is not held`);
          return event;
        });
        // Held events the caller did not name still go out, after the named ones.
        ordered.push(...queue.filter((e) => !order.includes(e.id)));
      }
      const results: DeliveryResult[] = [];
      for (const event of ordered) results.push(await track(deliver(event)));
      return results;
    },
    redeliver(eventId, deliveryOptions) {
      const event = eventsById.get(eventId);
      if (event === undefined) return Promise.reject(new Error(`No such event: ${eventId}`));
      return track(deliver(event, deliveryOptions));
    },
    async deliverPending() {
      const results: DeliveryResult[] = [];
      for (const event of events.filter((candidate) => !delivered.has(candidate.id) && !held.includes(candidate)))
        results.push(await track(deliver(event)));
      return results;
    },
    async idle() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
    async stop() {
      stopping.abort();
      await Promise.allSettled([...inFlight]);
      server.closeAllConnections();
      await new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      );
    },
  };
}
