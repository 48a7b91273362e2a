import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { createAtBlockLoader, createBatchLoader } from "./loader.ts";

describe("createBatchLoader", () => {
  it("fetches the keys asked for in one tick with one call, and caches them", async () => {
    const calls: string[][] = [];
    const loader = createBatchLoader<string, number>(
      (key) => key,
      (keys) => {
        calls.push([...keys]);
        return Promise.resolve(new Map(keys.map((key) => [key, key.length])));
      },
    );
    const values = await Promise.all(["a", "bb", "a", "ccc"].map((key) => loader.load(key)));
    assert.deepEqual(values, [1, 2, 1, 3]);
    assert.deepEqual(calls, [["a", "bb", "ccc"]]);
    assert.equal(await loader.load("bb"), 2);
    assert.equal(calls.length, 1, "served from the cache");
  });

  it("also gathers keys asked for by resolvers that awaited first", async () => {
    const calls: number[] = [];
    const loader = createBatchLoader<string, string>(
      (key) => key,
      (keys) => {
        calls.push(keys.length);
        return Promise.resolve(new Map(keys.map((key) => [key, key])));
      },
    );
    await Promise.all(
      ["x", "y", "z"].map(async (key) => {
        await Promise.resolve();
        return loader.load(key);
      }),
    );
    assert.deepEqual(calls, [3]);
  });

  it("rejects every load of a failed batch", async () => {
    const loader = createBatchLoader<string, string>(
      (key) => key,
      () => Promise.reject(new Error("database down")),
    );
    const results = await Promise.allSettled([loader.load("a"), loader.load("b")]);
    assert.deepEqual(
      results.map((result) => result.status),
      ["rejected", "rejected"],
    );
  });
});

describe("createAtBlockLoader", () => {
  it("queries once per block and answers undefined for missing ids", async () => {
    const calls: [bigint, string[]][] = [];
    const loader = createAtBlockLoader<{ id: string; block: bigint }>(
      (block, ids) => {
        calls.push([block, [...ids]]);
        return Promise.resolve(ids.filter((id) => id !== "missing").map((id) => ({ id, block })));
      },
      (row) => row.id,
    );
    const [a, b, c, missing] = await Promise.all([
      loader.load({ block: 5n, id: "a" }),
      loader.load({ block: 5n, id: "b" }),
      loader.load({ block: 9n, id: "a" }),
      loader.load({ block: 9n, id: "missing" }),
    ]);
    assert.deepEqual([a?.block, b?.block, c?.block, missing], [5n, 5n, 9n, undefined]);
    assert.deepEqual(calls, [
      [5n, ["a", "b"]],
      [9n, ["a", "missing"]],
    ]);
  });
});
