/**
 * Twitch through the real @twurple/api against a local fake speaking Twitch's wire format: the
 * owner names a channel, the platform subscribes to stream.online/offline (the fake verifies the
 * callback with a challenge, as Twitch does), signed notifications drive live status; bad
 * signatures, stale or future timestamps are refused, replays are deduped, and a lost offline is
 * caught by polling Helix.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import { API_PREFIX } from "../../api/rest/openapi.ts";
import { streamRoutes } from "../../api/streams/routes.ts";
import type { KitchenStreamView, StartedStream, StreamService } from "../../api/streams/service.ts";
import { createSweeper } from "../../api/streams/sweeper.ts";
import { TWITCH_WEBHOOK_PATH, twitchWebhook } from "../../api/streams/twitch-webhook.ts";
import { startFakeTwitch, type FakeTwitch, type FakeTwitchUser } from "../../local/twitch.ts";
import type { StreamProvider, StreamProviderName } from "../../api/streams/provider.ts";
import { createTwitchProvider } from "../../api/streams/providers/twitch.ts";
import type { TestDatabase } from "../helpers/database.ts";
import { eventually, logger, serve, streamFixture, type TestServer } from "./helpers.ts";

const SECRET = "eventsub-secret-for-tests";

describe("kitchen stream: Twitch EventSub", () => {
  let db: TestDatabase;
  let service: StreamService;
  let api: TestServer;
  let twitch: FakeTwitch;
  let channel: FakeTwitchUser;
  const providers: Partial<Record<StreamProviderName, StreamProvider>> = {};
  const savedPort = process.env.TWURPLE_MOCK_API_PORT;

  before(async () => {
    twitch = await startFakeTwitch();
    process.env.TWURPLE_MOCK_API_PORT = String(twitch.port);
    channel = twitch.addUser("HotPotKitchen");
    ({ db, service } = await streamFixture([1n], { providers }));
    api = await serve(streamRoutes(service), (app) => {
      app.post(`${API_PREFIX}${TWITCH_WEBHOOK_PATH}`, ...twitchWebhook(service, { db, logger, secret: SECRET }));
    });
    providers.twitch = createTwitchProvider({
      clientId: twitch.clientId,
      clientSecret: twitch.clientSecret,
      eventSubSecret: SECRET,
      callbackUrl: `${api.url}${API_PREFIX}${TWITCH_WEBHOOK_PATH}`,
    });
  });

  after(async () => {
    if (savedPort === undefined) delete process.env.TWURPLE_MOCK_API_PORT;
    else process.env.TWURPLE_MOCK_API_PORT = savedPort;
    await api.close();
    await twitch.close();
    await db.drop();
  });

  const stream = async (): Promise<KitchenStreamView> =>
    (await api.call<KitchenStreamView>("GET", "/restaurants/1/stream")).body;

  it("subscribes to the channel's stream.online/offline; the callback answers Twitch's challenge", async () => {
    const unknown = await api.call("POST", "/restaurants/1/stream/start", {
      as: "owner",
      body: { provider: "twitch", channel: "nobody_here" },
    });
    assert.equal(unknown.status, 400);
    const missing = await api.call("POST", "/restaurants/1/stream/start", {
      as: "owner",
      body: { provider: "twitch" },
    });
    assert.equal(missing.status, 400);
    const started = await api.call<StartedStream>("POST", "/restaurants/1/stream/start", {
      as: "owner",
      body: { provider: "twitch", channel: "HotPotKitchen" },
    });
    assert.equal(started.status, 200);
    assert.equal(started.body.stream.provider, "twitch");
    assert.equal(started.body.stream.playback_url, "https://www.twitch.tv/hotpotkitchen");
    assert.equal(started.body.stream_key, null);
    const subscriptions = await eventually(() => {
      const all = twitch.subscriptions();
      return Promise.resolve(
        all.length === 2 && all.every((subscription) => subscription.status === "enabled") ? all : undefined,
      );
    });
    assert.deepEqual(subscriptions.map((subscription) => subscription.type).sort(), [
      "stream.offline",
      "stream.online",
    ]);
    assert.ok(subscriptions.every((subscription) => subscription.condition.broadcaster_user_id === channel.id));
    // Starting again finds the subscriptions (Twitch answers 409) and keeps them.
    const again = await api.call("POST", "/restaurants/1/stream/start", {
      as: "owner",
      body: { provider: "twitch", channel: "hotpotkitchen" },
    });
    assert.equal(again.status, 200);
    assert.equal(twitch.subscriptions().length, 2);
  });

  // Set when the stream goes live, not when the file loads: a full run can reach these tests more
  // than the 10 minutes Twitch's timestamp window allows after loading them.
  let startedAt = new Date();

  it("goes live on a signed stream.online and ignores its replay", async () => {
    startedAt = new Date(Date.now() - 60_000);
    const [delivery] = await twitch.goLive(channel.id, startedAt);
    assert.equal(delivery?.status, 204);
    const live = await stream();
    assert.equal(live.status, "live");
    assert.equal(live.live_since, startedAt.toISOString());
    const replayId = "replayed-message-id";
    assert.equal((await twitch.deliver("stream.online", channel.id, { id: replayId })).status, 204);
    assert.equal((await twitch.deliver("stream.online", channel.id, { id: replayId })).status, 204);
    const { rows } = await db.pool.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM webhook_event WHERE source = 'twitch'",
    );
    assert.equal(rows[0]?.n, 2);
    const sessions = await db.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM stream_session");
    assert.equal(sessions.rows[0]?.n, 1);
  });

  it("refuses a bad signature and timestamps outside the 10-minute window", async () => {
    const forged = await twitch.deliver("stream.offline", channel.id, { secret: "not-the-secret-at-all" });
    assert.equal(forged.status, 403);
    const stale = await twitch.deliver("stream.offline", channel.id, { timestamp: new Date(Date.now() - 11 * 60_000) });
    assert.equal(stale.status, 403);
    const future = await twitch.deliver("stream.offline", channel.id, {
      timestamp: new Date(Date.now() + 11 * 60_000),
    });
    assert.equal(future.status, 403);
    const unsigned = await fetch(`${api.url}${API_PREFIX}${TWITCH_WEBHOOK_PATH}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    assert.equal(unsigned.status, 403);
    assert.equal((await stream()).status, "live");
  });

  it("goes offline on stream.offline and counts the hours; a second offline changes nothing", async () => {
    const offlineAt = new Date(startedAt.getTime() + 45_000);
    const [delivery] = await twitch.goOffline(channel.id, { at: offlineAt });
    assert.equal(delivery?.status, 204);
    const offline = await stream();
    assert.equal(offline.status, "offline");
    assert.ok(Math.abs(offline.hours_streamed - 45 / 3600) < 1e-6);
    assert.equal((await twitch.deliver("stream.offline", channel.id)).status, 204);
    assert.ok(Math.abs((await stream()).hours_streamed - 45 / 3600) < 1e-6);
  });

  it("closes a session whose stream.offline never arrives, by asking Helix", async () => {
    const secondStart = new Date();
    await twitch.goLive(channel.id, secondStart);
    assert.equal((await stream()).status, "live");
    const sweeper = createSweeper(service, { timeoutMs: 600_000, pollMs: 0, logger, intervalMs: 3_600_000 });
    try {
      assert.deepEqual(await sweeper.sweep(), []); // Helix: still live
      await twitch.goOffline(channel.id, { notify: false });
      assert.deepEqual(await sweeper.sweep(), [1n]);
    } finally {
      await sweeper.stop();
    }
    const { rows } = await db.pool.query<{ end_reason: string }>(
      "SELECT end_reason FROM stream_session WHERE restaurant_id = 1 ORDER BY started_at",
    );
    assert.deepEqual(
      rows.map((row) => row.end_reason),
      ["provider_offline", "provider_offline"],
    );
    assert.equal((await stream()).status, "offline");
  });
});
