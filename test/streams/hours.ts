/**
 * Hours streamed stay right whatever the providers' events do: duplicates, an offline that never
 * comes (heartbeat timeout closes the session at the last sign of life), a late offline after the
 * timeout, out-of-order and replayed onlines, an offline time before the start, events for a
 * stopped stream or another provider, and a polled provider that says it ended.
 */
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";

import { Registry } from "prom-client";

import { registerStreamMetrics } from "../../api/streams/metrics.ts";
import type { StreamService } from "../../api/streams/service.ts";
import { createSweeper } from "../../api/streams/sweeper.ts";
import type { StreamProvider } from "../../api/streams/provider.ts";
import type { TestDatabase } from "../helpers/database.ts";
import { logger, PRINCIPALS, streamFixture } from "./helpers.ts";

const T0 = Date.parse("2026-11-26T10:00:00.000Z");
const at = (seconds: number): Date => new Date(T0 + seconds * 1000);
const HOUR = 3600;
/** Hours are reported to 6 decimals (3.6 ms). */
const near = (actual: number | undefined, expected: number): void => {
  assert.ok(actual !== undefined && Math.abs(actual - expected) < 1e-6, `${actual} h, expected ${expected} h`);
};

describe("kitchen stream hours", () => {
  let db: TestDatabase;
  let service: StreamService;
  let clock = at(0);
  let twitchLive = true;
  const fakeLocal: StreamProvider = {
    name: "local",
    prepare: () =>
      Promise.resolve({
        keyHash: "0".repeat(64),
        streamKey: "k",
        ingestUrl: "rtmp://x/live",
        providerRef: null,
        playbackUrl: "http://x/1.flv",
      }),
    finish: () => Promise.resolve(),
  };
  const fakeTwitch: StreamProvider = {
    name: "twitch",
    prepare: () => Promise.resolve({ providerRef: "4242", playbackUrl: "https://www.twitch.tv/kitchen" }),
    finish: () => Promise.resolve(),
    isLive: () => Promise.resolve(twitchLive),
  };
  let restaurant = 0n;

  before(async () => {
    ({ db, service } = await streamFixture([1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n, 9n], {
      providers: { local: fakeLocal, twitch: fakeTwitch },
      now: () => clock,
    }));
  });
  after(async () => {
    await db.drop();
  });
  beforeEach(async () => {
    restaurant += 1n;
    clock = at(0);
    await service.start(PRINCIPALS.owner, restaurant);
  });

  const sessions = async (id: bigint) =>
    (
      await db.pool.query<{ seconds: number; end_reason: string | null }>(
        `SELECT extract(epoch FROM ended_at - started_at)::float AS seconds, end_reason
           FROM stream_session WHERE restaurant_id = $1 ORDER BY started_at`,
        [id.toString()],
      )
    ).rows;
  const hoursOf = async (id: bigint): Promise<number> =>
    (await service.hours()).restaurants.find((row) => row.restaurant_id === id.toString())?.hours ?? 0;

  it("counts one session once when online and offline both arrive twice", async () => {
    assert.equal(await service.online(restaurant, "local", at(0)), true);
    assert.equal(await service.online(restaurant, "local", at(5)), false);
    assert.equal(await service.offline(restaurant, at(HOUR), "unpublished"), true);
    assert.equal(await service.offline(restaurant, at(HOUR), "unpublished"), false);
    assert.equal(await service.offline(restaurant, at(2 * HOUR), "unpublished"), false);
    assert.deepEqual(await sessions(restaurant), [{ seconds: HOUR, end_reason: "unpublished" }]);
    assert.equal(await hoursOf(restaurant), 1);
  });

  it("ignores an online replayed after the offline (older than the session's end)", async () => {
    await service.online(restaurant, "local", at(0));
    await service.offline(restaurant, at(600), "unpublished");
    assert.equal(await service.online(restaurant, "local", at(0)), false);
    assert.equal(await service.online(restaurant, "local", at(600)), false);
    assert.equal((await service.get(restaurant))?.status, "offline");
    assert.equal((await sessions(restaurant)).length, 1);
    // A genuinely new publish later is a second session.
    assert.equal(await service.online(restaurant, "local", at(900)), true);
    await service.offline(restaurant, at(1200), "unpublished");
    assert.deepEqual(
      (await sessions(restaurant)).map((row) => row.seconds),
      [600, 300],
    );
    assert.equal(await hoursOf(restaurant), 900 / HOUR);
  });

  it("closes a silent stream at its last sign of life when the offline never arrives", async () => {
    const sweeper = createSweeper(service, { timeoutMs: 60_000, logger, now: () => clock, intervalMs: 3_600_000 });
    try {
      await service.online(restaurant, "local", at(0));
      await service.seen(restaurant, at(30));
      await service.seen(restaurant, at(20)); // out of order: never moves back
      clock = at(80);
      assert.deepEqual(await sweeper.sweep(), []); // silent 50 s < 60 s
      near((await service.get(restaurant))?.hours_streamed, 30 / HOUR); // an open session counts to its last sign
      clock = at(95);
      assert.deepEqual(await sweeper.sweep(), [restaurant]);
      assert.deepEqual(await sessions(restaurant), [{ seconds: 30, end_reason: "heartbeat_timeout" }]);
      assert.equal((await service.get(restaurant))?.status, "offline");
      // The lost offline finally arrives: nothing changes.
      assert.equal(await service.offline(restaurant, at(500), "unpublished"), false);
      near(await hoursOf(restaurant), 30 / HOUR);
      assert.deepEqual(await sweeper.sweep(), []);
    } finally {
      await sweeper.stop();
    }
  });

  it("clamps an offline stamped before the start to a zero-length session", async () => {
    await service.online(restaurant, "local", at(100));
    assert.equal(await service.offline(restaurant, at(50), "unpublished"), true);
    assert.deepEqual(await sessions(restaurant), [{ seconds: 0, end_reason: "unpublished" }]);
    assert.equal(await hoursOf(restaurant), 0);
  });

  it("ignores events for a stopped stream and for another provider; stop closes the session", async () => {
    assert.equal(await service.online(restaurant, "twitch", at(0)), false);
    await service.online(restaurant, "local", at(0));
    clock = at(120);
    const stopped = await service.stop(PRINCIPALS.owner, restaurant);
    assert.equal(stopped.status, "stopped");
    near(stopped.hours_streamed, 120 / HOUR);
    assert.equal(await service.online(restaurant, "local", at(200)), false);
    assert.equal(await service.offline(restaurant, at(300), "unpublished"), false);
    assert.deepEqual(await sessions(restaurant), [{ seconds: 120, end_reason: "stopped" }]);
    await assert.rejects(service.stop(PRINCIPALS.stranger, restaurant), /franchisee or an admin/);
  });

  it("polls a provider that can be asked: still live keeps the session, ended closes it at the last sign", async () => {
    await service.start(PRINCIPALS.owner, restaurant, { provider: "twitch" });
    const sweeper = createSweeper(service, {
      timeoutMs: 90_000,
      pollMs: 30_000,
      logger,
      now: () => clock,
      intervalMs: 3_600_000,
    });
    try {
      await service.online(restaurant, "twitch", at(0));
      twitchLive = true;
      clock = at(40);
      assert.deepEqual(await sweeper.sweep(), []);
      assert.equal((await service.get(restaurant))?.last_seen_at, at(40).toISOString());
      twitchLive = false;
      clock = at(75);
      assert.deepEqual(await sweeper.sweep(), [restaurant]);
      assert.deepEqual(await sessions(restaurant), [{ seconds: 40, end_reason: "provider_offline" }]);
    } finally {
      twitchLive = true;
      await sweeper.stop();
    }
  });

  it("sums every restaurant's sessions into the total, past the seed's 100 hours", async () => {
    // 60 sessions of 2 h at this restaurant.
    for (let index = 0; index < 60; index++) {
      await service.online(restaurant, "local", at(index * 3 * HOUR));
      await service.offline(restaurant, at(index * 3 * HOUR + 2 * HOUR), "unpublished");
    }
    const hours = await service.hours();
    assert.equal(hours.restaurants.find((row) => row.restaurant_id === restaurant.toString())?.hours, 120);
    const sum = hours.restaurants.reduce((total, row) => total + row.hours, 0);
    assert.ok(Math.abs(hours.total_hours - sum) < 1e-6);
    assert.ok(hours.total_hours > 100);
    const registry = new Registry();
    registerStreamMetrics(registry, service);
    const text = await registry.metrics();
    assert.match(text, new RegExp(`kitchen_stream_hours_total\\{restaurant_id="${restaurant}"\\} 120\n`));
    assert.match(text, /kitchen_streams_live \d+\n/);
  });

  it("keeps one session under concurrent duplicate onlines and offlines", async () => {
    const onlines = await Promise.all(Array.from({ length: 8 }, () => service.online(restaurant, "local", at(10))));
    assert.equal(onlines.filter(Boolean).length, 1);
    const offlines = await Promise.all(
      Array.from({ length: 8 }, () => service.offline(restaurant, at(70), "unpublished")),
    );
    assert.equal(offlines.filter(Boolean).length, 1);
    assert.deepEqual(await sessions(restaurant), [{ seconds: 60, end_reason: "unpublished" }]);
  });
});
