/**
 * The write side for the mobile apps: the same operations as REST /api/v1, through the same
 * services and the same input schemas, with the same credentials (Authorization / X-API-Key).
 */
import { GraphQLError } from "graphql";
import * as z from "zod";

import type { Principal } from "../auth/principal.ts";
import { GelAmount } from "../money.ts";
import { NewOrder } from "../orders/routes.ts";
import { createOrder, fulfilOrder, getOrder, type OrderView } from "../orders/service.ts";
import { startCardPayment } from "../payments/card.ts";
import { refundOrder } from "../payments/refund.ts";
import { quoteTokenPayment } from "../payments/token.ts";
import type { Platform } from "../platform.ts";
import { addMenuItem, listMenu } from "../restaurants/menu.ts";
import { registerRestaurant } from "../restaurants/service.ts";
import { ApiError, toApiError } from "../rest/errors.ts";
import { Address, RestaurantId, Uuid } from "../rest/schemas.ts";
import type { GraphQLContext } from "./context.ts";

export const typeDefs = /* GraphQL */ `
  "Changes, for signed-in callers: send Authorization: Bearer <token> (or X-API-Key for point-of-sale clients)."
  type Mutation {
    "Register a restaurant (admins): profile stored, franchise NFT queued for the owner."
    registerRestaurant(name: String!, location: String!, owner: String!, feeBps: Int): RestaurantProfile!
    "Add an item to a restaurant's menu (its owner or an admin). price: GEL, e.g. \\"25.00\\"."
    addMenuItem(restaurantId: BigInt!, name: String!, description: String, price: String!): MenuItem!
    "Place an order; the total comes from the menu."
    createOrder(restaurantId: BigInt!, items: [OrderLineInput!]!, customerId: ID): PlacedOrder!
    "Start a card payment (a Stripe PaymentIntent); with paymentMethod it is confirmed at once."
    payOrderByCard(orderId: ID!, paymentMethod: String): CardPayment!
    "The quote and EIP-2612 permit for paying with the stable token from your own wallet."
    quoteTokenPayment(orderId: ID!): JSON!
    "Mark a settled order as served (its restaurant)."
    fulfillOrder(orderId: ID!): PlacedOrder!
    "Refund an order (its restaurant or an admin); amount in GEL, default all that remains."
    refundOrder(orderId: ID!, amount: String): Refund!
  }

  extend type Query {
    "An order placed through the API, as its customer, restaurant, admins and auditors see it."
    placedOrder(id: ID!): PlacedOrder
    "Available menu items, of one restaurant or all."
    menu(restaurantId: BigInt, first: Int = 50): [MenuItem!]!
  }

  input OrderLineInput {
    "Menu item id."
    id: ID!
    quantity: Int!
  }

  "A restaurant's off-chain profile and on-chain state."
  type RestaurantProfile {
    id: BigInt!
    name: String
    location: String
    "registering, active or inactive."
    status: String!
    owner: String
    feeBps: Int
    metadataUri: String
  }

  type MenuItem {
    id: ID!
    restaurantId: BigInt!
    name: String!
    description: String!
    "Price in GEL, e.g. 25.00."
    price: String!
    priceTetri: Int!
    available: Boolean!
  }

  type PlacedOrderLine {
    id: ID!
    name: String!
    unitPrice: String!
    quantity: Int!
    lineTotal: String!
  }

  "An order: placed → paid → settled (on chain) → fulfilled (served), or refunded."
  type PlacedOrder {
    id: ID!
    restaurantId: BigInt!
    customerId: ID!
    items: [PlacedOrderLine!]!
    "Total in GEL."
    total: String!
    totalTetri: Int!
    status: String!
    paymentMethod: String
    createdAt: DateTime!
    paidAt: DateTime
    settledAt: DateTime
    fulfilledAt: DateTime
    refundedTetri: Int!
    "bytes32 id on chain."
    chainOrderId: String!
    chainStatus: String
    txHash: String
    "HOTPOT minted for it (wei)."
    reward: BigInt
    receiptCid: String
    receiptUrl: String
  }

  type CardPayment {
    paymentIntentId: String!
    clientSecret: String
    amountTetri: Int!
    currency: String!
    status: String!
  }

  type Refund {
    method: String!
    refundId: String
    amountTetri: Int!
    status: String!
  }
`;

/** ApiError → the GraphQL error clients already know from REST, with its code in extensions. */
const GRAPHQL_CODES: Record<number, string> = {
  400: "BAD_USER_INPUT",
  401: "UNAUTHENTICATED",
  402: "PAYMENT_REQUIRED",
  403: "FORBIDDEN",
  404: "NOT_FOUND",
  409: "CONFLICT",
  422: "UNPROCESSABLE",
  429: "RATE_LIMITED",
  502: "UPSTREAM_ERROR",
  503: "UNAVAILABLE",
};

function graphqlError(thrown: unknown): unknown {
  const error = toApiError(thrown);
  if (error instanceof ApiError) {
    return new GraphQLError(error.message, {
      extensions: { code: GRAPHQL_CODES[error.status] ?? "BAD_REQUEST", status: error.status, issues: error.issues },
    });
  }
  return error;
}

export function parse<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new GraphQLError("invalid input", {
    extensions: {
      code: "BAD_USER_INPUT",
      issues: result.error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message })),
    },
  });
}

interface Caller {
  readonly platform: Platform;
  readonly principal: Principal;
}

export async function caller(context: GraphQLContext, needsPerson = false): Promise<Caller> {
  if (context.write === undefined) {
    throw new GraphQLError("this server does not accept changes", { extensions: { code: "FORBIDDEN" } });
  }
  const principal = await context.principal();
  if (principal === undefined) {
    throw new GraphQLError("sign in first", { extensions: { code: "UNAUTHENTICATED" } });
  }
  if (needsPerson && principal.kind !== "user") {
    throw new GraphQLError("this needs a signed-in person, not an API key", { extensions: { code: "FORBIDDEN" } });
  }
  return { platform: context.write.platform, principal };
}

/** Runs a resolver body, turning API errors into GraphQL errors with codes. */
export async function run<T>(body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (error) {
    throw graphqlError(error);
  }
}

const orderNode = (view: OrderView) => ({
  id: view.id,
  restaurantId: view.restaurant_id,
  customerId: view.customer_id,
  items: view.items.map((line) => ({
    id: line.id,
    name: line.name,
    unitPrice: line.unit_price,
    quantity: line.quantity,
    lineTotal: line.line_total,
  })),
  total: view.total,
  totalTetri: view.total_tetri,
  status: view.status,
  paymentMethod: view.payment_method,
  createdAt: view.created_at,
  paidAt: view.paid_at,
  settledAt: view.settled_at,
  fulfilledAt: view.fulfilled_at,
  refundedTetri: view.refunded_tetri,
  chainOrderId: view.chain.order_id,
  chainStatus: view.chain.status,
  txHash: view.chain.tx_hash,
  reward: view.chain.reward,
  receiptCid: view.receipt_cid,
  receiptUrl: view.receipt_url,
});

const menuNode = (item: Awaited<ReturnType<typeof addMenuItem>>) => ({
  id: item.id,
  restaurantId: item.restaurant_id,
  name: item.name,
  description: item.description,
  price: item.price,
  priceTetri: item.price_tetri,
  available: item.available,
});

const RegisterInput = z.object({
  name: z.string().trim().min(1).max(100),
  location: z.string().trim().min(1).max(200),
  owner: Address,
  feeBps: z.number().int().min(0).max(5000).nullish(),
});

/** Resolver arguments differ per field; each resolver spells its own. */
type Resolver = (parent: unknown, args: never, context: GraphQLContext) => Promise<unknown>;

export const resolvers: { Query: Record<string, Resolver>; Mutation: Record<string, Resolver> } = {
  Query: {
    placedOrder: (_: unknown, args: { id: string }, context: GraphQLContext) =>
      run(async () => {
        const { platform, principal } = await caller(context);
        return orderNode(await getOrder(platform, principal, parse(Uuid, args.id)));
      }),
    menu: (_: unknown, args: { restaurantId?: bigint | null; first?: number | null }, context: GraphQLContext) =>
      run(async () => {
        if (context.write === undefined) return [];
        const items = await listMenu(context.write.platform, {
          restaurantId: args.restaurantId == null ? undefined : parse(RestaurantId, args.restaurantId.toString()),
          includeUnavailable: false,
          limit: parse(z.number().int().min(1).max(100), args.first ?? 50),
        });
        return items.map(menuNode);
      }),
  },
  Mutation: {
    registerRestaurant: (_: unknown, args: Record<string, unknown>, context: GraphQLContext) =>
      run(async () => {
        const { platform, principal } = await caller(context, true);
        const input = parse(RegisterInput, args);
        const view = await registerRestaurant(platform, principal, {
          name: input.name,
          location: input.location,
          owner: input.owner,
          feeBps: input.feeBps ?? 1000,
        });
        return { ...view, feeBps: view.fee_bps, metadataUri: view.metadata_uri };
      }),
    addMenuItem: (_: unknown, args: Record<string, unknown>, context: GraphQLContext) =>
      run(async () => {
        const { platform, principal } = await caller(context, true);
        const input = parse(
          z.object({
            restaurantId: RestaurantId,
            name: z.string().trim().min(1).max(100),
            description: z.string().trim().max(1000).nullish(),
            price: GelAmount,
          }),
          { ...args, restaurantId: String(args.restaurantId) },
        );
        return menuNode(
          await addMenuItem(platform, principal, input.restaurantId, {
            name: input.name,
            description: input.description ?? "",
            priceTetri: input.price,
            available: true,
          }),
        );
      }),
    createOrder: (
      _: unknown,
      args: { restaurantId: bigint; items: { id: string; quantity: number }[]; customerId?: string | null },
      context: GraphQLContext,
    ) =>
      run(async () => {
        const { platform, principal } = await caller(context);
        const input = parse(NewOrder, {
          restaurant_id: args.restaurantId.toString(),
          items: args.items,
          customer_id: args.customerId ?? undefined,
        });
        return orderNode(
          await createOrder(platform, principal, {
            restaurantId: input.restaurant_id,
            items: input.items,
            customerId: input.customer_id,
          }),
        );
      }),
    payOrderByCard: (_: unknown, args: { orderId: string; paymentMethod?: string | null }, context: GraphQLContext) =>
      run(async () => {
        const { platform, principal } = await caller(context);
        const paymentMethod =
          args.paymentMethod == null ? undefined : parse(z.string().regex(/^pm_\w+$/), args.paymentMethod);
        const payment = await startCardPayment(platform, principal, parse(Uuid, args.orderId), paymentMethod);
        return {
          paymentIntentId: payment.payment_intent_id,
          clientSecret: payment.client_secret,
          amountTetri: payment.amount_tetri,
          currency: payment.currency,
          status: payment.status,
        };
      }),
    quoteTokenPayment: (_: unknown, args: { orderId: string }, context: GraphQLContext) =>
      run(async () => {
        const { platform, principal } = await caller(context, true);
        return quoteTokenPayment(platform, principal, parse(Uuid, args.orderId));
      }),
    fulfillOrder: (_: unknown, args: { orderId: string }, context: GraphQLContext) =>
      run(async () => {
        const { platform, principal } = await caller(context);
        return orderNode(await fulfilOrder(platform, principal, parse(Uuid, args.orderId)));
      }),
    refundOrder: (_: unknown, args: { orderId: string; amount?: string | null }, context: GraphQLContext) =>
      run(async () => {
        const { platform, principal } = await caller(context);
        const amount = args.amount == null ? undefined : parse(GelAmount, args.amount);
        const refund = await refundOrder(platform, principal, parse(Uuid, args.orderId), amount, undefined);
        return {
          method: refund.method,
          refundId: refund.refund_id,
          amountTetri: refund.amount_tetri,
          status: refund.status,
        };
      }),
  },
};
