import type pg from "pg";

/**
 * The versioned-range reads every mirror query shares. A row of a derived table is the entity's state
 * for blocks [block_from, block_to); the state "as of block B" (the end of B, as The Graph's
 * `block: {number}`) is the row with block_from <= B < block_to, or block_to NULL for the current one.
 * Append-only tables (events, transfers, rewards, ...) have no range: a fact is known from its block on.
 */

/** The block to read when nothing is indexed yet: no row has block_from <= -1. */
export const NOTHING_INDEXED = -1n;

export interface AtBlockWhere {
  blockFrom: { lte: bigint };
  OR: [{ blockTo: null }, { blockTo: { gt: bigint } }];
}

/** The state of a versioned table at the end of `block`. */
export function atBlock(block: bigint): AtBlockWhere {
  return { blockFrom: { lte: block }, OR: [{ blockTo: null }, { blockTo: { gt: block } }] };
}

/** The facts of an append-only table known at the end of `block`. */
export function upToBlock(block: bigint, from?: bigint, to?: bigint): { blockNumber: { lte: bigint; gte?: bigint } } {
  const upper = to !== undefined && to < block ? to : block;
  return { blockNumber: from === undefined ? { lte: upper } : { lte: upper, gte: from } };
}

const column = (alias: string | undefined, name: string): string => (alias === undefined ? name : `${alias}.${name}`);

/** SQL: `alias`'s row is the current state (what the indexer last wrote), for raw queries the ORM cannot express. */
export function currentSql(alias?: string): string {
  return `${column(alias, "block_to")} IS NULL`;
}

/** SQL: `alias`'s row is the state at the end of the block in parameter `block` (e.g. `$4`). */
export function atBlockSql(alias: string | undefined, block: string): string {
  const to = column(alias, "block_to");
  return `${column(alias, "block_from")} <= ${block} AND (${to} IS NULL OR ${to} > ${block})`;
}

/** A row handed on with the block it was read at, so what is read from it reads the same block. */
export type AtBlock<Row> = Row & { readonly asOf: bigint };

export function nodeAt<Row extends object>(block: bigint): (row: Row) => AtBlock<Row> {
  return (row) => ({ ...row, asOf: block });
}

/** The id of an append-only fact: its place in the chain. */
export function logId(row: { readonly blockNumber: bigint; readonly logIndex: number }): string {
  return `${row.blockNumber.toString()}-${row.logIndex.toString()}`;
}

export type Where = Record<string, unknown>;
export type SortOrder = "asc" | "desc";

/** A Prisma model delegate as list readers use it; each table adapts its typed delegate to this. */
export interface ListSource<Row> {
  findMany(args: { where: Where; orderBy: Record<string, SortOrder>[]; take: number }): Promise<Row[]>;
  count(args: { where: Where }): Promise<number>;
}

/** Where raw reads run: the pool, or a client inside the caller's transaction (for reads that must agree). */
export type Queryable = Pick<pg.PoolClient, "query">;
