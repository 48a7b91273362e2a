/**
 * k6 is not installed here, so k6-orders.js is run under Node with k6's modules faked:
 * its imports are swapped for a fake `k6/http` (canned answers, every request recorded) and
 * `k6`, then options(), setup() and one iteration are checked.
 * Run: node --test scripts/bench/load/*.test.ts
 */
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { describe, it } from "node:test";

interface FakeResponse {
  status: number;
  body: string;
  timings: { duration: number };
  json(): unknown;
}
interface Sent {
  method: string;
  url: string;
  body: string | null;
  headers: Record<string, string>;
}
interface BatchRequest {
  method: string;
  url: string;
  body: string;
  params: { headers: Record<string, string> };
}
interface Script {
  options: { stages: { duration: string; target: number }[]; thresholds: Record<string, string[]> };
  setup(): { restaurantId: string; itemIds: string[]; users: { token: string; customerId: string }[] };
  default(data: ReturnType<Script["setup"]>): void;
}

const respond = (status: number, body: unknown): FakeResponse => ({
  status,
  body: JSON.stringify(body),
  timings: { duration: 12 },
  json: () => body,
});

/** Loads the script with fakes for k6's modules and globals. */
async function load(env: Record<string, string>, answer: (request: Sent) => FakeResponse) {
  const sent: Sent[] = [];
  const checks: Record<string, boolean>[] = [];
  const sleeps: number[] = [];
  const send = (method: string, url: string, body: string | null, headers: Record<string, string>): FakeResponse => {
    const request = { method, url, body, headers };
    sent.push(request);
    return answer(request);
  };
  const http = {
    request: (method: string, url: string, body: string | null, params: { headers: Record<string, string> }) =>
      send(method, url, body, params.headers),
    post: (url: string, body: string, params: { headers: Record<string, string> }) =>
      send("POST", url, body, params.headers),
    batch: (requests: BatchRequest[]) =>
      requests.map((request) => send(request.method, request.url, request.body, request.params.headers)),
  };
  const k6 = {
    check: (response: FakeResponse, conditions: Record<string, (r: FakeResponse) => boolean>) => {
      checks.push(Object.fromEntries(Object.entries(conditions).map(([name, test]) => [name, test(response)])));
    },
    fail: (message: string) => {
      throw new Error(message);
    },
    sleep: (seconds: number) => sleeps.push(seconds),
  };
  const key = `k6fake${Math.random().toString(36).slice(2)}`;
  Object.assign(globalThis, { [key]: { http, k6, env } });
  const source = (await readFile(new URL("./k6-orders.js", import.meta.url), "utf8"))
    .replace(`import http from "k6/http";`, `const { http } = globalThis.${key}; const __VU = 3;`)
    .replace(`import { check, fail, sleep } from "k6";`, `const { check, fail, sleep } = globalThis.${key}.k6;`)
    .replaceAll("__ENV", `globalThis.${key}.env`);
  assert.doesNotMatch(source, /^import /m, "every k6 import was replaced");
  const script = (await import(`data:text/javascript,${encodeURIComponent(source)}`)) as Script;
  return { script, sent, checks, sleeps };
}

const MENU = {
  items: [
    { id: "a1", restaurant_id: "7", name: "Soup", available: true },
    { id: "b1", restaurant_id: "9", name: "Hot Pot", available: true },
    { id: "b2", restaurant_id: "9", name: "Beef", available: true },
  ],
};

function api(request: Sent): FakeResponse {
  if (request.url.includes("/api/v1/menu")) return respond(200, MENU);
  if (request.url.endsWith("/api/v1/auth/custodial")) {
    const n = Math.random().toString(36).slice(2, 8);
    return respond(201, { token: `tok-${n}`, expires_at: "x", account_key: `key-${n}`, user: { id: `user-${n}` } });
  }
  if (request.url.endsWith("/api/v1/auth/token")) {
    const { account_key } = JSON.parse(request.body ?? "{}") as { account_key: string };
    return respond(200, { token: `renewed-for-${account_key}`, expires_at: "x", user: { id: "u" } });
  }
  if (request.url.endsWith("/api/v1/orders"))
    return request.headers.Authorization?.startsWith("Bearer expired")
      ? respond(401, { code: "unauthorized" })
      : respond(201, { id: "o1", status: "placed" });
  return respond(404, { error: "not_found" });
}

describe("scripts/bench/load/k6-orders.js (under fake k6 modules)", () => {
  it("declares the seed's stages and our thresholds", async () => {
    const { script } = await load({}, api);
    assert.deepEqual(script.options.stages, [
      { duration: "2m", target: 100 },
      { duration: "5m", target: 100 },
      { duration: "2m", target: 200 },
      { duration: "5m", target: 200 },
      { duration: "2m", target: 0 },
    ]);
    assert.deepEqual(script.options.thresholds, {
      http_req_failed: ["rate<0.01"],
      http_req_duration: ["p(95)<2000", "p(99)<50"],
    });
  });

  it("setup finds a restaurant with two items and signs in one custodial user per peak VU", async () => {
    const { script, sent } = await load({ BASE_URL: "http://api.test:4000/" }, api);
    const data = script.setup();
    assert.equal(data.restaurantId, "9");
    assert.deepEqual(data.itemIds, ["b1", "b2"]);
    assert.equal(data.users.length, 200);
    assert.equal(new Set(data.users.map((user) => user.token)).size, 200);
    assert.equal(sent[0]?.url, "http://api.test:4000/api/v1/menu?limit=100");
    assert.equal(sent.filter((request) => request.url.endsWith("/auth/custodial")).length, 200);
  });

  it("each iteration posts the seed's body with the user's token, checks 201 and sleeps 1 s", async () => {
    const { script, sent, checks, sleeps } = await load({ STAGES: "10s:4,10s:0", RESTAURANT_ID: "9" }, api);
    assert.deepEqual(script.options.stages, [
      { duration: "10s", target: 4 },
      { duration: "10s", target: 0 },
    ]);
    const data = script.setup();
    assert.equal(data.users.length, 4);
    assert.match(sent[0]?.url ?? "", /\/menu\?restaurant_id=9&limit=100$/);
    sent.length = 0;
    script.default(data);
    const [order] = sent;
    assert.ok(order !== undefined);
    assert.equal(order.method, "POST");
    assert.equal(order.url, "http://127.0.0.1:4000/api/v1/orders");
    // __VU is 3 in the fake: the third user.
    const user = data.users[2];
    assert.ok(user !== undefined);
    assert.equal(order.headers.Authorization, `Bearer ${user.token}`);
    assert.equal(order.headers["Content-Type"], "application/json");
    assert.deepEqual(JSON.parse(order.body ?? ""), {
      restaurant_id: "9",
      items: [
        { id: "b1", quantity: 2 },
        { id: "b2", quantity: 1 },
      ],
      customer_id: user.customerId,
    });
    assert.deepEqual(checks, [{ "status is 201": true, "response time < 2s": true }]);
    assert.deepEqual(sleeps, [1]);
  });

  it("renews an expired token with the user's account key", async () => {
    const { script, sent, checks } = await load({ STAGES: "10s:3" }, api);
    const data = script.setup();
    const user = data.users[2] as { token: string; accountKey: string; customerId: string };
    user.token = "expired-token";
    sent.length = 0;
    script.default(data);
    script.default(data);
    assert.deepEqual(
      sent.map((request) => [request.url.replace(/^.*\/api\/v1/, ""), request.headers.Authorization]),
      [
        ["/orders", "Bearer expired-token"],
        ["/auth/token", undefined],
        ["/orders", `Bearer renewed-for-${user.accountKey}`],
      ],
    );
    assert.deepEqual(
      checks.map((check) => check["status is 201"]),
      [false, true],
    );
  });

  it("setup fails with a hint when no restaurant has a menu", async () => {
    const { script } = await load({}, (request) =>
      request.url.includes("/menu") ? respond(200, { items: [] }) : api(request),
    );
    assert.throws(() => script.setup(), /create a restaurant and its menu first/);
  });
});
