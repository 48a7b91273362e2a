import { logId, nodeAt, type AtBlock } from "../mirror/blocks.ts";
import { loadOrder, type OrderNode } from "../mirror/orders.ts";
import {
  cardRefundsWhere,
  factRows,
  redemptionsWhere,
  rewardsWhere,
  tokenSupplyAt,
  transfersWhere,
  type CardRefundRow,
  type FactQuery,
  type FactRange,
  type RedemptionRow,
  type RewardRow,
  type TokenSupplyRow,
  type TransferRow,
} from "../mirror/tokens.ts";
import { blockInt } from "./blocks.ts";
import type { GraphQLContext } from "./context.ts";
import { parseAddress, parseBlockNumber, parseHash, parseOptionalAddress, parseOptionalHash } from "./inputs.ts";
import {
  connectionTypeDefs,
  key,
  listArguments,
  paginate,
  type Connection,
  type ListArgs,
  type ListDefinition,
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

function range(filter: BlockRange): FactRange {
  return {
    fromBlock: parseBlockNumber(filter.fromBlock, "where.fromBlock"),
    toBlock: parseBlockNumber(filter.toBlock, "where.toBlock"),
  };
}

/** Scopes a nested list to its parent (an account or an order) on top of the caller's filter. */
export interface FactScope {
  readonly account?: string;
  readonly orderId?: string;
}

const present = <T>(...values: (T | undefined)[]): T[] => values.filter((value) => value !== undefined);

/** The parent's account and order with the caller's, each of which must match. */
function factQuery(scope: FactScope, filter: RewardFilter): FactQuery {
  return {
    ...range(filter),
    accounts: present(
      scope.account,
      filter.account != null ? parseAddress(filter.account, "where.account") : undefined,
    ),
    orderIds: present(scope.orderId, filter.orderId != null ? parseHash(filter.orderId, "where.orderId") : undefined),
  };
}

export function listTransfers(
  context: GraphQLContext,
  block: bigint,
  args: TransferListArgs,
  scope: FactScope = {},
): Promise<Connection<AtBlock<TransferRow>>> {
  const filter = args.where ?? {};
  const where = transfersWhere(block, {
    ...range(filter),
    parties: present(scope.account, parseOptionalAddress(filter.account, "where.account")),
    from: filter.from != null ? parseAddress(filter.from, "where.from") : undefined,
    to: filter.to != null ? parseAddress(filter.to, "where.to") : undefined,
    txHash: filter.txHash != null ? parseHash(filter.txHash, "where.txHash") : undefined,
    valueGte: filter.value_gte ?? undefined,
    valueLte: filter.value_lte ?? undefined,
  });
  return paginate(TRANSFERS, factRows(context.db).transfers, args, where, nodeAt(block));
}

export function listRewards(
  context: GraphQLContext,
  block: bigint,
  args: RewardListArgs,
  scope: FactScope = {},
): Promise<Connection<AtBlock<RewardRow>>> {
  const where = rewardsWhere(block, factQuery(scope, args.where ?? {}));
  return paginate(REWARDS, factRows(context.db).rewards, args, where, nodeAt(block));
}

export function listRedemptions(
  context: GraphQLContext,
  block: bigint,
  args: RedemptionListArgs,
  scope: FactScope = {},
): Promise<Connection<AtBlock<RedemptionRow>>> {
  const filter = args.where ?? {};
  const where = redemptionsWhere(block, { ...factQuery(scope, filter), reason: filter.reason ?? undefined });
  return paginate(REDEMPTIONS, factRows(context.db).redemptions, args, where, nodeAt(block));
}

export function listCardRefunds(
  context: GraphQLContext,
  block: bigint,
  args: CardRefundListArgs,
  scope: FactScope = {},
): Promise<Connection<AtBlock<CardRefundRow>>> {
  const filter = args.where ?? {};
  const where = cardRefundsWhere(block, {
    ...range(filter),
    orderIds: present(scope.orderId, parseOptionalHash(filter.orderId, "where.orderId")),
  });
  return paginate(CARD_REFUNDS, factRows(context.db).cardRefunds, args, where, nodeAt(block));
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
      return tokenSupplyAt(context.db, block, token);
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
