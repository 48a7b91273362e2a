import type { Database } from "../../lib/db/client.ts";
import type { AtBlock } from "./blocks.ts";

/**
 * A per-request batching cache in the manner of DataLoader, small enough not to need the dependency:
 * keys asked for in the same tick (sibling fields of a list) are fetched with one query.
 */
export interface BatchLoader<Key, Value> {
  load(key: Key): Promise<Value | undefined>;
}

export function createBatchLoader<Key, Value>(
  keyOf: (key: Key) => string,
  fetch: (keys: readonly Key[]) => Promise<ReadonlyMap<string, Value>>,
): BatchLoader<Key, Value> {
  const cache = new Map<string, Promise<Value | undefined>>();
  let queue: { key: Key; id: string; resolve(value: Value | undefined): void; reject(error: unknown): void }[] = [];

  function dispatch(): void {
    const batch = queue;
    queue = [];
    fetch(batch.map((item) => item.key)).then(
      (values) => {
        for (const item of batch) item.resolve(values.get(item.id));
      },
      (error: unknown) => {
        for (const item of batch) item.reject(error);
      },
    );
  }

  return {
    load(key) {
      const id = keyOf(key);
      const cached = cache.get(id);
      if (cached !== undefined) return cached;
      const promise = new Promise<Value | undefined>((resolve, reject) => {
        // Resolvers of sibling list items run within the same turn of promise jobs; waiting for
        // them to settle (as DataLoader does) before the next tick gathers the whole list.
        if (queue.length === 0)
          void Promise.resolve().then(() => {
            process.nextTick(dispatch);
          });
        queue.push({ key, id, resolve, reject });
      });
      cache.set(id, promise);
      return promise;
    },
  };
}

export interface AtBlockKey {
  readonly block: bigint;
  readonly id: string;
}

/** A loader of versioned entities by id at a block: one query per distinct block in the batch. */
export function createAtBlockLoader<Value>(
  fetch: (block: bigint, ids: readonly string[]) => Promise<readonly Value[]>,
  idOf: (value: Value) => string,
): BatchLoader<AtBlockKey, Value> {
  const keyOf = (key: AtBlockKey): string => `${key.block.toString()}:${key.id}`;
  return createBatchLoader<AtBlockKey, Value>(keyOf, async (keys) => {
    const byBlock = new Map<bigint, string[]>();
    for (const { block, id } of keys) {
      const ids = byBlock.get(block) ?? [];
      ids.push(id);
      byBlock.set(block, ids);
    }
    const found = new Map<string, Value>();
    await Promise.all(
      [...byBlock].map(async ([block, ids]) => {
        for (const value of await fetch(block, [...new Set(ids)])) found.set(keyOf({ block, id: idOf(value) }), value);
      }),
    );
    return found;
  });
}

/**
 * Who reads the mirror for one request: the database, the chain it mirrors, and the request's loaders
 * (so sibling reads of one entity at one block become one query). The GraphQL context is one.
 */
export interface MirrorReader {
  readonly db: Database;
  readonly chainId: number;
  loader<Key, Value>(name: string, create: () => BatchLoader<Key, Value>): BatchLoader<Key, Value>;
}

/** One versioned entity by id at `block`, batched with the request's other reads of `name`. */
export async function loadAtBlock<Row extends object>(
  reader: MirrorReader,
  name: string,
  fetch: (block: bigint, ids: readonly string[]) => Promise<readonly Row[]>,
  idOf: (row: Row) => string,
  block: bigint,
  id: string,
): Promise<AtBlock<Row> | undefined> {
  const row = await reader.loader(name, () => createAtBlockLoader(fetch, idOf)).load({ block, id });
  return row === undefined ? undefined : { ...row, asOf: block };
}
