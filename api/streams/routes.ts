/** REST: kitchen live streams (`/api/v1/restaurants/{id}/stream…`, `/api/v1/streams…`). */
import * as z from "zod";

import { STREAM_PROVIDERS } from "./provider.ts";
import { notFound } from "../rest/errors.ts";
import { defineRoute, type Route } from "../rest/route.ts";
import { RestaurantId, RestaurantIdText, Timestamp } from "../rest/schemas.ts";
import type { StreamService } from "./service.ts";

const KitchenStream = z
  .object({
    restaurant_id: RestaurantIdText,
    restaurant_name: z.string().nullable(),
    provider: z.enum(STREAM_PROVIDERS).meta({ examples: ["local"] }),
    status: z.enum(["offline", "live", "stopped"]).meta({
      description: "offline: started, no video arriving; live: video arriving; stopped: the owner stopped it",
      examples: ["live"],
    }),
    live: z.boolean(),
    playback_url: z
      .string()
      .nullable()
      .meta({ description: "HTTP-FLV for the local provider", examples: ["http://127.0.0.1:8000/live/1.flv"] }),
    live_since: Timestamp.nullable(),
    last_seen_at: Timestamp.nullable(),
    hours_streamed: z.number().meta({ examples: [12.5] }),
    updated_at: Timestamp,
  })
  .meta({ id: "KitchenStream" });

const StartedStream = z
  .object({
    stream: KitchenStream,
    ingest_url: z
      .string()
      .nullable()
      .meta({ description: "RTMP server for the encoder", examples: ["rtmp://127.0.0.1:1935/live"] }),
    stream_key: z
      .string()
      .nullable()
      .meta({ description: "Secret; shown once (only its hash is kept). A new start issues a new key." }),
    publish_url: z.string().nullable().meta({ description: "ingest_url/stream_key, for ffmpeg" }),
  })
  .meta({ id: "StartedStream" });

const StartStream = z
  .object({
    provider: z.enum(STREAM_PROVIDERS).optional().meta({ description: "Default: the server's (local)" }),
    channel: z.string().trim().min(1).max(100).optional().meta({ description: "Twitch channel login" }),
    title: z.string().trim().min(1).max(100).optional().meta({ description: "YouTube broadcast title" }),
  })
  .meta({ id: "StartStream" });

const StreamHours = z
  .object({
    total_hours: z.number().meta({ examples: [104.25] }),
    sessions: z.number().int(),
    restaurants: z.array(z.object({ restaurant_id: RestaurantIdText, hours: z.number(), sessions: z.number().int() })),
  })
  .meta({ id: "StreamHours" });

const RestaurantPath = z.object({ id: RestaurantId });

export function streamRoutes(service: StreamService): Route[] {
  return [
    defineRoute({
      method: "post",
      path: "/restaurants/{id}/stream/start",
      operationId: "startKitchenStream",
      summary: "Start the restaurant's kitchen stream (franchisee or admin)",
      description:
        "Prepares the stream with the provider and returns where to send video. For the local provider: an RTMP " +
        "ingest URL and a new secret stream key (any previous key stops working). The stream turns live when video arrives.",
      tags: ["streams"],
      access: "user",
      params: RestaurantPath,
      body: StartStream.optional(),
      responses: { 200: { description: "Ready for video", schema: StartedStream } },
      errors: [403, 404, 502],
      handle: async ({ params, body, principal }) => ({
        status: 200,
        body: await service.start(principal, params.id, body ?? {}),
      }),
    }),
    defineRoute({
      method: "post",
      path: "/restaurants/{id}/stream/stop",
      operationId: "stopKitchenStream",
      summary: "Stop the restaurant's kitchen stream (franchisee or admin)",
      description: "Ends the live session, revokes the stream key and disconnects the encoder.",
      tags: ["streams"],
      access: "user",
      params: RestaurantPath,
      responses: { 200: { description: "Stopped", schema: KitchenStream } },
      errors: [403, 404],
      handle: async ({ params, principal }) => ({ status: 200, body: await service.stop(principal, params.id) }),
    }),
    defineRoute({
      method: "get",
      path: "/restaurants/{id}/stream",
      operationId: "getKitchenStream",
      summary: "A restaurant's kitchen stream: status, playback URL, hours streamed",
      tags: ["streams"],
      access: "public",
      params: RestaurantPath,
      responses: { 200: { description: "The stream", schema: KitchenStream } },
      errors: [404],
      handle: async ({ params }) => {
        const stream = await service.get(params.id);
        if (stream === undefined) throw notFound(`kitchen stream of restaurant ${params.id}`);
        return { status: 200, body: stream };
      },
    }),
    defineRoute({
      method: "get",
      path: "/streams/live",
      operationId: "listLiveKitchenStreams",
      summary: "Restaurants streaming their kitchen now, with playback URLs",
      tags: ["streams"],
      access: "public",
      responses: { 200: { description: "Live streams", schema: z.object({ streams: z.array(KitchenStream) }) } },
      handle: async () => ({ status: 200, body: { streams: await service.listLive() } }),
    }),
    defineRoute({
      method: "get",
      path: "/streams/hours",
      operationId: "kitchenStreamHours",
      summary: "Hours streamed, per restaurant and in total",
      tags: ["streams"],
      access: "public",
      responses: { 200: { description: "Hours", schema: StreamHours } },
      handle: async () => ({ status: 200, body: await service.hours() }),
    }),
  ];
}
