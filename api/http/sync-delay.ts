/**
 * `blockchain_sync_delay_seconds` as the API serves it. The indexer measures how long the oldest
 * block it has not yet written has waited, but only while it can reach the chain: with the RPC down
 * it sees no new block and its gauge stays where it was (0 when it had caught up). So at every
 * scrape the chain is asked for its head; when it does not answer, the delay is the time since the
 * head was last seen (by a scrape, /health or /ready), or since the last indexed block's timestamp
 * when it never was. The larger of that and the indexer's own figure is reported.
 */
import { Gauge, type Registry } from "prom-client";

import type { Database } from "../../lib/db/client.ts";
import { withTimeout } from "./health.ts";

export const SYNC_DELAY_METRIC = "blockchain_sync_delay_seconds";

export interface SyncDelayOptions {
  readonly registry: Registry;
  readonly db: Database;
  readonly chainId: number;
  readonly chainHead: () => Promise<bigint>;
  /** How long a scrape waits for the chain before counting it unreachable (default 2 000 ms). */
  readonly probeTimeoutMs?: number;
  readonly now?: () => number;
}

export interface SyncDelay {
  /** The chain head, remembering when it was last seen (use it for every head lookup). */
  readonly chainHead: () => Promise<bigint>;
  /** When the chain's head was last seen (ms since the epoch), if ever. */
  readonly lastHeadSeenAt: () => number | undefined;
  readonly close: () => void;
}

export function createSyncDelay(options: SyncDelayOptions): SyncDelay {
  const now = options.now ?? Date.now;
  const probeTimeoutMs = options.probeTimeoutMs ?? 2_000;
  let seenAt: number | undefined;
  const startedAt = now();

  const chainHead = async (): Promise<bigint> => {
    const head = await options.chainHead();
    seenAt = now();
    return head;
  };

  async function indexedBlockTime(): Promise<number | undefined> {
    const { rows } = await options.db.pool.query<{ block_timestamp: Date | null }>(
      "SELECT block_timestamp FROM indexer_cursor WHERE chain_id = $1",
      [options.chainId],
    );
    return rows[0]?.block_timestamp?.getTime() ?? undefined;
  }

  // The indexer's gauge, when it shares this registry (npm start): read, no longer exported itself.
  const indexer = options.registry.getSingleMetric(SYNC_DELAY_METRIC) as Gauge | undefined;
  if (indexer !== undefined) options.registry.removeSingleMetric(SYNC_DELAY_METRIC);

  new Gauge({
    name: SYNC_DELAY_METRIC,
    help: "How long the oldest block not yet in the mirror has been waiting (0 when caught up); while the chain is unreachable, seconds since its head was last seen",
    registers: [options.registry],
    async collect() {
      const reported = indexer === undefined ? 0 : ((await indexer.get()).values[0]?.value ?? 0);
      let stalled = 0;
      try {
        await withTimeout(chainHead(), probeTimeoutMs, "the chain");
      } catch {
        const since = seenAt ?? (await indexedBlockTime().catch(() => undefined)) ?? startedAt;
        stalled = Math.max(0, (now() - since) / 1000);
      }
      this.set(Math.max(reported, stalled));
    },
  });

  return {
    chainHead,
    lastHeadSeenAt: () => seenAt,
    close() {
      options.registry.removeSingleMetric(SYNC_DELAY_METRIC);
      if (indexer !== undefined) options.registry.registerMetric(indexer);
    },
  };
}
