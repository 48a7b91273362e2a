/**
 * YouTube Live through the real @googleapis/youtube client against a local fake of the Data API:
 * start creates and binds a broadcast and an RTMP stream (the key is returned once and kept only
 * as a hash), polling turns the restaurant live and offline as the broadcast's lifeCycleStatus
 * moves, and stop completes a live broadcast.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import { streamRoutes } from "../../api/streams/routes.ts";
import type { KitchenStreamView, StartedStream, StreamService } from "../../api/streams/service.ts";
import { createSweeper, type Sweeper } from "../../api/streams/sweeper.ts";
import { startFakeYouTube, type FakeYouTube } from "../../local/youtube.ts";
import { hashStreamKey } from "../../api/streams/keys.ts";
import { createYouTubeProvider } from "../../api/streams/providers/youtube.ts";
import type { TestDatabase } from "../helpers/database.ts";
import { logger, serve, streamFixture, type TestServer } from "./helpers.ts";

describe("kitchen stream: YouTube Live", () => {
  let db: TestDatabase;
  let service: StreamService;
  let api: TestServer;
  let fake: FakeYouTube;
  let sweeper: Sweeper;

  before(async () => {
    fake = await startFakeYouTube();
    const youtube = createYouTubeProvider({
      clientId: "client.apps.googleusercontent.com",
      clientSecret: "secret",
      accessToken: fake.accessToken,
      rootUrl: fake.rootUrl,
    });
    ({ db, service } = await streamFixture([1n, 2n], { providers: { youtube }, defaultProvider: "youtube" }));
    api = await serve(streamRoutes(service));
    sweeper = createSweeper(service, { timeoutMs: 600_000, pollMs: 0, logger, intervalMs: 3_600_000 });
  });

  after(async () => {
    await sweeper.stop();
    await api.close();
    await fake.close();
    await db.drop();
  });

  const stream = async (id: number): Promise<KitchenStreamView> =>
    (await api.call<KitchenStreamView>("GET", `/restaurants/${id}/stream`)).body;

  let broadcastId = "";

  it("creates a bound broadcast and RTMP stream; only the key's hash is stored", async () => {
    const reply = await api.call<StartedStream>("POST", "/restaurants/1/stream/start", {
      as: "owner",
      body: { title: "Vake kitchen" },
    });
    assert.equal(reply.status, 200);
    const started = reply.body;
    assert.equal(started.stream.provider, "youtube");
    assert.equal(started.ingest_url, "rtmp://a.rtmp.youtube.com/live2");
    const [created] = fake.streams();
    assert.ok(created !== undefined);
    assert.equal(started.stream_key, created.cdn.ingestionInfo.streamName);
    broadcastId = (started.stream.playback_url ?? "").split("v=")[1] ?? "";
    const broadcast = fake.broadcast(broadcastId);
    assert.ok(broadcast !== undefined);
    assert.equal(broadcast.status.lifeCycleStatus, "ready");
    assert.equal(broadcast.contentDetails.boundStreamId, created.id);
    assert.equal(broadcast.snippet.title, "Vake kitchen");
    const { rows } = await db.pool.query(
      "SELECT stream_key_hash, provider_ref FROM kitchen_stream WHERE restaurant_id = 1",
    );
    assert.deepEqual(rows[0], {
      stream_key_hash: hashStreamKey(started.stream_key),
      provider_ref: broadcastId,
    });
  });

  it("turns live and offline as polling sees the broadcast's lifecycle", async () => {
    await sweeper.sweep();
    assert.equal((await stream(1)).status, "offline");
    fake.goLive(broadcastId);
    await sweeper.sweep();
    assert.equal((await stream(1)).status, "live");
    await sweeper.sweep(); // still live: a sign of life, no second session
    fake.complete(broadcastId);
    assert.deepEqual(await sweeper.sweep(), [1n]);
    assert.equal((await stream(1)).status, "offline");
    const { rows } = await db.pool.query("SELECT end_reason FROM stream_session WHERE restaurant_id = 1");
    assert.deepEqual(rows, [{ end_reason: "provider_offline" }]);
    await sweeper.sweep(); // complete stays complete: nothing reopens
    assert.equal((await stream(1)).status, "offline");
  });

  it("stop completes a live broadcast", async () => {
    const started = (await api.call<StartedStream>("POST", "/restaurants/2/stream/start", { as: "admin", body: {} }))
      .body;
    const id = (started.stream.playback_url ?? "").split("v=")[1] ?? "";
    fake.goLive(id);
    await sweeper.sweep();
    assert.equal((await stream(2)).status, "live");
    const stopped = await api.call<KitchenStreamView>("POST", "/restaurants/2/stream/stop", { as: "owner" });
    assert.equal(stopped.body.status, "stopped");
    assert.equal(fake.broadcast(id)?.status.lifeCycleStatus, "complete");
  });
});
