import assert from "node:assert/strict";
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";

import { ConfigError } from "../errors.ts";
import { ensureLocalKeys } from "./local-keys.ts";
import { blindIndexKeyFromEnv, masterKeysFromEnv } from "./master-keys.ts";

describe("local default keys", () => {
  let dataDir: string;
  before(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), "hotpot-keys-"));
  });
  after(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it("generates both keys once, private, and reuses them", async () => {
    const first = await ensureLocalKeys({ dataDir, env: {} });
    assert.equal(first.created.length, 2);
    const keys = masterKeysFromEnv(first.env);
    assert.match(keys?.current.id ?? "", /^local-[0-9a-f]{16}$/);
    assert.equal(blindIndexKeyFromEnv(first.env)?.length, 32);
    const file = path.join(dataDir, "keys", "encryption.key");
    if (process.platform !== "win32") {
      assert.equal((await stat(file)).mode & 0o777, 0o600);
      assert.equal((await stat(path.join(dataDir, "keys"))).mode & 0o777, 0o700);
    }
    const second = await ensureLocalKeys({ dataDir, env: {} });
    assert.deepEqual(second.created, []);
    assert.deepEqual(second.env, first.env);
    assert.equal((await readFile(file, "utf8")).trim(), first.env.ENCRYPTION_KEY);
  });

  it("agrees with itself when started concurrently", async () => {
    const fresh = await mkdtemp(path.join(tmpdir(), "hotpot-keys-"));
    try {
      const results = await Promise.all([1, 2, 3, 4].map(() => ensureLocalKeys({ dataDir: fresh, env: {} })));
      for (const result of results) assert.deepEqual(result.env, results[0]?.env);
      assert.equal(results.flatMap((result) => result.created).length, 2);
    } finally {
      await rm(fresh, { recursive: true, force: true });
    }
  });

  it("fills in only what is unset", async () => {
    const result = await ensureLocalKeys({ dataDir, env: { ENCRYPTION_KEY: "set elsewhere" } });
    assert.deepEqual(Object.keys(result.env), ["BLIND_INDEX_KEY"]);
    const fresh = await mkdtemp(path.join(tmpdir(), "hotpot-keys-"));
    try {
      const only = await ensureLocalKeys({ dataDir: fresh, env: {}, variables: ["ENCRYPTION_KEY"] });
      assert.deepEqual(Object.keys(only.env), ["ENCRYPTION_KEY"]);
      assert.equal(only.created.length, 1);
    } finally {
      await rm(fresh, { recursive: true, force: true });
    }
    const none = await ensureLocalKeys({ dataDir, env: { ENCRYPTION_KEY: "x", BLIND_INDEX_KEY: "y" } });
    assert.deepEqual(none.env, {});
  });

  it("refuses to invent keys in production", async () => {
    await assert.rejects(
      ensureLocalKeys({ dataDir, env: { NODE_ENV: "production", BLIND_INDEX_KEY: "y" } }),
      (error: unknown) =>
        error instanceof ConfigError && /^ENCRYPTION_KEY must be set in production/.test(error.message),
    );
  });

  it("refuses a key file others can read, and a damaged one", { skip: process.platform === "win32" }, async () => {
    const file = path.join(dataDir, "keys", "blind-index.key");
    await chmod(file, 0o644);
    await assert.rejects(ensureLocalKeys({ dataDir, env: { ENCRYPTION_KEY: "x" } }), /BLIND_INDEX_KEY: .* chmod 600/);
    await chmod(file, 0o600);
    await writeFile(file, "garbage\n");
    await assert.rejects(
      ensureLocalKeys({ dataDir, env: { ENCRYPTION_KEY: "x" } }),
      /BLIND_INDEX_KEY \(from .*blind-index.key\) must be 32 bytes/,
    );
  });
});
