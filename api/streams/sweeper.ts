/**
 * The heartbeat sweeper: live streams must keep showing signs of life (`last_seen_at`). The local
 * media server reports one every few seconds while the encoder is connected; providers that can
 * be asked (`isLive`: Twitch, YouTube) are polled when their last sign is older than `pollMs`.
 * Providers without online events (`pollsOnline`: YouTube) are also asked about started streams
 * waiting for video. A stream silent for `timeoutMs` (its offline event lost, its process crashed) is closed at its
 * last sign of life, so hours never count time nobody saw.
 */
import type { Logger } from "pino";

import type { StreamService } from "./service.ts";

export interface SweeperOptions {
  /** How long a live stream may stay silent before its session is closed. */
  readonly timeoutMs: number;
  /** Ask polled providers after this much silence (default timeoutMs / 3). */
  readonly pollMs?: number;
  /** How often to look (default pollMs / 2). */
  readonly intervalMs?: number;
  readonly logger: Logger;
  readonly now?: () => Date;
}

export interface Sweeper {
  /** One pass; returns the restaurants whose sessions it closed. */
  sweep(): Promise<bigint[]>;
  stop(): Promise<void>;
}

export function createSweeper(service: StreamService, options: SweeperOptions): Sweeper {
  const now = options.now ?? (() => new Date());
  const pollMs = options.pollMs ?? Math.max(1, Math.floor(options.timeoutMs / 3));
  const { logger } = options;

  async function sweep(): Promise<bigint[]> {
    const closed: bigint[] = [];
    const at = now();
    for (const stream of await service.liveStreams()) {
      const silentMs = at.getTime() - stream.lastSeenAt.getTime();
      const provider = service.providers[stream.provider];
      if (silentMs >= pollMs && provider?.isLive !== undefined && stream.providerRef !== null) {
        try {
          if (await provider.isLive(stream.providerRef)) {
            await service.seen(stream.restaurantId, at);
            continue;
          }
          // The provider says it ended: at the last sign of life, not now.
          if (await service.offline(stream.restaurantId, stream.lastSeenAt, "provider_offline")) {
            closed.push(stream.restaurantId);
          }
          continue;
        } catch (error) {
          logger.warn({ err: error, provider: stream.provider }, "stream provider not reachable; heartbeat only");
        }
      }
      if (silentMs >= options.timeoutMs) {
        if (await service.offline(stream.restaurantId, stream.lastSeenAt, "heartbeat_timeout")) {
          logger.warn({ restaurantId: stream.restaurantId.toString() }, "kitchen stream silent; session closed");
          closed.push(stream.restaurantId);
        }
      }
    }
    // Providers without online events (YouTube): a started stream turns live when they say so.
    for (const stream of await service.idleStreams()) {
      const provider = service.providers[stream.provider];
      if (provider?.pollsOnline !== true || provider.isLive === undefined) continue;
      try {
        if (await provider.isLive(stream.providerRef)) await service.online(stream.restaurantId, stream.provider, at);
      } catch (error) {
        logger.warn({ err: error, provider: stream.provider }, "stream provider not reachable");
      }
    }
    return closed;
  }

  let running: Promise<unknown> = Promise.resolve();
  let stopped = false;
  const timer = setInterval(
    () => {
      running = running.then(() =>
        stopped
          ? []
          : sweep().catch((error: unknown) => {
              logger.error({ err: error }, "stream sweep failed");
            }),
      );
    },
    options.intervalMs ?? Math.max(50, Math.floor(pollMs / 2)),
  );
  timer.unref();

  return {
    sweep,
    async stop(): Promise<void> {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
