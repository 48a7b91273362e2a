/**
 * The versioned-range reads every state query shares. A row of a derived table is the entity's state
 * for blocks [block_from, block_to); the state "as of block B" (the end of B, as The Graph's
 * `block: {number}`) is the row with block_from <= B < block_to, or block_to NULL for the current one.
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

/** Block numbers are GraphQL Ints (2^31 blocks is centuries away on any chain we serve). */
export function blockInt(block: bigint): number {
  return Number(block);
}

/** A row handed to nested resolvers with the block its parent was read at, so children read the same block. */
export type AtBlock<Row> = Row & { readonly asOf: bigint };

export function nodeAt<Row extends object>(block: bigint): (row: Row) => AtBlock<Row> {
  return (row) => ({ ...row, asOf: block });
}

/** The id of an append-only fact: its place in the chain. */
export function logId(row: { readonly blockNumber: bigint; readonly logIndex: number }): string {
  return `${row.blockNumber.toString()}-${row.logIndex.toString()}`;
}
