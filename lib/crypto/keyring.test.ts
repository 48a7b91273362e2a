import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, it } from "node:test";

import { IntegrityError } from "./envelope.ts";
import { UnknownMasterKeyError, createKeyring, keyringFromEnv } from "./keyring.ts";
import type { MasterKey } from "./master-keys.ts";

const master = (id: string): MasterKey => ({ id, key: randomBytes(32) });
const USER = "0b6f3c52-3f1e-4c43-9d7c-1f0a4b7f2e11";
const OTHER = "7d1b1a7e-52f0-4a8b-8c61-0b4f5f0d9c22";

describe("keyring", () => {
  const old = master("old");
  const current = master("new");

  it("wraps under the current key and unwraps the same data key", () => {
    const keyring = createKeyring({ current, previous: [old] });
    assert.equal(keyring.currentKeyId, "new");
    assert.deepEqual(keyring.keyIds, ["new", "old"]);
    const dataKey = keyring.newDataKey();
    assert.equal(dataKey.length, 32);
    const wrapped = keyring.wrap(USER, dataKey);
    assert.equal(wrapped.masterKeyId, "new");
    assert.equal(wrapped.wrappedKey.includes(dataKey), false);
    assert.deepEqual(keyring.unwrap(USER, wrapped), dataKey);
  });

  it("unwraps keys wrapped under a previous key, and not once that key is dropped", () => {
    const before = createKeyring({ current: old, previous: [] });
    const dataKey = before.newDataKey();
    const wrapped = before.wrap(USER, dataKey);
    const during = createKeyring({ current, previous: [old] });
    assert.deepEqual(during.unwrap(USER, wrapped), dataKey);
    const rewrapped = during.wrap(USER, during.unwrap(USER, wrapped));
    const after = createKeyring({ current, previous: [] });
    assert.deepEqual(after.unwrap(USER, rewrapped), dataKey);
    assert.throws(() => after.unwrap(USER, wrapped), UnknownMasterKeyError);
    assert.throws(() => after.unwrap(USER, wrapped), /"old".*ENCRYPTION_PREVIOUS_KEYS/);
  });

  it("binds the wrapped key to its person and its key id", () => {
    const keyring = createKeyring({ current, previous: [] });
    const wrapped = keyring.wrap(USER, keyring.newDataKey());
    assert.throws(() => keyring.unwrap(OTHER, wrapped), IntegrityError);
    // Same bytes under a different (but configured) master key id: refused.
    const impostor = createKeyring({ current, previous: [{ id: "alias", key: current.key }] });
    assert.throws(() => impostor.unwrap(USER, { ...wrapped, masterKeyId: "alias" }), IntegrityError);
    // A wrong master key with the right id: refused.
    const wrongKey = createKeyring({ current: master("new"), previous: [] });
    assert.throws(() => wrongKey.unwrap(USER, wrapped), IntegrityError);
  });

  it("comes from the environment, or says which variable is missing", () => {
    const keyring = keyringFromEnv({ ENCRYPTION_KEY: `k1:${randomBytes(32).toString("base64")}` });
    assert.equal(keyring.currentKeyId, "k1");
    assert.throws(() => keyringFromEnv({}), /ENCRYPTION_KEY is not set/);
  });
});
