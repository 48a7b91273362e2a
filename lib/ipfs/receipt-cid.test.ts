import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, it } from "node:test";

import { receiptCid } from "./receipt-cid.ts";

describe("receiptCid", () => {
  it("matches the CIDv1 (raw, sha2-256) Kubo prints for the same bytes", () => {
    // `echo -n 'hello world' | ipfs add --cid-version 1 --raw-leaves` prints this CID.
    const digest = `0x${createHash("sha256").update("hello world").digest("hex")}`;
    assert.equal(receiptCid(digest), "bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e");
  });

  it("returns null for the zero digest (no receipt recorded)", () => {
    assert.equal(receiptCid(`0x${"0".repeat(64)}`), null);
  });

  it("rejects anything that is not 32 bytes of hex", () => {
    assert.throws(() => receiptCid("0x1234"), /not a 32-byte digest/);
  });
});
