/**
 * YouTube Live through @googleapis/youtube: a start creates a broadcast (auto start/stop) and an
 * RTMP stream, binds them, and returns the stream's ingestion address and key (kept only as a
 * hash) and the watch URL. YouTube sends no live-status webhooks, so the sweeper polls
 * `liveBroadcasts.list` (`pollsOnline`): lifeCycleStatus `live` is live. Stop completes the broadcast.
 *
 * Env: YOUTUBE_CLIENT_ID, YOUTUBE_CLIENT_SECRET, YOUTUBE_REFRESH_TOKEN (OAuth for the channel the
 * kitchens stream to); `rootUrl` points the client at the local fake (local/youtube.ts).
 */
import { auth as googleAuth, youtube, type youtube_v3 } from "@googleapis/youtube";

import { hashStreamKey } from "../keys.ts";
import type { PreparedStream, StreamProvider } from "../provider.ts";

export interface YouTubeOptions {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly refreshToken?: string;
  /** An access token to use as is (tests); otherwise refreshed from refreshToken. */
  readonly accessToken?: string;
  /** Default https://youtube.googleapis.com/ */
  readonly rootUrl?: string;
}

export function youtubeClient(options: YouTubeOptions): youtube_v3.Youtube {
  const auth = new googleAuth.OAuth2(options.clientId, options.clientSecret);
  auth.setCredentials({
    refresh_token: options.refreshToken,
    access_token: options.accessToken,
    expiry_date: options.accessToken === undefined ? undefined : Date.now() + 3_600_000,
  });
  return youtube({ version: "v3", auth, rootUrl: options.rootUrl });
}

export function createYouTubeProvider(
  options: YouTubeOptions,
  client: youtube_v3.Youtube = youtubeClient(options),
): StreamProvider {
  return {
    name: "youtube",
    pollsOnline: true,
    async prepare(restaurantId, request): Promise<PreparedStream> {
      const title = request.title ?? `Hot Pot Spot kitchen #${restaurantId}`;
      const broadcast = await client.liveBroadcasts.insert({
        part: ["snippet", "status", "contentDetails"],
        requestBody: {
          snippet: { title, scheduledStartTime: new Date().toISOString() },
          status: { privacyStatus: "public", selfDeclaredMadeForKids: false },
          contentDetails: { enableAutoStart: true, enableAutoStop: true },
        },
      });
      const stream = await client.liveStreams.insert({
        part: ["snippet", "cdn"],
        requestBody: {
          snippet: { title },
          cdn: { ingestionType: "rtmp", resolution: "variable", frameRate: "variable" },
        },
      });
      const broadcastId = broadcast.data.id;
      const streamId = stream.data.id;
      const ingestion = stream.data.cdn?.ingestionInfo;
      if (!broadcastId || !streamId || !ingestion?.ingestionAddress || !ingestion.streamName) {
        throw new Error("YouTube returned a broadcast or stream without ids or ingestion info");
      }
      await client.liveBroadcasts.bind({ id: broadcastId, streamId, part: ["id", "contentDetails"] });
      return {
        ingestUrl: ingestion.ingestionAddress,
        streamKey: ingestion.streamName,
        keyHash: hashStreamKey(ingestion.streamName),
        providerRef: broadcastId,
        playbackUrl: `https://www.youtube.com/watch?v=${broadcastId}`,
      };
    },
    async finish(_restaurantId, providerRef): Promise<void> {
      if (providerRef === null) return;
      const current = await client.liveBroadcasts.list({ id: [providerRef], part: ["status"] });
      if (current.data.items?.[0]?.status?.lifeCycleStatus !== "live") return;
      await client.liveBroadcasts.transition({ id: providerRef, broadcastStatus: "complete", part: ["status"] });
    },
    async isLive(providerRef): Promise<boolean> {
      const response = await client.liveBroadcasts.list({ id: [providerRef], part: ["status"] });
      return response.data.items?.[0]?.status?.lifeCycleStatus === "live";
    },
  };
}
