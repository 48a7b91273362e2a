import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";

import { startTestApi, type TestApi } from "../test/support/harness.ts";

describe("the web app served at /", () => {
  let api: TestApi;
  let dist: string;

  before(async () => {
    dist = await mkdtemp(path.join(tmpdir(), "hotpot-web-dist-"));
    await mkdir(path.join(dist, "assets"));
    await writeFile(path.join(dist, "index.html"), '<!doctype html><div id="root"></div>');
    await writeFile(path.join(dist, "assets", "index-abc123.js"), "console.log('app')");
    api = await startTestApi({ context: { webDist: dist, mediaOrigins: ["http://127.0.0.1:8000"] } });
  });

  after(async () => {
    await api.stop();
    await rm(dist, { recursive: true, force: true });
  });

  const get = (route: string, accept = "text/html"): Promise<Response> =>
    fetch(`${api.url}${route}`, { headers: { accept } });

  it("serves index.html at / and for client-side routes, never cached, under the strict CSP", async () => {
    for (const route of ["/", "/menu", "/order/3f1c1a52-1b7e-4c51-9a57-0c7f43b1e8a2"]) {
      const response = await get(route);
      assert.equal(response.status, 200, route);
      assert.match(await response.text(), /id="root"/, route);
      assert.equal(response.headers.get("cache-control"), "no-cache", route);
      assert.match(response.headers.get("content-security-policy") ?? "", /script-src 'self'/, route);
    }
  });

  it("lets the page play kitchen streams: fetch from the media server, video from blob: URLs", async () => {
    const policy = (await get("/")).headers.get("content-security-policy") ?? "";
    assert.match(policy, /connect-src 'self' http:\/\/127\.0\.0\.1:8000(;|$)/);
    assert.match(policy, /media-src 'self' blob:(;|$)/);
    assert.match(policy, /default-src 'self'/);
  });

  it("lets a KYC officer's page show the documents it fetched with its token, from blob: URLs", async () => {
    const policy = (await get("/kyc/review")).headers.get("content-security-policy") ?? "";
    assert.match(policy, /img-src 'self' data: blob:(;|$)/);
    assert.match(policy, /script-src 'self'(;|$)/);
  });

  it("serves hashed assets for a year, and a missing asset is a 404, not the page", async () => {
    const asset = await get("/assets/index-abc123.js", "*/*");
    assert.equal(asset.status, 200);
    assert.match(asset.headers.get("cache-control") ?? "", /max-age=31536000, immutable/);
    assert.equal((await get("/assets/missing.js", "*/*")).status, 404);
  });

  it("leaves the API's routes and their JSON 404s alone", async () => {
    const unknown = await get("/api/v1/nothing-here");
    assert.equal(unknown.status, 404);
    assert.match(unknown.headers.get("content-type") ?? "", /application\/json/);
    assert.equal((await get("/health", "application/json")).status, 200);
    const graphiql = await get("/graphql");
    assert.match(await graphiql.text(), /graphiql/i);
  });

  it("answers a request that does not take HTML with the JSON 404", async () => {
    const response = await get("/menu", "application/json");
    assert.equal(response.status, 404);
  });
});
