/**
 * Subscriptions follow the indexer's commits: api/notifications.ts turns each `hotpot_indexed`
 * notification into an IndexedBatch on the pub/sub; here each subscriber turns batches into events.
 * Work that is the same for every subscriber (reading the cursor, loading the changed orders) is done
 * once per batch: every subscriber receives the same batch object, which keys the caches below.
 */
import { Repeater } from "graphql-yoga";

import type { IndexedBatch } from "../notifications.ts";
import { readMeta, type GraphQLContext, type GraphQLServices, type Meta } from "./context.ts";

export interface FeedItem<T> {
  readonly value: T;
  /** The cursor when the batch was handled: the block the event's data reflects. */
  readonly meta: Meta;
}

const batchMetas = new WeakMap<IndexedBatch, Promise<Meta>>();

export function metaOfBatch(services: GraphQLServices, batch: IndexedBatch): Promise<Meta> {
  let meta = batchMetas.get(batch);
  if (meta === undefined) {
    meta = readMeta(services.db, services.chainId);
    batchMetas.set(batch, meta);
  }
  return meta;
}

/** A value computed once per batch and shared by the subscribers asking for the same `key`. */
const batchShares = new WeakMap<IndexedBatch, Map<string, Promise<unknown>>>();

export function sharedPerBatch<T>(batch: IndexedBatch, key: string, compute: () => Promise<T>): Promise<T> {
  let shares = batchShares.get(batch);
  if (shares === undefined) {
    shares = new Map();
    batchShares.set(batch, shares);
  }
  let share = shares.get(key) as Promise<T> | undefined;
  if (share === undefined) {
    share = compute();
    shares.set(key, share);
  }
  return share;
}

/**
 * The events one subscriber sees: for every indexed batch, the values `load` finds. A batch that
 * fails to load (database briefly away) is logged and skipped rather than ending the subscription.
 */
export function followIndex<T>(
  context: GraphQLContext,
  load: (batch: IndexedBatch, meta: Meta) => Promise<readonly T[]>,
): AsyncIterable<FeedItem<T>> {
  return new Repeater<FeedItem<T>>(async (push, stop) => {
    const batches = context.pubSub.subscribe("indexed");
    void stop.then(() => batches.return());
    for await (const batch of batches) {
      try {
        const meta = await metaOfBatch(context, batch);
        for (const value of await load(batch, meta)) await push({ value, meta });
      } catch (error) {
        context.logger.warn({ err: error }, "a subscription could not read an indexed batch");
      }
    }
  });
}

/** The subscription field's `resolve`: unwraps the event and records its meta for `extensions.meta`. */
export function emit<T>(item: FeedItem<T>, _args: unknown, context: GraphQLContext): T {
  context.response.meta = item.meta;
  return item.value;
}
