import type {
  CardRefund as CardRefundRow,
  ChainEvent as ChainEventRow,
  Order as OrderRow,
  Redemption as RedemptionRow,
  Reward as RewardRow,
} from "../../lib/db/generated/client.ts";
import type { IndexedBatch } from "../notifications.ts";
import { loadAccount, type AccountNode } from "../mirror/accounts.ts";
import { nodeAt, type AtBlock } from "../mirror/blocks.ts";
import { subject } from "../mirror/events.ts";
import {
  loadOrder,
  orderRows,
  ordersAt,
  ordersByChange,
  ordersWhere,
  type OrderNode,
  type OrderQuery,
} from "../mirror/orders.ts";
import { loadRestaurant, type RestaurantNode } from "../mirror/restaurants.ts";
import { blockInt } from "./blocks.ts";
import type { GraphQLContext, Meta } from "./context.ts";
import { listEvents } from "./events.ts";
import { emit, followIndex, sharedPerBatch, type FeedItem } from "./feed.ts";
import { parseBlockNumber, parseHash, parseHashList, parseOptionalAddress, parseOptionalHash } from "./inputs.ts";
import {
  connectionTypeDefs,
  key,
  listArguments,
  paginate,
  type Connection,
  type ListArgs,
  type ListDefinition,
} from "./pagination.ts";
import {
  listCardRefunds,
  listRedemptions,
  listRewards,
  type CardRefundListArgs,
  type RedemptionListArgs,
  type RewardListArgs,
} from "./tokens.ts";

export const typeDefs = /* GraphQL */ `
  enum OrderKind {
    "Paid with a stable token through escrow."
    token
    "Paid by card; recorded on chain by the settler."
    card
  }

  "Token orders: escrowed, then fulfilled, refunded or reclaimed. Card orders: settled, then partially_refunded or refunded."
  enum OrderStatus {
    escrowed
    fulfilled
    refunded
    reclaimed
    settled
    partially_refunded
  }

  "An order as the chain knows it. Token orders count in the payment token's units, card orders in GEL tetri."
  type Order {
    "bytes32 order id, 0x-prefixed lower-case hex."
    orderId: ID!
    kind: OrderKind!
    status: OrderStatus!
    restaurantId: BigInt!
    "The restaurant, as of the same block as the order."
    restaurant: Restaurant
    customer: String!
    "The customer's loyalty account, as of the same block; null if it has none."
    customerAccount: Account
    "Payment token of a token order; null for card orders."
    token: String
    price: BigInt!
    discount: BigInt!
    "Loyalty points burned for the discount, in wei."
    pointsRedeemed: BigInt!
    "Amount paid: escrowed tokens, or the card amount."
    paid: BigInt!
    refundedAmount: BigInt!
    franchiseeAmount: BigInt
    platformFee: BigInt
    "Loyalty tokens minted to the customer, in wei."
    reward: BigInt!
    pointsClawedBack: BigInt!
    "When the customer may reclaim an unfulfilled token order."
    reclaimAfter: DateTime
    "The card processor's payment reference (bytes32)."
    paymentRef: String
    "sha256 digest of the receipt JSON, as recorded on chain."
    receiptDigest: String
    "CIDv1 of the receipt JSON on IPFS."
    receiptCid: String
    placedBlock: Int!
    placedAt: DateTime!
    placedTx: String!
    closedBlock: Int
    closedAt: DateTime
    closedTx: String
    "The block this state of the order began at: its latest change."
    updatedBlock: Int!
    "The order's history on chain."
    events(${listArguments({ orderBy: "ChainEventOrderBy" })}): ChainEventConnection!
    refunds(${listArguments({ orderBy: "CardRefundOrderBy" })}): CardRefundConnection!
    rewards(${listArguments({ orderBy: "RewardOrderBy" })}): RewardConnection!
    redemptions(${listArguments({ orderBy: "RedemptionOrderBy" })}): RedemptionConnection!
  }

  ${connectionTypeDefs("Order")}

  "Every condition given must hold."
  input OrderFilter {
    orderId_in: [ID!]
    customer: String
    restaurantId: BigInt
    kind: OrderKind
    status: OrderStatus
    status_in: [OrderStatus!]
    placedBlock_gte: Int
    placedBlock_lte: Int
    placedAt_gte: DateTime
    placedAt_lt: DateTime
    "Orders that changed at or after this block."
    updatedBlock_gte: Int
  }

  enum OrderOrderBy {
    "Block the order was placed in (the default), then order id."
    placedBlock
    "Block of the order's latest change, then order id."
    updatedBlock
    price
    paid
    orderId
  }

  extend type Query {
    order(orderId: ID!, asOfBlock: Int): Order
    orders(${listArguments({ where: "OrderFilter", orderBy: "OrderOrderBy", asOfBlock: true })}): OrderConnection!
  }

  extend type Subscription {
    """
    The new state of an order each time the indexer commits a change to it (also after a chain
    reorganisation rolls it back). Every argument given must match; none means every order.
    """
    orderUpdated(orderId: ID, customer: String, restaurantId: BigInt): Order!
  }
`;

export type { OrderNode };

export type OrderOrderBy = "placedBlock" | "updatedBlock" | "price" | "paid" | "orderId";

export interface OrderFilter {
  readonly orderId_in?: readonly string[] | null;
  readonly customer?: string | null;
  readonly restaurantId?: bigint | null;
  readonly kind?: string | null;
  readonly status?: string | null;
  readonly status_in?: readonly string[] | null;
  readonly placedBlock_gte?: number | null;
  readonly placedBlock_lte?: number | null;
  readonly placedAt_gte?: Date | null;
  readonly placedAt_lt?: Date | null;
  readonly updatedBlock_gte?: number | null;
}

export interface OrderListArgs extends ListArgs<OrderOrderBy> {
  readonly where?: OrderFilter | null;
  readonly asOfBlock?: number | null;
}

const ORDERS: ListDefinition<OrderRow, OrderOrderBy> = {
  orderings: {
    placedBlock: [key("placedBlock", "bigint"), key("orderId", "string")],
    updatedBlock: [key("blockFrom", "bigint"), key("orderId", "string")],
    price: [key("price", "decimal"), key("orderId", "string")],
    paid: [key("paid", "decimal"), key("orderId", "string")],
    orderId: [key("orderId", "string")],
  },
  defaultOrderBy: "placedBlock",
};

function orderQuery(filter: OrderFilter): OrderQuery {
  return {
    orderIds: parseHashList(filter.orderId_in, "where.orderId_in"),
    customer: parseOptionalAddress(filter.customer, "where.customer"),
    restaurantId: filter.restaurantId ?? undefined,
    kind: filter.kind ?? undefined,
    status: filter.status ?? undefined,
    statuses: filter.status_in ?? undefined,
    placedFrom: parseBlockNumber(filter.placedBlock_gte, "where.placedBlock_gte"),
    placedTo: parseBlockNumber(filter.placedBlock_lte, "where.placedBlock_lte"),
    placedAtFrom: filter.placedAt_gte ?? undefined,
    placedBefore: filter.placedAt_lt ?? undefined,
    changedFrom: parseBlockNumber(filter.updatedBlock_gte, "where.updatedBlock_gte"),
  };
}

/** Orders at `block` matching the caller's filter and the parent's `scope` (its customer or restaurant). */
export function listOrders(
  context: GraphQLContext,
  block: bigint,
  args: OrderListArgs,
  scope: OrderQuery = {},
): Promise<Connection<OrderNode>> {
  const where = ordersWhere(block, scope, orderQuery(args.where ?? {}));
  return paginate(ORDERS, orderRows(context.db), args, where, nodeAt(block));
}

interface OrderSubscriptionArgs {
  readonly orderId?: string | null;
  readonly customer?: string | null;
  readonly restaurantId?: bigint | null;
}

/** Upper bound on the orders one "many changed" batch re-reads for one subscriber. */
const RESYNC_LIMIT = 1000;

function orderUpdates(context: GraphQLContext, args: OrderSubscriptionArgs): AsyncIterable<FeedItem<OrderNode>> {
  const orderId = parseOptionalHash(args.orderId, "orderId");
  const customer = parseOptionalAddress(args.customer, "customer");
  const restaurantId = args.restaurantId?.toString();
  const matches = (row: OrderRow): boolean =>
    (orderId === undefined || row.orderId === orderId) &&
    (customer === undefined || row.customer === customer) &&
    (restaurantId === undefined || row.restaurantId.toFixed() === restaurantId);
  const scope: OrderQuery = {
    orderIds: orderId === undefined ? undefined : [orderId],
    customer,
    restaurantId: args.restaurantId ?? undefined,
  };
  return followIndex(context, async (batch: IndexedBatch, meta: Meta): Promise<OrderNode[]> => {
    const block = meta.blockNumber;
    if (block === null) return [];
    const listed = batch.orders;
    if (listed !== null) {
      if (orderId !== undefined && !listed.includes(orderId)) return [];
      const rows = await sharedPerBatch(batch, "orders", () => ordersAt(context.db, block, listed));
      return rows.filter(matches).map(nodeAt(block));
    }
    // Too many changed to list: this subscriber's orders whose state began within the batch.
    const rows = await sharedPerBatch(batch, `resync:${orderId ?? ""}:${customer ?? ""}:${restaurantId ?? ""}`, () =>
      ordersByChange(context.db, block, { ...scope, changedFrom: batch.fromBlock }, RESYNC_LIMIT),
    );
    if (rows.length === RESYNC_LIMIT) {
      context.logger.warn({ fromBlock: batch.fromBlock.toString() }, "orderUpdated resync truncated");
    }
    return rows.map(nodeAt(block));
  });
}

export const resolvers = {
  Query: {
    async order(
      _root: unknown,
      args: { orderId: string; asOfBlock?: number | null },
      context: GraphQLContext,
    ): Promise<OrderNode | undefined> {
      const orderId = parseHash(args.orderId, "orderId");
      return loadOrder(context, await context.block(args.asOfBlock), orderId);
    },
    async orders(_root: unknown, args: OrderListArgs, context: GraphQLContext): Promise<Connection<OrderNode>> {
      return listOrders(context, await context.block(args.asOfBlock), args);
    },
  },
  Subscription: {
    orderUpdated: {
      subscribe: (
        _root: unknown,
        args: OrderSubscriptionArgs,
        context: GraphQLContext,
      ): AsyncIterable<FeedItem<OrderNode>> => orderUpdates(context, args),
      resolve: emit<OrderNode>,
    },
  },
  Order: {
    placedBlock: (order: OrderNode): number => blockInt(order.placedBlock),
    closedBlock: (order: OrderNode): number | null => (order.closedBlock === null ? null : blockInt(order.closedBlock)),
    updatedBlock: (order: OrderNode): number => blockInt(order.blockFrom),
    restaurant: (order: OrderNode, _args: unknown, context: GraphQLContext): Promise<RestaurantNode | undefined> =>
      loadRestaurant(context, order.asOf, order.restaurantId.toFixed()),
    customerAccount: (order: OrderNode, _args: unknown, context: GraphQLContext): Promise<AccountNode | undefined> =>
      loadAccount(context, order.asOf, order.customer),
    events: (order: OrderNode, args: ListArgs<"block">, context: GraphQLContext): Promise<Connection<ChainEventRow>> =>
      listEvents(context, order.asOf, args, { subjects: [subject.order(order.orderId)] }),
    refunds: (
      order: OrderNode,
      args: CardRefundListArgs,
      context: GraphQLContext,
    ): Promise<Connection<AtBlock<CardRefundRow>>> =>
      listCardRefunds(context, order.asOf, args, { orderId: order.orderId }),
    rewards: (
      order: OrderNode,
      args: RewardListArgs,
      context: GraphQLContext,
    ): Promise<Connection<AtBlock<RewardRow>>> => listRewards(context, order.asOf, args, { orderId: order.orderId }),
    redemptions: (
      order: OrderNode,
      args: RedemptionListArgs,
      context: GraphQLContext,
    ): Promise<Connection<AtBlock<RedemptionRow>>> =>
      listRedemptions(context, order.asOf, args, { orderId: order.orderId }),
  },
};
