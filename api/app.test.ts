import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import { getIntrospectionQuery } from "graphql";

import { startTestApi, type TestApi } from "../test/support/harness.ts";
import { HEAD_BLOCK, setCursor } from "../test/support/seed.ts";

interface Health {
  status: string;
  parts: {
    db: { ok: boolean; latency_ms: number | null };
    chain: { ok: boolean; head: number | null };
    indexer: { block: number | null; lag_blocks: number | null; lag_seconds: number | null; caught_up: boolean };
  };
}

describe("HTTP app", () => {
  let api: TestApi;
  before(async () => {
    api = await startTestApi();
  });
  after(async () => {
    await api.stop();
  });

  async function get(path: string, accept = "application/json"): Promise<Response> {
    return fetch(`${api.url}${path}`, { headers: { accept } });
  }

  describe("/health", () => {
    it("is ok when the database and chain answer and the indexer is caught up", async () => {
      api.chainHead = BigInt(HEAD_BLOCK + 1);
      const response = await get("/health");
      assert.equal(response.status, 200);
      const body = (await response.json()) as Health;
      assert.equal(body.status, "ok");
      assert.equal(body.parts.db.ok, true);
      assert.equal(typeof body.parts.db.latency_ms, "number");
      assert.deepEqual(body.parts.chain, { ok: true, head: HEAD_BLOCK + 1 });
      assert.deepEqual(body.parts.indexer, { block: HEAD_BLOCK, lag_blocks: 1, lag_seconds: 0, caught_up: true });
    });

    it("stays 200 but degraded while the indexer lags", async () => {
      api.chainHead = 100n;
      const response = await get("/health");
      assert.equal(response.status, 200);
      const body = (await response.json()) as Health;
      assert.equal(body.status, "degraded");
      assert.equal(body.parts.indexer.caught_up, false);
      assert.equal(body.parts.indexer.lag_blocks, 100 - HEAD_BLOCK);
      assert.ok((body.parts.indexer.lag_seconds ?? 0) > 0);
    });

    it("is 503 when the chain cannot be reached, without leaking the error", async () => {
      api.chainHead = () => Promise.reject(new Error("connect ECONNREFUSED https://rpc.example/v2/SECRET_KEY"));
      const response = await get("/health");
      assert.equal(response.status, 503);
      const text = await response.text();
      assert.doesNotMatch(text, /SECRET_KEY|ECONNREFUSED/);
      const body = JSON.parse(text) as Health;
      assert.equal(body.status, "degraded");
      assert.deepEqual(body.parts.chain, { ok: false, head: null });
      assert.equal(body.parts.db.ok, true);
    });
  });

  describe("/ready", () => {
    it("is 503 with a reason until the indexer reaches head - confirmations, then 200", async () => {
      api.chainHead = 30n;
      const lagging = await get("/ready");
      assert.equal(lagging.status, 503);
      const reason = ((await lagging.json()) as { reason: string }).reason;
      assert.match(reason, /indexer is at block 20, the head is 30 \(2 confirmations\)/);

      await setCursor(api.db, 28);
      const ready = await get("/ready");
      assert.equal(ready.status, 200);
      assert.deepEqual(await ready.json(), { ready: true, block: 28, head: 30 });
      await setCursor(api.db, HEAD_BLOCK);
    });

    it("is 503 when the chain head is unknown", async () => {
      api.chainHead = () => Promise.reject(new Error("down"));
      const response = await get("/ready");
      assert.equal(response.status, 503);
      assert.match(((await response.json()) as { reason: string }).reason, /chain head is unavailable/);
      api.chainHead = BigInt(HEAD_BLOCK);
    });
  });

  describe("/metrics", () => {
    it("exposes request counts and latency histograms in Prometheus format", async () => {
      await get("/health");
      await api.query("{ _meta { blockNumber } }");
      const response = await get("/metrics", "text/plain");
      assert.equal(response.status, 200);
      assert.match(response.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
      const text = await response.text();
      assert.match(text, /# TYPE http_request_duration_seconds histogram/);
      assert.match(
        text,
        /http_request_duration_seconds_bucket\{le="2",method="GET",route="\/health",status="200"\} \d+/,
      );
      assert.match(text, /http_requests_total\{method="POST",route="\/graphql",status="200"\} \d+/);
      assert.match(text, /graphql_errors_total/);
    });
  });

  describe("everything else", () => {
    it("answers unknown routes with JSON 404 and never says it is express", async () => {
      const response = await get("/api/v0/nothing");
      assert.equal(response.status, 404);
      assert.deepEqual(await response.json(), { error: "not found", code: "not_found" });
      assert.equal(response.headers.get("x-powered-by"), null);
    });

    it("serves GraphiQL to browsers", async () => {
      const response = await get("/graphql", "text/html");
      assert.equal(response.status, 200);
      assert.match(await response.text(), /graphiql/i);
    });

    it("answers GET queries too", async () => {
      const response = await get(`/graphql?query=${encodeURIComponent("{ _meta { blockNumber } }")}`);
      assert.equal(response.status, 200);
      assert.deepEqual(((await response.json()) as { data: unknown }).data, { _meta: { blockNumber: HEAD_BLOCK } });
    });
  });

  describe("/health when the database is gone", () => {
    it("is 503 and still answers", async () => {
      api.chainHead = BigInt(HEAD_BLOCK);
      await api.db.close();
      const response = await get("/health");
      assert.equal(response.status, 503);
      const body = (await response.json()) as Health;
      assert.deepEqual(body.parts.db, { ok: false, latency_ms: null });
      assert.equal(body.parts.indexer.block, null);
    });
  });
});

describe("before the indexer's first batch", () => {
  let api: TestApi;
  before(async () => {
    api = await startTestApi({ seed: false });
  });
  after(async () => {
    await api.stop();
  });

  it("serves empty state, says nothing is indexed, and is not ready", async () => {
    const response = await api.query<{ _meta: { blockNumber: number | null }; orders: { totalCount: number } }>(
      "{ _meta { chainId blockNumber } orders { totalCount } }",
    );
    assert.deepEqual(response.data, { _meta: { chainId: 31337, blockNumber: null }, orders: { totalCount: 0 } });
    const past = await api.query("{ tokenSupply(asOfBlock: 1) { totalSupply } }");
    assert.equal(past.errors?.[0]?.message, "block 1 is not indexed yet (nothing is indexed yet)");

    const ready = await fetch(`${api.url}/ready`);
    assert.equal(ready.status, 503);
    assert.match(((await ready.json()) as { reason: string }).reason, /has not indexed any block yet/);
  });

  it("answers introspection (GraphiQL's schema query)", async () => {
    const response = await api.query(getIntrospectionQuery());
    assert.equal(response.errors, undefined, JSON.stringify(response.errors));
  });
});
