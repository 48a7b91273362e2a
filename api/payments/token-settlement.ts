/**
 * Keeps settling escrowed token orders: after every batch the indexer commits (the escrow just
 * became visible) and every `intervalMs` in case a notification was missed.
 */
import { isRetryable } from "../../lib/errors.ts";
import type { IndexPubSub } from "../notifications.ts";
import type { Platform } from "../platform.ts";
import { settleTokenOrders } from "./token.ts";

export interface TokenSettlement {
  /** One pass now (tests, and the loop itself). */
  runOnce(): Promise<number>;
  stop(): Promise<void>;
}

export function startTokenSettlement(
  platform: Platform,
  options: { intervalMs: number; pubSub?: IndexPubSub },
): TokenSettlement {
  let stopped = false;
  let running: Promise<number> | undefined;
  const runOnce = (): Promise<number> => {
    // One pass at a time; a trigger during a pass joins it.
    running ??= settleTokenOrders(platform).finally(() => {
      running = undefined;
    });
    return running;
  };
  const tick = (): void => {
    if (stopped) return;
    runOnce().catch((error: unknown) => {
      const level = isRetryable(error) ? "warn" : "error";
      platform.logger[level]({ err: error }, "settling escrowed token orders failed; will try again");
    });
  };
  const timer = setInterval(tick, options.intervalMs);
  timer.unref();
  const subscription = options.pubSub?.subscribe("indexed");
  const listening = (async (): Promise<void> => {
    if (subscription === undefined) return;
    // Each committed batch is only a trigger; its content does not matter here.
    // eslint-disable-next-line @typescript-eslint/no-unused-vars
    for await (const _ of subscription) tick();
  })();
  return {
    runOnce,
    async stop(): Promise<void> {
      stopped = true;
      clearInterval(timer);
      await subscription?.return();
      await listening.catch(() => undefined);
      await running?.catch(() => undefined);
    },
  };
}
