/**
 * The rate limits' counters in Redis, so that every API process behind a load balancer spends the
 * same budget (with counters in memory, N processes would allow N times the limit). One client per
 * API process; each budget keeps its keys under its own prefix.
 */
import { MemoryStore, type ClientRateLimitInfo, type Options, type Store } from "express-rate-limit";
import { RedisStore } from "rate-limit-redis";
import { createClient } from "redis";
import type { Logger } from "pino";

import { RetryableError } from "../../lib/errors.ts";
import type { RateLimitStores } from "./rate-limit.ts";

export interface RedisRateLimits {
  readonly stores: RateLimitStores;
  close(): Promise<void>;
}

/**
 * A budget's counters in Redis, falling back to this process's memory while Redis is unreachable:
 * each process then limits on its own (N processes allow N budgets) rather than not at all, and no
 * request waits for or fails on Redis.
 */
class SharedStore implements Store {
  readonly localKeys = false;
  readonly prefix: string;
  readonly #shared: RedisStore;
  readonly #local = new MemoryStore();
  readonly #isReady: () => boolean;
  readonly #fellBack: (error: unknown) => void;

  constructor(shared: RedisStore, isReady: () => boolean, fellBack: (error: unknown) => void) {
    this.#shared = shared;
    this.prefix = shared.prefix;
    this.#isReady = isReady;
    this.#fellBack = fellBack;
  }

  async init(options: Options): Promise<void> {
    this.#local.init(options);
    // Loads the counting scripts into Redis; should Redis be away right now, counting stays local.
    await this.#shared.init(options).catch(this.#fellBack);
  }

  async #either<T>(shared: () => Promise<T>, local: () => Promise<T> | T): Promise<T> {
    if (!this.#isReady()) return local();
    try {
      return await shared();
    } catch (error) {
      this.#fellBack(error);
      return local();
    }
  }

  increment(key: string): Promise<ClientRateLimitInfo> {
    return this.#either(
      () => this.#shared.increment(key),
      () => this.#local.increment(key),
    );
  }

  get(key: string): Promise<ClientRateLimitInfo | undefined> {
    return this.#either(
      () => this.#shared.get(key),
      () => this.#local.get(key),
    );
  }

  async decrement(key: string): Promise<void> {
    await this.#either(
      () => this.#shared.decrement(key),
      () => this.#local.decrement(key),
    );
  }

  async resetKey(key: string): Promise<void> {
    await this.#local.resetKey(key);
    await this.#either(
      () => this.#shared.resetKey(key),
      () => undefined,
    );
  }

  shutdown(): void {
    this.#local.shutdown();
  }
}

/**
 * Connects to `url` and returns the stores. Fails (RetryableError) when Redis cannot be reached at
 * start; later the client reconnects in the background while the stores count in memory.
 */
export async function connectRedisRateLimits(url: string, logger: Logger): Promise<RedisRateLimits> {
  let connectedOnce = false;
  const client = createClient({
    url,
    // Commands fail at once while disconnected instead of queueing behind the reconnection.
    disableOfflineQueue: true,
    socket: {
      connectTimeout: 5_000,
      // At start a wrong REDIS_URL should stop the process with a message, not retry forever;
      // once connected, an outage is waited out.
      reconnectStrategy: (retries: number, cause: Error) =>
        connectedOnce || retries < 3 ? Math.min(100 * 2 ** retries, 5_000) : cause,
    },
  });
  client.on("ready", () => {
    connectedOnce = true;
  });
  let lastReported = 0;
  const report = (error: unknown): void => {
    // The client reports every failed reconnection; once a minute is enough for a person.
    if (Date.now() - lastReported < 60_000) return;
    lastReported = Date.now();
    logger.warn(
      { err: error instanceof Error ? error.message : String(error) },
      "redis unavailable: rate limits count in this process's memory until it is back",
    );
  };
  client.on("error", report);
  try {
    await client.connect();
  } catch (error) {
    client.destroy();
    throw new RetryableError(`REDIS_URL: cannot connect to Redis (${String(error)})`, { cause: error });
  }
  const stores: SharedStore[] = [];
  return {
    stores: (budget) => {
      const store = new SharedStore(
        new RedisStore({
          sendCommand: (...args: string[]) => client.sendCommand(args),
          prefix: `hotpot:rate-limit:${budget}:`,
        }),
        () => client.isReady,
        report,
      );
      stores.push(store);
      return store;
    },
    async close() {
      for (const store of stores) store.shutdown();
      if (client.isOpen) await client.close();
    },
  };
}
