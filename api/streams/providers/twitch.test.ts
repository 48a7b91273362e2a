import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { EVENTSUB_HEADERS, eventSubSignature, verifyEventSubMessage } from "./twitch.ts";

const SECRET = "s3cr3t-for-eventsub";
const NOW = new Date("2026-11-26T12:00:00.000Z");

function headers(overrides: Record<string, string | undefined> = {}, body = '{"a":1}') {
  const id = overrides.id ?? "msg-1";
  const timestamp = overrides.timestamp ?? NOW.toISOString();
  const values: Record<string, string | undefined> = {
    [EVENTSUB_HEADERS.id]: id,
    [EVENTSUB_HEADERS.timestamp]: timestamp,
    [EVENTSUB_HEADERS.signature]: overrides.signature ?? eventSubSignature(SECRET, id, timestamp, body),
    [EVENTSUB_HEADERS.type]: "notification",
  };
  return (name: string): string | undefined => values[name.toLowerCase()];
}

describe("Twitch EventSub verification", () => {
  it("matches Twitch's documented HMAC (sha256= over id + timestamp + body)", () => {
    // Computed independently: printf 'idtsbody' | openssl dgst -sha256 -hmac secret
    assert.equal(
      eventSubSignature("secret", "id", "ts", "body"),
      "sha256=60d0b23637d1498ebe2bd71c5e71485019ac6e01bb8448b382ae0c89df32243c",
    );
    assert.equal(
      eventSubSignature("secret", "id", "ts", Buffer.from("body")),
      eventSubSignature("secret", "id", "ts", "body"),
    );
  });

  it("accepts a signed message inside the window", () => {
    const check = verifyEventSubMessage(headers(), Buffer.from('{"a":1}'), SECRET, NOW);
    assert.deepEqual(check, { ok: true, id: "msg-1", timestamp: NOW, type: "notification" });
  });

  it("refuses a changed body, a wrong secret, missing headers and a timestamp over 10 minutes away", () => {
    assert.deepEqual(verifyEventSubMessage(headers(), Buffer.from('{"a":2}'), SECRET, NOW), {
      ok: false,
      reason: "bad signature",
    });
    assert.deepEqual(verifyEventSubMessage(headers(), Buffer.from('{"a":1}'), "other-secret", NOW), {
      ok: false,
      reason: "bad signature",
    });
    assert.deepEqual(verifyEventSubMessage(headers({ signature: "sha256=00" }), Buffer.from('{"a":1}'), SECRET, NOW), {
      ok: false,
      reason: "bad signature",
    });
    assert.equal(verifyEventSubMessage(() => undefined, Buffer.alloc(0), SECRET, NOW).ok, false);
    const old = new Date(NOW.getTime() - 10 * 60_000 - 1).toISOString();
    assert.deepEqual(verifyEventSubMessage(headers({ timestamp: old }), Buffer.from('{"a":1}'), SECRET, NOW), {
      ok: false,
      reason: "timestamp outside the window",
    });
    const edge = new Date(NOW.getTime() - 10 * 60_000).toISOString();
    assert.equal(verifyEventSubMessage(headers({ timestamp: edge }), Buffer.from('{"a":1}'), SECRET, NOW).ok, true);
  });
});
