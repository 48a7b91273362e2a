/**
 * The local provider (the default): the platform's own media server (api/streams/media-server.ts).
 * The encoder publishes to `rtmp://<host>:<port>/live/<restaurantId>?key=<secret>` (in OBS terms,
 * server `rtmp://<host>:<port>/live`, stream key `<restaurantId>?key=<secret>`); viewers play
 * HTTP-FLV at `http://<host>:<port>/live/<restaurantId>.flv`, which does not contain the secret.
 */
import { hashStreamKey, newStreamKey } from "../keys.ts";
import type { PreparedStream, StreamProvider } from "../provider.ts";

export const LOCAL_STREAM_APP = "live";

export interface LocalProviderOptions {
  /** Base RTMP URL encoders reach, e.g. rtmp://127.0.0.1:1935 */
  readonly rtmpUrl: string;
  /** Base HTTP URL viewers reach, e.g. http://127.0.0.1:8000 */
  readonly playbackUrl: string;
}

export function localPlaybackUrl(base: string, restaurantId: bigint): string {
  return `${base.replace(/\/+$/, "")}/${LOCAL_STREAM_APP}/${restaurantId}.flv`;
}

export function createLocalProvider(options: LocalProviderOptions): StreamProvider {
  const rtmp = options.rtmpUrl.replace(/\/+$/, "");
  return {
    name: "local",
    prepare(restaurantId): Promise<PreparedStream> {
      const secret = newStreamKey();
      const streamKey = `${restaurantId}?key=${secret}`;
      return Promise.resolve({
        ingestUrl: `${rtmp}/${LOCAL_STREAM_APP}`,
        streamKey,
        keyHash: hashStreamKey(secret),
        providerRef: null,
        playbackUrl: localPlaybackUrl(options.playbackUrl, restaurantId),
      });
    },
    finish(): Promise<void> {
      // The media server's heartbeat finds the key gone and disconnects the publisher.
      return Promise.resolve();
    },
  };
}
