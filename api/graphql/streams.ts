/**
 * Kitchen live streams for the apps: which restaurants are live (with playback URLs), a
 * restaurant's stream, hours streamed, and a subscription that delivers a stream's new state each
 * time it goes live, offline or is stopped (driven by api/streams/feed.ts, in every API process).
 * Starting and stopping stay on REST (`POST /api/v1/restaurants/{id}/stream/start|stop`): the
 * stream key they return is a secret meant for an encoder, not for an app cache.
 */
import { createStreamService, type KitchenStreamView, type StreamService } from "../streams/service.ts";
import { streamChanges } from "../streams/feed.ts";
import type { GraphQLContext } from "./context.ts";

export const typeDefs = /* GraphQL */ `
  "A restaurant's kitchen live stream (off chain: read now, not at a block)."
  type KitchenStream {
    restaurantId: BigInt!
    restaurantName: String
    "local (the platform's media server), twitch or youtube"
    provider: String!
    "offline (started, no video), live (video arriving) or stopped (by the owner)"
    status: String!
    live: Boolean!
    "Where viewers play it: HTTP-FLV for the local provider, the channel or video page otherwise."
    playbackUrl: String
    liveSince: DateTime
    lastSeenAt: DateTime
    "Hours of video streamed by this restaurant, all sessions."
    hoursStreamed: Float!
    updatedAt: DateTime!
  }

  type KitchenStreamHours {
    restaurantId: BigInt!
    hours: Float!
    sessions: Int!
  }

  type StreamHoursTotal {
    "Hours streamed by every restaurant together (the seed's > 100 hours)."
    totalHours: Float!
    sessions: Int!
    restaurants: [KitchenStreamHours!]!
  }

  extend type Query {
    "Restaurants streaming their kitchen now."
    liveKitchenStreams: [KitchenStream!]!
    "A restaurant's kitchen stream; null if it never started one."
    kitchenStream(restaurantId: BigInt!): KitchenStream
    kitchenStreamHours: StreamHoursTotal!
  }

  extend type Subscription {
    "A kitchen stream's new state each time it goes live, offline or is stopped; all restaurants unless one is given."
    kitchenStreamChanged(restaurantId: BigInt): KitchenStream!
  }
`;

interface KitchenStreamNode {
  restaurantId: bigint;
  restaurantName: string | null;
  provider: string;
  status: string;
  live: boolean;
  playbackUrl: string | null;
  liveSince: Date | null;
  lastSeenAt: Date | null;
  hoursStreamed: number;
  updatedAt: Date;
}

function node(stream: KitchenStreamView): KitchenStreamNode {
  return {
    restaurantId: BigInt(stream.restaurant_id),
    restaurantName: stream.restaurant_name,
    provider: stream.provider,
    status: stream.status,
    live: stream.live,
    playbackUrl: stream.playback_url,
    liveSince: stream.live_since === null ? null : new Date(stream.live_since),
    lastSeenAt: stream.last_seen_at === null ? null : new Date(stream.last_seen_at),
    hoursStreamed: stream.hours_streamed,
    updatedAt: new Date(stream.updated_at),
  };
}

interface HoursNode {
  totalHours: number;
  sessions: number;
  restaurants: { restaurantId: bigint; hours: number; sessions: number }[];
}

/** Reads only: starting and stopping go through the write side's service on REST. */
function reader(context: GraphQLContext): StreamService {
  return createStreamService({
    db: context.db,
    logger: context.logger,
    access: { canManageRestaurant: () => Promise.resolve(false) },
    providers: {},
  });
}

async function* updates(
  context: GraphQLContext,
  restaurantId: bigint | null | undefined,
): AsyncGenerator<{ kitchenStreamChanged: KitchenStreamNode }> {
  const changes = streamChanges(context.db.url, context.logger);
  const service = reader(context);
  try {
    for await (const change of changes) {
      if (restaurantId !== null && restaurantId !== undefined && change.restaurantId !== restaurantId.toString())
        continue;
      const stream = await service.get(BigInt(change.restaurantId));
      if (stream !== undefined) yield { kitchenStreamChanged: node(stream) };
    }
  } finally {
    await changes.return();
  }
}

export const resolvers = {
  Query: {
    liveKitchenStreams: async (_root: unknown, _args: unknown, context: GraphQLContext): Promise<KitchenStreamNode[]> =>
      (await reader(context).listLive()).map(node),
    kitchenStream: async (
      _root: unknown,
      args: { restaurantId: bigint },
      context: GraphQLContext,
    ): Promise<KitchenStreamNode | null> => {
      const stream = await reader(context).get(args.restaurantId);
      return stream === undefined ? null : node(stream);
    },
    kitchenStreamHours: async (_root: unknown, _args: unknown, context: GraphQLContext): Promise<HoursNode> => {
      const hours = await reader(context).hours();
      return {
        totalHours: hours.total_hours,
        sessions: hours.sessions,
        restaurants: hours.restaurants.map((row) => ({
          restaurantId: BigInt(row.restaurant_id),
          hours: row.hours,
          sessions: row.sessions,
        })),
      };
    },
  },
  Subscription: {
    kitchenStreamChanged: {
      subscribe: (
        _root: unknown,
        args: { restaurantId?: bigint | null },
        context: GraphQLContext,
      ): AsyncIterable<{ kitchenStreamChanged: KitchenStreamNode }> => updates(context, args.restaurantId),
    },
  },
};
