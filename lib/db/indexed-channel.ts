/**
 * How the indexer tells the API that a batch committed: `pg_notify` on one channel inside the
 * write transaction (so it is delivered on commit, never for a rolled-back batch), with a small
 * JSON payload: {"chainId":31337,"fromBlock":"12","toBlock":"15","orders":["0x…"],"reorg":false}.
 * `orders` lists the ids of the orders whose rows changed, or is null when they would not fit.
 * The indexer encodes it and the API decodes it here, so both sides read one spelling.
 */
export const INDEXED_CHANNEL = "hotpot_indexed";

// Postgres caps a NOTIFY payload at 8000 bytes.
const MAX_PAYLOAD_BYTES = 7_000;

export interface IndexedBatch {
  readonly chainId: number;
  readonly fromBlock: bigint;
  readonly toBlock: bigint;
  /** Lower-case ids of the orders whose rows changed; null when too many to list. */
  readonly orders: readonly string[] | null;
  /** The batch rolled rows back (a chain reorganisation) before writing. */
  readonly reorg: boolean;
}

export function encodeIndexedNotification(batch: IndexedBatch & { readonly orders: readonly string[] }): string {
  const payload = { ...batch, fromBlock: batch.fromBlock.toString(), toBlock: batch.toBlock.toString() };
  const text = JSON.stringify(payload);
  return Buffer.byteLength(text) <= MAX_PAYLOAD_BYTES ? text : JSON.stringify({ ...payload, orders: null });
}

const ORDER_ID = /^0x[0-9a-fA-F]{64}$/;

function blockOf(value: unknown): bigint | undefined {
  if (typeof value === "string" && /^\d+$/.test(value)) return BigInt(value);
  if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) return BigInt(value);
  return undefined;
}

/** Reads a notification payload; anything malformed is reported, not thrown, so one bad message cannot stop the feed. */
export function parseIndexedPayload(payload: string): IndexedBatch | { readonly error: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch {
    return { error: "payload is not JSON" };
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
    return { error: "payload is not an object" };
  const fields = parsed as Record<string, unknown>;
  const chainId = fields.chainId;
  if (typeof chainId !== "number" || !Number.isSafeInteger(chainId)) return { error: "chainId is not an integer" };
  const fromBlock = blockOf(fields.fromBlock);
  const toBlock = blockOf(fields.toBlock);
  if (fromBlock === undefined || toBlock === undefined) return { error: "fromBlock/toBlock are not block numbers" };
  let orders: string[] | null = null;
  if (Array.isArray(fields.orders)) {
    const ids: unknown[] = fields.orders;
    if (!ids.every((id): id is string => typeof id === "string" && ORDER_ID.test(id))) {
      return { error: "orders holds something other than bytes32 ids" };
    }
    orders = [...new Set(ids.map((id) => id.toLowerCase()))];
  } else if (fields.orders !== null && fields.orders !== undefined) {
    return { error: "orders is neither a list nor null" };
  }
  const reorg = fields.reorg === true;
  return { chainId, fromBlock, toBlock, orders, reorg };
}
