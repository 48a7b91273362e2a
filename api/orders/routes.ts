/** REST: orders, paying them, serving and refunding them (`/api/v1/orders…`). */
import * as z from "zod";

import { GelAmount } from "../money.ts";
import { startCardPayment } from "../payments/card.ts";
import { refundOrder } from "../payments/refund.ts";
import { pointsOffer, quoteTokenPayment } from "../payments/token.ts";
import type { Platform } from "../platform.ts";
import { defineRoute, type Route } from "../rest/route.ts";
import { Limit, RestaurantId, RestaurantIdText, Timestamp, Uuid } from "../rest/schemas.ts";
import { createOrder, fulfilOrder, getOrder, listOrders } from "./service.ts";

const OrderLine = z.object({
  id: Uuid,
  name: z.string().meta({ examples: ["Hot Pot"] }),
  unit_price: z.string().meta({ examples: ["25.00"] }),
  unit_price_tetri: z
    .number()
    .int()
    .meta({ examples: [2500] }),
  quantity: z
    .number()
    .int()
    .meta({ examples: [2] }),
  line_total: z.string().meta({ examples: ["50.00"] }),
});

export const Order = z
  .object({
    id: Uuid,
    restaurant_id: RestaurantIdText,
    customer_id: Uuid,
    items: z.array(OrderLine),
    total: z.string().meta({ description: "Total in GEL, computed from the menu", examples: ["75.00"] }),
    total_tetri: z
      .number()
      .int()
      .meta({ examples: [7500] }),
    currency: z.literal("GEL"),
    status: z.enum(["placed", "paid", "settled", "fulfilled", "refunded"]).meta({
      description:
        "placed → paid → settled (on chain, receipt stored, tokens minted) → fulfilled (served); or refunded",
      examples: ["placed"],
    }),
    payment_method: z
      .enum(["card", "token"])
      .nullable()
      .meta({ examples: [null] }),
    created_at: Timestamp,
    paid_at: Timestamp.nullable(),
    settled_at: Timestamp.nullable(),
    fulfilled_at: Timestamp.nullable(),
    refunded_tetri: z
      .number()
      .int()
      .meta({ examples: [0] }),
    chain: z.object({
      order_id: z.string().meta({ description: "bytes32 order id on chain", examples: ["0x5c6f…"] }),
      status: z
        .string()
        .nullable()
        .meta({ description: "OrderSettlement's status, from the mirror", examples: [null] }),
      tx_hash: z
        .string()
        .nullable()
        .meta({ examples: [null] }),
      reward: z
        .string()
        .nullable()
        .meta({ description: "HOTPOT minted (wei)", examples: [null] }),
      payment_ref: z
        .string()
        .nullable()
        .meta({ examples: [null] }),
    }),
    receipt_cid: z
      .string()
      .nullable()
      .meta({ examples: [null] }),
    receipt_url: z
      .string()
      .nullable()
      .meta({ description: "GET it for the verified receipt JSON", examples: [null] }),
    pay_url: z.string().meta({ examples: ["/api/v1/orders/3f1c1a52-1b7e-4c51-9a57-0c7f43b1e8a2/pay"] }),
  })
  .meta({ id: "Order" });

export const NewOrder = z
  .object({
    restaurant_id: z
      .union([RestaurantIdText, z.number().int().positive()])
      .transform((value) => BigInt(value))
      .meta({ description: "Restaurant id", examples: ["1"] }),
    items: z
      .array(
        z.object({
          id: Uuid.meta({ description: "Menu item id" }),
          quantity: z
            .number()
            .int()
            .min(1)
            .max(99)
            .meta({ examples: [2] }),
        }),
      )
      .min(1)
      .max(50)
      .refine((items) => new Set(items.map((item) => item.id)).size === items.length, "list each item once")
      .meta({ examples: [[{ id: "3f1c1a52-1b7e-4c51-9a57-0c7f43b1e8a2", quantity: 2 }]] }),
    customer_id: Uuid.optional().meta({ description: "The customer (yourself unless a point-of-sale key orders)" }),
  })
  .meta({ id: "NewOrder" });

const CardPayment = z
  .object({
    method: z.literal("card"),
    payment_intent_id: z.string().meta({ examples: ["pi_3Q…"] }),
    client_secret: z
      .string()
      .nullable()
      .meta({ examples: ["pi_3Q…_secret_…"] }),
    amount_tetri: z
      .number()
      .int()
      .meta({ examples: [7500] }),
    currency: z.literal("GEL"),
    status: z.string().meta({ examples: ["succeeded"] }),
  })
  .meta({ id: "CardPayment" });

const TokenPayment = z
  .object({
    method: z.literal("token"),
    order: z.record(z.string(), z.union([z.string(), z.number()])),
    quote: z.string(),
    settlement_contract: z.string(),
    chain_id: z.number().int(),
    permit: z.object({
      domain: z.record(z.string(), z.union([z.string(), z.number()])),
      types: z.record(z.string(), z.array(z.object({ name: z.string(), type: z.string() }))),
      primaryType: z.literal("Permit"),
      message: z.record(z.string(), z.string()),
    }),
    quote_typed_data: z.object({
      domain: z.record(z.string(), z.union([z.string(), z.number()])),
      types: z.record(z.string(), z.array(z.object({ name: z.string(), type: z.string() }))),
      primaryType: z.literal("TokenOrder"),
    }),
  })
  .meta({
    id: "TokenPayment",
    description: "Sign `permit` with the wallet, then call placeOrderWithPermit(order, quote, deadline, v, r, s)",
  });

const Pay = z
  .discriminatedUnion("method", [
    z.object({
      method: z.literal("card"),
      payment_method: z
        .string()
        .regex(/^pm_\w+$/, "a Stripe PaymentMethod id")
        .optional()
        .meta({
          description: "Confirm at once with this PaymentMethod (else confirm on the device)",
          examples: ["pm_card_visa"],
        }),
    }),
    z.object({
      method: z.literal("token"),
      points_discount: GelAmount.optional().meta({
        description:
          "Part of the price, in GEL, to pay with HOTPOT points instead of the token (at most the `max_discount` of " +
          "GET /orders/{id}/points). The quote then carries the discount and the points to burn, and the permit's value " +
          "is the price less the discount. 422 naming this field when it is above the currency's cap or the balance.",
        examples: ["5.00"],
      }),
    }),
  ])
  .meta({
    id: "Pay",
    examples: [
      { method: "card", payment_method: "pm_card_visa" },
      { method: "token", points_discount: "5.00" },
    ],
  });

const PointsOffer = z
  .object({
    max_discount: z.string().meta({
      description:
        "The largest discount in GEL the customer can pay with points now: the cap, or less if the balance covers less",
      examples: ["4.30"],
    }),
    max_discount_tetri: z
      .number()
      .int()
      .meta({ examples: [430] }),
    cap: z.string().meta({ description: "The currency's cap for this price (maxDiscountBps)", examples: ["7.50"] }),
    points_per_gel: z.string().meta({
      description: "HOTPOT burned per GEL of discount, in wei (18 decimals)",
      examples: ["100000000000000000000"],
    }),
    points_for_max: z
      .string()
      .meta({ description: "HOTPOT (wei) the maximum discount costs", examples: ["430000000000000000000"] }),
    balance: z.string().meta({
      description: "The customer's HOTPOT balance in wei (the mirror's)",
      examples: ["430500000000000000000"],
    }),
  })
  .meta({ id: "PointsOffer", description: "What paying part of a token order with HOTPOT points would take" });

const Refund = z
  .object({ amount: GelAmount.optional().meta({ description: "Part to refund (default: all that remains)" }) })
  .meta({ id: "Refund" });

const RefundResult = z
  .object({
    method: z.enum(["card", "token"]),
    refund_id: z
      .string()
      .nullable()
      .meta({ examples: ["re_3Q…"] }),
    amount_tetri: z
      .number()
      .int()
      .meta({ examples: [7500] }),
    status: z.string().meta({ examples: ["succeeded"] }),
  })
  .meta({ id: "RefundResult" });

const OrderPath = z.object({ id: Uuid });

/** `before` cursor of order lists: created_at and id of the last order seen. */
const Before = z
  .string()
  .regex(/^[\w.:-]+~[0-9a-f-]{36}$/, "a cursor from next_before")
  .meta({ examples: ["2026-11-26T12:00:00.000Z~3f1c1a52-1b7e-4c51-9a57-0c7f43b1e8a2"] })
  .transform((cursor, context) => {
    const [createdAt = "", id = ""] = cursor.split("~");
    const date = new Date(createdAt);
    if (Number.isNaN(date.getTime())) {
      context.addIssue({ code: "custom", message: "a cursor from next_before" });
      return z.NEVER;
    }
    return { createdAt: date, id };
  });

export function orderRoutes(platform: Platform): Route[] {
  return [
    defineRoute({
      method: "post",
      path: "/orders",
      operationId: "createOrder",
      summary: "Place an order",
      description: "The total is computed from the restaurant's menu. Pay it with POST /orders/{id}/pay.",
      tags: ["orders"],
      access: "any",
      body: NewOrder,
      responses: { 201: { description: "The order, placed", schema: Order } },
      errors: [403, 404, 409],
      handle: async ({ body, principal }) => {
        const order = await createOrder(platform, principal, {
          restaurantId: body.restaurant_id,
          items: body.items,
          customerId: body.customer_id,
        });
        return { status: 201, body: order, headers: { Location: `/api/v1/orders/${order.id}` } };
      },
    }),
    defineRoute({
      method: "get",
      path: "/orders",
      operationId: "listOrders",
      summary: "List orders, newest first",
      description:
        "Customers get their own; restaurant owners and API keys add restaurant_id; admins and auditors may filter freely.",
      tags: ["orders"],
      access: "any",
      query: z.object({
        restaurant_id: RestaurantId.optional(),
        customer_id: Uuid.optional(),
        before: Before.optional().meta({ description: "next_before of the previous page" }),
        limit: Limit,
      }),
      responses: {
        200: {
          description: "A page of orders",
          schema: z.object({ orders: z.array(Order), next_before: z.string().nullable() }),
        },
      },
      errors: [403],
      handle: async ({ query, principal }) => {
        const orders = await listOrders(platform, principal, {
          restaurantId: query.restaurant_id,
          customerId: query.customer_id,
          before: query.before,
          limit: query.limit,
        });
        const last = orders.at(-1);
        return {
          status: 200,
          body: {
            orders,
            next_before: orders.length < query.limit || last === undefined ? null : `${last.created_at}~${last.id}`,
          },
        };
      },
    }),
    defineRoute({
      method: "get",
      path: "/orders/{id}",
      operationId: "getOrder",
      summary: "Track an order",
      tags: ["orders"],
      access: "any",
      params: OrderPath,
      responses: { 200: { description: "The order", schema: Order } },
      errors: [403, 404],
      handle: async ({ params, principal }) => ({ status: 200, body: await getOrder(platform, principal, params.id) }),
    }),
    defineRoute({
      method: "post",
      path: "/orders/{id}/pay",
      operationId: "payOrder",
      summary: "Pay an order by card or with the stable token",
      description:
        "card: a Stripe PaymentIntent in GEL (one per order, whatever the retries); with payment_method it is confirmed at once. " +
        "The order becomes paid when the processor's webhook confirms the payment (usually within a second), then settled on chain. " +
        "token: the platform's quote and the EIP-2612 permit for your wallet to sign; your wallet then calls placeOrderWithPermit. " +
        "409 when the order is paid, paid by the other method, or being paid by card in a parallel request.",
      tags: ["orders"],
      access: "any",
      params: OrderPath,
      body: Pay,
      responses: { 200: { description: "How to complete the payment", schema: z.union([CardPayment, TokenPayment]) } },
      errors: [402, 403, 404, 409, 422, 502, 503],
      handle: async ({ params, body, principal }) => ({
        status: 200,
        body:
          body.method === "card"
            ? await startCardPayment(platform, principal, params.id, body.payment_method)
            : await quoteTokenPayment(platform, principal, params.id, body.points_discount),
      }),
    }),
    defineRoute({
      method: "get",
      path: "/orders/{id}/points",
      operationId: "getOrderPointsOffer",
      summary: "The points discount a token payment of the order may take (its customer)",
      description:
        "For a token payment only: OrderSettlement's card settlement records no discount, so card payments take no points. " +
        "Pass the chosen discount as points_discount to POST /orders/{id}/pay.",
      tags: ["orders"],
      access: "any",
      params: OrderPath,
      responses: { 200: { description: "The discount on offer", schema: PointsOffer } },
      errors: [400, 403, 404, 409],
      handle: async ({ params, principal }) => ({
        status: 200,
        body: await pointsOffer(platform, principal, params.id),
      }),
    }),
    defineRoute({
      method: "post",
      path: "/orders/{id}/fulfill",
      operationId: "fulfillOrder",
      summary: "Mark a settled order as served (its restaurant)",
      tags: ["orders"],
      access: "any",
      params: OrderPath,
      responses: { 200: { description: "The order, fulfilled", schema: Order } },
      errors: [403, 404, 409],
      handle: async ({ params, principal }) => ({
        status: 200,
        body: await fulfilOrder(platform, principal, params.id),
      }),
    }),
    defineRoute({
      method: "post",
      path: "/orders/{id}/refund",
      operationId: "refundOrder",
      summary: "Refund an order (its restaurant or an admin)",
      description:
        "Card: refunded through the processor, recorded on chain when it confirms (rewards clawed back pro rata). " +
        "Token: only while the price is in escrow. Send Idempotency-Key to make retries safe. " +
        "409 while another refund of the order is in flight or when nothing remains; 422 for more than remains refundable.",
      tags: ["orders"],
      access: "any",
      params: OrderPath,
      body: Refund,
      responses: { 202: { description: "Refund started", schema: RefundResult } },
      errors: [403, 404, 409, 422, 502, 503],
      handle: async ({ params, body, principal, request }) => ({
        status: 202,
        body: await refundOrder(platform, principal, params.id, body.amount, request.header("idempotency-key")),
      }),
    }),
  ];
}
