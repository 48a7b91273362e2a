/**
 * How the indexer tells the API that a batch committed: `pg_notify` on one channel inside the
 * write transaction (so it is delivered on commit, never for a rolled-back batch), with a small
 * JSON payload: {"chainId":31337,"fromBlock":"12","toBlock":"15","orders":["0x…"],"reorg":false}.
 * `orders` lists the ids of the orders whose rows changed, or is null when they would not fit.
 */
export const INDEXED_CHANNEL = "hotpot_indexed";

// Postgres caps a NOTIFY payload at 8000 bytes.
const MAX_PAYLOAD_BYTES = 7_000;

export function encodeIndexedNotification(batch: {
  readonly chainId: number;
  readonly fromBlock: bigint;
  readonly toBlock: bigint;
  readonly orders: readonly string[];
  readonly reorg: boolean;
}): string {
  const payload = { ...batch, fromBlock: batch.fromBlock.toString(), toBlock: batch.toBlock.toString() };
  const text = JSON.stringify(payload);
  return Buffer.byteLength(text) <= MAX_PAYLOAD_BYTES ? text : JSON.stringify({ ...payload, orders: null });
}
