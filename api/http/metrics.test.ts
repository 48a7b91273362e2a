import assert from "node:assert/strict";
import type { Server } from "node:http";
import { setTimeout as delay } from "node:timers/promises";
import { after, before, describe, it } from "node:test";

import express from "express";
import { pino } from "pino";
import { Registry } from "prom-client";
import * as z from "zod";

import { ApiError, notFound } from "../rest/errors.ts";
import { createRestApi } from "../rest/index.ts";
import { API_PREFIX } from "../rest/openapi.ts";
import { defineRoute } from "../rest/route.ts";
import { Uuid } from "../rest/schemas.ts";
import { errorHandler, notFoundHandler } from "./errors.ts";
import { createApiMetrics, markSignatureRejected } from "./metrics.ts";

const FOUND = "3f1c1a52-1b7e-4c51-9a57-0c7f43b1e8a2";
const OTHER = "9b2f4c1e-8d7a-4e6b-a5c3-1f0e9d8c7b6a";
const MISSING = "00000000-0000-4000-8000-000000000000";

const orderRoute = defineRoute({
  method: "get",
  path: "/orders/{id}",
  operationId: "getOrder",
  summary: "An order",
  tags: ["orders"],
  access: "public",
  params: z.object({ id: Uuid }),
  responses: { 200: { description: "The order" } },
  errors: [404],
  handle: async ({ params }) => {
    await Promise.resolve();
    if (params.id === MISSING) throw notFound(`order ${params.id}`);
    return { status: 200, body: { id: params.id } };
  },
});

interface Sample {
  labels: Record<string, string | number | undefined>;
  value: number;
}

describe("HTTP metrics route label", () => {
  let registry: Registry;
  let server: Server;
  let base: string;
  let served = 0;

  before(async () => {
    registry = new Registry();
    const metrics = createApiMetrics(registry);
    const rest = createRestApi({
      routes: [orderRoute],
      authenticate: () => Promise.resolve(undefined),
      version: "1",
    });
    // The same order of middleware as api/app.ts.
    const app = express();
    app.use(metrics.middleware);
    app.use("/graphql", (_request, response) => {
      response.json({ data: null });
    });
    app.use(API_PREFIX, rest.router);
    app.get("/health", (_request, response) => {
      response.json({ status: "ok" });
    });
    app.post("/api/v1/webhooks/stripe", (_request, response, next) => {
      // As api/payments/webhook.ts does when constructEvent throws.
      markSignatureRejected(response, "stripe");
      next(new ApiError(400, "invalid_signature", "webhook signature check failed"));
    });
    app.get("/ipfs/:cid", (_request, response) => {
      response.status(404).json({ error: "not found", code: "not_found" });
    });
    app.use(notFoundHandler);
    app.use(errorHandler(pino({ level: "silent" })));
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
  });

  async function samples(): Promise<Sample[]> {
    const counter = registry.getSingleMetric("http_requests_total");
    assert.ok(counter);
    // Copies: prom-client hands out its live samples.
    return (await counter.get()).values.map((sample) => ({ labels: { ...sample.labels }, value: sample.value }));
  }

  /** Sends the requests, waits until the counter has seen them all, and returns the labels they got. */
  async function labelsOf(requests: readonly (readonly [string, string])[]): Promise<Sample[]> {
    const before = await samples();
    for (const [method, path] of requests) {
      const response = await fetch(`${base}${path}`, { method });
      await response.arrayBuffer();
    }
    served += requests.length;
    for (let attempt = 0; attempt < 100; attempt += 1) {
      const total = (await samples()).reduce((sum, sample) => sum + sample.value, 0);
      if (total >= served) break;
      await delay(5);
    }
    const previous = new Map(before.map((sample) => [JSON.stringify(sample.labels), sample.value]));
    return (await samples())
      .map((sample) => ({ ...sample, value: sample.value - (previous.get(JSON.stringify(sample.labels)) ?? 0) }))
      .filter((sample) => sample.value > 0);
  }

  const summary = (list: Sample[]): string[] =>
    list
      .map((sample) => `${sample.labels.method} ${sample.labels.route} ${sample.labels.status} ×${sample.value}`)
      .sort();

  it("labels a matched REST route by its pattern, whatever the id", async () => {
    const got = await labelsOf([
      ["GET", `${API_PREFIX}/orders/${FOUND}`],
      ["GET", `${API_PREFIX}/orders/${OTHER}`],
    ]);
    assert.deepEqual(summary(got), ["GET /api/v1/orders/:id 200 ×2"]);
  });

  // Express resets request.baseUrl once an error leaves the /api/v1 router; the label must not lose the prefix.
  it("labels a matched REST route by its pattern when it answers an error through the error handler", async () => {
    const got = await labelsOf([
      ["GET", `${API_PREFIX}/orders/${MISSING}`],
      ["GET", `${API_PREFIX}/orders/not-a-uuid`],
    ]);
    assert.deepEqual(summary(got), ["GET /api/v1/orders/:id 400 ×1", "GET /api/v1/orders/:id 404 ×1"]);
  });

  it("labels the app's own routes by their pattern", async () => {
    const got = await labelsOf([
      ["GET", "/health"],
      ["GET", "/ipfs/bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy"],
      ["GET", "/ipfs/bafkreianother"],
      ["POST", "/graphql?query=%7B__typename%7D"],
    ]);
    assert.deepEqual(summary(got), ["GET /health 200 ×1", "GET /ipfs/:cid 404 ×2", "POST /graphql 200 ×1"]);
  });

  it('labels unknown paths "other", and unmatched paths under a known prefix by that prefix', async () => {
    const got = await labelsOf([
      ["GET", "/wp-login.php"],
      ["GET", "/healthz"],
      ["GET", "/.env"],
      ["GET", `/${"a".repeat(200)}`],
      ["GET", `${API_PREFIX}/no-such-resource/${FOUND}`],
      ["DELETE", `${API_PREFIX}/orders/${FOUND}`],
    ]);
    assert.deepEqual(summary(got), ["DELETE /api/v1 404 ×1", "GET /api/v1 404 ×1", "GET other 404 ×4"]);
  });

  it("keeps the label set bounded under a scan of random paths", async () => {
    const scan: [string, string][] = [];
    for (let index = 0; index < 50; index += 1) {
      scan.push(["GET", `/scan-${index}-${Math.random().toString(36).slice(2)}`]);
      scan.push(["GET", `${API_PREFIX}/scan-${index}`]);
      scan.push(["GET", `${API_PREFIX}/orders/${crypto.randomUUID()}`]);
    }
    const routesBefore = new Set((await samples()).map((sample) => String(sample.labels.route)));
    const got = await labelsOf(scan);
    assert.deepEqual(summary(got), ["GET /api/v1 404 ×50", "GET /api/v1/orders/:id 200 ×50", "GET other 404 ×50"]);
    const routesAfter = new Set((await samples()).map((sample) => String(sample.labels.route)));
    const added = [...routesAfter].filter((route) => !routesBefore.has(route));
    assert.ok(
      added.every((route) => ["/api/v1", "/api/v1/orders/:id", "other"].includes(route)),
      added.join(),
    );
    assert.ok(routesAfter.size <= 8, [...routesAfter].join());
  });

  it("counts webhook deliveries refused for their signature, by provider, from 0", async () => {
    const failures = async (): Promise<Record<string, number>> => {
      const counter = registry.getSingleMetric("webhook_signature_failures_total");
      assert.ok(counter);
      const values = (await counter.get()).values;
      return Object.fromEntries(
        values.map((sample): [string, number] => [String(sample.labels.provider), sample.value]),
      );
    };
    assert.deepEqual(await failures(), { stripe: 0, onfido: 0, twitch: 0 });
    const got = await labelsOf([
      ["POST", "/api/v1/webhooks/stripe"],
      ["POST", "/api/v1/webhooks/stripe"],
      ["GET", "/health"],
    ]);
    assert.deepEqual(summary(got), ["GET /health 200 ×1", "POST /api/v1/webhooks/stripe 400 ×2"]);
    assert.deepEqual(await failures(), { stripe: 2, onfido: 0, twitch: 0 });
  });

  it("shares the metrics of a second app on the same registry", () => {
    assert.doesNotThrow(() => createApiMetrics(registry));
  });
});
