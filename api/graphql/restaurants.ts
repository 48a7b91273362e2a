import type { ChainEvent as ChainEventRow, Franchise as FranchiseRow } from "../../lib/db/generated/client.ts";
import { loadAccount, type AccountNode } from "../mirror/accounts.ts";
import { nodeAt } from "../mirror/blocks.ts";
import { subject } from "../mirror/events.ts";
import {
  franchiseRows,
  loadRestaurant,
  restaurantsWhere,
  type RestaurantNode,
  type RestaurantQuery,
} from "../mirror/restaurants.ts";
import { blockInt } from "./blocks.ts";
import type { GraphQLContext } from "./context.ts";
import { listEvents } from "./events.ts";
import { parseBlockNumber, parseOptionalAddress } from "./inputs.ts";
import type { OrderNode } from "../mirror/orders.ts";
import { listOrders, type OrderListArgs } from "./orders.ts";
import {
  connectionTypeDefs,
  key,
  listArguments,
  paginate,
  type Connection,
  type ListArgs,
  type ListDefinition,
} from "./pagination.ts";

export const typeDefs = /* GraphQL */ `
  "A restaurant's franchise: the FranchiseNFT token whose id is the restaurant id."
  type Restaurant {
    "The restaurant id, which is also its FranchiseNFT token id."
    id: BigInt!
    "The franchisee holding the NFT."
    owner: String!
    "The owner's loyalty account, as of the same block; null if it has none."
    ownerAccount: Account
    "Platform fee in basis points."
    feeBps: Int!
    "Metadata (name, location) on IPFS."
    metadataUri: String!
    active: Boolean!
    registeredBlock: Int!
    registeredAt: DateTime!
    "Running totals of settled orders (token orders when fulfilled, card orders when settled)."
    totals: RestaurantTotals!
    "The block this state began at: its latest change."
    updatedBlock: Int!
    orders(${listArguments({ where: "OrderFilter", orderBy: "OrderOrderBy" })}): OrderConnection!
    events(${listArguments({ orderBy: "ChainEventOrderBy" })}): ChainEventConnection!
  }

  type RestaurantTotals {
    orderCount: Int!
    revenue: BigInt!
    franchiseeAmount: BigInt!
    platformFees: BigInt!
  }

  ${connectionTypeDefs("Restaurant")}

  "Every condition given must hold."
  input RestaurantFilter {
    id_in: [BigInt!]
    owner: String
    active: Boolean
    registeredBlock_gte: Int
    registeredBlock_lte: Int
  }

  enum RestaurantOrderBy {
    "Restaurant id (the default)."
    id
    registeredBlock
    revenue
    orderCount
    "Block of the latest change."
    updatedBlock
  }

  extend type Query {
    restaurant(id: BigInt!, asOfBlock: Int): Restaurant
    restaurants(${listArguments({ where: "RestaurantFilter", orderBy: "RestaurantOrderBy", asOfBlock: true })}): RestaurantConnection!
  }
`;

export type { RestaurantNode };

export type RestaurantOrderBy = "id" | "registeredBlock" | "revenue" | "orderCount" | "updatedBlock";

export interface RestaurantFilter {
  readonly id_in?: readonly bigint[] | null;
  readonly owner?: string | null;
  readonly active?: boolean | null;
  readonly registeredBlock_gte?: number | null;
  readonly registeredBlock_lte?: number | null;
}

export interface RestaurantListArgs extends ListArgs<RestaurantOrderBy> {
  readonly where?: RestaurantFilter | null;
  readonly asOfBlock?: number | null;
}

const RESTAURANTS: ListDefinition<FranchiseRow, RestaurantOrderBy> = {
  orderings: {
    id: [key("restaurantId", "decimal")],
    registeredBlock: [key("registeredBlock", "bigint"), key("restaurantId", "decimal")],
    revenue: [key("revenue", "decimal"), key("restaurantId", "decimal")],
    orderCount: [key("orderCount", "int"), key("restaurantId", "decimal")],
    updatedBlock: [key("blockFrom", "bigint"), key("restaurantId", "decimal")],
  },
  defaultOrderBy: "id",
};

export function listRestaurants(
  context: GraphQLContext,
  block: bigint,
  args: RestaurantListArgs,
  scope: RestaurantQuery = {},
): Promise<Connection<RestaurantNode>> {
  const filter = args.where ?? {};
  const where = restaurantsWhere(block, scope, {
    restaurantIds: filter.id_in ?? undefined,
    owner: parseOptionalAddress(filter.owner, "where.owner"),
    active: filter.active ?? undefined,
    registeredFrom: parseBlockNumber(filter.registeredBlock_gte, "where.registeredBlock_gte"),
    registeredTo: parseBlockNumber(filter.registeredBlock_lte, "where.registeredBlock_lte"),
  });
  return paginate(RESTAURANTS, franchiseRows(context.db), args, where, nodeAt(block));
}

export const resolvers = {
  Query: {
    async restaurant(
      _root: unknown,
      args: { id: bigint; asOfBlock?: number | null },
      context: GraphQLContext,
    ): Promise<RestaurantNode | undefined> {
      return loadRestaurant(context, await context.block(args.asOfBlock), args.id.toString());
    },
    async restaurants(
      _root: unknown,
      args: RestaurantListArgs,
      context: GraphQLContext,
    ): Promise<Connection<RestaurantNode>> {
      return listRestaurants(context, await context.block(args.asOfBlock), args);
    },
  },
  Restaurant: {
    id: (restaurant: RestaurantNode): string => restaurant.restaurantId.toFixed(),
    registeredBlock: (restaurant: RestaurantNode): number => blockInt(restaurant.registeredBlock),
    updatedBlock: (restaurant: RestaurantNode): number => blockInt(restaurant.blockFrom),
    totals: (restaurant: RestaurantNode): RestaurantNode => restaurant,
    ownerAccount: (
      restaurant: RestaurantNode,
      _args: unknown,
      context: GraphQLContext,
    ): Promise<AccountNode | undefined> => loadAccount(context, restaurant.asOf, restaurant.owner),
    orders: (
      restaurant: RestaurantNode,
      args: OrderListArgs,
      context: GraphQLContext,
    ): Promise<Connection<OrderNode>> =>
      listOrders(context, restaurant.asOf, args, { restaurantId: BigInt(restaurant.restaurantId.toFixed()) }),
    events: (
      restaurant: RestaurantNode,
      args: ListArgs<"block">,
      context: GraphQLContext,
    ): Promise<Connection<ChainEventRow>> =>
      listEvents(context, restaurant.asOf, args, { subjects: [subject.restaurant(restaurant.restaurantId.toFixed())] }),
  },
};
