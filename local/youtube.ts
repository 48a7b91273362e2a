/**
 * A local stand-in for the YouTube Data API v3 live endpoints, in its wire format (the JSON
 * resources `youtube#liveBroadcast` / `youtube#liveStream`): insert broadcasts and streams, bind,
 * list by id, transition. Requests must carry the bearer token it was started with. `goLive` and
 * `complete` move a broadcast's lifeCycleStatus as YouTube does when the encoder starts and stops.
 */
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

interface Broadcast {
  kind: "youtube#liveBroadcast";
  etag: string;
  id: string;
  snippet: Record<string, unknown>;
  status: { lifeCycleStatus: string; privacyStatus: string; recordingStatus: string };
  contentDetails: Record<string, unknown>;
}

interface Stream {
  kind: "youtube#liveStream";
  etag: string;
  id: string;
  snippet: Record<string, unknown>;
  cdn: {
    ingestionType: string;
    ingestionInfo: { streamName: string; ingestionAddress: string; backupIngestionAddress: string };
    resolution: string;
    frameRate: string;
  };
  status: { streamStatus: string };
}

export interface FakeYouTube {
  readonly rootUrl: string;
  readonly accessToken: string;
  broadcast(id: string): Readonly<Broadcast> | undefined;
  streams(): readonly Readonly<Stream>[];
  goLive(broadcastId: string): void;
  complete(broadcastId: string): void;
  close(): Promise<void>;
}

const id = (length: number): string => randomBytes(length).toString("base64url").slice(0, length);

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "content-type": "application/json; charset=UTF-8" });
  response.end(JSON.stringify(body));
}

function error(response: ServerResponse, status: number, reason: string, message: string): void {
  send(response, status, {
    error: { code: status, message, errors: [{ message, domain: "youtube.liveBroadcast", reason }] },
  });
}

async function json(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  return text === "" ? {} : (JSON.parse(text) as Record<string, unknown>);
}

export async function startFakeYouTube(): Promise<FakeYouTube> {
  const accessToken = `ya29.${id(24)}`;
  const broadcasts = new Map<string, Broadcast>();
  const streams = new Map<string, Stream>();

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (request.headers.authorization !== `Bearer ${accessToken}`) {
      error(response, 401, "authError", "Request is missing required authentication credential.");
      return;
    }
    const url = new URL(request.url ?? "/", "http://localhost");
    const path = url.pathname.replace(/^\/youtube\/v3/, "");
    if (request.method === "POST" && path === "/liveBroadcasts") {
      const body = await json(request);
      const broadcast: Broadcast = {
        kind: "youtube#liveBroadcast",
        etag: id(27),
        id: id(11),
        snippet: {
          ...(body.snippet as Record<string, unknown>),
          publishedAt: new Date().toISOString(),
          channelId: "UCkitchen",
        },
        status: {
          lifeCycleStatus: "created",
          privacyStatus: (body.status as { privacyStatus?: string } | undefined)?.privacyStatus ?? "private",
          recordingStatus: "notRecording",
        },
        contentDetails: { ...(body.contentDetails as Record<string, unknown>) },
      };
      broadcasts.set(broadcast.id, broadcast);
      send(response, 200, broadcast);
      return;
    }
    if (request.method === "POST" && path === "/liveStreams") {
      const body = await json(request);
      const cdn = body.cdn as { ingestionType?: string; resolution?: string; frameRate?: string } | undefined;
      if (cdn?.ingestionType !== "rtmp") {
        error(response, 400, "invalidIngestionType", "cdn.ingestionType is required");
        return;
      }
      const stream: Stream = {
        kind: "youtube#liveStream",
        etag: id(27),
        id: id(22),
        snippet: { ...(body.snippet as Record<string, unknown>), publishedAt: new Date().toISOString() },
        cdn: {
          ingestionType: "rtmp",
          ingestionInfo: {
            streamName: `${id(4)}-${id(4)}-${id(4)}-${id(4)}-${id(4)}`,
            ingestionAddress: "rtmp://a.rtmp.youtube.com/live2",
            backupIngestionAddress: "rtmp://b.rtmp.youtube.com/live2?backup=1",
          },
          resolution: cdn.resolution ?? "variable",
          frameRate: cdn.frameRate ?? "variable",
        },
        status: { streamStatus: "ready" },
      };
      streams.set(stream.id, stream);
      send(response, 200, stream);
      return;
    }
    if (request.method === "POST" && path === "/liveBroadcasts/bind") {
      const broadcast = broadcasts.get(url.searchParams.get("id") ?? "");
      const streamId = url.searchParams.get("streamId") ?? "";
      if (broadcast === undefined) {
        error(response, 404, "liveBroadcastNotFound", "Broadcast not found");
        return;
      }
      if (!streams.has(streamId)) {
        error(response, 404, "liveStreamNotFound", "Stream not found");
        return;
      }
      broadcast.contentDetails = { ...broadcast.contentDetails, boundStreamId: streamId };
      broadcast.status.lifeCycleStatus = "ready";
      send(response, 200, broadcast);
      return;
    }
    if (request.method === "GET" && path === "/liveBroadcasts") {
      const ids = (url.searchParams.get("id") ?? "").split(",").filter(Boolean);
      const items = ids.flatMap((broadcastId) => {
        const broadcast = broadcasts.get(broadcastId);
        return broadcast === undefined ? [] : [broadcast];
      });
      send(response, 200, {
        kind: "youtube#liveBroadcastListResponse",
        etag: id(27),
        pageInfo: { totalResults: items.length, resultsPerPage: 5 },
        items,
      });
      return;
    }
    if (request.method === "POST" && path === "/liveBroadcasts/transition") {
      const broadcast = broadcasts.get(url.searchParams.get("id") ?? "");
      const to = url.searchParams.get("broadcastStatus");
      if (broadcast === undefined) {
        error(response, 404, "liveBroadcastNotFound", "Broadcast not found");
        return;
      }
      if (to === "complete" && broadcast.status.lifeCycleStatus !== "live") {
        error(response, 403, "invalidTransition", "The broadcast is not live");
        return;
      }
      if (to === "complete") broadcast.status.lifeCycleStatus = "complete";
      else if (to === "live") broadcast.status.lifeCycleStatus = "live";
      send(response, 200, broadcast);
      return;
    }
    error(response, 404, "notFound", `no fake for ${request.method} ${url.pathname}`);
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((failure: unknown) => {
      error(response, 500, "backendError", String(failure));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const rootUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;

  const mustGet = (broadcastId: string): Broadcast => {
    const broadcast = broadcasts.get(broadcastId);
    if (broadcast === undefined) throw new Error(`no broadcast ${broadcastId}`);
    return broadcast;
  };

  return {
    rootUrl,
    accessToken,
    broadcast: (broadcastId) => broadcasts.get(broadcastId),
    streams: () => [...streams.values()],
    goLive(broadcastId) {
      const broadcast = mustGet(broadcastId);
      broadcast.status.lifeCycleStatus = "live";
      broadcast.snippet.actualStartTime = new Date().toISOString();
    },
    complete(broadcastId) {
      const broadcast = mustGet(broadcastId);
      broadcast.status.lifeCycleStatus = "complete";
      broadcast.snippet.actualEndTime = new Date().toISOString();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}
