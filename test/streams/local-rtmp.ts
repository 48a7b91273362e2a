/**
 * The local provider end to end with real video: node-media-server in this process, ffmpeg
 * (Debian's) publishing a few seconds of a generated test pattern over RTMP. The owner starts the
 * stream over REST and gets an ingest URL and a secret key (only its hash is stored); a wrong key
 * is refused; the right one turns the restaurant live, the HTTP-FLV playback serves video, and
 * after ffmpeg stops the session is closed and its hours are counted. Stopping revokes the key.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";

import { startLocalStreaming } from "../../api/streams/local.ts";
import { streamRoutes } from "../../api/streams/routes.ts";
import type { KitchenStreamView, StartedStream, StreamHours, StreamService } from "../../api/streams/service.ts";
import { freePort } from "../../local/devchain/free-port.ts";
import { createLocalProvider } from "../../api/streams/providers/local.ts";
import type { MediaServer } from "../../api/streams/media-server.ts";
import type { TestDatabase } from "../helpers/database.ts";
import { HAVE_FFMPEG, publishTestPattern } from "../support/test-pattern.ts";
import { eventually, logger, serve, streamFixture, type TestServer } from "./helpers.ts";

/** Publishes `seconds` of test pattern; resolves with ffmpeg's exit code. */
const publish = (url: string, seconds: number): Promise<number | null> => publishTestPattern(url, seconds).exited;

/** The first bytes of the HTTP-FLV playback. */
async function playbackHead(url: string): Promise<Buffer> {
  const controller = new AbortController();
  const response = await fetch(url, { signal: controller.signal });
  assert.equal(response.status, 200);
  assert.ok(response.body !== null);
  const reader = response.body.getReader();
  const chunks: Buffer[] = [];
  let size = 0;
  while (size < 1024) {
    const { value, done } = await reader.read();
    if (done) break;
    chunks.push(Buffer.from(value));
    size += value.length;
  }
  controller.abort();
  return Buffer.concat(chunks);
}

describe(
  "kitchen stream: local provider with real RTMP video",
  { skip: HAVE_FFMPEG ? false : "ffmpeg not installed" },
  () => {
    let db: TestDatabase;
    let service: StreamService;
    let media: MediaServer;
    let api: TestServer;
    let dataDir: string;

    before(async () => {
      const [rtmpPort, httpPort] = [await freePort(), await freePort()];
      const local = createLocalProvider({
        rtmpUrl: `rtmp://127.0.0.1:${rtmpPort}`,
        playbackUrl: `http://127.0.0.1:${httpPort}`,
      });
      ({ db, service } = await streamFixture([1n, 2n], { providers: { local } }));
      dataDir = await mkdtemp(path.join(tmpdir(), "nms-"));
      media = await startLocalStreaming(service, {
        rtmpPort,
        httpPort,
        bind: "127.0.0.1",
        dataDir,
        heartbeatMs: 250,
        logger,
      });
      api = await serve(streamRoutes(service));
    });

    after(async () => {
      await api.close();
      await media.close();
      await db.drop();
      await rm(dataDir, { recursive: true, force: true });
    });

    let started: StartedStream;

    it("lets only the owner (or an admin) start the stream, and keeps only the key's hash", async () => {
      assert.equal((await api.call("POST", "/restaurants/1/stream/start", { body: {} })).status, 401);
      assert.equal((await api.call("POST", "/restaurants/1/stream/start", { as: "stranger", body: {} })).status, 403);
      assert.equal((await api.call("POST", "/restaurants/999/stream/start", { as: "admin", body: {} })).status, 404);
      const reply = await api.call<StartedStream>("POST", "/restaurants/1/stream/start", { as: "owner", body: {} });
      assert.equal(reply.status, 200);
      started = reply.body;
      assert.equal(started.stream.status, "offline");
      assert.equal(started.stream.provider, "local");
      assert.match(started.ingest_url ?? "", /^rtmp:\/\/127\.0\.0\.1:\d+\/live$/);
      assert.match(started.stream_key ?? "", /^1\?key=[\w-]{43}$/);
      assert.equal(started.publish_url, `${started.ingest_url}/${started.stream_key}`);
      assert.match(started.stream.playback_url ?? "", /^http:\/\/127\.0\.0\.1:\d+\/live\/1\.flv$/);
      const secret = (started.stream_key ?? "").split("key=")[1] ?? "";
      const { rows } = await db.pool.query<{ stream_key_hash: string }>("SELECT * FROM kitchen_stream");
      assert.ok(!JSON.stringify(rows).includes(secret), "the secret key is stored");
      assert.equal(rows[0]?.stream_key_hash.length, 64);
    });

    it("refuses a publish with a wrong key or for another restaurant", async () => {
      const ingest = started.ingest_url ?? "";
      const secret = (started.stream_key ?? "").split("key=")[1] ?? "";
      await publish(`${ingest}/1?key=wrong-${secret.slice(6)}`, 2);
      await publish(`${ingest}/2?key=${secret}`, 2);
      await publish(`${ingest}/1`, 2);
      const stream = await api.call<KitchenStreamView>("GET", "/restaurants/1/stream");
      assert.equal(stream.body.status, "offline");
      const { rows } = await db.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM stream_session");
      assert.equal(rows[0]?.n, 0);
    });

    it("goes live on publish, serves the FLV playback, and counts the hours after the stop", async () => {
      const publishing = publish(started.publish_url ?? "", 4);
      const live = await eventually(
        async () => {
          const reply = await api.call<KitchenStreamView>("GET", "/restaurants/1/stream");
          return reply.body.live ? reply.body : undefined;
        },
        8_000,
        "the stream to go live",
      );
      assert.equal(live.status, "live");
      assert.ok(live.live_since !== null);
      const listed = await api.call<{ streams: KitchenStreamView[] }>("GET", "/streams/live");
      assert.deepEqual(
        listed.body.streams.map((stream) => [stream.restaurant_id, stream.playback_url]),
        [["1", started.stream.playback_url]],
      );
      const head = await playbackHead(started.stream.playback_url ?? "");
      assert.equal(head.subarray(0, 3).toString("latin1"), "FLV", "the playback is an FLV stream");
      assert.ok(head.length >= 13);
      // The test pattern has no sound: announced as video only, so players do not wait for audio.
      assert.equal(head[4], 0x01, "FLV header flags: video, no audio");
      assert.deepEqual(media.publishing(), [1n]);

      assert.equal(await publishing, 0, "ffmpeg published without errors");
      const ended = await eventually(
        async () => {
          const reply = await api.call<KitchenStreamView>("GET", "/restaurants/1/stream");
          return reply.body.live ? undefined : reply.body;
        },
        5_000,
        "the stream to go offline",
      );
      assert.equal(ended.status, "offline");
      const { rows } = await db.pool.query<{ end_reason: string; seconds: number }>(
        "SELECT end_reason, extract(epoch FROM ended_at - started_at)::float AS seconds FROM stream_session",
      );
      const [session] = rows;
      assert.ok(rows.length === 1 && session !== undefined);
      assert.equal(session.end_reason, "unpublished");
      assert.ok(session.seconds > 2 && session.seconds < 8, `session lasted ${session.seconds} s`);
      const hours = await api.call<StreamHours>("GET", "/streams/hours");
      assert.equal(hours.body.sessions, 1);
      assert.equal(hours.body.restaurants[0]?.restaurant_id, "1");
      assert.ok(Math.abs(hours.body.total_hours - session.seconds / 3600) < 1e-5);
      assert.equal(hours.body.total_hours, ended.hours_streamed);
    });

    it("stops: the key is revoked and a new publish with it is refused", async () => {
      const stopped = await api.call<KitchenStreamView>("POST", "/restaurants/1/stream/stop", { as: "owner" });
      assert.equal(stopped.status, 200);
      assert.equal(stopped.body.status, "stopped");
      assert.equal((await api.call("POST", "/restaurants/1/stream/stop", { as: "stranger" })).status, 403);
      await publish(started.publish_url ?? "", 2);
      const { rows } = await db.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM stream_session");
      assert.equal(rows[0]?.n, 1);
      assert.equal((await api.call<KitchenStreamView>("GET", "/restaurants/1/stream")).body.status, "stopped");
    });

    it("disconnects a publisher whose key was replaced by a new start", async () => {
      const first = (await api.call<StartedStream>("POST", "/restaurants/2/stream/start", { as: "admin", body: {} }))
        .body;
      const publishing = publish(first.publish_url ?? "", 30);
      await eventually(
        async () => ((await api.call<KitchenStreamView>("GET", "/restaurants/2/stream")).body.live ? true : undefined),
        8_000,
        "restaurant 2 live",
      );
      const again = await api.call<StartedStream>("POST", "/restaurants/2/stream/start", { as: "owner", body: {} });
      assert.notEqual(again.body.stream_key, first.stream_key);
      const code = await publishing; // cut off long before its 30 s
      assert.notEqual(code, 0);
      const { rows } = await db.pool.query<{ end_reason: string }>(
        "SELECT end_reason FROM stream_session WHERE restaurant_id = 2 ORDER BY started_at",
      );
      assert.deepEqual(
        rows.map((row) => row.end_reason),
        ["restarted"],
      );
      assert.deepEqual(media.publishing(), []);
    });
  },
);
