import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { encodeIndexedNotification, parseIndexedPayload } from "./indexed-channel.ts";

const ORDER = `0x${"ab".repeat(32)}`;

describe("indexed channel payload", () => {
  it("test_decode_readsWhatTheIndexerEncodes", () => {
    const batch = { chainId: 31337, fromBlock: 12n, toBlock: 15n, orders: [ORDER], reorg: true };
    assert.deepEqual(parseIndexedPayload(encodeIndexedNotification(batch)), batch);
  });

  it("test_encode_dropsTheOrderListPastPostgresPayloadCap", () => {
    const orders = Array.from({ length: 200 }, (_, i) => `0x${i.toString(16).padStart(64, "0")}`);
    const text = encodeIndexedNotification({ chainId: 1, fromBlock: 1n, toBlock: 2n, orders, reorg: false });
    assert.ok(Buffer.byteLength(text) < 8000);
    assert.deepEqual(parseIndexedPayload(text), { chainId: 1, fromBlock: 1n, toBlock: 2n, orders: null, reorg: false });
  });
});
