/**
 * The loyalty token in the mirror: append-only facts (transfers, rewards, redemptions, card refunds,
 * known from their block on) and the versioned token supply.
 */
import type { Database } from "../../lib/db/client.ts";
import type {
  CardRefund as CardRefundRow,
  Prisma,
  Redemption as RedemptionRow,
  Reward as RewardRow,
  TokenSupply as TokenSupplyRow,
  Transfer as TransferRow,
} from "../../lib/db/generated/client.ts";
import { atBlock, currentSql, upToBlock, type ListSource, type Queryable } from "./blocks.ts";

export type { CardRefundRow, RedemptionRow, RewardRow, TokenSupplyRow, TransferRow };

/** Facts known at a block, within an optional block range (both ends inclusive). */
export interface FactRange {
  readonly fromBlock?: bigint;
  readonly toBlock?: bigint;
}

export interface TransferQuery extends FactRange {
  /** Transfers from or to every one of these addresses (a parent's and the caller's). */
  readonly parties?: readonly string[];
  readonly from?: string;
  readonly to?: string;
  readonly txHash?: string;
  readonly valueGte?: bigint;
  readonly valueLte?: bigint;
}

/** Rewards, redemptions and refunds of an account or an order; each list is every id that must match. */
export interface FactQuery extends FactRange {
  readonly accounts?: readonly string[];
  readonly orderIds?: readonly string[];
}

export interface RedemptionQuery extends FactQuery {
  readonly reason?: "discount" | "clawback";
}

const range = (block: bigint, query: FactRange): { blockNumber: { lte: bigint; gte?: bigint } } =>
  upToBlock(block, query.fromBlock, query.toBlock);

export function transfersWhere(block: bigint, query: TransferQuery): Prisma.TransferWhereInput {
  return {
    AND: [
      range(block, query),
      ...(query.parties ?? []).map((party) => ({ OR: [{ from: party }, { to: party }] })),
      query.from !== undefined ? { from: query.from } : {},
      query.to !== undefined ? { to: query.to } : {},
      query.txHash !== undefined ? { txHash: query.txHash } : {},
      query.valueGte !== undefined ? { value: { gte: query.valueGte.toString() } } : {},
      query.valueLte !== undefined ? { value: { lte: query.valueLte.toString() } } : {},
    ],
  };
}

function factConditions(query: FactQuery): { account?: string; orderId?: string }[] {
  return [
    ...(query.accounts ?? []).map((account) => ({ account })),
    ...(query.orderIds ?? []).map((orderId) => ({ orderId })),
  ];
}

export function rewardsWhere(block: bigint, query: FactQuery): Prisma.RewardWhereInput {
  return { AND: [range(block, query), ...factConditions(query)] };
}

export function redemptionsWhere(block: bigint, query: RedemptionQuery): Prisma.RedemptionWhereInput {
  return {
    AND: [range(block, query), ...factConditions(query), query.reason !== undefined ? { reason: query.reason } : {}],
  };
}

/** Card refunds have no account: only `orderIds` applies. */
export function cardRefundsWhere(block: bigint, query: FactQuery): Prisma.CardRefundWhereInput {
  return { AND: [range(block, query), ...(query.orderIds ?? []).map((orderId) => ({ orderId }))] };
}

export function factRows(db: Database): {
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

/** The supply of `token` (else the first token by address) at `block`; null before it is indexed. */
export function tokenSupplyAt(db: Database, block: bigint, token?: string): Promise<TokenSupplyRow | null> {
  return db.prisma.tokenSupply.findFirst({
    where: { AND: [atBlock(block), token === undefined ? {} : { token }] },
    orderBy: { token: "asc" },
  });
}

/** Loyalty points minted and redeemed over the platform's life, now, in wei (decimal strings). */
export async function pointsToDate(sql: Queryable): Promise<{ minted: string; redeemed: string }> {
  const { rows } = await sql.query<{ minted: string; redeemed: string }>(
    `SELECT COALESCE((SELECT sum(total_minted) FROM token_supply WHERE ${currentSql()}), 0)::text AS minted,
            COALESCE((SELECT sum(amount) FROM redemption), 0)::text AS redeemed`,
  );
  const [row] = rows;
  if (row === undefined) throw new Error("points query returned no row");
  return row;
}
