import assert from "node:assert/strict";
import { randomBytes, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, beforeEach, describe, it } from "node:test";
import { isRetryable } from "../errors.ts";
import { PinataContentStore } from "./pinata.ts";
import {
  ContentIntegrityError,
  ContentStoreAuthError,
  ContentStoreError,
  ContentStoreUnavailableError,
} from "./storage.ts";
import { importContent } from "./unixfs.ts";

const JWT = "test-jwt";

interface StoredFile {
  id: string;
  name: string;
  cid: string;
  size: number;
  mime_type: string;
  network: string;
  created_at: string;
  bytes: Uint8Array;
}

/**
 * The parts of Pinata's API the v2 SDK calls for these operations, as the SDK sends them
 * (pinata/dist/index.mjs): `POST {uploadUrl}/files` multipart (file, network, name) with a Bearer
 * JWT answering `{ data: UploadResponse }`; `GET {endpointUrl}/files/{network}?cid=…&limit=…`
 * answering `{ data: { files, next_page_token } }`; and the gateway's `GET /ipfs/{cid}`.
 * CIDs come from the same importer as the local store, so they are real CIDv1s.
 */
class FakePinata {
  readonly files = new Map<string, StoredFile>();
  readonly requests: { method: string; url: string; authorization: string | undefined; source: string | undefined }[] =
    [];
  /** The next requests answer with this status (and Pinata-like error bodies). */
  failWith: number | undefined;
  /** The gateway serves these bytes instead of the stored ones. */
  tamper = false;
  /** The upload reports this CID instead of the computed one. */
  reportCid: string | undefined;
  readonly #server: Server;

  constructor() {
    this.#server = createServer((request, response) => {
      this.#handle(request, response).catch((error: unknown) => {
        response.writeHead(500).end(String(error));
      });
    });
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.#server.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${String((this.#server.address() as AddressInfo).port)}`;
  }

  async stop(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve, reject) => {
      this.#server.close((error) => {
        if (error) reject(error);
        else resolve();
      });
    });
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", "http://fake");
    const authorization = request.headers.authorization;
    const source = request.headers.source as string | undefined;
    this.requests.push({ method: request.method ?? "", url: url.pathname + url.search, authorization, source });
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);

    if (this.failWith !== undefined) {
      const status = this.failWith;
      const json =
        status === 401
          ? { error: { reason: "INVALID_CREDENTIALS", details: "Invalid/expired credentials provided." } }
          : { error: { reason: "SERVICE_UNAVAILABLE", details: "Service temporarily unavailable" } };
      response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(json));
      return;
    }

    const gateway = /^\/ipfs\/([^/]+)$/.exec(url.pathname);
    if (request.method === "GET" && gateway?.[1] !== undefined) {
      const file = this.files.get(gateway[1]);
      if (file === undefined) {
        response.writeHead(404, { "content-type": "text/plain" }).end("not found");
        return;
      }
      const bytes = Buffer.from(file.bytes);
      if (this.tamper) bytes[0] = (bytes[0] ?? 0) ^ 0x01;
      // Pinata's gateway sniffs the type: receipts come back as application/json
      response.writeHead(200, { "content-type": file.mime_type, "content-length": bytes.length }).end(bytes);
      return;
    }

    if (authorization !== `Bearer ${JWT}`) {
      response
        .writeHead(401, { "content-type": "application/json" })
        .end(JSON.stringify({ error: { reason: "NO_AUTH", details: "No credentials provided" } }));
      return;
    }

    if (request.method === "POST" && url.pathname === "/v3/files") {
      const form = await new Request("http://fake/", {
        method: "POST",
        headers: { "content-type": request.headers["content-type"] ?? "" },
        body,
      }).formData();
      const file = form.get("file");
      if (!(file instanceof File)) {
        response.writeHead(400, { "content-type": "application/json" }).end('{"error":"file missing"}');
        return;
      }
      const bytes = new Uint8Array(await file.arrayBuffer());
      const cid = this.reportCid ?? (await importContent(bytes)).toString();
      const stored: StoredFile = {
        id: randomUUID(),
        name: field(form, "name"),
        cid,
        size: bytes.length,
        mime_type: bytes[0] === 0x7b ? "application/json" : "application/octet-stream",
        network: field(form, "network"),
        created_at: new Date().toISOString(),
        bytes,
      };
      this.files.set(cid, stored);
      response
        .writeHead(200, { "content-type": "application/json" })
        .end(JSON.stringify({ data: { ...listed(stored), network: stored.network, vectorized: false } }));
      return;
    }

    const list = /^\/v3\/files\/(public|private)$/.exec(url.pathname);
    if (request.method === "GET" && list !== null) {
      const cid = url.searchParams.get("cid");
      const files = [...this.files.values()]
        .filter((file) => file.network === list[1] && (cid === null || file.cid === cid))
        .map(listed);
      response
        .writeHead(200, { "content-type": "application/json" })
        .end(JSON.stringify({ data: { files, next_page_token: "" } }));
      return;
    }

    response.writeHead(404, { "content-type": "application/json" }).end('{"error":"no such route"}');
  }
}

function field(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === "string" ? value : "";
}

/** A file as Pinata's API lists it (FileListItem); uploads add `network` and `vectorized`. */
function listed(file: StoredFile): Record<string, unknown> {
  return {
    id: file.id,
    name: file.name,
    cid: file.cid,
    size: file.size,
    number_of_files: 1,
    mime_type: file.mime_type,
    group_id: null,
    keyvalues: {},
    created_at: file.created_at,
  };
}

describe("PinataContentStore against a fake Pinata", () => {
  const fake = new FakePinata();
  let base: string;
  let store: PinataContentStore;

  before(async () => {
    base = await fake.start();
    store = new PinataContentStore({ jwt: JWT, gateway: base, endpointUrl: `${base}/v3`, uploadUrl: `${base}/v3` });
  });
  after(async () => {
    await fake.stop();
  });
  beforeEach(() => {
    fake.failWith = undefined;
    fake.tamper = false;
    fake.reportCid = undefined;
    fake.requests.length = 0;
  });

  it("uploads to the public network through the SDK and reads the bytes back verified", async () => {
    const receipt = new TextEncoder().encode(JSON.stringify({ order: 1, total: "37.00" }));
    const { cid, size } = await store.put(receipt, { name: "receipt-1.json" });
    assert.equal(cid, (await importContent(receipt)).toString());
    assert.equal(size, receipt.length);

    const upload = fake.files.get(cid);
    assert.equal(upload?.network, "public");
    assert.equal(upload.name, "receipt-1.json");
    assert.deepEqual(fake.requests[0], {
      method: "POST",
      url: "/v3/files",
      authorization: `Bearer ${JWT}`,
      source: "sdk/file",
    });

    assert.deepEqual(await store.get(cid), receipt, "exact bytes, although the gateway labels them JSON");
    assert.equal(await store.has(cid), true);
  });

  it("round-trips content larger than one chunk", async () => {
    const bytes = new Uint8Array(randomBytes(600_000));
    const { cid } = await store.put(bytes);
    assert.match(cid, /^bafybei/);
    assert.deepEqual(await store.get(cid), bytes);
  });

  it("answers null / false for content Pinata does not have", async () => {
    const absent = (await importContent(new TextEncoder().encode("absent"))).toString();
    assert.equal(await store.get(absent), null);
    assert.equal(await store.has(absent), false);
  });

  it("rejects bytes from the gateway that do not match the CID", async () => {
    const { cid } = await store.put(new TextEncoder().encode('{"order":2}'));
    const big = await store.put(new Uint8Array(randomBytes(300_000)));
    fake.tamper = true;
    await assert.rejects(store.get(cid), ContentIntegrityError);
    await assert.rejects(store.get(big.cid), ContentIntegrityError);
  });

  it("fails a put whose reported CID is not the one Kubo would give", async () => {
    fake.reportCid = (await importContent(new TextEncoder().encode("other"))).toString();
    await assert.rejects(store.put(new TextEncoder().encode("mine")), ContentIntegrityError);
  });

  it("turns 401 into a non-retryable error that names the setting", async () => {
    const wrong = new PinataContentStore({
      jwt: "wrong",
      gateway: base,
      endpointUrl: `${base}/v3`,
      uploadUrl: `${base}/v3`,
    });
    await assert.rejects(wrong.put(new TextEncoder().encode("x")), (error: unknown) => {
      assert.ok(error instanceof ContentStoreAuthError);
      assert.equal(isRetryable(error), false);
      assert.match(error.message, /HTTP 401/);
      assert.match(error.message, /PINATA_JWT/);
      return true;
    });
    fake.failWith = 401;
    await assert.rejects(store.get((await importContent(new Uint8Array([1]))).toString()), ContentStoreAuthError);
  });

  it("turns 503 (upload, lookup and gateway) into retryable errors", async () => {
    fake.failWith = 503;
    const cid = (await importContent(new Uint8Array([1]))).toString();
    const attempts = [() => store.put(new Uint8Array([1])), () => store.has(cid), () => store.get(cid)];
    for (const attempt of attempts) {
      await assert.rejects(attempt(), (error: unknown) => {
        assert.ok(error instanceof ContentStoreUnavailableError, String(error));
        assert.equal(isRetryable(error), true);
        assert.match(error.message, /503/);
        return true;
      });
    }
  });

  it("keeps other 4xx non-retryable", async () => {
    fake.failWith = 400;
    await assert.rejects(store.put(new Uint8Array([1])), (error: unknown) => {
      assert.ok(error instanceof ContentStoreError);
      assert.equal(isRetryable(error), false);
      return true;
    });
  });

  it("treats an unreachable service as retryable", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => {
      closed.close(() => {
        resolve();
      });
    });
    const url = `http://127.0.0.1:${String(port)}`;
    const down = new PinataContentStore({ jwt: JWT, gateway: url, endpointUrl: `${url}/v3`, uploadUrl: `${url}/v3` });
    const cid = (await importContent(new Uint8Array([1]))).toString();
    const attempts = [() => down.put(new Uint8Array([1])), () => down.get(cid), () => down.has(cid)];
    for (const attempt of attempts) {
      await assert.rejects(attempt(), (error: unknown) => {
        assert.ok(error instanceof ContentStoreUnavailableError, String(error));
        return true;
      });
    }
  });
});
