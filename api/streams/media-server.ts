/**
 * The local provider's media server: node-media-server (RTMP ingest, HTTP-FLV playback) in this
 * process, wrapped so that
 * - a publisher must present its restaurant's secret key (`/live/<restaurantId>?key=<secret>`);
 *   anything else is disconnected before it is reported live;
 * - each accepted publish is reported once as `published`, and its end once as `unpublished` at the
 *   moment the encoder disconnected (node-media-server itself waits a 30 s resume grace before its
 *   own donePublish, which is also handled and is then a no-op);
 * - while a publisher is connected, `alive` is called every `heartbeatMs`: the sign of life the
 *   stream service's sweeper relies on when an unpublish is lost (process crash), and the check that
 *   the key is still valid (a stopped stream's publisher is disconnected);
 * - each HTTP-FLV viewer's header says whether the stream carries audio (node-media-server always
 *   announces audio and video, and a player such as mpegts.js then waits forever for the audio of
 *   an encoder that sends video only).
 *
 * node-media-server keeps its state in a module-level context: one instance per process.
 */
import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import type { Server } from "node:net";

import type { Logger } from "pino";

import { LOCAL_STREAM_APP } from "./providers/local.ts";

export interface MediaServerHooks {
  /** Whether `key` is restaurant `restaurantId`'s current stream key. */
  authorize(restaurantId: bigint, key: string): Promise<boolean>;
  /** An authorised publish began at `at`. */
  published(restaurantId: bigint, at: Date): Promise<void>;
  /** Still publishing at `at`; false disconnects the publisher (stream stopped or key replaced). */
  alive(restaurantId: bigint, key: string, at: Date): Promise<boolean>;
  /** The publisher disconnected at `at`. */
  unpublished(restaurantId: bigint, at: Date): Promise<void>;
}

export interface MediaServerOptions {
  /** 1–65535 (node-media-server skips a listener whose port is 0). */
  readonly rtmpPort: number;
  readonly httpPort: number;
  readonly bind?: string;
  /** node-media-server's own small JSON store (stream history). */
  readonly dataDir: string;
  readonly heartbeatMs?: number;
  readonly logger: Logger;
  readonly hooks: MediaServerHooks;
}

export interface MediaServer {
  readonly rtmpPort: number;
  readonly httpPort: number;
  /** Restaurants publishing now. */
  publishing(): bigint[];
  close(): Promise<void>;
}

/** The part of a node-media-server session this wrapper uses. */
interface NmsSession {
  readonly id: string;
  readonly ip: string;
  readonly streamApp: string;
  readonly streamName: string;
  readonly streamPath: string;
  readonly streamQuery: Record<string, string | string[] | undefined>;
  /** 0 while connected; the disconnect time (ms) after. */
  endTime: number;
  close(): void;
  /** The stream a player session plays (set before its play is reported). */
  readonly broadcast?: NmsBroadcast;
}

/** The part of a node-media-server broadcast (one stream path) this wrapper uses. */
interface NmsBroadcast {
  /** What each new HTTP-FLV viewer receives first. */
  flvHeader: Buffer;
  /** The audio configuration tag; null until (unless) the publisher sends audio. */
  readonly flvAudioHeader: Buffer | null;
}

interface NmsInstance {
  on(event: string, listener: (session: NmsSession) => void): void;
  run(): Promise<void>;
  stop(): Promise<void>;
  rtmpServer: { tcpServer?: Server };
  httpServer: { httpServer?: Server };
}

type NmsConstructor = new (config: Record<string, unknown>, configPath?: string) => NmsInstance;

const require = createRequire(import.meta.url);

interface Publisher {
  readonly session: NmsSession;
  readonly restaurantId: bigint;
  readonly key: string;
  ended: boolean;
}

const RESTAURANT_ID = /^[1-9]\d{0,18}$/;

function listening(server: Server | undefined, name: string): Promise<number> {
  if (server === undefined) return Promise.reject(new Error(`${name} was not created`));
  // node-media-server exits the process when a port is taken; fail this promise instead.
  server.removeAllListeners("error");
  return new Promise((resolve, reject) => {
    const done = (): void => {
      const address = server.address();
      resolve(typeof address === "object" && address !== null ? address.port : 0);
    };
    if (server.listening) {
      done();
      return;
    }
    server.once("listening", done);
    server.once("error", (error) => {
      reject(new Error(`${name}: ${error.message}`));
    });
  });
}

let running = false;

export async function startMediaServer(options: MediaServerOptions): Promise<MediaServer> {
  if (running) throw new Error("node-media-server runs once per process");
  if (options.rtmpPort <= 0 || options.httpPort <= 0)
    throw new Error("the media server needs non-zero RTMP and HTTP ports");
  running = true;
  const { logger, hooks } = options;
  const NodeMediaServer = require("node-media-server") as NmsConstructor;
  const nmsLogger = require("node-media-server/src/core/logger.js") as { level: string };
  const Flv = require("node-media-server/src/protocol/flv.js") as {
    createHeader(hasAudio: boolean, hasVideo: boolean): Buffer;
  };
  // Its constructor sets its console logger to "debug"; keep it to warnings.
  Object.defineProperty(nmsLogger, "level", { get: () => "warn", set: () => undefined, configurable: true });
  mkdirSync(options.dataDir, { recursive: true });
  const nms = new NodeMediaServer({
    bind: options.bind ?? "0.0.0.0",
    rtmp: { port: options.rtmpPort },
    http: { port: options.httpPort },
    store: { path: options.dataDir },
    webadmin: { enable: false },
  });

  const publishers = new Map<string, Publisher>();

  function end(publisher: Publisher, at: Date): void {
    if (publisher.ended) return;
    publisher.ended = true;
    publishers.delete(publisher.session.id);
    hooks.unpublished(publisher.restaurantId, at).catch((error: unknown) => {
      logger.error({ err: error, restaurantId: publisher.restaurantId.toString() }, "stream unpublish not recorded");
    });
  }

  nms.on("prePublish", (session) => {
    const key = session.streamQuery.key;
    const name = session.streamName.split("?")[0] ?? "";
    if (session.streamApp !== LOCAL_STREAM_APP || !RESTAURANT_ID.test(name) || typeof key !== "string") {
      logger.warn({ path: session.streamPath }, "stream publish without a restaurant key rejected");
      session.close();
      return;
    }
    const restaurantId = BigInt(name);
    const at = new Date();
    void (async () => {
      let accepted = false;
      try {
        accepted = await hooks.authorize(restaurantId, key);
      } catch (error) {
        logger.error({ err: error, restaurantId: name }, "stream key check failed");
      }
      if (!accepted) {
        logger.warn({ restaurantId: name }, "stream publish with a wrong key rejected");
        session.close();
        return;
      }
      if (session.endTime !== 0) return; // gone while we checked
      const publisher: Publisher = { session, restaurantId, key, ended: false };
      publishers.set(session.id, publisher);
      try {
        await hooks.published(restaurantId, at);
        logger.info({ restaurantId: name }, "kitchen stream publishing");
      } catch (error) {
        logger.error({ err: error, restaurantId: name }, "stream publish not recorded; disconnecting");
        publishers.delete(session.id);
        session.close();
      }
    })();
  });

  // Reported before the viewer is sent the header: a video-only stream is announced as one.
  nms.on("prePlay", (session) => {
    const { broadcast } = session;
    if (broadcast !== undefined) broadcast.flvHeader = Flv.createHeader(broadcast.flvAudioHeader !== null, true);
  });

  nms.on("donePublish", (session) => {
    const publisher = publishers.get(session.id);
    if (publisher !== undefined) end(publisher, new Date(session.endTime || Date.now()));
  });

  const heartbeat = setInterval(() => {
    for (const publisher of [...publishers.values()]) {
      const { session } = publisher;
      if (session.endTime !== 0) {
        // Disconnected: node-media-server only reports it after its resume grace.
        end(publisher, new Date(session.endTime));
        continue;
      }
      hooks.alive(publisher.restaurantId, publisher.key, new Date()).then(
        (ok) => {
          if (!ok && !publisher.ended) {
            logger.info(
              { restaurantId: publisher.restaurantId.toString() },
              "stream key no longer valid; disconnecting",
            );
            session.close();
            end(publisher, new Date());
          }
        },
        (error: unknown) => {
          logger.error({ err: error }, "stream heartbeat not recorded");
        },
      );
    }
  }, options.heartbeatMs ?? 10_000);
  heartbeat.unref();

  const started = nms.run();
  let ports: [number, number];
  try {
    ports = await Promise.all([
      listening(nms.rtmpServer.tcpServer, "RTMP server"),
      listening(nms.httpServer.httpServer, "HTTP-FLV server"),
    ]);
    await started;
  } catch (error) {
    clearInterval(heartbeat);
    await nms.stop();
    running = false;
    throw error;
  }

  let closing: Promise<void> | undefined;
  return {
    rtmpPort: ports[0],
    httpPort: ports[1],
    publishing: () => [...new Set([...publishers.values()].map((publisher) => publisher.restaurantId))],
    close(): Promise<void> {
      closing ??= (async () => {
        clearInterval(heartbeat);
        for (const publisher of [...publishers.values()]) {
          publisher.session.close();
          end(publisher, new Date());
        }
        await nms.stop();
        running = false;
      })();
      return closing;
    },
  };
}
