/**
 * Starts the local provider's media server with the stream service behind its hooks: keys are
 * checked against their stored hashes, publish/unpublish drive live status, the heartbeat is the
 * stream's sign of life.
 */
import type { Logger } from "pino";

import { startMediaServer, type MediaServer } from "./media-server.ts";
import type { StreamService } from "./service.ts";

export interface LocalStreamingOptions {
  readonly rtmpPort: number;
  readonly httpPort: number;
  readonly bind?: string;
  readonly dataDir: string;
  readonly heartbeatMs?: number;
  readonly logger: Logger;
}

export function startLocalStreaming(service: StreamService, options: LocalStreamingOptions): Promise<MediaServer> {
  return startMediaServer({
    ...options,
    hooks: {
      authorize: (restaurantId, key) => service.authorizeKey(restaurantId, key),
      published: async (restaurantId, at) => {
        await service.online(restaurantId, "local", at);
      },
      alive: (restaurantId, key, at) => service.aliveWithKey(restaurantId, key, at),
      unpublished: async (restaurantId, at) => {
        await service.offline(restaurantId, at, "unpublished");
      },
    },
  });
}
