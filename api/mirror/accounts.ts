/** Loyalty accounts in the mirror (`account`, versioned): one by address at a block, or a filtered list. */
import type { Database } from "../../lib/db/client.ts";
import type { Account as AccountRow, Prisma } from "../../lib/db/generated/client.ts";
import { atBlock, type AtBlock, type ListSource } from "./blocks.ts";
import { loadAtBlock, type MirrorReader } from "./loader.ts";

export type { AccountRow };
export type AccountNode = AtBlock<AccountRow>;

/** A validated account filter; every condition given must hold. */
export interface AccountQuery {
  readonly addresses?: readonly string[];
  readonly balanceGt?: bigint;
  readonly balanceGte?: bigint;
  readonly balanceLte?: bigint;
  readonly firstSeenFrom?: bigint;
  readonly firstSeenTo?: bigint;
}

export function accountsWhere(block: bigint, query: AccountQuery): Prisma.AccountWhereInput {
  return {
    AND: [
      atBlock(block),
      query.addresses !== undefined ? { address: { in: [...query.addresses] } } : {},
      query.balanceGt !== undefined ? { balance: { gt: query.balanceGt.toString() } } : {},
      query.balanceGte !== undefined ? { balance: { gte: query.balanceGte.toString() } } : {},
      query.balanceLte !== undefined ? { balance: { lte: query.balanceLte.toString() } } : {},
      query.firstSeenFrom !== undefined ? { firstSeenBlock: { gte: query.firstSeenFrom } } : {},
      query.firstSeenTo !== undefined ? { firstSeenBlock: { lte: query.firstSeenTo } } : {},
    ],
  };
}

export function accountRows(db: Database): ListSource<AccountRow> {
  return {
    findMany: (args) => db.prisma.account.findMany(args),
    count: (args) => db.prisma.account.count(args),
  };
}

/** An account at `block` by its lower-case address. */
export function loadAccount(reader: MirrorReader, block: bigint, address: string): Promise<AccountNode | undefined> {
  return loadAtBlock(
    reader,
    "account",
    (at, addresses) =>
      reader.db.prisma.account.findMany({ where: { AND: [atBlock(at), { address: { in: [...addresses] } }] } }),
    (row) => row.address,
    block,
    address,
  );
}
