import type { Database } from "../../lib/db/client.ts";
import type {
  CardRefund as CardRefundRow,
  Prisma,
  Redemption as RedemptionRow,
  Reward as RewardRow,
  TokenSupply as TokenSupplyRow,
  Transfer as TransferRow,
} from "../../lib/db/generated/client.ts";
import { atBlock, blockInt, logId, nodeAt, upToBlock, type AtBlock } from "./blocks.ts";
import type { GraphQLContext } from "./context.ts";
import { parseAddress, parseBlockNumber, parseHash, parseOptionalAddress, parseOptionalHash } from "./inputs.ts";
import { loadOrder, type OrderNode } from "./orders.ts";
import {
  connectionTypeDefs,
  key,
  listArguments,
  paginate,
  type Connection,
  type ListArgs,
  type ListDefinition,
  type ListSource,
} from "./pagination.ts";

const FACT_FIELDS = /* GraphQL */ `
    "<blockNumber>-<logIndex>"
    id: ID!
    blockNumber: Int!
    logIndex: Int!
    blockTimestamp: DateTime!
    txHash: String!
`;

const BLOCK_RANGE = /* GraphQL */ `
    "First block, inclusive."
    fromBlock: Int
    "Last block, inclusive."
    toBlock: Int
`;

export const typeDefs = /* GraphQL */ `
  "A HOTPOT loyalty-token transfer (mints come from and burns go to the zero address)."
  type Transfer {
    ${FACT_FIELDS}
    from: String!
    to: String!
    "Amount in wei."
    value: BigInt!
  }

  ${connectionTypeDefs("Transfer")}

  input TransferFilter {
    from: String
    to: String
    "Transfers from or to this address."
    account: String
    txHash: String
    value_gte: BigInt
    value_lte: BigInt
    ${BLOCK_RANGE}
  }

  enum TransferOrderBy {
    "Chain order."
    block
    value
  }

  "Loyalty tokens minted to a customer for an order."
  type Reward {
    ${FACT_FIELDS}
    account: String!
    orderId: ID
    "The order, as of the block the parent was read at."
    order: Order
    "Amount in wei."
    amount: BigInt!
  }

  ${connectionTypeDefs("Reward")}

  input RewardFilter {
    account: String
    orderId: ID
    ${BLOCK_RANGE}
  }

  enum RewardOrderBy {
    "Chain order."
    block
    amount
  }

  enum RedemptionReason {
    "Burned for a discount on a token order."
    discount
    "Clawed back by a card refund."
    clawback
  }

  "Loyalty tokens redeemed: burned for a discount, or clawed back by a card refund."
  type Redemption {
    ${FACT_FIELDS}
    account: String!
    "Amount in wei."
    amount: BigInt!
    redeemer: String!
    reason: RedemptionReason!
    orderId: ID
    order: Order
  }

  ${connectionTypeDefs("Redemption")}

  input RedemptionFilter {
    account: String
    orderId: ID
    reason: RedemptionReason
    ${BLOCK_RANGE}
  }

  enum RedemptionOrderBy {
    "Chain order."
    block
    amount
  }

  "A (partial) refund of a card order, recorded on chain by the settler."
  type CardRefund {
    ${FACT_FIELDS}
    orderId: ID!
    order: Order
    "The card processor's refund reference (bytes32)."
    refundRef: String!
    "Refunded amount in tetri."
    amount: BigInt!
    "What remains paid after this refund, in tetri."
    remainingAmount: BigInt!
    pointsClawedBack: BigInt!
    "Points the customer no longer held and could not be clawed back."
    pointsShortfall: BigInt!
  }

  ${connectionTypeDefs("CardRefund")}

  input CardRefundFilter {
    orderId: ID
    ${BLOCK_RANGE}
  }

  enum CardRefundOrderBy {
    "Chain order."
    block
    amount
  }

  "Supply of the loyalty token."
  type TokenSupply {
    token: String!
    totalSupply: BigInt!
    totalMinted: BigInt!
    totalBurned: BigInt!
    "Accounts with a non-zero balance."
    holders: Int!
    "The block this state began at."
    updatedBlock: Int!
  }

  extend type Query {
    transfers(${listArguments({ where: "TransferFilter", orderBy: "TransferOrderBy", asOfBlock: true })}): TransferConnection!
    rewards(${listArguments({ where: "RewardFilter", orderBy: "RewardOrderBy", asOfBlock: true })}): RewardConnection!
    redemptions(${listArguments({ where: "RedemptionFilter", orderBy: "RedemptionOrderBy", asOfBlock: true })}): RedemptionConnection!
    cardRefunds(${listArguments({ where: "CardRefundFilter", orderBy: "CardRefundOrderBy", asOfBlock: true })}): CardRefundConnection!
    "Supply of the loyalty token (the only one unless token is given); null before it is indexed."
    tokenSupply(token: String, asOfBlock: Int): TokenSupply
  }
`;

interface BlockRange {
  readonly fromBlock?: number | null;
  readonly toBlock?: number | null;
}

export interface TransferFilter extends BlockRange {
  readonly from?: string | null;
  readonly to?: string | null;
  readonly account?: string | null;
  readonly txHash?: string | null;
  readonly value_gte?: bigint | null;
  readonly value_lte?: bigint | null;
}

export interface RewardFilter extends BlockRange {
  readonly account?: string | null;
  readonly orderId?: string | null;
}

export interface RedemptionFilter extends BlockRange {
  readonly account?: string | null;
  readonly orderId?: string | null;
  readonly reason?: "discount" | "clawback" | null;
}

export interface CardRefundFilter extends BlockRange {
  readonly orderId?: string | null;
}

type FactOrderBy<Amount extends string> = "block" | Amount;

export interface FactListArgs<Filter, OrderBy extends string> extends ListArgs<OrderBy> {
  readonly where?: Filter | null;
  readonly asOfBlock?: number | null;
}

export type TransferListArgs = FactListArgs<TransferFilter, FactOrderBy<"value">>;
export type RewardListArgs = FactListArgs<RewardFilter, FactOrderBy<"amount">>;
export type RedemptionListArgs = FactListArgs<RedemptionFilter, FactOrderBy<"amount">>;
export type CardRefundListArgs = FactListArgs<CardRefundFilter, FactOrderBy<"amount">>;

interface Fact {
  readonly blockNumber: bigint;
  readonly logIndex: number;
}

/** Chain order, or an amount column with chain order breaking ties. */
function factList<Row extends Fact, Amount extends keyof Row & string>(
  amount: Amount,
): ListDefinition<Row, FactOrderBy<Amount>> {
  const chainOrder = [key<Row>("blockNumber", "bigint"), key<Row>("logIndex", "int")];
  return {
    orderings: { block: chainOrder, [amount]: [key<Row>(amount, "decimal"), ...chainOrder] } as Record<
      FactOrderBy<Amount>,
      typeof chainOrder
    >,
    defaultOrderBy: "block",
  };
}

const TRANSFERS = factList<TransferRow, "value">("value");
const REWARDS = factList<RewardRow, "amount">("amount");
const REDEMPTIONS = factList<RedemptionRow, "amount">("amount");
const CARD_REFUNDS = factList<CardRefundRow, "amount">("amount");

function sources(db: Database): {
  transfers: ListSource<TransferRow>;
  rewards: ListSource<RewardRow>;
  redemptions: ListSource<RedemptionRow>;
  cardRefunds: ListSource<CardRefundRow>;
} {
  return {
    transfers: {
      findMany: (args) => db.prisma.transfer.findMany(args),
      count: (args) => db.prisma.transfer.count(args),
    },
    rewards: {
      findMany: (args) => db.prisma.reward.findMany(args),
      count: (args) => db.prisma.reward.count(args),
    },
    redemptions: {
      findMany: (args) => db.prisma.redemption.findMany(args),
      count: (args) => db.prisma.redemption.count(args),
    },
    cardRefunds: {
      findMany: (args) => db.prisma.cardRefund.findMany(args),
      count: (args) => db.prisma.cardRefund.count(args),
    },
  };
}

function range(block: bigint, filter: BlockRange): { blockNumber: { lte: bigint; gte?: bigint } } {
  return upToBlock(
    block,
    parseBlockNumber(filter.fromBlock, "where.fromBlock"),
    parseBlockNumber(filter.toBlock, "where.toBlock"),
  );
}

/** Scopes a nested list to its parent (an account or an order) on top of the caller's filter. */
export interface FactScope {
  readonly account?: string;
  readonly orderId?: string;
}

export function listTransfers(
  context: GraphQLContext,
  block: bigint,
  args: TransferListArgs,
  scope: FactScope = {},
): Promise<Connection<AtBlock<TransferRow>>> {
  const filter = args.where ?? {};
  const account = parseOptionalAddress(filter.account, "where.account");
  const where: Prisma.TransferWhereInput = {
    AND: [
      range(block, filter),
      scope.account !== undefined ? { OR: [{ from: scope.account }, { to: scope.account }] } : {},
      account !== undefined ? { OR: [{ from: account }, { to: account }] } : {},
      filter.from != null ? { from: parseAddress(filter.from, "where.from") } : {},
      filter.to != null ? { to: parseAddress(filter.to, "where.to") } : {},
      filter.txHash != null ? { txHash: parseHash(filter.txHash, "where.txHash") } : {},
      filter.value_gte != null ? { value: { gte: filter.value_gte.toString() } } : {},
      filter.value_lte != null ? { value: { lte: filter.value_lte.toString() } } : {},
    ],
  };
  return paginate(TRANSFERS, sources(context.db).transfers, args, where, nodeAt(block));
}

export function listRewards(
  context: GraphQLContext,
  block: bigint,
  args: RewardListArgs,
  scope: FactScope = {},
): Promise<Connection<AtBlock<RewardRow>>> {
  const filter = args.where ?? {};
  const where: Prisma.RewardWhereInput = {
    AND: [
      range(block, filter),
      scope.account !== undefined ? { account: scope.account } : {},
      scope.orderId !== undefined ? { orderId: scope.orderId } : {},
      filter.account != null ? { account: parseAddress(filter.account, "where.account") } : {},
      filter.orderId != null ? { orderId: parseHash(filter.orderId, "where.orderId") } : {},
    ],
  };
  return paginate(REWARDS, sources(context.db).rewards, args, where, nodeAt(block));
}

export function listRedemptions(
  context: GraphQLContext,
  block: bigint,
  args: RedemptionListArgs,
  scope: FactScope = {},
): Promise<Connection<AtBlock<RedemptionRow>>> {
  const filter = args.where ?? {};
  const where: Prisma.RedemptionWhereInput = {
    AND: [
      range(block, filter),
      scope.account !== undefined ? { account: scope.account } : {},
      scope.orderId !== undefined ? { orderId: scope.orderId } : {},
      filter.account != null ? { account: parseAddress(filter.account, "where.account") } : {},
      filter.orderId != null ? { orderId: parseHash(filter.orderId, "where.orderId") } : {},
      filter.reason != null ? { reason: filter.reason } : {},
    ],
  };
  return paginate(REDEMPTIONS, sources(context.db).redemptions, args, where, nodeAt(block));
}

export function listCardRefunds(
  context: GraphQLContext,
  block: bigint,
  args: CardRefundListArgs,
  scope: FactScope = {},
): Promise<Connection<AtBlock<CardRefundRow>>> {
  const filter = args.where ?? {};
  const orderId = parseOptionalHash(filter.orderId, "where.orderId");
  const where: Prisma.CardRefundWhereInput = {
    AND: [
      range(block, filter),
      scope.orderId !== undefined ? { orderId: scope.orderId } : {},
      orderId !== undefined ? { orderId } : {},
    ],
  };
  return paginate(CARD_REFUNDS, sources(context.db).cardRefunds, args, where, nodeAt(block));
}

const factFields = {
  id: logId,
  blockNumber: (row: Fact): number => blockInt(row.blockNumber),
};

function orderOf(
  row: AtBlock<{ readonly orderId: string | null }>,
  _args: unknown,
  context: GraphQLContext,
): Promise<OrderNode | undefined> | undefined {
  return row.orderId === null ? undefined : loadOrder(context, row.asOf, row.orderId);
}

export const resolvers = {
  Query: {
    async transfers(
      _root: unknown,
      args: TransferListArgs,
      context: GraphQLContext,
    ): Promise<Connection<AtBlock<TransferRow>>> {
      return listTransfers(context, await context.block(args.asOfBlock), args);
    },
    async rewards(
      _root: unknown,
      args: RewardListArgs,
      context: GraphQLContext,
    ): Promise<Connection<AtBlock<RewardRow>>> {
      return listRewards(context, await context.block(args.asOfBlock), args);
    },
    async redemptions(
      _root: unknown,
      args: RedemptionListArgs,
      context: GraphQLContext,
    ): Promise<Connection<AtBlock<RedemptionRow>>> {
      return listRedemptions(context, await context.block(args.asOfBlock), args);
    },
    async cardRefunds(
      _root: unknown,
      args: CardRefundListArgs,
      context: GraphQLContext,
    ): Promise<Connection<AtBlock<CardRefundRow>>> {
      return listCardRefunds(context, await context.block(args.asOfBlock), args);
    },
    async tokenSupply(
      _root: unknown,
      args: { token?: string | null; asOfBlock?: number | null },
      context: GraphQLContext,
    ): Promise<TokenSupplyRow | null> {
      const token = parseOptionalAddress(args.token, "token");
      const block = await context.block(args.asOfBlock);
      return context.db.prisma.tokenSupply.findFirst({
        where: { AND: [atBlock(block), token === undefined ? {} : { token }] },
        orderBy: { token: "asc" },
      });
    },
  },
  Transfer: factFields,
  Reward: { ...factFields, order: orderOf },
  Redemption: { ...factFields, order: orderOf },
  CardRefund: { ...factFields, order: orderOf },
  TokenSupply: {
    updatedBlock: (row: TokenSupplyRow): number => blockInt(row.blockFrom),
  },
};
