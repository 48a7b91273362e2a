import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, it } from "node:test";

import { GENESIS_HASH, accessLogHash } from "./access-log.ts";

describe("access log hash", () => {
  const row = {
    id: "7",
    actorId: null,
    actorRole: "kyc_officer",
    subjectId: "0b6f3c52-3f1e-4c43-9d7c-1f0a4b7f2e11",
    action: "read",
    reason: 'case "42"',
    at: new Date("2026-11-26T10:00:00.123Z"),
  };

  it("is sha256(prev_hash || canonical JSON with sorted keys)", () => {
    const canonical =
      '{"action":"read","actorId":null,"actorRole":"kyc_officer","at":"2026-11-26T10:00:00.123Z","id":"7",' +
      '"reason":"case \\"42\\"","subjectId":"0b6f3c52-3f1e-4c43-9d7c-1f0a4b7f2e11"}';
    const expected = createHash("sha256")
      .update(GENESIS_HASH + canonical)
      .digest("hex");
    assert.equal(accessLogHash(GENESIS_HASH, row), expected);
  });

  it("changes with every field and with the previous hash", () => {
    const base = accessLogHash(GENESIS_HASH, row);
    const variants = [
      { ...row, id: "8" },
      { ...row, actorId: "0b6f3c52-3f1e-4c43-9d7c-1f0a4b7f2e11" },
      { ...row, actorRole: "admin" },
      { ...row, subjectId: "7d1b1a7e-52f0-4a8b-8c61-0b4f5f0d9c22" },
      { ...row, action: "erase" },
      { ...row, reason: "case 43" },
      { ...row, at: new Date("2026-11-26T10:00:00.124Z") },
    ];
    for (const variant of variants) assert.notEqual(accessLogHash(GENESIS_HASH, variant), base);
    assert.notEqual(accessLogHash("f".repeat(64), row), base);
  });
});
