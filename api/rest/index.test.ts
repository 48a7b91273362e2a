import assert from "node:assert/strict";
import type { Server } from "node:http";
import { after, before, describe, it } from "node:test";

import express from "express";
import { pino } from "pino";
import * as z from "zod";

import type { Principal } from "../auth/principal.ts";
import { errorHandler, notFoundHandler } from "../http/errors.ts";
import { orderRoutes } from "../orders/routes.ts";
import type { Platform } from "../platform.ts";
import { restaurantRoutes } from "../restaurants/routes.ts";
import { unauthorized } from "./errors.ts";
import { createRestApi, type Authenticator, type CredentialSource, type RestApiOptions } from "./index.ts";
import { API_PREFIX } from "./openapi.ts";
import { defineRoute, type Route } from "./route.ts";
import { Limit, Uuid } from "./schemas.ts";

const ITEM = "3f1c1a52-1b7e-4c51-9a57-0c7f43b1e8a2";

/**
 * Credentials for tests: `Bearer user-<id>` is a person, `X-API-Key: key-<id>` a point-of-sale key,
 * any other bearer token is rejected the way a bad JWT is (ApiError 401).
 */
const authenticate: Authenticator = (request: CredentialSource) => {
  const authorization = request.header("authorization");
  const apiKey = request.header("x-api-key");
  if (authorization !== undefined) {
    const token = /^Bearer user-(\w+)$/.exec(authorization)?.[1];
    if (token === undefined) return Promise.reject(unauthorized("invalid token"));
    const principal: Principal = {
      kind: "user",
      userId: token,
      address: "0x70997970c51812dc3a010c7d01b50e0d17dc79c8",
      custodial: false,
      roles: new Set(),
    };
    return Promise.resolve(principal);
  }
  if (apiKey !== undefined) {
    const keyId = /^key-(\w+)$/.exec(apiKey)?.[1];
    if (keyId === undefined) return Promise.reject(unauthorized("invalid API key"));
    return Promise.resolve({ kind: "api_key", keyId, restaurantId: 1n } satisfies Principal);
  }
  return Promise.resolve(undefined);
};

const whoIs = (principal: Principal | undefined): string | null =>
  principal === undefined ? null : principal.kind === "user" ? `user:${principal.userId}` : `key:${principal.keyId}`;

const routes: Route[] = [
  defineRoute({
    method: "get",
    path: "/things/{id}",
    operationId: "getThing",
    summary: "A public read",
    tags: ["things"],
    access: "public",
    params: z.object({ id: Uuid }),
    query: z.object({ limit: Limit }),
    responses: { 200: { description: "The thing", schema: z.object({ id: z.string() }) } },
    errors: [404],
    handle: async ({ params, query, principal }) => {
      await Promise.resolve();
      return { status: 200, body: { id: params.id, limit: query.limit, caller: whoIs(principal) } };
    },
  }),
  defineRoute({
    method: "post",
    path: "/things",
    operationId: "createThing",
    summary: "A person's write",
    tags: ["things"],
    access: "user",
    body: z.object({
      name: z.string().min(1),
      items: z.array(z.object({ id: Uuid, quantity: z.number().int().min(1).max(99) })).min(1),
    }),
    responses: { 201: { description: "Created" } },
    errors: [403],
    handle: async ({ body, principal }) => {
      await Promise.resolve();
      return {
        status: 201,
        body: { name: body.name, count: body.items.length, caller: whoIs(principal) },
        headers: { Location: `${API_PREFIX}/things/${ITEM}` },
      };
    },
  }),
  defineRoute({
    method: "get",
    path: "/whoami",
    operationId: "whoAmI",
    summary: "A person or an API key",
    tags: ["things"],
    access: "any",
    responses: { 200: { description: "The caller" } },
    handle: async ({ principal }) => {
      await Promise.resolve();
      return { status: 200, body: { caller: whoIs(principal) } };
    },
  }),
  defineRoute({
    method: "delete",
    path: "/things/{id}",
    operationId: "deleteThing",
    summary: "Answers 204 with no body",
    tags: ["things"],
    access: "any",
    params: z.object({ id: Uuid }),
    responses: { 204: { description: "Deleted" } },
    handle: async () => {
      await Promise.resolve();
      return { status: 204 };
    },
  }),
  defineRoute({
    method: "get",
    path: "/boom",
    operationId: "boom",
    summary: "A handler that fails",
    tags: ["things"],
    access: "public",
    responses: { 200: { description: "Never" } },
    handle: () => Promise.reject(new Error("database password is hunter2")),
  }),
];

interface Running {
  readonly base: string;
  close(): Promise<void>;
}

async function start(options: Partial<RestApiOptions> = {}): Promise<Running> {
  const rest = createRestApi({ routes, authenticate, version: "9.9.9", ...options });
  const app = express();
  app.use(API_PREFIX, rest.router);
  app.use(notFoundHandler);
  app.use(errorHandler(pino({ level: "silent" })));
  const server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, "127.0.0.1", () => {
      resolve(listening);
    });
  });
  const address = server.address();
  assert.ok(address !== null && typeof address === "object");
  return {
    base: `http://127.0.0.1:${address.port}${API_PREFIX}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => {
          if (error) reject(error);
          else resolve();
        });
      }),
  };
}

const asUser = (id: string): Record<string, string> => ({ authorization: `Bearer user-${id}` });
const asKey = (id: string): Record<string, string> => ({ "x-api-key": `key-${id}` });
const json = { "content-type": "application/json" };

interface ErrorReply {
  error: string;
  code: string;
  issues?: { path: string; message: string }[];
}

async function errorOf(response: globalThis.Response): Promise<ErrorReply> {
  assert.match(response.headers.get("content-type") ?? "", /^application\/json/);
  return (await response.json()) as ErrorReply;
}

const goodThing = { name: "pot", items: [{ id: ITEM, quantity: 2 }] };

describe("REST /api/v1 (createRestApi + routerFor)", () => {
  let api: Running;
  before(async () => {
    api = await start();
  });
  after(async () => {
    await api.close();
  });

  describe("validation", () => {
    it("passes parsed path and query values to the handler (defaults applied, strings coerced)", async () => {
      const first = await fetch(`${api.base}/things/${ITEM}`);
      assert.equal(first.status, 200);
      assert.deepEqual(await first.json(), { id: ITEM, limit: 20, caller: null });
      const second = await fetch(`${api.base}/things/${ITEM}?limit=5`, { headers: asUser("ann") });
      assert.deepEqual(await second.json(), { id: ITEM, limit: 5, caller: "user:ann" });
    });

    it("answers a bad path parameter with 400 and an issue at path.<name>", async () => {
      const response = await fetch(`${api.base}/things/not-a-uuid`);
      assert.equal(response.status, 400);
      const body = await errorOf(response);
      assert.equal(body.code, "invalid_request");
      assert.equal(body.error, "invalid path");
      assert.deepEqual(
        body.issues?.map((issue) => issue.path),
        ["path.id"],
      );
    });

    it("answers a bad query parameter with 400 and an issue at query.<name>", async () => {
      for (const query of ["limit=0", "limit=101", "limit=abc", "limit=1.5", "limit=1&limit=2"]) {
        const response = await fetch(`${api.base}/things/${ITEM}?${query}`);
        assert.equal(response.status, 400, query);
        const body = await errorOf(response);
        assert.equal(body.error, "invalid query", query);
        assert.deepEqual(
          body.issues?.map((issue) => issue.path),
          ["query.limit"],
          query,
        );
      }
    });

    it("names each wrong body field by its full path, e.g. body.items.0.quantity", async () => {
      const response = await fetch(`${api.base}/things`, {
        method: "POST",
        headers: { ...asUser("ann"), ...json },
        body: JSON.stringify({
          name: "",
          items: [
            { id: ITEM, quantity: 0 },
            { id: "x", quantity: 1 },
          ],
        }),
      });
      assert.equal(response.status, 400);
      const body = await errorOf(response);
      assert.equal(body.code, "invalid_request");
      assert.equal(body.error, "invalid body");
      assert.deepEqual(body.issues?.map((issue) => issue.path).sort(), [
        "body.items.0.quantity",
        "body.items.1.id",
        "body.name",
      ]);
      for (const issue of body.issues ?? []) assert.ok(issue.message.length > 0);
    });

    it("reports a body of the wrong shape as one issue at `body`", async () => {
      const response = await fetch(`${api.base}/things`, {
        method: "POST",
        headers: { ...asUser("ann"), ...json },
        body: "[]",
      });
      assert.equal(response.status, 400);
      const body = await errorOf(response);
      assert.deepEqual(
        body.issues?.map((issue) => issue.path),
        ["body"],
      );
    });

    it("refuses a bare JSON value (express.json is strict) as invalid JSON", async () => {
      const response = await fetch(`${api.base}/things`, {
        method: "POST",
        headers: { ...asUser("ann"), ...json },
        body: "null",
      });
      assert.equal(response.status, 400);
      assert.deepEqual(await errorOf(response), { error: "the body is not valid JSON", code: "invalid_request" });
    });

    it("validates the real order schema: POST /orders with quantity 0 → body.items.0.quantity", async () => {
      // The handler is never reached for an invalid request, so a platform is not needed.
      const orders = await start({ routes: orderRoutes({} as Platform) });
      try {
        const response = await fetch(`${orders.base}/orders`, {
          method: "POST",
          headers: { ...asKey("pos"), ...json },
          body: JSON.stringify({ restaurant_id: "1", items: [{ id: ITEM, quantity: 0 }] }),
        });
        assert.equal(response.status, 400);
        const body = await errorOf(response);
        assert.deepEqual(
          body.issues?.map((issue) => issue.path),
          ["body.items.0.quantity"],
        );

        const duplicate = await fetch(`${orders.base}/orders`, {
          method: "POST",
          headers: { ...asKey("pos"), ...json },
          body: JSON.stringify({
            restaurant_id: 1,
            items: [
              { id: ITEM, quantity: 1 },
              { id: ITEM, quantity: 2 },
            ],
          }),
        });
        assert.equal(duplicate.status, 400);
        const duplicateBody = await errorOf(duplicate);
        assert.deepEqual(duplicateBody.issues, [{ path: "body.items", message: "list each item once" }]);
      } finally {
        await orders.close();
      }
    });

    it("answers a body that is not JSON with 415", async () => {
      const response = await fetch(`${api.base}/things`, {
        method: "POST",
        headers: { ...asUser("ann"), "content-type": "text/plain" },
        body: JSON.stringify(goodThing),
      });
      assert.equal(response.status, 415);
      const body = await errorOf(response);
      assert.equal(body.code, "unsupported_media_type");

      const form = await fetch(`${api.base}/things`, {
        method: "POST",
        headers: asUser("ann"),
        body: new URLSearchParams({ name: "pot" }),
      });
      assert.equal(form.status, 415);
    });

    it("accepts application/json with a charset", async () => {
      const response = await fetch(`${api.base}/things`, {
        method: "POST",
        headers: { ...asUser("ann"), "content-type": "application/json; charset=utf-8" },
        body: JSON.stringify(goodThing),
      });
      assert.equal(response.status, 201);
      assert.equal(response.headers.get("location"), `${API_PREFIX}/things/${ITEM}`);
      assert.deepEqual(await response.json(), { name: "pot", count: 1, caller: "user:ann" });
    });

    it("answers malformed JSON with 400 invalid_request", async () => {
      const response = await fetch(`${api.base}/things`, {
        method: "POST",
        headers: { ...asUser("ann"), ...json },
        body: '{"name": "pot",',
      });
      assert.equal(response.status, 400);
      assert.deepEqual(await errorOf(response), { error: "the body is not valid JSON", code: "invalid_request" });
    });

    it("answers a reply without a body with the bare status", async () => {
      const response = await fetch(`${api.base}/things/${ITEM}`, { method: "DELETE", headers: asKey("pos") });
      assert.equal(response.status, 204);
      assert.equal(await response.text(), "");
    });

    it("hides a handler's unexpected error behind a 500 with no detail", async () => {
      const response = await fetch(`${api.base}/boom`);
      assert.equal(response.status, 500);
      const text = await response.text();
      assert.doesNotMatch(text, /hunter2/);
      assert.deepEqual(JSON.parse(text), { error: "internal error", code: "internal" });
    });

    it("leaves unknown paths to the app's 404", async () => {
      const response = await fetch(`${api.base}/nothing-here`);
      assert.equal(response.status, 404);
      assert.equal((await errorOf(response)).code, "not_found");
    });
  });

  describe("access", () => {
    it("answers a person's route without credentials with 401 and WWW-Authenticate", async () => {
      const response = await fetch(`${api.base}/things`, {
        method: "POST",
        headers: json,
        body: JSON.stringify(goodThing),
      });
      assert.equal(response.status, 401);
      assert.equal(response.headers.get("www-authenticate"), 'Bearer realm="hotpot"');
      assert.equal((await errorOf(response)).code, "unauthorized");
    });

    it("checks credentials before validating, so an anonymous caller learns nothing of the schema", async () => {
      const response = await fetch(`${api.base}/things`, { method: "POST", headers: json, body: "{}" });
      assert.equal(response.status, 401);
      assert.equal((await errorOf(response)).issues, undefined);
    });

    it("answers an `any` route without credentials with 401", async () => {
      const response = await fetch(`${api.base}/whoami`);
      assert.equal(response.status, 401);
      assert.equal(response.headers.get("www-authenticate"), 'Bearer realm="hotpot"');
    });

    it("refuses an API key on a person's route with 403", async () => {
      const response = await fetch(`${api.base}/things`, {
        method: "POST",
        headers: { ...asKey("pos"), ...json },
        body: JSON.stringify(goodThing),
      });
      assert.equal(response.status, 403);
      const body = await errorOf(response);
      assert.equal(body.code, "forbidden");
      assert.match(body.error, /signed-in person, not an API key/);
    });

    it("lets a person and an API key call an `any` route", async () => {
      const person = await fetch(`${api.base}/whoami`, { headers: asUser("ann") });
      assert.deepEqual(await person.json(), { caller: "user:ann" });
      const key = await fetch(`${api.base}/whoami`, { headers: asKey("pos") });
      assert.deepEqual(await key.json(), { caller: "key:pos" });
    });

    it("answers a bad credential with the authenticator's 401, even on a public route", async () => {
      const response = await fetch(`${api.base}/things/${ITEM}`, { headers: { authorization: "Bearer forged" } });
      assert.equal(response.status, 401);
      assert.equal(response.headers.get("www-authenticate"), 'Bearer realm="hotpot"');
      assert.deepEqual(await errorOf(response), { error: "invalid token", code: "unauthorized" });
    });

    it("serves the OpenAPI document without asking for credentials", async () => {
      const response = await fetch(`${api.base}/openapi.json`, { headers: { authorization: "Bearer forged" } });
      assert.equal(response.status, 200);
      const document = (await response.json()) as { info: { version: string } };
      assert.equal(document.info.version, "9.9.9");
    });
  });
});

describe("REST /api/v1 limits", () => {
  it("answers a body over the limit with 413 too_large", async () => {
    const api = await start({ bodyLimit: "1kb" });
    try {
      const big = { name: "x".repeat(2048), items: [{ id: ITEM, quantity: 1 }] };
      const response = await fetch(`${api.base}/things`, {
        method: "POST",
        headers: { ...asUser("ann"), ...json },
        body: JSON.stringify(big),
      });
      assert.equal(response.status, 413);
      assert.deepEqual(await errorOf(response), { error: "the body is too large", code: "too_large" });

      const small = await fetch(`${api.base}/things`, {
        method: "POST",
        headers: { ...asUser("ann"), ...json },
        body: JSON.stringify(goodThing),
      });
      assert.equal(small.status, 201);
    } finally {
      await api.close();
    }
  });

  it("accepts 64kb by default and refuses more", async () => {
    const api = await start();
    try {
      const send = (size: number): Promise<globalThis.Response> =>
        fetch(`${api.base}/things`, {
          method: "POST",
          headers: { ...asUser("ann"), ...json },
          body: JSON.stringify({ ...goodThing, name: "x".repeat(size) }),
        });
      assert.equal((await send(60 * 1024)).status, 201);
      assert.equal((await send(70 * 1024)).status, 413);
    } finally {
      await api.close();
    }
  });

  it("rate-limits failed credentials per IP at anonymousPerMinute: 429 with Retry-After", async () => {
    const api = await start({ rateLimits: { perCallerPerMinute: 100, anonymousPerMinute: 3 } });
    try {
      const statuses: number[] = [];
      let last: globalThis.Response | undefined;
      for (let attempt = 0; attempt < 5; attempt += 1) {
        last = await fetch(`${api.base}/whoami`, { headers: { authorization: `Bearer guess-${attempt}` } });
        statuses.push(last.status);
        await last.body?.cancel();
      }
      assert.deepEqual(statuses, [401, 401, 401, 429, 429]);
      assert.equal(last?.headers.get("retry-after"), "60");
    } finally {
      await api.close();
    }
  });

  it("does count failed credentials: past the limit the answer carries RateLimit r=0 and Retry-After", async () => {
    const api = await start({ rateLimits: { perCallerPerMinute: 100, anonymousPerMinute: 2 } });
    try {
      let last: globalThis.Response | undefined;
      for (let attempt = 0; attempt < 3; attempt += 1) {
        last = await fetch(`${api.base}/whoami`, { headers: { authorization: "Bearer guess" } });
        await last.body?.cancel();
      }
      assert.match(last?.headers.get("ratelimit") ?? "", /\br=0\b/);
      assert.equal(last?.headers.get("retry-after"), "60");
    } finally {
      await api.close();
    }
  });

  it("counts failed credentials apart from good ones: a valid caller is not locked out", async () => {
    const api = await start({ rateLimits: { perCallerPerMinute: 100, anonymousPerMinute: 2 } });
    try {
      for (let attempt = 0; attempt < 4; attempt += 1) {
        const response = await fetch(`${api.base}/whoami`, { headers: { authorization: "Bearer guess" } });
        await response.body?.cancel();
      }
      const good = await fetch(`${api.base}/whoami`, { headers: asUser("ann") });
      assert.equal(good.status, 200);
    } finally {
      await api.close();
    }
  });

  it("limits each caller by principal: two people, or a person and a key, do not share a budget", async () => {
    const api = await start({ rateLimits: { perCallerPerMinute: 2, anonymousPerMinute: 100 } });
    try {
      const call = async (headers: Record<string, string>): Promise<globalThis.Response> => {
        const response = await fetch(`${api.base}/whoami`, { headers });
        return response;
      };
      assert.equal((await call(asUser("ann"))).status, 200);
      assert.equal((await call(asUser("ann"))).status, 200);
      const third = await call(asUser("ann"));
      assert.equal(third.status, 429);
      assert.equal(third.headers.get("retry-after"), "60");
      assert.equal((await errorOf(third)).code, "rate_limited");

      // Same IP, other principals: their own budgets.
      assert.equal((await call(asUser("bob"))).status, 200);
      assert.equal((await call(asUser("bob"))).status, 200);
      assert.equal((await call(asKey("pos"))).status, 200);
      assert.equal((await call(asKey("pos"))).status, 200);
      assert.equal((await call(asKey("pos"))).status, 429);
      // Anonymous callers on the same IP have the per-IP budget, untouched by the people's.
      const anonymous = await fetch(`${api.base}/things/${ITEM}`);
      assert.equal(anonymous.status, 200);
    } finally {
      await api.close();
    }
  });

  it("limits anonymous callers per IP at anonymousPerMinute", async () => {
    const api = await start({ rateLimits: { perCallerPerMinute: 100, anonymousPerMinute: 2 } });
    try {
      const statuses: number[] = [];
      for (let attempt = 0; attempt < 3; attempt += 1) {
        const response = await fetch(`${api.base}/things/${ITEM}`);
        statuses.push(response.status);
        await response.body?.cancel();
      }
      assert.deepEqual(statuses, [200, 200, 429]);
      // A signed-in person from the same IP is counted by principal, not by the IP.
      assert.equal((await fetch(`${api.base}/things/${ITEM}`, { headers: asUser("ann") })).status, 200);
    } finally {
      await api.close();
    }
  });
});

interface Operation {
  operationId?: string;
  security?: Record<string, string[]>[];
  responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
  requestBody?: unknown;
  parameters?: { name: string; in: string }[];
}

describe("OpenAPI document", () => {
  const realRoutes = [...restaurantRoutes({} as Platform), ...orderRoutes({} as Platform)];
  const { document } = createRestApi({ routes: [...routes, ...realRoutes], authenticate, version: "1.2.3" });
  const operation = (method: string, path: string): Operation => {
    const found = (document.paths[`${API_PREFIX}${path}`] as Record<string, Operation> | undefined)?.[method];
    assert.ok(found, `${method.toUpperCase()} ${path} is in the document`);
    return found;
  };
  const statuses = (op: Operation): string[] => Object.keys(op.responses).sort();

  it("is OpenAPI 3.1 with both security schemes and the version given", () => {
    assert.equal(document.openapi, "3.1.0");
    assert.equal((document.info as { version: string }).version, "1.2.3");
    const components = document.components as { securitySchemes: Record<string, unknown> };
    assert.deepEqual(Object.keys(components.securitySchemes).sort(), ["apiKey", "bearer"]);
  });

  it("lists every route once, under /api/v1 with `{param}` paths, by its operationId", () => {
    const listed = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => `${method} ${path} ${op.operationId ?? "?"}`),
    );
    const expected = [...routes, ...realRoutes].map(
      (route) => `${route.method} ${API_PREFIX}${route.path} ${route.operationId}`,
    );
    assert.deepEqual(listed.sort(), expected.sort());
    const ids = [...routes, ...realRoutes].map((route) => route.operationId);
    assert.equal(new Set(ids).size, ids.length, "operationIds are unique");
  });

  it("gives each route the security its access needs", () => {
    assert.equal(operation("get", "/things/{id}").security, undefined);
    assert.deepEqual(operation("post", "/things").security, [{ bearer: [] }]);
    assert.deepEqual(operation("get", "/whoami").security, [{ bearer: [] }, { apiKey: [] }]);
    for (const route of realRoutes) {
      const op = operation(route.method, route.path);
      const expected =
        route.access === "public"
          ? undefined
          : route.access === "user"
            ? [{ bearer: [] }]
            : [{ bearer: [] }, { apiKey: [] }];
      assert.deepEqual(op.security, expected, route.operationId);
    }
  });

  // A credential that is sent is checked on public operations too, so every operation can answer 401.
  it("adds the shared error responses (400, 401, 429, 500; 413 and 415 with a body) and the route's own, with the Error schema", () => {
    assert.deepEqual(statuses(operation("get", "/things/{id}")), ["200", "400", "401", "404", "429", "500"]);
    assert.deepEqual(statuses(operation("post", "/things")), ["201", "400", "401", "403", "413", "415", "429", "500"]);
    assert.deepEqual(statuses(operation("get", "/whoami")), ["200", "400", "401", "429", "500"]);
    for (const route of realRoutes) {
      const op = operation(route.method, route.path);
      const expected = ["400", "401", "429", "500"];
      for (const status of [...expected, ...(route.errors ?? []).map(String)]) {
        const response = op.responses[status];
        assert.ok(response, `${route.operationId} lists ${status}`);
        assert.ok(response.content?.["application/json"], `${route.operationId} ${status} is JSON`);
      }
      for (const status of Object.keys(route.responses)) assert.ok(op.responses[status], route.operationId);
    }
  });

  it("documents path and query parameters and JSON request bodies", () => {
    const getThing = operation("get", "/things/{id}");
    assert.deepEqual(getThing.parameters?.map((parameter) => `${parameter.in}:${parameter.name}`).sort(), [
      "path:id",
      "query:limit",
    ]);
    assert.ok(operation("post", "/things").requestBody);
    assert.equal(operation("get", "/whoami").requestBody, undefined);
    const createOrder = operation("post", "/orders");
    assert.equal(createOrder.operationId, "createOrder");
    assert.ok(createOrder.requestBody);
  });

  // Doc drift: routerFor answers 415 (and express.json 413) for any operation with a body, but
  // operationOf (api/rest/openapi.ts) only adds 400/401/429/500 and the route's own `errors`.
  it("lists 415 for every operation that takes a body (routerFor can answer it)", () => {
    for (const route of [...routes, ...realRoutes].filter((candidate) => candidate.body !== undefined)) {
      assert.ok(operation(route.method, route.path).responses["415"], `${route.operationId} lists 415`);
    }
  });

  it("lists 403 for every person-only operation (routerFor answers an API key with it)", () => {
    for (const route of [...routes, ...realRoutes].filter((candidate) => candidate.access === "user")) {
      assert.ok(operation(route.method, route.path).responses["403"], `${route.operationId} lists 403`);
    }
  });
});
