/**
 * The card processor's webhooks (Stripe's, verified and normalised by its adapter). The signature is checked on the raw body; each event id is handled once (a
 * replay finds its id in webhook_event and changes nothing). A successful PaymentIntent, in one
 * transaction: the event recorded, the order paid, its receipt CID kept and a `settle_card` outbox
 * row written (unique per order, so a second event for the same payment adds nothing). Refunds
 * become `record_card_refund` rows, unique per refund; one that arrives before the payment's own
 * success event first settles the payment from the processor's current state, so the relayer
 * always finds the settlement before the refund.
 */
import express, { type NextFunction, type Request, type RequestHandler, type Response } from "express";
import { keccak256, toHex, type Address, type Hex } from "viem";

import { inTransaction } from "../../lib/db/client.ts";
import { enqueue, queuedSql, type CardPayment, type CardRefund as CardRefundPayload } from "../outbox/index.ts";
import type { Platform } from "../platform.ts";
import { markSignatureRejected } from "../http/metrics.ts";
import type { OrderLine } from "../orders/service.ts";
import type { CardEvent, CardIntent, CardRefund } from "./card-processor.ts";
import { cardError } from "./errors.ts";
import { storeReceipt } from "./receipt.ts";

export const STRIPE_WEBHOOK_PATH = "/webhooks/stripe";

interface PaidOrder {
  id: string;
  chain_order_id: Hex;
  restaurant_id: string;
  items: OrderLine[];
  total_tetri: string;
  address: Address;
  name: string | null;
  location: string | null;
  settled: boolean;
}

interface Plan {
  /** Record the PaymentIntent's status. */
  intent?: { id: string; orderId: string; amount: number; status: string };
  settle?: { orderId: string; paidAt: Date; receiptCid: string; payment: CardPayment };
  refunds: { refundId: string; refund: CardRefundPayload }[];
}

export type WebhookOutcome = "processed" | "duplicate";

async function paidOrderFor(platform: Platform, intent: CardIntent): Promise<PaidOrder | undefined> {
  const { rows } = await platform.db.pool.query<PaidOrder>(
    `SELECT co.id, co.chain_order_id, co.restaurant_id::text, co.items, co.total_tetri::text, u.address,
            r.name, r.location,
            ${queuedSql("settle_card", "co.chain_order_id")} AS settled
       FROM customer_order co
       JOIN app_user u ON u.id = co.customer_id
       LEFT JOIN restaurant r ON r.id = co.restaurant_id
      WHERE co.id = (SELECT order_id FROM card_payment WHERE payment_intent_id = $1)
         OR co.id::text = $2`,
    [intent.id, intent.metadata.order_id ?? ""],
  );
  return rows[0];
}

async function planSettlement(platform: Platform, intent: CardIntent, at: Date, plan: Plan): Promise<void> {
  const order = await paidOrderFor(platform, intent);
  if (order === undefined) {
    platform.logger.warn({ paymentIntent: intent.id }, "webhook for a PaymentIntent of no known order; ignored");
    return;
  }
  plan.intent = { id: intent.id, orderId: order.id, amount: intent.amount, status: intent.status };
  if (intent.status !== "succeeded" || order.settled) return;
  if (intent.currency !== "gel" || BigInt(intent.amountReceived) !== BigInt(order.total_tetri)) {
    // Never settle a different amount than the order's: an operator must look at this payment.
    platform.logger.error(
      { paymentIntent: intent.id, order: order.id, currency: intent.currency, received: intent.amountReceived },
      "card payment does not match its order; not settled",
    );
    plan.intent = { ...plan.intent, status: "amount_mismatch" };
    return;
  }
  const paymentRef = keccak256(toHex(intent.id));
  const receipt = await storeReceipt(platform.contentStore, {
    orderId: order.id,
    chainOrderId: order.chain_order_id,
    chainId: platform.chainId,
    restaurant: { id: order.restaurant_id, name: order.name, location: order.location },
    customer: order.address,
    items: order.items,
    totalTetri: BigInt(order.total_tetri),
    payment: { method: "card", processor: platform.cards.name, paymentRef },
    paidAt: at,
  });
  plan.settle = {
    orderId: order.id,
    paidAt: at,
    receiptCid: receipt.cid,
    payment: {
      orderId: order.chain_order_id,
      restaurantId: BigInt(order.restaurant_id),
      customer: order.address,
      amount: BigInt(order.total_tetri),
      paymentRef,
      receiptDigest: receipt.digest,
    },
  };
}

async function planRefunds(platform: Platform, refunds: readonly CardRefund[], at: Date, plan: Plan): Promise<void> {
  for (const refund of refunds) {
    if (refund.status !== "succeeded" || refund.intentId === undefined) continue;
    const intentId = refund.intentId;
    const { rows } = await platform.db.pool.query<{ chain_order_id: Hex; paid: boolean }>(
      `SELECT co.chain_order_id, ${queuedSql("settle_card", "co.chain_order_id")} AS paid
         FROM card_payment cp JOIN customer_order co ON co.id = cp.order_id WHERE cp.payment_intent_id = $1`,
      [intentId],
    );
    const order = rows[0];
    if (order === undefined) continue;
    if (!order.paid && plan.settle === undefined) {
      // The refund overtook the payment's success event: settle from the processor's own record first.
      const intent = await platform.cards.retrieveIntent(intentId).catch((error: unknown) => {
        throw cardError(error);
      });
      await planSettlement(platform, intent, at, plan);
    }
    plan.refunds.push({
      refundId: refund.id,
      refund: { orderId: order.chain_order_id, amount: BigInt(refund.amount), refundRef: keccak256(toHex(refund.id)) },
    });
  }
}

async function planFor(platform: Platform, event: CardEvent): Promise<Plan> {
  const plan: Plan = { refunds: [] };
  if (event.kind === "intent") await planSettlement(platform, event.intent, event.createdAt, plan);
  else if (event.kind === "refunds") await planRefunds(platform, event.refunds, event.createdAt, plan);
  return plan;
}

export async function handleCardEvent(platform: Platform, event: CardEvent): Promise<WebhookOutcome> {
  const seen = await platform.db.pool.query(`SELECT 1 FROM webhook_event WHERE id = $1`, [event.id]);
  if (seen.rowCount !== 0) return "duplicate";
  const plan = await planFor(platform, event);
  const outcome = await inTransaction(platform.db.pool, async (client): Promise<WebhookOutcome> => {
    const recorded = await client.query(
      `INSERT INTO webhook_event (id, source, type) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING`,
      [event.id, platform.cards.name, event.type],
    );
    // Another delivery of this event committed while this one was planning.
    if (recorded.rowCount === 0) return "duplicate";
    if (plan.intent !== undefined) {
      const { id, orderId, amount, status } = plan.intent;
      // A late "processing" must not overwrite "succeeded": success is final.
      await client.query(
        `INSERT INTO card_payment (payment_intent_id, order_id, amount_tetri, status) VALUES ($1, $2, $3, $4)
         ON CONFLICT (payment_intent_id) DO UPDATE SET status = EXCLUDED.status, updated_at = now()
          WHERE card_payment.status <> 'succeeded'`,
        [id, orderId, String(amount), status],
      );
    }
    if (plan.settle !== undefined) {
      const { orderId, paidAt, receiptCid, payment } = plan.settle;
      if (await enqueue(client, "settle_card", payment)) {
        await client.query(
          `UPDATE customer_order SET status = 'paid', paid_at = COALESCE(paid_at, $2), payment_method = 'card',
                  receipt_cid = $3
            WHERE id = $1`,
          [orderId, paidAt, receiptCid],
        );
      }
    }
    for (const { refundId, refund } of plan.refunds) await enqueue(client, "record_card_refund", refund, { refundId });
    return "processed";
  });
  if (outcome === "duplicate") return outcome;
  if (plan.settle !== undefined || plan.refunds.length > 0) platform.chain.wake();
  return "processed";
}

/** The webhook endpoint: raw body (the signature covers its exact bytes), then the event. */
export function stripeWebhook(platform: Platform): RequestHandler[] {
  return [
    express.raw({ type: () => true, limit: "1mb" }),
    async (request: Request, response: Response, next: NextFunction): Promise<void> => {
      try {
        let event: CardEvent;
        try {
          event = platform.cards.verifyWebhook(request.body as Buffer, (name) => request.header(name));
        } catch (error) {
          markSignatureRejected(response, "stripe");
          throw cardError(error);
        }
        const outcome = await handleCardEvent(platform, event);
        response.json({ received: true, duplicate: outcome === "duplicate" });
      } catch (error) {
        next(error);
      }
    },
  ];
}
