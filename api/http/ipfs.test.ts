import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";

import express from "express";
import pino from "pino";

import { ContentStoreAuthError, LocalContentStore, type ContentStore } from "../../lib/ipfs/index.ts";
import { receiptCid } from "../../lib/ipfs/receipt-cid.ts";
import { ipfsGateway } from "./ipfs.ts";

async function listFiles(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => path.join(entry.parentPath, entry.name));
}

describe("GET /ipfs/:cid", () => {
  let directory: string;
  let store: LocalContentStore;
  let server: Server;
  let base: string;

  before(async () => {
    directory = await mkdtemp(path.join(tmpdir(), "hotpot-gateway-"));
    store = new LocalContentStore(directory);
    const app = express();
    app.get("/ipfs/:cid", ipfsGateway(store, pino({ level: "silent" })));
    server = await new Promise<Server>((resolve) => {
      const listening = app.listen(0, "127.0.0.1", () => {
        resolve(listening);
      });
    });
    const address = server.address();
    assert.ok(address !== null && typeof address === "object");
    base = `http://127.0.0.1:${address.port}`;
  });

  after(async () => {
    await new Promise((resolve) => server.close(resolve));
    await rm(directory, { recursive: true, force: true });
  });

  it("serves a stored receipt as JSON under the CID the chain records, cacheable forever", async () => {
    const receipt = Buffer.from(
      JSON.stringify({ order: "0xabc", total: "25.00 GEL", items: [{ id: 1, quantity: 2 }] }),
    );
    const { cid } = await store.put(receipt);
    assert.equal(cid, receiptCid(`0x${createHash("sha256").update(receipt).digest("hex")}`));

    const response = await fetch(`${base}/ipfs/${cid}`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("content-type"), "application/json; charset=utf-8");
    assert.match(response.headers.get("cache-control") ?? "", /immutable/);
    assert.deepEqual(Buffer.from(await response.arrayBuffer()), receipt);
  });

  it("serves content larger than one chunk, reassembled", async () => {
    const bytes = Buffer.alloc(600_000);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 31) % 251;
    const { cid } = await store.put(bytes);
    assert.match(cid, /^bafy/, "a multi-block file has a dag-pb root");
    const response = await fetch(`${base}/ipfs/${cid}`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("content-type"), "application/octet-stream");
    assert.deepEqual(Buffer.from(await response.arrayBuffer()), bytes);
  });

  it("answers 404 for a CID it does not have and 400 for something that is not a CID", async () => {
    const missing = receiptCid(`0x${createHash("sha256").update("never stored").digest("hex")}`);
    assert.equal((await fetch(`${base}/ipfs/${missing}`)).status, 404);
    const bad = await fetch(`${base}/ipfs/not-a-cid`);
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as { error: string }).error, /CID/i);
  });

  it("refuses to serve bytes that no longer match their CID", async () => {
    const fresh = await mkdtemp(path.join(tmpdir(), "hotpot-gateway-tamper-"));
    try {
      const tampered = new LocalContentStore(fresh);
      const { cid } = await tampered.put(Buffer.from('{"total":"25.00 GEL"}'));
      for (const file of await listFiles(fresh)) await writeFile(file, '{"total":"0.01 GEL"}');
      const app = express();
      app.get("/ipfs/:cid", ipfsGateway(tampered, pino({ level: "silent" })));
      const local = await new Promise<Server>((resolve) => {
        const listening = app.listen(0, "127.0.0.1", () => {
          resolve(listening);
        });
      });
      try {
        const address = local.address();
        assert.ok(address !== null && typeof address === "object");
        const response = await fetch(`http://127.0.0.1:${address.port}/ipfs/${cid}`);
        assert.equal(response.status, 502);
        assert.doesNotMatch(await response.text(), /0\.01/);
      } finally {
        await new Promise((resolve) => local.close(resolve));
      }
    } finally {
      await rm(fresh, { recursive: true, force: true });
    }
  });
  it("answers 502, not 400, when the store refuses the platform's own credentials", async () => {
    const refusing: ContentStore = {
      put: () => Promise.reject(new ContentStoreAuthError("PINATA_JWT was refused")),
      get: () => Promise.reject(new ContentStoreAuthError("PINATA_JWT was refused")),
      has: () => Promise.reject(new ContentStoreAuthError("PINATA_JWT was refused")),
    };
    const app = express();
    app.get("/ipfs/:cid", ipfsGateway(refusing, pino({ level: "silent" })));
    const local = await new Promise<Server>((resolve) => {
      const listening = app.listen(0, "127.0.0.1", () => {
        resolve(listening);
      });
    });
    try {
      const address = local.address();
      assert.ok(address !== null && typeof address === "object");
      const response = await fetch(
        `http://127.0.0.1:${address.port}/ipfs/bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e`,
      );
      assert.equal(response.status, 502);
      assert.doesNotMatch(await response.text(), /PINATA_JWT/);
    } finally {
      await new Promise((resolve) => local.close(resolve));
    }
  });
});
