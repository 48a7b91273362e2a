import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { streamingSettings as streamingConfig } from "../../lib/config.ts";

describe("streaming configuration", () => {
  it("defaults to the local media server on 1935/8000 with a 60 s heartbeat timeout", () => {
    const config = streamingConfig({});
    assert.equal(config.defaultProvider, "local");
    assert.equal(config.mediaServer, true);
    assert.equal(config.publicRtmpUrl, "rtmp://127.0.0.1:1935");
    assert.equal(config.publicPlaybackUrl, "http://127.0.0.1:8000");
    assert.equal(config.heartbeatTimeoutMs, 60_000);
    assert.equal(config.twitch, undefined);
    assert.equal(config.youtube, undefined);
  });

  it("enables Twitch and YouTube only with all their variables", () => {
    const twitch = {
      TWITCH_CLIENT_ID: "id",
      TWITCH_CLIENT_SECRET: "secret",
      TWITCH_EVENTSUB_SECRET: "0123456789abcdef",
      TWITCH_EVENTSUB_CALLBACK: "https://hotpot.example/api/v1/webhooks/twitch",
    };
    assert.equal(streamingConfig({ ...twitch, STREAM_PROVIDER: "twitch" }).twitch?.clientId, "id");
    assert.throws(() => streamingConfig({ TWITCH_CLIENT_ID: "id" }), /Twitch needs all of/);
    assert.throws(() => streamingConfig({ ...twitch, TWITCH_EVENTSUB_SECRET: "short" }), /10 to 100/);
    assert.throws(() => streamingConfig({ STREAM_PROVIDER: "youtube" }), /credentials are not set/);
    assert.throws(() => streamingConfig({ STREAM_PROVIDER: "vimeo" }), /STREAM_PROVIDER must be one of/);
    assert.throws(() => streamingConfig({ STREAM_RTMP_PORT: "70000" }), /TCP port/);
    assert.equal(
      streamingConfig({ YOUTUBE_CLIENT_ID: "a", YOUTUBE_CLIENT_SECRET: "b", YOUTUBE_REFRESH_TOKEN: "c" }).youtube
        ?.refreshToken,
      "c",
    );
  });
});
