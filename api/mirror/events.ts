/** The audit trail in the mirror (`chain_event`, append-only): decoded platform logs and their subjects. */
import type { Database } from "../../lib/db/client.ts";
import type { ChainEvent as ChainEventRow, Prisma } from "../../lib/db/generated/client.ts";
import { upToBlock, type ListSource } from "./blocks.ts";

export type { ChainEventRow };

/** The `subjects` entries the indexer writes, so one GIN lookup (`subjects @> ...`) finds a history. */
export const subject = {
  order: (orderId: string): string => `order:${orderId}`,
  account: (address: string): string => `account:${address}`,
  restaurant: (restaurantId: bigint | string): string => `restaurant:${restaurantId.toString()}`,
};

/** A validated event filter; every condition given must hold. */
export interface EventQuery {
  /** Every one of these subjects. */
  readonly subjects?: readonly string[];
  readonly txHashes?: readonly string[];
  readonly contract?: string;
  readonly contractName?: string;
  readonly eventName?: string;
  readonly fromBlock?: bigint;
  readonly toBlock?: bigint;
}

/** Events of chain `chainId` known at the end of `block` that match `query`. */
export function eventsWhere(chainId: number, block: bigint, query: EventQuery): Prisma.ChainEventWhereInput {
  const subjects = query.subjects ?? [];
  return {
    AND: [
      { chainId },
      upToBlock(block, query.fromBlock, query.toBlock),
      subjects.length > 0 ? { subjects: { hasEvery: [...subjects] } } : {},
      ...(query.txHashes ?? []).map((txHash) => ({ txHash })),
      query.contract !== undefined ? { contract: query.contract } : {},
      query.contractName !== undefined ? { contractName: query.contractName } : {},
      query.eventName !== undefined ? { eventName: query.eventName } : {},
    ],
  };
}

export function eventRows(db: Database): ListSource<ChainEventRow> {
  return {
    findMany: (args) => db.prisma.chainEvent.findMany(args),
    count: (args) => db.prisma.chainEvent.count(args),
  };
}

/** The first platform event of transaction `hash` known at `block`; null when it emitted none by then. */
export function firstEventOfTransaction(
  db: Database,
  chainId: number,
  hash: string,
  block: bigint,
): Promise<ChainEventRow | null> {
  return db.prisma.chainEvent.findFirst({
    where: { chainId, txHash: hash, blockNumber: { lte: block } },
    orderBy: [{ blockNumber: "asc" }, { logIndex: "asc" }],
  });
}
