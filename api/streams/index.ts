/**
 * Kitchen live streams, assembled from the environment: the providers (local always; Twitch and
 * YouTube when their credentials are set), the stream service, the local media server, the
 * heartbeat sweeper, Prometheus metrics, REST routes and the Twitch webhook.
 *
 * | variable | default | meaning |
 * | --- | --- | --- |
 * | STREAM_PROVIDER | local | provider a start without one uses: local, twitch, youtube |
 * | STREAM_MEDIA_SERVER | on | `off`: do not run the local media server in this process |
 * | STREAM_RTMP_PORT | 1935 | RTMP ingest port of the local media server |
 * | STREAM_HTTP_PORT | 8000 | HTTP-FLV playback port |
 * | STREAM_BIND | 0.0.0.0 | address both listen on |
 * | STREAM_PUBLIC_RTMP_URL | rtmp://127.0.0.1:<rtmp port> | ingest base URL given to owners |
 * | STREAM_PUBLIC_PLAYBACK_URL | http://127.0.0.1:<http port> | playback base URL given to viewers |
 * | STREAM_HEARTBEAT_TIMEOUT_MS | 60000 | silence after which a live session is closed at its last sign of life |
 * | TWITCH_CLIENT_ID, TWITCH_CLIENT_SECRET, TWITCH_EVENTSUB_SECRET, TWITCH_EVENTSUB_CALLBACK | unset | enable Twitch |
 * | YOUTUBE_CLIENT_ID, YOUTUBE_CLIENT_SECRET, YOUTUBE_REFRESH_TOKEN | unset | enable YouTube |
 */
import path from "node:path";

import type { RequestHandler } from "express";
import type { Logger } from "pino";
import type { Registry } from "prom-client";

import type { StreamingSettings } from "../../lib/config.ts";
import type { Database } from "../../lib/db/client.ts";
import { createLocalProvider } from "./providers/local.ts";
import type { MediaServer } from "./media-server.ts";
import type { StreamProvider, StreamProviderName } from "./provider.ts";
import { createTwitchProvider } from "./providers/twitch.ts";
import { createYouTubeProvider } from "./providers/youtube.ts";
import type { AccessChecks } from "../platform.ts";
import type { Route } from "../rest/route.ts";
import { startLocalStreaming } from "./local.ts";
import { registerStreamMetrics } from "./metrics.ts";
import { streamRoutes } from "./routes.ts";
import { createStreamService, type StreamService } from "./service.ts";
import { createSweeper, type Sweeper } from "./sweeper.ts";
import { twitchWebhook } from "./twitch-webhook.ts";

export { TWITCH_WEBHOOK_PATH } from "./twitch-webhook.ts";

/** The streaming settings lib/config.ts reads (STREAM_*, TWITCH_*, YOUTUBE_*). */
export type StreamingConfig = StreamingSettings;

export interface Streaming {
  readonly service: StreamService;
  readonly routes: Route[];
  /** Mount at `${API_PREFIX}${TWITCH_WEBHOOK_PATH}` before the JSON body parser; absent without Twitch. */
  readonly twitchWebhook?: RequestHandler[];
  readonly mediaServer?: MediaServer;
  close(): Promise<void>;
}

export interface StreamingOptions {
  readonly db: Database;
  readonly logger: Logger;
  readonly registry: Registry;
  readonly access: Pick<AccessChecks, "canManageRestaurant">;
  readonly config: StreamingConfig;
  /** node-media-server's small JSON store goes under here (`<dataDir>/media-server`). */
  readonly dataDir: string;
}

/** Builds everything and starts the media server and the sweeper. */
export async function startStreaming(options: StreamingOptions): Promise<Streaming> {
  const { config, logger } = options;
  const providers: Partial<Record<StreamProviderName, StreamProvider>> = {
    local: createLocalProvider({ rtmpUrl: config.publicRtmpUrl, playbackUrl: config.publicPlaybackUrl }),
  };
  if (config.twitch !== undefined) providers.twitch = createTwitchProvider(config.twitch);
  if (config.youtube !== undefined) providers.youtube = createYouTubeProvider(config.youtube);
  const service = createStreamService({
    db: options.db,
    logger,
    access: options.access,
    providers,
    defaultProvider: config.defaultProvider,
  });
  registerStreamMetrics(options.registry, service);
  const mediaServer = config.mediaServer
    ? await startLocalStreaming(service, {
        rtmpPort: config.rtmpPort,
        httpPort: config.httpPort,
        bind: config.bind,
        dataDir: path.join(options.dataDir, "media-server"),
        heartbeatMs: Math.max(1000, Math.floor(config.heartbeatTimeoutMs / 6)),
        logger,
      })
    : undefined;
  const sweeper: Sweeper = createSweeper(service, { timeoutMs: config.heartbeatTimeoutMs, logger });
  return {
    service,
    routes: streamRoutes(service),
    twitchWebhook:
      config.twitch === undefined
        ? undefined
        : twitchWebhook(service, { db: options.db, logger, secret: config.twitch.eventSubSecret }),
    mediaServer,
    async close(): Promise<void> {
      await sweeper.stop();
      await mediaServer?.close();
    },
  };
}
