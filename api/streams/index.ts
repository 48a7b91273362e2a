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

import type { Database } from "../../lib/db/client.ts";
import { ConfigError } from "../../lib/errors.ts";
import { createLocalProvider } from "../../lib/streams/local.ts";
import type { MediaServer } from "../../lib/streams/media-server.ts";
import { STREAM_PROVIDERS, type StreamProvider, type StreamProviderName } from "../../lib/streams/provider.ts";
import { createTwitchProvider } from "../../lib/streams/twitch.ts";
import { createYouTubeProvider } from "../../lib/streams/youtube.ts";
import type { AccessChecks } from "../platform.ts";
import type { Route } from "../rest/route.ts";
import { startLocalStreaming } from "./local.ts";
import { registerStreamMetrics } from "./metrics.ts";
import { streamRoutes } from "./routes.ts";
import { createStreamService, type StreamService } from "./service.ts";
import { createSweeper, type Sweeper } from "./sweeper.ts";
import { twitchWebhook } from "./twitch-webhook.ts";

export { TWITCH_WEBHOOK_PATH } from "./twitch-webhook.ts";

export interface StreamingConfig {
  readonly defaultProvider: StreamProviderName;
  readonly mediaServer: boolean;
  readonly rtmpPort: number;
  readonly httpPort: number;
  readonly bind: string;
  readonly publicRtmpUrl: string;
  readonly publicPlaybackUrl: string;
  readonly heartbeatTimeoutMs: number;
  readonly twitch?: { clientId: string; clientSecret: string; eventSubSecret: string; callbackUrl: string };
  readonly youtube?: { clientId: string; clientSecret: string; refreshToken: string };
}

function port(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const text = env[name];
  if (text === undefined || text === "") return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > 65535) throw new ConfigError(`${name} must be a TCP port`);
  return value;
}

export function streamingConfig(env: NodeJS.ProcessEnv = process.env): StreamingConfig {
  const defaultProvider = (env.STREAM_PROVIDER || "local") as StreamProviderName;
  if (!STREAM_PROVIDERS.includes(defaultProvider)) {
    throw new ConfigError(`STREAM_PROVIDER must be one of ${STREAM_PROVIDERS.join(", ")}`);
  }
  const rtmpPort = port(env, "STREAM_RTMP_PORT", 1935);
  const httpPort = port(env, "STREAM_HTTP_PORT", 8000);
  const timeout = Number(env.STREAM_HEARTBEAT_TIMEOUT_MS || 60_000);
  if (!Number.isInteger(timeout) || timeout < 1000) throw new ConfigError("STREAM_HEARTBEAT_TIMEOUT_MS must be ≥ 1000");
  const twitchVars = ["TWITCH_CLIENT_ID", "TWITCH_CLIENT_SECRET", "TWITCH_EVENTSUB_SECRET", "TWITCH_EVENTSUB_CALLBACK"];
  const youtubeVars = ["YOUTUBE_CLIENT_ID", "YOUTUBE_CLIENT_SECRET", "YOUTUBE_REFRESH_TOKEN"];
  const all = (names: string[]): boolean => names.every((name) => (env[name] ?? "") !== "");
  const some = (names: string[]): boolean => names.some((name) => (env[name] ?? "") !== "");
  if (some(twitchVars) && !all(twitchVars)) throw new ConfigError(`Twitch needs all of ${twitchVars.join(", ")}`);
  if (some(youtubeVars) && !all(youtubeVars)) throw new ConfigError(`YouTube needs all of ${youtubeVars.join(", ")}`);
  const secret = env.TWITCH_EVENTSUB_SECRET ?? "";
  if (secret !== "" && (secret.length < 10 || secret.length > 100)) {
    throw new ConfigError("TWITCH_EVENTSUB_SECRET must be 10 to 100 characters");
  }
  const config: StreamingConfig = {
    defaultProvider,
    mediaServer: env.STREAM_MEDIA_SERVER !== "off",
    rtmpPort,
    httpPort,
    bind: env.STREAM_BIND || "0.0.0.0",
    publicRtmpUrl: env.STREAM_PUBLIC_RTMP_URL || `rtmp://127.0.0.1:${rtmpPort}`,
    publicPlaybackUrl: env.STREAM_PUBLIC_PLAYBACK_URL || `http://127.0.0.1:${httpPort}`,
    heartbeatTimeoutMs: timeout,
    twitch: all(twitchVars)
      ? {
          clientId: env.TWITCH_CLIENT_ID ?? "",
          clientSecret: env.TWITCH_CLIENT_SECRET ?? "",
          eventSubSecret: secret,
          callbackUrl: env.TWITCH_EVENTSUB_CALLBACK ?? "",
        }
      : undefined,
    youtube: all(youtubeVars)
      ? {
          clientId: env.YOUTUBE_CLIENT_ID ?? "",
          clientSecret: env.YOUTUBE_CLIENT_SECRET ?? "",
          refreshToken: env.YOUTUBE_REFRESH_TOKEN ?? "",
        }
      : undefined,
  };
  if (defaultProvider !== "local" && config[defaultProvider] === undefined) {
    throw new ConfigError(`STREAM_PROVIDER=${defaultProvider} but its credentials are not set`);
  }
  return config;
}

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
