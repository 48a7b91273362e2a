import type { Address, PublicClient } from "viem";

import type { Logger } from "../lib/logger.ts";
import type { EventDecoder, DecodedEvent } from "./decode.ts";
import type { IndexerMetrics } from "./metrics.ts";
import { RangeTooLargeError, fetchRange, type FetchedRange } from "./rpc.ts";

/** A block range read from the chain and decoded, with what it cost. */
export interface FetchedBatch {
  readonly from: bigint;
  readonly to: bigint;
  readonly fetched: FetchedRange;
  readonly events: DecodedEvent[];
  readonly fetchSeconds: number;
  readonly decodeSeconds: number;
}

export interface RangeFetcherOptions {
  /** Largest block range per eth_getLogs. */
  readonly maxBlockRange: number;
  /** Logs per range to aim for. */
  readonly targetLogs: number;
  /** Blocks below the head whose headers are fetched to be remembered for reorg detection. */
  readonly reorgWindow: number;
}

/** Reads the chain range by range, each sized to hold about the target number of logs. */
export interface RangeFetcher {
  /**
   * The range starting at `from`, at most up to `target`: taken from the prefetch when one starts
   * there, fetched otherwise; the range after it is prefetched. Null when the node refused the
   * range as too large: it was shrunk, ask again.
   */
  next(from: bigint, target: bigint, head: bigint): Promise<FetchedBatch | null>;
  /** Forgets the prefetched range: the chain or the session changed under it. */
  reset(): void;
}

const INITIAL_BLOCK_RANGE = 16;

/**
 * Historical sync: eth_getLogs over block ranges sized from the density of the last one, the next
 * range fetched and decoded while the current one is applied and written.
 */
export function createRangeFetcher(context: {
  readonly client: PublicClient;
  readonly decoder: EventDecoder;
  readonly addresses: readonly Address[];
  readonly options: RangeFetcherOptions;
  readonly metrics: IndexerMetrics;
  readonly logger: Logger;
}): RangeFetcher {
  const { client, decoder, addresses, options, metrics, logger } = context;
  // Starts small and grows towards the target number of logs: a first range of maxBlockRange
  // blocks on a busy chain would fetch (and hold in memory) far more than one batch.
  let range = BigInt(Math.min(options.maxBlockRange, INITIAL_BLOCK_RANGE));
  // Used only if the next range starts exactly where it begins; the same checks as for any fetch apply then.
  let prefetched: { from: bigint; to: bigint; result: Promise<FetchedBatch> } | null = null;

  async function fetchBatch(from: bigint, to: bigint, head: bigint): Promise<FetchedBatch> {
    const fetchStarted = performance.now();
    const fetched = await fetchRange(client, addresses, from, to, head - BigInt(options.reorgWindow));
    const decodeStarted = performance.now();
    const events = fetched.logs.map((log) => decoder.decode(log));
    const done = performance.now();
    return {
      from,
      to,
      fetched,
      events,
      fetchSeconds: (decodeStarted - fetchStarted) / 1000,
      decodeSeconds: (done - decodeStarted) / 1000,
    };
  }

  function prefetch(from: bigint, to: bigint, head: bigint): void {
    const result = fetchBatch(from, to, head);
    // Settled by whoever uses it; a prefetch nobody uses must not surface as unhandled.
    result.catch(() => undefined);
    prefetched = { from, to, result };
  }

  /** Shrinks the range after the node or the client refused `span` blocks. */
  function shrink(span: bigint, error: RangeTooLargeError): void {
    metrics.rpcErrors.inc({ kind: "range" });
    // When the answer's size is known, to what fits and, a log being at least ~500 bytes of
    // JSON, to no more than the target number of logs.
    const answer = error.answer;
    const share =
      answer === undefined
        ? 0.5
        : Math.min((0.8 * answer.maxBytes) / answer.bytes, (options.targetLogs * 500) / answer.bytes);
    const shrunk = BigInt(Math.floor(Number(span) * share));
    range = shrunk > 0n ? shrunk : 1n;
    logger.debug({ range: range.toString() }, "node refused the block range; shrinking it");
  }

  /**
   * Aims the next range at the target number of logs, from the density of this one: shrinks when
   * it held too many, grows (at most fourfold) when a whole range held fewer. A range cut short
   * by the head says little about density and leaves the range as it is.
   */
  function adapt(logs: number, span: bigint): void {
    const count = BigInt(logs);
    const aim = BigInt(options.targetLogs);
    if (count > aim) {
      range = (span * aim) / count > 0n ? (span * aim) / count : 1n;
    } else if (span === range) {
      const grown = count === 0n || (range * aim) / count > range * 4n ? range * 4n : (range * aim) / count;
      range = grown > BigInt(options.maxBlockRange) ? BigInt(options.maxBlockRange) : grown;
    }
  }

  return {
    async next(from: bigint, target: bigint, head: bigint): Promise<FetchedBatch | null> {
      const ahead = prefetched;
      prefetched = null;
      const usePrefetched = ahead !== null && ahead.from === from && ahead.to <= target;
      const to = usePrefetched ? ahead.to : from + range - 1n < target ? from + range - 1n : target;
      let batch: FetchedBatch;
      try {
        batch = await (usePrefetched ? ahead.result : fetchBatch(from, to, head));
      } catch (error) {
        // Shrink what was actually asked for (the chain may be shorter than the range).
        if (error instanceof RangeTooLargeError && to > from) {
          shrink(to - from + 1n, error);
          return null;
        }
        throw error;
      }
      metrics.batchDuration.observe({ phase: "fetch" }, batch.fetchSeconds);
      adapt(batch.fetched.logs.length, to - from + 1n);
      if (to < target) prefetch(to + 1n, to + range < target ? to + range : target, head);
      return batch;
    },

    reset(): void {
      prefetched = null;
    },
  };
}
