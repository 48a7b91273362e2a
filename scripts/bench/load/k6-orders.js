// k6 load test of POST /api/v1/orders: the seed plan's scenario (seed-plan.ru.md §4.1) against
// The Hot Pot Spot's REST API. Run: `k6 run -e BASE_URL=http://127.0.0.1:4000 scripts/bench/load/k6-orders.js`
// (see scripts/bench/load/README.md). `npm run bench:api` runs the same workload without k6.
//
// Environment (k6 -e NAME=value):
//   BASE_URL       the API's origin (default http://127.0.0.1:4000, where `npm start` listens)
//   RESTAURANT_ID  the restaurant to order from (default: the first with available menu items)
//   USERS          custodial accounts created in setup() and shared round-robin by the virtual
//                  users (default 200, the peak of the stages: one account per user)
//   STAGES         optional override of the stages, e.g. "30s:20,1m:20,10s:0" (duration:target)
import http from "k6/http";
import { check, fail, sleep } from "k6";

const BASE_URL = (__ENV.BASE_URL || "http://127.0.0.1:4000").replace(/\/$/, "");
const API = `${BASE_URL}/api/v1`;
const JSON_HEADERS = { "Content-Type": "application/json", Accept: "application/json" };

// The seed's stages: up to 100 users, hold, up to 200, hold, down.
const SEED_STAGES = [
  { duration: "2m", target: 100 },
  { duration: "5m", target: 100 },
  { duration: "2m", target: 200 },
  { duration: "5m", target: 200 },
  { duration: "2m", target: 0 },
];

function parseStages(text) {
  return text.split(",").map((part) => {
    const [duration, target] = part.trim().split(":");
    if (!duration || target === undefined || !/^\d+$/.test(target)) {
      throw new Error(`STAGES: expected duration:target, got "${part}"`);
    }
    return { duration, target: Number(target) };
  });
}

const STAGES = __ENV.STAGES ? parseStages(__ENV.STAGES) : SEED_STAGES;
const PEAK_VUS = STAGES.reduce((peak, stage) => Math.max(peak, stage.target), 1);
const USERS = Number(__ENV.USERS || PEAK_VUS);

export const options = {
  stages: STAGES,
  // Creating one account per user takes a while on a busy machine.
  setupTimeout: "5m",
  thresholds: {
    http_req_failed: ["rate<0.01"],
    http_req_duration: ["p(95)<2000", "p(99)<50"],
  },
};

/** GET/POST with JSON; fails the setup with the response when the status is not `expected`. */
function call(method, url, body, expected, params) {
  const response = http.request(method, url, body === undefined ? null : JSON.stringify(body), {
    headers: JSON_HEADERS,
    ...params,
  });
  if (response.status !== expected) {
    fail(`${method} ${url}: HTTP ${response.status} (expected ${expected}): ${String(response.body).slice(0, 300)}`);
  }
  return response.json();
}

/** A restaurant with available items: RESTAURANT_ID's, or the first one GET /menu lists. */
function findMenu() {
  const query = __ENV.RESTAURANT_ID
    ? `?restaurant_id=${encodeURIComponent(__ENV.RESTAURANT_ID)}&limit=100`
    : "?limit=100";
  const { items } = call("GET", `${API}/menu${query}`, undefined, 200, { tags: { name: "setup:menu" } });
  const byRestaurant = {};
  for (const item of items) (byRestaurant[item.restaurant_id] = byRestaurant[item.restaurant_id] || []).push(item.id);
  const restaurantIds = Object.keys(byRestaurant);
  if (restaurantIds.length === 0) {
    fail(
      `no available menu items at ${API}/menu${query}: create a restaurant and its menu first (scripts/bench/load/README.md)`,
    );
  }
  // Prefer a restaurant with two items, as in the seed's order.
  const restaurantId = restaurantIds.find((id) => byRestaurant[id].length >= 2) || restaurantIds[0];
  return { restaurantId, itemIds: byRestaurant[restaurantId].slice(0, 2) };
}

/** Runs once: finds the menu and signs in USERS custodial accounts (20 at a time). */
export function setup() {
  const menu = findMenu();
  const users = [];
  while (users.length < USERS) {
    const batch = [];
    for (let i = 0; i < Math.min(20, USERS - users.length); i++) {
      batch.push({
        method: "POST",
        url: `${API}/auth/custodial`,
        body: "{}",
        params: { headers: JSON_HEADERS, tags: { name: "setup:sign-in" } },
      });
    }
    for (const response of http.batch(batch)) {
      if (response.status !== 201) {
        fail(`POST ${API}/auth/custodial: HTTP ${response.status}: ${String(response.body).slice(0, 300)}`);
      }
      const session = response.json();
      users.push({ token: session.token, accountKey: session.account_key, customerId: session.user.id });
    }
  }
  console.log(
    `restaurant ${menu.restaurantId}, items ${menu.itemIds.join(", ")}; ${users.length} custodial users signed in`,
  );
  return { ...menu, users };
}

// This user's current token: setup()'s, renewed with the account key when it expires (access
// tokens last JWT_TTL_SECONDS, 15 minutes by default; the seed's stages take 16).
let renewedToken;

function renewToken(user) {
  const response = http.post(`${API}/auth/token`, JSON.stringify({ account_key: user.accountKey }), {
    headers: JSON_HEADERS,
    tags: { name: "POST /api/v1/auth/token" },
  });
  if (response.status === 200) renewedToken = response.json().token;
}

/** Each iteration: one order in the seed's shape, then a second's pause. */
export default function (data) {
  const user = data.users[(__VU - 1) % data.users.length];
  const token = renewedToken || user.token;
  const [first, second] = data.itemIds;
  const items =
    second === undefined
      ? [{ id: first, quantity: 2 }]
      : [
          { id: first, quantity: 2 },
          { id: second, quantity: 1 },
        ];
  const response = http.post(
    `${API}/orders`,
    JSON.stringify({ restaurant_id: data.restaurantId, items, customer_id: user.customerId }),
    {
      headers: { ...JSON_HEADERS, Authorization: `Bearer ${token}` },
      tags: { name: "POST /api/v1/orders" },
    },
  );
  check(response, {
    "status is 201": (r) => r.status === 201,
    "response time < 2s": (r) => r.timings.duration < 2000,
  });
  if (response.status === 401) renewToken(user);
  sleep(1);
}
