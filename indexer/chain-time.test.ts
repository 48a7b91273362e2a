import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { chainTime } from "./chain-time.ts";

describe("chainTime", () => {
  it("converts unix seconds", () => {
    assert.equal(chainTime(1_795_651_200n).toISOString(), "2026-11-26T00:00:00.000Z");
  });

  it("clamps a 'never expires' uint64 to the last second Postgres can store", () => {
    assert.equal(chainTime(2n ** 64n - 1n).toISOString(), "9999-12-31T23:59:59.000Z");
  });
});
