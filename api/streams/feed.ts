/**
 * Live-status changes for subscribers: the stream service announces each committed change with
 * NOTIFY on STREAM_CHANNEL, so a change made in any process (the media server's, a webhook's)
 * reaches every API process. One dedicated connection per database listens while anybody is
 * subscribed (opened with the first subscriber, closed after the last), reconnecting with backoff.
 */
import { Repeater } from "graphql-yoga";
import pg from "pg";
import type { Logger } from "pino";

import { STREAM_CHANNEL, type StreamChange, type StreamStatus } from "./service.ts";

type Listener = (change: StreamChange) => void;

interface Feed {
  readonly listeners: Set<Listener>;
  client: pg.Client | undefined;
  timer: NodeJS.Timeout | undefined;
  closed: boolean;
}

const feeds = new Map<string, Feed>();

export function parseStreamChange(payload: string | undefined): StreamChange | undefined {
  try {
    const value = JSON.parse(payload ?? "") as Partial<StreamChange>;
    const statuses: readonly StreamStatus[] = ["offline", "live", "stopped"];
    if (typeof value.restaurantId !== "string" || !/^\d+$/.test(value.restaurantId)) return undefined;
    if (typeof value.status !== "string" || !statuses.includes(value.status)) return undefined;
    return { restaurantId: value.restaurantId, status: value.status, at: String(value.at) };
  } catch {
    return undefined;
  }
}

function connect(url: string, feed: Feed, logger: Logger, attempt = 0): void {
  if (feed.closed) return;
  const client = new pg.Client({ connectionString: url, application_name: "hot-pot-spot stream feed" });
  feed.client = client;
  let dropped = false;
  const drop = (error: Error): void => {
    if (dropped) return;
    dropped = true;
    client.removeAllListeners("notification");
    client.end().catch(() => undefined);
    if (feed.closed) return;
    const delayMs = Math.min(30_000, 250 * 2 ** attempt);
    logger.warn({ err: error, delayMs }, `lost the ${STREAM_CHANNEL} listener connection; reconnecting`);
    feed.timer = setTimeout(() => {
      connect(url, feed, logger, attempt + 1);
    }, delayMs);
    feed.timer.unref();
  };
  client.on("error", drop);
  client.on("end", () => {
    drop(new Error("connection ended"));
  });
  client.on("notification", (message) => {
    const change = parseStreamChange(message.payload);
    if (change === undefined) return;
    for (const listener of feed.listeners) listener(change);
  });
  client
    .connect()
    .then(() => client.query(`LISTEN ${STREAM_CHANNEL}`))
    .then(() => {
      attempt = 0;
    })
    .catch((error: unknown) => {
      drop(error instanceof Error ? error : new Error(String(error)));
    });
}

/** Every committed change of any kitchen stream, for as long as the returned iterator is open. */
export function streamChanges(url: string, logger: Logger): Repeater<StreamChange> {
  return new Repeater<StreamChange>(async (push, stop) => {
    let feed = feeds.get(url);
    if (feed === undefined) {
      feed = { listeners: new Set(), client: undefined, timer: undefined, closed: false };
      feeds.set(url, feed);
      connect(url, feed, logger);
    }
    const listener: Listener = (change) => void push(change);
    feed.listeners.add(listener);
    await stop;
    feed.listeners.delete(listener);
    if (feed.listeners.size === 0) {
      feed.closed = true;
      feeds.delete(url);
      clearTimeout(feed.timer);
      await feed.client?.end().catch(() => undefined);
    }
  });
}
