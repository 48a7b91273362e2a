import {
  BaseError,
  BlockNotFoundError,
  HttpRequestError,
  ResponseBodyTooLargeError,
  RpcRequestError,
  TimeoutError,
  type Address,
  type Log,
  type PublicClient,
} from "viem";

import { HotPotError, RetryableError } from "../lib/errors.ts";
import type { BlockHeader } from "./store.ts";

/** The node refused the block range (too many blocks or results): fetch a smaller one. */
export class RangeTooLargeError extends HotPotError {
  override readonly name = "RangeTooLargeError";
  /** The size of the refused answer and the client's limit, when the limit refused it. */
  readonly answer: { readonly bytes: number; readonly maxBytes: number } | undefined;

  constructor(message: string, options: { cause?: unknown; answer?: { bytes: number; maxBytes: number } } = {}) {
    super(message, { cause: options.cause });
    this.answer = options.answer;
  }
}

/** The chain changed while we read it (a block vanished or a log's block hash is not the header's). */
export class ChainMovedError extends RetryableError {
  override readonly name = "ChainMovedError";
}

// Wordings providers use for range limits (Alchemy, Infura, QuickNode, geth, Hardhat/EDR, Erigon).
const RANGE_LIMIT =
  /block range|range (is )?too (large|wide)|too many (results|logs|blocks)|query returned more than|limit exceeded|response size|exceed(s|ed)? (the )?(max|maximum|limit)|log response size|max.*results/i;

/** Maps a JSON-RPC failure onto the error hierarchy; only network-level failures are retried. */
export function classifyRpcError(error: unknown): HotPotError {
  if (error instanceof HotPotError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof BlockNotFoundError) return new ChainMovedError(message, { cause: error });
  // A dense range answers with more than the HTTP client accepts (10 MiB by default in viem).
  const tooLarge =
    error instanceof BaseError ? error.walk((cause) => cause instanceof ResponseBodyTooLargeError) : null;
  if (tooLarge instanceof ResponseBodyTooLargeError) {
    return new RangeTooLargeError(message, {
      cause: error,
      answer: { bytes: tooLarge.size, maxBytes: tooLarge.maxSize },
    });
  }
  if (RANGE_LIMIT.test(message) || (error instanceof RpcRequestError && error.code === -32005)) {
    return new RangeTooLargeError(message, { cause: error });
  }
  if (error instanceof HttpRequestError || error instanceof TimeoutError) {
    const status = error instanceof HttpRequestError ? error.status : undefined;
    // 413 and 400 from gateways mean the request itself is too big; 429 and 5xx are transient.
    if (status === 413) return new RangeTooLargeError(message, { cause: error });
    if (status === undefined || status === 429 || status >= 500) return new RetryableError(message, { cause: error });
  }
  if (/fetch failed|ECONNREFUSED|ECONNRESET|socket hang up|network/i.test(message)) {
    return new RetryableError(message, { cause: error });
  }
  return new HotPotError(`JSON-RPC failed: ${message}`, { cause: error });
}

export type ChainLog = Log<bigint, number, false>;

export interface FetchedRange {
  readonly from: bigint;
  readonly to: bigint;
  readonly logs: readonly ChainLog[];
  /** Headers of `from`, `to`, and of the blocks with logs that were asked for or carried no timestamp, by number. */
  readonly headers: ReadonlyMap<bigint, BlockHeader>;
  /** The timestamp of every block with a log, by number. */
  readonly timestamps: ReadonlyMap<bigint, Date>;
}

export async function fetchHeaders(client: PublicClient, numbers: Iterable<bigint>): Promise<Map<bigint, BlockHeader>> {
  // Issued in one tick, these go out as JSON-RPC batches.
  const blocks = await Promise.all(
    [...new Set(numbers)].map((blockNumber) => client.getBlock({ blockNumber, includeTransactions: false })),
  );
  const headers = new Map<bigint, BlockHeader>();
  for (const block of blocks) {
    headers.set(block.number, {
      number: block.number,
      hash: block.hash,
      parentHash: block.parentHash,
      timestamp: new Date(Number(block.timestamp) * 1000),
    });
  }
  return headers;
}

/**
 * Logs of `addresses` in [from, to] and what is needed to place them, checked against each other.
 *
 * Nodes that put `blockTimestamp` on logs (geth 1.16+, reth, Hardhat/EDR) spare one header per
 * block with logs, which on a chain with a few events per block costs more than the logs
 * themselves. Their block hashes are then trusted because `to` has the same hash after the logs
 * were read as before: a reorg replacing any block of the range replaces `to` too. Headers are
 * still fetched for blocks with logs above `headersAbove` (the reorg window, where they are
 * remembered to find a common ancestor) and for logs without a timestamp.
 */
export async function fetchRange(
  client: PublicClient,
  addresses: readonly Address[],
  from: bigint,
  to: bigint,
  headersAbove: bigint = -1n,
): Promise<FetchedRange> {
  let logs: ChainLog[];
  let before: Map<bigint, BlockHeader>;
  let after: Map<bigint, BlockHeader>;
  try {
    // Issued in one tick: the headers and the logs share one JSON-RPC batch, headers first.
    const headersBefore = fetchHeaders(client, [from, to]);
    const logsRead = client.getLogs({ address: [...addresses], fromBlock: from, toBlock: to });
    [before, logs] = await Promise.all([headersBefore, logsRead]);
    const needed = new Set<bigint>([to]);
    for (const log of logs) {
      if (log.blockNumber > headersAbove || log.blockTimestamp === undefined) needed.add(log.blockNumber);
    }
    after = await fetchHeaders(client, needed);
  } catch (error) {
    throw classifyRpcError(error);
  }
  if ((after.get(to) as BlockHeader).hash !== (before.get(to) as BlockHeader).hash) {
    throw new ChainMovedError(`block ${to} changed while the logs of ${from}-${to} were read`);
  }
  const headers = new Map([...before, ...after]);
  const timestamps = new Map<bigint, Date>();
  const hashes = new Map<bigint, string>();
  for (const log of logs) {
    if (log.removed) throw new ChainMovedError(`log ${log.logIndex} of block ${log.blockNumber} was removed`);
    const header = headers.get(log.blockNumber);
    const hash = header?.hash ?? hashes.get(log.blockNumber) ?? log.blockHash;
    if (log.blockHash !== hash) throw new ChainMovedError(`block ${log.blockNumber} changed while its logs were read`);
    hashes.set(log.blockNumber, hash);
    if (!timestamps.has(log.blockNumber)) {
      // A log without a timestamp had its header fetched above.
      timestamps.set(log.blockNumber, header?.timestamp ?? new Date(Number(log.blockTimestamp) * 1000));
    }
  }
  logs.sort((a, b) =>
    a.blockNumber === b.blockNumber ? a.logIndex - b.logIndex : a.blockNumber < b.blockNumber ? -1 : 1,
  );
  return { from, to, logs, headers, timestamps };
}

/** Canonical hashes of the given blocks; null where the chain has no such block (any more). */
export async function fetchHashes(
  client: PublicClient,
  numbers: readonly bigint[],
): Promise<Map<bigint, string | null>> {
  const results = await Promise.all(
    numbers.map(async (blockNumber) => {
      try {
        return (await client.getBlock({ blockNumber, includeTransactions: false })).hash;
      } catch (error) {
        if (error instanceof BlockNotFoundError) return null;
        throw classifyRpcError(error);
      }
    }),
  );
  return new Map(numbers.map((number, i) => [number, results[i] ?? null]));
}
