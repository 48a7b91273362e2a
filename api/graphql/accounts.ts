import type {
  Account as AccountRow,
  ChainEvent as ChainEventRow,
  Redemption as RedemptionRow,
  Reward as RewardRow,
  Transfer as TransferRow,
} from "../../lib/db/generated/client.ts";
import { accountRows, accountsWhere, loadAccount, type AccountNode } from "../mirror/accounts.ts";
import { nodeAt, type AtBlock } from "../mirror/blocks.ts";
import { subject } from "../mirror/events.ts";
import { loadKyc, type KycNode } from "../mirror/kyc.ts";
import { blockInt } from "./blocks.ts";
import type { GraphQLContext } from "./context.ts";
import { listEvents } from "./events.ts";
import { parseAddress, parseAddressList, parseBlockNumber } from "./inputs.ts";
import type { OrderNode } from "../mirror/orders.ts";
import type { RestaurantNode } from "../mirror/restaurants.ts";
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
import { listRestaurants, type RestaurantListArgs } from "./restaurants.ts";
import {
  listRedemptions,
  listRewards,
  listTransfers,
  type RedemptionListArgs,
  type RewardListArgs,
  type TransferListArgs,
} from "./tokens.ts";

export const typeDefs = /* GraphQL */ `
  "An address the platform has seen: a loyalty-token holder, customer or franchisee."
  type Account {
    address: String!
    "HOTPOT balance in wei."
    balance: BigInt!
    "Rewards minted to this account over its life, in wei."
    totalEarned: BigInt!
    "Points redeemed (burned for discounts or clawed back), in wei."
    totalRedeemed: BigInt!
    "Loyalty debt in wei: card-refund clawbacks the balance could not cover, repaid first from points that come back from refunded or reclaimed token orders."
    pointsDebt: BigInt!
    transferCount: Int!
    firstSeenBlock: Int!
    "The block this state began at: its latest change."
    updatedBlock: Int!
    "The account's KYC attestation, as of the same block; null if it never had one."
    kyc: KycStatus
    "Orders this account placed."
    orders(${listArguments({ where: "OrderFilter", orderBy: "OrderOrderBy" })}): OrderConnection!
    "Restaurants whose franchise this account owns."
    restaurants(${listArguments({ where: "RestaurantFilter", orderBy: "RestaurantOrderBy" })}): RestaurantConnection!
    transfers(${listArguments({ where: "TransferFilter", orderBy: "TransferOrderBy" })}): TransferConnection!
    rewards(${listArguments({ where: "RewardFilter", orderBy: "RewardOrderBy" })}): RewardConnection!
    redemptions(${listArguments({ where: "RedemptionFilter", orderBy: "RedemptionOrderBy" })}): RedemptionConnection!
    "Every platform event about this account."
    events(${listArguments({ orderBy: "ChainEventOrderBy" })}): ChainEventConnection!
  }

  ${connectionTypeDefs("Account")}

  "Every condition given must hold."
  input AccountFilter {
    address_in: [String!]
    balance_gt: BigInt
    balance_gte: BigInt
    balance_lte: BigInt
    firstSeenBlock_gte: Int
    firstSeenBlock_lte: Int
  }

  enum AccountOrderBy {
    "The default."
    address
    balance
    totalEarned
    totalRedeemed
    transferCount
    firstSeenBlock
  }

  extend type Query {
    "An account at a block; null if the platform had not seen it by then."
    account(address: String!, asOfBlock: Int): Account
    accounts(${listArguments({ where: "AccountFilter", orderBy: "AccountOrderBy", asOfBlock: true })}): AccountConnection!
  }
`;

export type { AccountNode };

export type AccountOrderBy =
  "address" | "balance" | "totalEarned" | "totalRedeemed" | "transferCount" | "firstSeenBlock";

export interface AccountFilter {
  readonly address_in?: readonly string[] | null;
  readonly balance_gt?: bigint | null;
  readonly balance_gte?: bigint | null;
  readonly balance_lte?: bigint | null;
  readonly firstSeenBlock_gte?: number | null;
  readonly firstSeenBlock_lte?: number | null;
}

export interface AccountListArgs extends ListArgs<AccountOrderBy> {
  readonly where?: AccountFilter | null;
  readonly asOfBlock?: number | null;
}

const ACCOUNTS: ListDefinition<AccountRow, AccountOrderBy> = {
  orderings: {
    address: [key("address", "string")],
    balance: [key("balance", "decimal"), key("address", "string")],
    totalEarned: [key("totalEarned", "decimal"), key("address", "string")],
    totalRedeemed: [key("totalRedeemed", "decimal"), key("address", "string")],
    transferCount: [key("transferCount", "int"), key("address", "string")],
    firstSeenBlock: [key("firstSeenBlock", "bigint"), key("address", "string")],
  },
  defaultOrderBy: "address",
};

function listAccounts(context: GraphQLContext, block: bigint, args: AccountListArgs): Promise<Connection<AccountNode>> {
  const filter = args.where ?? {};
  const where = accountsWhere(block, {
    addresses: parseAddressList(filter.address_in, "where.address_in"),
    balanceGt: filter.balance_gt ?? undefined,
    balanceGte: filter.balance_gte ?? undefined,
    balanceLte: filter.balance_lte ?? undefined,
    firstSeenFrom: parseBlockNumber(filter.firstSeenBlock_gte, "where.firstSeenBlock_gte"),
    firstSeenTo: parseBlockNumber(filter.firstSeenBlock_lte, "where.firstSeenBlock_lte"),
  });
  return paginate(ACCOUNTS, accountRows(context.db), args, where, nodeAt(block));
}

export const resolvers = {
  Query: {
    async account(
      _root: unknown,
      args: { address: string; asOfBlock?: number | null },
      context: GraphQLContext,
    ): Promise<AccountNode | undefined> {
      const address = parseAddress(args.address, "address");
      return loadAccount(context, await context.block(args.asOfBlock), address);
    },
    async accounts(_root: unknown, args: AccountListArgs, context: GraphQLContext): Promise<Connection<AccountNode>> {
      return listAccounts(context, await context.block(args.asOfBlock), args);
    },
  },
  Account: {
    firstSeenBlock: (account: AccountNode): number => blockInt(account.firstSeenBlock),
    updatedBlock: (account: AccountNode): number => blockInt(account.blockFrom),
    kyc: (account: AccountNode, _args: unknown, context: GraphQLContext): Promise<KycNode | undefined> =>
      loadKyc(context, account.asOf, account.address),
    orders: (account: AccountNode, args: OrderListArgs, context: GraphQLContext): Promise<Connection<OrderNode>> =>
      listOrders(context, account.asOf, args, { customer: account.address }),
    restaurants: (
      account: AccountNode,
      args: RestaurantListArgs,
      context: GraphQLContext,
    ): Promise<Connection<RestaurantNode>> => listRestaurants(context, account.asOf, args, { owner: account.address }),
    transfers: (
      account: AccountNode,
      args: TransferListArgs,
      context: GraphQLContext,
    ): Promise<Connection<AtBlock<TransferRow>>> =>
      listTransfers(context, account.asOf, args, { account: account.address }),
    rewards: (
      account: AccountNode,
      args: RewardListArgs,
      context: GraphQLContext,
    ): Promise<Connection<AtBlock<RewardRow>>> =>
      listRewards(context, account.asOf, args, { account: account.address }),
    redemptions: (
      account: AccountNode,
      args: RedemptionListArgs,
      context: GraphQLContext,
    ): Promise<Connection<AtBlock<RedemptionRow>>> =>
      listRedemptions(context, account.asOf, args, { account: account.address }),
    events: (
      account: AccountNode,
      args: ListArgs<"block">,
      context: GraphQLContext,
    ): Promise<Connection<ChainEventRow>> =>
      listEvents(context, account.asOf, args, { subjects: [subject.account(account.address)] }),
  },
};
