import type pg from "pg";
import { createPublicClient, webSocket, type PublicClient } from "viem";

import { HotPotError } from "../lib/errors.ts";
import type { Logger } from "../lib/logger.ts";
import { fetchHashes } from "./rpc.ts";
import { recentBlocks, type BlockHeader, type Cursor } from "./store.ts";

/** Learns of new blocks: a newHeads subscription when the node has a WebSocket, polling always. */
export interface HeadWatcher {
  start(): void;
  stop(): Promise<void>;
  /** Resolves when a new head is announced, the poll interval passes or `wake` is called. */
  wait(): Promise<void>;
  /** Ends a pending `wait` now (a stop, a waiter for a block, a lost session). */
  wake(): void;
  /** Marks the heads announced so far as seen: a step is about to read the chain's head. */
  consume(): void;
}

/** Realtime sync's ears: a head announced while a step runs is remembered for the next wait. */
export function createHeadWatcher(wsUrl: string | undefined, pollIntervalMs: number, logger: Logger): HeadWatcher {
  let wake: (() => void) | null = null;
  // A head announced while a step runs (nobody waiting to be woken) must not be lost: the next
  // wait would then sleep a whole poll interval with a new block already there.
  let headPending = false;
  let unwatch: (() => void) | null = null;
  let closeSocket: (() => Promise<void>) | null = null;

  return {
    start(): void {
      if (wsUrl === undefined) return;
      try {
        const ws = createPublicClient({ transport: webSocket(wsUrl, { reconnect: true, retryCount: 3 }) });
        // viem caches sockets per URL and keeps them (and their reconnect timers) alive until closed.
        closeSocket = async () => {
          const rpc = await ws.transport.getRpcClient();
          rpc.close();
        };
        unwatch = ws.watchBlockNumber({
          emitOnBegin: false,
          onBlockNumber: () => {
            headPending = true;
            wake?.();
          },
          onError: (error) => {
            logger.debug({ err: error.message }, "head subscription error; polling continues");
          },
        });
      } catch (error) {
        logger.warn({ err: (error as Error).message }, "no head subscription; polling instead");
      }
    },

    async stop(): Promise<void> {
      unwatch?.();
      await closeSocket?.().catch(() => undefined);
      wake?.();
    },

    async wait(): Promise<void> {
      if (headPending) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(finish, pollIntervalMs);
        function finish(): void {
          clearTimeout(timer);
          wake = null;
          resolve();
        }
        wake = finish;
      });
    },

    wake(): void {
      wake?.();
    },

    consume(): void {
      headPending = false;
    },
  };
}

/**
 * The newest block the mirror remembers that is still on the chain: where a reorganisation
 * forked. Fails when the fork is deeper than the remembered window.
 */
export async function findCommonAncestor(
  session: pg.PoolClient,
  client: PublicClient,
  current: Cursor,
  reorgWindow: number,
): Promise<BlockHeader> {
  const remembered = await recentBlocks(session, current.chainId, current.blockNumber);
  for (let i = 0; i < remembered.length; i += 100) {
    const chunk = remembered.slice(i, i + 100);
    const hashes = await fetchHashes(
      client,
      chunk.map((block) => block.number),
    );
    const ancestor = chunk.find((block) => hashes.get(block.number) === block.hash);
    if (ancestor !== undefined) return ancestor;
  }
  throw new HotPotError(
    `chain ${current.chainId} reorganised deeper than the ${reorgWindow} remembered blocks (indexed up to ${current.blockNumber}); raise INDEXER_REORG_WINDOW and rebuild the mirror`,
  );
}
