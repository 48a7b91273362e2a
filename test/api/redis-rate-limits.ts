/**
 * Rate limits across API processes: with REDIS_URL, two API instances (each with its own Redis
 * client, as two processes behind a load balancer would have) spend one budget; without it, each
 * counts alone. During a Redis outage each process limits alone, answering without waiting for Redis.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import { pino } from "pino";

import { connectRedisRateLimits, type RedisRateLimits } from "../../api/http/redis-rate-limits.ts";
import { HAVE_REDIS_SERVER, startRedis, type TestRedis } from "../helpers/redis.ts";
import { startTestApi, type TestApi } from "../support/harness.ts";

const LIMITS = { perCallerPerMinute: 100, anonymousPerMinute: 4, failedAuthPerMinute: 4 };
const logger = pino({ level: "silent" });

async function statuses(apis: readonly TestApi[], requests: number): Promise<number[]> {
  const seen: number[] = [];
  for (let index = 0; index < requests; index += 1) {
    // Round robin, as a load balancer spreads one client's requests.
    const api = apis[index % apis.length];
    assert.ok(api !== undefined);
    seen.push((await api.query("{ _meta { chainId } }")).status);
  }
  return seen;
}

describe(
  "rate limits shared through Redis",
  { skip: HAVE_REDIS_SERVER ? false : "redis-server is not installed (.ci/run installs it)" },
  () => {
    let redis: TestRedis;
    const clients: RedisRateLimits[] = [];
    const apis: TestApi[] = [];

    before(async () => {
      redis = await startRedis();
      for (let process = 0; process < 2; process += 1) {
        const shared = await connectRedisRateLimits(redis.url, logger);
        clients.push(shared);
        apis.push(await startTestApi({ context: { rateLimits: LIMITS, rateLimitStores: shared.stores } }));
      }
    });
    after(async () => {
      await Promise.all(apis.map((api) => api.stop()));
      await Promise.all(clients.map((client) => client.close()));
      await redis.stop();
    });

    it("test_rateLimit_twoProcessesSpendOneBudget", async () => {
      assert.deepEqual(await statuses(apis, 6), [200, 200, 200, 200, 429, 429]);
    });

    it("test_rateLimit_inMemoryEachProcessCountsAlone", async () => {
      const alone = [
        await startTestApi({ context: { rateLimits: LIMITS } }),
        await startTestApi({ context: { rateLimits: LIMITS } }),
      ];
      try {
        // The contrast that makes Redis necessary: 8 requests pass where the budget is 4.
        assert.deepEqual(await statuses(alone, 8), [200, 200, 200, 200, 200, 200, 200, 200]);
      } finally {
        await Promise.all(alone.map((api) => api.stop()));
      }
    });

    it("test_rateLimit_redisDownFallsBackToThisProcess", async () => {
      const own = await startRedis();
      const shared = await connectRedisRateLimits(own.url, logger);
      const api = await startTestApi({ context: { rateLimits: LIMITS, rateLimitStores: shared.stores } });
      try {
        await own.stop();
        const started = Date.now();
        assert.deepEqual(await statuses([api], 6), [200, 200, 200, 200, 429, 429]);
        // Not a speed target: requests must not each wait for a Redis timeout (seconds).
        assert.ok(Date.now() - started < 5_000, `6 requests took ${Date.now() - started} ms`);
      } finally {
        await api.stop();
        await shared.close().catch(() => undefined);
      }
    });

    it("test_connect_failsWithRetryableErrorWhenRedisIsAbsent", async () => {
      const own = await startRedis();
      await own.stop();
      await assert.rejects(connectRedisRateLimits(own.url, logger), { name: "RetryableError", message: /REDIS_URL/ });
    });
  },
);
