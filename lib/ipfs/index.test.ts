import assert from "node:assert/strict";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { CID } from "multiformats/cid";
import { pinataSettings } from "../config.ts";
import { ConfigError } from "../errors.ts";
import { LocalContentStore, PinataContentStore, createContentStore } from "./index.ts";

describe("createContentStore", () => {
  let dataDir: string;

  before(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), "hotpot-ipfs-config-"));
  });
  after(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it("uses the embedded store in DATA_DIR/ipfs when Pinata is not configured", async () => {
    const store = createContentStore({ dataDir, pinata: pinataSettings({ PINATA_JWT: " ", PINATA_GATEWAY: "" }) });
    assert.ok(store instanceof LocalContentStore);
    const { cid } = await store.put(new TextEncoder().encode("hello world"));
    assert.equal(cid, "bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e");
    const file = store.blocks.pathOf(CID.parse(cid));
    assert.ok((await stat(file)).isFile());
    assert.equal(path.dirname(path.dirname(file)), path.join(dataDir, "ipfs"));
  });

  it("uses Pinata when PINATA_JWT and PINATA_GATEWAY are set", () => {
    const store = createContentStore({
      dataDir,
      pinata: pinataSettings({ PINATA_JWT: "jwt", PINATA_GATEWAY: "example.mypinata.cloud" }),
    });
    assert.ok(store instanceof PinataContentStore);
  });

  it("names the missing variable when only one of the two is set", () => {
    assert.throws(
      () => createContentStore({ dataDir, pinata: pinataSettings({ PINATA_JWT: "jwt" }) }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.match(error.message, /PINATA_GATEWAY/);
        return true;
      },
    );
    assert.throws(
      () => createContentStore({ dataDir, pinata: pinataSettings({ PINATA_GATEWAY: "gw.example" }) }),
      /PINATA_JWT/,
    );
  });
});
