/**
 * Live updates from the indexer, which notifies INDEXED_CHANNEL (lib/db/indexed-channel.ts) inside
 * each write transaction, so Postgres delivers the notification exactly when the batch commits (and
 * never for a batch rolled back). One dedicated connection (not from the pool: a pooled client would
 * be handed to queries and its LISTEN lost) listens, reconnects with backoff when the connection
 * drops, and publishes each batch on the in-process pub/sub the GraphQL subscriptions follow.
 *
 * The payload is encoded and decoded in lib/db/indexed-channel.ts.
 */
import { createPubSub, SlidingBuffer, type PubSub } from "graphql-yoga";
import pg from "pg";
import type { Logger } from "pino";

import { INDEXED_CHANNEL, parseIndexedPayload, type IndexedBatch } from "../lib/db/indexed-channel.ts";

export { INDEXED_CHANNEL, parseIndexedPayload, type IndexedBatch };

export type IndexPubSub = PubSub<{ indexed: [IndexedBatch] }>;

/**
 * Batches a subscriber has not consumed yet are buffered; past this many the oldest are dropped.
 * Without a buffer, the 1025th pending batch of one stuck client would throw inside publish().
 */
const SUBSCRIBER_BACKLOG = 1000;

export function createIndexPubSub(): IndexPubSub {
  return createPubSub<{ indexed: [IndexedBatch] }>({ repeaterBuffer: new SlidingBuffer(SUBSCRIBER_BACKLOG) });
}

export interface IndexNotificationsOptions {
  readonly url: string;
  readonly chainId: number;
  readonly logger: Logger;
  readonly pubSub: IndexPubSub;
  /**
   * The cursor's block now. After a reconnect, notifications sent while the connection was down are
   * lost; comparing the cursor with the last batch seen tells subscribers to re-query what they missed.
   */
  readonly indexedBlock: () => Promise<bigint | null>;
  readonly backoff?: { readonly initialMs: number; readonly maxMs: number };
}

export interface IndexNotifications {
  /** Resolves when LISTEN is first active (or the listener is closed); never rejects. */
  listening(): Promise<void>;
  close(): Promise<void>;
}

export function listenForIndexedBatches(options: IndexNotificationsOptions): IndexNotifications {
  const { logger, pubSub, chainId } = options;
  const backoff = options.backoff ?? { initialMs: 250, maxMs: 30_000 };
  let closed = false;
  let client: pg.Client | undefined;
  let attempt = 0;
  let timer: NodeJS.Timeout | undefined;
  /** Block of the last batch published: undefined before the first connection, null while nothing is indexed. */
  let lastBlock: bigint | null | undefined;
  let markListening: () => void = () => undefined;
  const listening = new Promise<void>((resolve) => {
    markListening = resolve;
  });

  function publish(batch: IndexedBatch): void {
    lastBlock = batch.toBlock;
    pubSub.publish("indexed", batch);
  }

  function receive(payload: string | undefined): void {
    const batch = parseIndexedPayload(payload ?? "");
    if ("error" in batch) {
      logger.warn({ channel: INDEXED_CHANNEL, reason: batch.error }, "ignored a malformed index notification");
      return;
    }
    if (batch.chainId !== chainId) return;
    publish(batch);
  }

  async function catchUp(): Promise<void> {
    const previous = lastBlock;
    const now = await options.indexedBlock();
    if (previous === undefined || previous === null || now === null) {
      lastBlock = now;
      return;
    }
    if (now === previous) return;
    publish({
      chainId,
      fromBlock: (now > previous ? previous : now) + 1n,
      toBlock: now,
      orders: null,
      reorg: now < previous,
    });
  }

  function start(): void {
    if (closed) return;
    const connection = new pg.Client({
      connectionString: options.url,
      application_name: "hot-pot-spot-api-listener",
      keepAlive: true,
    });
    let gone = false;
    const drop = (error?: unknown): void => {
      if (gone) return;
      gone = true;
      if (client === connection) client = undefined;
      connection.removeAllListeners("notification");
      connection.end().catch(() => undefined);
      if (closed) return;
      const delayMs = Math.round(Math.min(backoff.maxMs, backoff.initialMs * 2 ** attempt) * (0.5 + Math.random() / 2));
      attempt += 1;
      logger.warn({ err: error, delayMs }, `lost the ${INDEXED_CHANNEL} listener connection; reconnecting`);
      timer = setTimeout(start, delayMs);
      timer.unref();
    };
    connection.on("error", drop);
    connection.on("end", () => {
      drop(new Error("connection ended"));
    });
    connection.on("notification", (message) => {
      if (message.channel === INDEXED_CHANNEL) receive(message.payload);
    });
    connection
      .connect()
      .then(() => connection.query(`LISTEN ${INDEXED_CHANNEL}`))
      .then(async () => {
        if (closed || gone) {
          drop();
          return;
        }
        client = connection;
        attempt = 0;
        markListening();
        logger.debug(`listening on ${INDEXED_CHANNEL}`);
        await catchUp().catch((error: unknown) => {
          logger.warn({ err: error }, "could not read the cursor after (re)connecting the listener");
        });
      })
      .catch(drop);
  }

  start();
  return {
    listening: () => listening,
    async close(): Promise<void> {
      closed = true;
      markListening();
      clearTimeout(timer);
      const current = client;
      client = undefined;
      await current?.end().catch(() => undefined);
    },
  };
}
