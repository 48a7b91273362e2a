import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, it } from "node:test";

import { ConfigError } from "../errors.ts";
import { blindIndexKeyFromEnv, deriveKeyId, masterKeysFromEnv, parseMasterKey } from "./master-keys.ts";

const key = randomBytes(32);
const b64 = key.toString("base64");

describe("master keys from the environment", () => {
  it("parses a bare key (id derived from the key) and an id:key pair", () => {
    const bare = parseMasterKey(b64, "ENCRYPTION_KEY");
    assert.deepEqual(bare.key, key);
    assert.equal(bare.id, deriveKeyId(key));
    assert.match(bare.id, /^[0-9a-f]{16}$/);
    assert.equal(parseMasterKey(` 2026-11:${b64} `, "ENCRYPTION_KEY").id, "2026-11");
    assert.deepEqual(parseMasterKey(`k:${key.toString("base64url")}`, "ENCRYPTION_KEY").key, key);
  });

  it("reads the current and previous keys; unset means undefined", () => {
    const old1 = randomBytes(32).toString("base64");
    const old2 = randomBytes(32).toString("base64");
    const keys = masterKeysFromEnv({
      ENCRYPTION_KEY: `new:${b64}`,
      ENCRYPTION_PREVIOUS_KEYS: ` old1:${old1} , ,${old2}, new:${b64}`,
    });
    assert.ok(keys !== undefined);
    assert.equal(keys.current.id, "new");
    assert.deepEqual(
      keys.previous.map((entry) => entry.id),
      ["old1", deriveKeyId(Buffer.from(old2, "base64"))],
    );
    assert.equal(masterKeysFromEnv({}), undefined);
    assert.equal(masterKeysFromEnv({ ENCRYPTION_KEY: "  " }), undefined);
  });

  it("names the variable for bad values and never echoes the secret", () => {
    const short = randomBytes(16).toString("base64");
    const cases: [Record<string, string>, RegExp][] = [
      [{ ENCRYPTION_KEY: short }, /^ENCRYPTION_KEY must be 32 bytes in base64, got 16 bytes/],
      [{ ENCRYPTION_KEY: "not base64 at all!" }, /^ENCRYPTION_KEY must be 32 bytes in base64; it contains other/],
      [{ ENCRYPTION_KEY: `bad id:${b64}` }, /^ENCRYPTION_KEY: the key id/],
      [
        { ENCRYPTION_KEY: b64, ENCRYPTION_PREVIOUS_KEYS: `a:${b64},${short}` },
        /^ENCRYPTION_PREVIOUS_KEYS entry 2 must/,
      ],
      [
        { ENCRYPTION_KEY: `same:${b64}`, ENCRYPTION_PREVIOUS_KEYS: `same:${randomBytes(32).toString("base64")}` },
        /ENCRYPTION_PREVIOUS_KEYS entry 1 reuses key id "same"/,
      ],
      [{ ENCRYPTION_PREVIOUS_KEYS: b64 }, /ENCRYPTION_PREVIOUS_KEYS is set but ENCRYPTION_KEY is not/],
    ];
    for (const [env, message] of cases) {
      assert.throws(
        () => masterKeysFromEnv(env),
        (error: unknown) => {
          assert.ok(error instanceof ConfigError);
          assert.match(error.message, message);
          assert.equal(error.message.includes(b64), false);
          assert.equal(error.message.includes(short), false);
          return true;
        },
      );
    }
  });

  it("reads BLIND_INDEX_KEY", () => {
    assert.deepEqual(blindIndexKeyFromEnv({ BLIND_INDEX_KEY: b64 }), key);
    assert.equal(blindIndexKeyFromEnv({}), undefined);
    assert.throws(() => blindIndexKeyFromEnv({ BLIND_INDEX_KEY: "abcd" }), /^ConfigError: BLIND_INDEX_KEY must be 32/);
  });
});
