import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { ConfigError } from "./errors.ts";
import { loadConfig } from "./config.ts";

describe("loadConfig: rate limits and the metrics token", () => {
  it("defaults the failed-credential limit to 30 per minute and leaves /metrics open", () => {
    const config = loadConfig({});
    assert.equal(config.rateLimits.failedAuthPerMinute, 30);
    assert.equal(config.metricsToken, undefined);
  });

  it("reads RATE_LIMIT_FAILED_AUTH_PER_MINUTE and METRICS_TOKEN", () => {
    const config = loadConfig({ RATE_LIMIT_FAILED_AUTH_PER_MINUTE: "5", METRICS_TOKEN: "scrape-token-0123456789" });
    assert.equal(config.rateLimits.failedAuthPerMinute, 5);
    assert.equal(config.metricsToken, "scrape-token-0123456789");
  });

  it("refuses a short METRICS_TOKEN without echoing it", () => {
    assert.throws(
      () => loadConfig({ METRICS_TOKEN: "short" }),
      (error) =>
        error instanceof ConfigError && /METRICS_TOKEN/.test(error.message) && !error.message.includes("short"),
    );
    assert.throws(() => loadConfig({ RATE_LIMIT_FAILED_AUTH_PER_MINUTE: "0" }), ConfigError);
  });

  it("keeps the counters in memory without REDIS_URL, and takes only redis:// or rediss:// URLs", () => {
    assert.equal(loadConfig({}).redisUrl, undefined);
    assert.equal(loadConfig({ REDIS_URL: "rediss://:secret@cache:6380/0" }).redisUrl, "rediss://:secret@cache:6380/0");
    assert.throws(
      () => loadConfig({ REDIS_URL: "http://:secret@cache:6379" }),
      (error: unknown) =>
        error instanceof ConfigError && /REDIS_URL/.test(error.message) && !error.message.includes("secret"),
    );
  });
});
