import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { hashStreamKey, keyMatches, newStreamKey } from "./keys.ts";

describe("stream keys", () => {
  it("are random, URL-safe and matched only through their hash", () => {
    const key = newStreamKey();
    assert.match(key, /^[\w-]{43}$/);
    assert.notEqual(newStreamKey(), key);
    const hash = hashStreamKey(key);
    assert.match(hash, /^[0-9a-f]{64}$/);
    assert.equal(keyMatches(key, hash), true);
    assert.equal(keyMatches(`${key}x`, hash), false);
    assert.equal(keyMatches(key, null), false);
    assert.equal(keyMatches(key, "abc"), false);
  });
});
