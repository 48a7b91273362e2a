/**
 * What a tester acting as an attacker found (issue 11), each against the real stack: NUL characters
 * in text, orphaned IPFS objects of refused registrations, API keys that outlive the sale of the
 * franchise, GraphQL without rate limits, parallel payments and refunds answered with 502s,
 * security headers missing outside /api, an open /metrics, and a sync delay that stays 0 while
 * the chain is gone.
 */
import assert from "node:assert/strict";
import { readdir } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";

import { pino } from "pino";
import { Registry } from "prom-client";
import { keccak256, toHex } from "viem";

import { createApiApp } from "../../api/app.ts";
import { LOCAL_ACCOUNTS } from "../../deploy/accounts.ts";
import { waitForMirror } from "../helpers/devchain.ts";
import { ACCOUNT } from "../helpers/platform.ts";
import { eventually, localAccount, startWriteStack, type Reply, type WriteStack } from "../helpers/write-stack.ts";

const API = "/api/v1";
const FAILED_AUTH_PER_MINUTE = 5;

interface ErrorBody {
  error: string;
  code: string;
  issues?: { path: string; message: string }[];
}

interface GraphQLBody {
  data?: unknown;
  errors?: { message: string; extensions?: { code?: string } }[];
}

async function filesUnder(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((entry) => entry.isFile()).map((entry) => `${entry.parentPath}/${entry.name}`);
}

function assertNoServerError(replies: readonly Reply<unknown>[], what: string): void {
  for (const reply of replies) assert.ok(reply.status < 500, `${what}: ${reply.status} ${JSON.stringify(reply.body)}`);
}

describe("API hardening (issue 11)", () => {
  let stack: WriteStack;
  let restaurantId: string;
  let hotPot: string;
  let franchiseeToken: string;
  let customer: { token: string; userId: string };

  const graphql = (query: string, variables: Record<string, unknown> = {}, token?: string) =>
    stack.call<GraphQLBody>("POST", "/graphql", { token, body: { query, variables } });

  const placeOrder = async (by: { token: string; userId: string } = customer): Promise<string> => {
    const placed = await stack.call<{ id: string }>("POST", `${API}/orders`, {
      token: by.token,
      body: { restaurant_id: restaurantId, items: [{ id: hotPot, quantity: 2 }], customer_id: by.userId },
    });
    assert.equal(placed.status, 201, JSON.stringify(placed.body));
    return placed.body.id;
  };

  const paidByCard = async (): Promise<string> => {
    const id = await placeOrder();
    const paid = await stack.call("POST", `${API}/orders/${id}/pay`, {
      token: customer.token,
      body: { method: "card", payment_method: "pm_card_visa" },
    });
    assert.equal(paid.status, 200, JSON.stringify(paid.body));
    await eventually("the card payment's webhook", async () => {
      const order = await stack.call<{ status: string }>("GET", `${API}/orders/${id}`, { token: customer.token });
      return order.body.status === "placed" ? undefined : true;
    });
    return id;
  };

  before(async () => {
    stack = await startWriteStack({
      rateLimits: {
        perCallerPerMinute: 1_000_000,
        anonymousPerMinute: 1_000_000,
        failedAuthPerMinute: FAILED_AUTH_PER_MINUTE,
      },
    });
    const block = await stack.chain.client.getBlock();
    for (const owner of [localAccount(ACCOUNT.franchisee), localAccount(ACCOUNT.franchisee2)]) {
      await stack.chain.contracts.kycRegistry.write.attest(
        [owner.address, 2, block.timestamp + 365n * 86_400n, keccak256(toHex(`evidence:${owner.address}`))],
        { account: localAccount(LOCAL_ACCOUNTS.kycOfficer).address },
      );
    }
    await waitForMirror(stack.db, stack.chain);
    franchiseeToken = (await stack.signIn(localAccount(ACCOUNT.franchisee))).token;
    const created = await stack.call<{ id: string }>("POST", `${API}/restaurants`, {
      token: stack.adminToken,
      body: { name: "Hardened", location: "Tbilisi", owner: localAccount(ACCOUNT.franchisee).address },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    restaurantId = created.body.id;
    await eventually("the franchise on chain", async () => {
      const reply = await stack.call<{ status: string }>("GET", `${API}/restaurants/${restaurantId}`);
      return reply.body.status === "active" ? true : undefined;
    });
    const item = await stack.call<{ id: string }>("POST", `${API}/restaurants/${restaurantId}/menu`, {
      token: franchiseeToken,
      body: { name: "Hot Pot", price: "25.00" },
    });
    assert.equal(item.status, 201, JSON.stringify(item.body));
    hotPot = item.body.id;
    const custodial = await stack.call<{ token: string; user: { id: string } }>("POST", `${API}/auth/custodial`);
    customer = { token: custodial.body.token, userId: custodial.body.user.id };
  });

  after(async () => {
    await stack.stop();
  });

  describe("NUL characters", () => {
    it("answers 400 naming the field for a NUL in a REST body, query string or path, and stores nothing", async () => {
      const blocksBefore = await filesUnder(stack.ipfsDir);
      const body = await stack.call<ErrorBody>("POST", `${API}/restaurants`, {
        token: stack.adminToken,
        body: { name: "Evil\u0000Name", location: "Tbilisi", owner: localAccount(ACCOUNT.franchisee).address },
      });
      assert.equal(body.status, 400, JSON.stringify(body.body));
      assert.match(body.body.error, /NUL/);
      assert.deepEqual(
        body.body.issues?.map((issue) => issue.path),
        ["body.name"],
      );
      assert.deepEqual(await filesUnder(stack.ipfsDir), blocksBefore, "the metadata of a refused registration stays");

      const menu = await stack.call<ErrorBody>("POST", `${API}/restaurants/${restaurantId}/menu`, {
        token: franchiseeToken,
        body: { name: "Soup", description: "hot\u0000", price: "1.00" },
      });
      assert.equal(menu.status, 400);
      assert.equal(menu.body.issues?.[0]?.path, "body.description");

      const query = await stack.call<ErrorBody>("GET", `${API}/restaurants?after=1%00`);
      assert.equal(query.status, 400);
      assert.match(query.body.error, /NUL/);
      const path = await stack.call<ErrorBody>("GET", `${API}/orders/abc%00`, { token: customer.token });
      assert.equal(path.status, 400);
    });

    it("answers BAD_USER_INPUT for a NUL in GraphQL variables or string literals", async () => {
      const mutation = await graphql(
        'mutation ($r: BigInt!, $n: String!) { addMenuItem(restaurantId: $r, name: $n, price: "1.00") { id } }',
        { r: restaurantId, n: "Bad\u0000" },
        franchiseeToken,
      );
      assert.equal(mutation.body.errors?.[0]?.extensions?.code, "BAD_USER_INPUT", JSON.stringify(mutation.body));
      assert.match(mutation.body.errors[0].message, /NUL/);
      const literal = await graphql(
        `mutation { addMenuItem(restaurantId: ${restaurantId}, name: "Bad\\u0000", price: "1.00") { id } }`,
        {},
        franchiseeToken,
      );
      assert.equal(literal.body.errors?.[0]?.extensions?.code, "BAD_USER_INPUT", JSON.stringify(literal.body));
    });

    it("removes the metadata it stored on IPFS when the registration is refused after storing it", async () => {
      const blocksBefore = await filesUnder(stack.ipfsDir);
      // The database refuses the profile (as it would a value it cannot store).
      await stack.db.pool.query(`
        CREATE FUNCTION refuse_restaurant() RETURNS trigger LANGUAGE plpgsql AS
          $$ BEGIN RAISE EXCEPTION 'refused by test'; END $$;
        CREATE TRIGGER refuse_restaurant BEFORE INSERT ON restaurant FOR EACH ROW EXECUTE FUNCTION refuse_restaurant();`);
      try {
        const refused = await stack.call("POST", `${API}/restaurants`, {
          token: stack.adminToken,
          body: { name: "Never", location: "Nowhere", owner: localAccount(ACCOUNT.franchisee).address },
        });
        assert.equal(refused.status, 500);
      } finally {
        await stack.db.pool.query("DROP TRIGGER refuse_restaurant ON restaurant; DROP FUNCTION refuse_restaurant();");
      }
      assert.deepEqual(await filesUnder(stack.ipfsDir), blocksBefore, "an orphaned metadata block stays on IPFS");
    });
  });

  describe("parallel payments and refunds", () => {
    it("lets one of several parallel card payments proceed; the others get 409 saying so", async () => {
      const id = await placeOrder();
      const replies = await Promise.all(
        Array.from({ length: 5 }, () =>
          stack.call<ErrorBody>("POST", `${API}/orders/${id}/pay`, {
            token: customer.token,
            body: { method: "card", payment_method: "pm_card_visa" },
          }),
        ),
      );
      assertNoServerError(replies, "parallel pay");
      const statuses = replies.map((reply) => reply.status).sort();
      assert.equal(statuses.filter((status) => status === 200).length, 1, JSON.stringify(statuses));
      assert.deepEqual(
        statuses.filter((status) => status !== 200),
        [409, 409, 409, 409],
      );
      // A request that meets the winner in flight is told who pays; one that comes after it, that it is paid.
      for (const reply of replies.filter((r) => r.status === 409))
        assert.match(reply.body.error, /being paid by card|is already paid/);
      // Paid: again (before and after the webhook) is a 409 too, never a 502.
      const again = await stack.call<ErrorBody>("POST", `${API}/orders/${id}/pay`, {
        token: customer.token,
        body: { method: "card", payment_method: "pm_card_visa" },
      });
      assert.equal(again.status, 409, JSON.stringify(again.body));
    });

    it("names the method that holds the order in the 409, never null", async () => {
      // Token payments need the customer's own wallet.
      const wallet = await stack.signIn(localAccount(ACCOUNT.alice));
      const id = await placeOrder(wallet);
      const replies = await Promise.all([
        stack.call<ErrorBody>("POST", `${API}/orders/${id}/pay`, { token: wallet.token, body: { method: "token" } }),
        stack.call<ErrorBody>("POST", `${API}/orders/${id}/pay`, { token: wallet.token, body: { method: "card" } }),
      ]);
      assertNoServerError(replies, "card and token in parallel");
      const refused = replies.filter((reply) => reply.status === 409);
      assert.equal(refused.length, 1, JSON.stringify(replies.map((reply) => reply.body)));
      assert.doesNotMatch(refused[0]?.body.error ?? "", /null/);
      assert.match(refused[0]?.body.error ?? "", /being paid by (card|the stable token)/);
    });

    it("answers parallel refunds with one 202 and 409s, too large a refund with 422", async () => {
      const id = await paidByCard();
      const refund = (amount?: string) =>
        stack.call<ErrorBody>("POST", `${API}/orders/${id}/refund`, {
          token: franchiseeToken,
          body: amount === undefined ? {} : { amount },
        });
      const parallel = await Promise.all([refund("10.00"), refund("10.00"), refund("10.00")]);
      assertNoServerError(parallel, "parallel refunds");
      const statuses = parallel.map((reply) => reply.status);
      assert.ok(statuses.includes(202), JSON.stringify(statuses));
      for (const reply of parallel.filter((r) => r.status !== 202)) {
        assert.equal(reply.status, 409, JSON.stringify(reply.body));
        assert.match(reply.body.error, /in flight/);
      }
      const tooLarge = await refund("100.00");
      assert.equal(tooLarge.status, 422, JSON.stringify(tooLarge.body));
      assert.equal(tooLarge.body.issues?.[0]?.path, "body.amount");
      // All that remains (the processor knows before the mirror does), then once more: nothing remains.
      const rest = await stack.call<{ amount_tetri: number }>("POST", `${API}/orders/${id}/refund`, {
        token: franchiseeToken,
        body: {},
      });
      assert.equal(rest.status, 202, JSON.stringify(rest.body));
      const accepted = statuses.filter((status) => status === 202).length;
      assert.equal(rest.body.amount_tetri, 5000 - 1000 * accepted);
      const nothingLeft = await refund("1.00");
      assert.equal(nothingLeft.status, 409, JSON.stringify(nothingLeft.body));
      assert.match(nothingLeft.body.error, /refunded in full/);
    });
  });

  describe("API keys after the franchise is sold", () => {
    it("stops the seller's keys, refunds included; the buyer's keys work", async () => {
      const paid = await paidByCard();
      const key = await stack.call<{ key: string }>("POST", `${API}/restaurants/${restaurantId}/api-keys`, {
        token: franchiseeToken,
        body: { label: "front till" },
      });
      assert.equal(key.status, 201);
      const sellerKey = key.body.key;
      const list = (apiKey: string) => stack.call("GET", `${API}/orders?restaurant_id=${restaurantId}`, { apiKey });
      assert.equal((await list(sellerKey)).status, 200);

      await stack.chain.contracts.franchiseNFT.write.transferFrom(
        [localAccount(ACCOUNT.franchisee).address, localAccount(ACCOUNT.franchisee2).address, BigInt(restaurantId)],
        { account: localAccount(ACCOUNT.franchisee).address },
      );
      await waitForMirror(stack.db, stack.chain);

      const refused = await list(sellerKey);
      assert.equal(refused.status, 401, JSON.stringify(refused.body));
      assert.match((refused.body as unknown as ErrorBody).error, /changed hands/);
      const refund = await stack.call("POST", `${API}/orders/${paid}/refund`, { apiKey: sellerKey, body: {} });
      assert.equal(refund.status, 401, JSON.stringify(refund.body));
      const viaGraphql = await stack.call<GraphQLBody>("POST", "/graphql", {
        headers: { "x-api-key": sellerKey },
        body: { query: `mutation { refundOrder(orderId: "${paid}") { status } }` },
      });
      assert.equal(viaGraphql.body.errors?.[0]?.extensions?.code, "UNAUTHENTICATED", JSON.stringify(viaGraphql.body));

      const buyer = await stack.signIn(localAccount(ACCOUNT.franchisee2));
      const buyerKey = await stack.call<{ key: string }>("POST", `${API}/restaurants/${restaurantId}/api-keys`, {
        token: buyer.token,
        body: { label: "new till" },
      });
      assert.equal(buyerKey.status, 201);
      assert.equal((await list(buyerKey.body.key)).status, 200);
    });
  });

  describe("headers, /metrics and the sync delay", () => {
    it("puts security headers on every response, /graphql, /health, /ready and /metrics included", async () => {
      for (const [method, path] of [
        ["POST", "/graphql"],
        ["GET", "/health"],
        ["GET", "/ready"],
        ["GET", "/metrics"],
        ["GET", `${API}/restaurants`],
        ["GET", "/nowhere"],
      ] as const) {
        const reply = await fetch(`${stack.url}${path}`, {
          method,
          headers: { "content-type": "application/json" },
          body: method === "POST" ? JSON.stringify({ query: "{ __typename }" }) : undefined,
        });
        await reply.body?.cancel();
        assert.equal(reply.headers.get("x-content-type-options"), "nosniff", `${method} ${path}`);
        assert.ok(reply.headers.get("content-security-policy"), `${method} ${path} has no CSP`);
        assert.ok(reply.headers.get("strict-transport-security"), `${method} ${path} has no HSTS`);
        assert.equal(reply.headers.get("x-powered-by"), null);
      }
    });

    it("keeps /metrics behind METRICS_TOKEN when it is set", async () => {
      const api = createApiApp({
        db: stack.db,
        logger: pino({ level: "silent" }),
        registry: new Registry(),
        chainId: stack.chain.deployment.chainId,
        chainHead: () => stack.chain.client.getBlockNumber({ cacheTime: 0 }),
        confirmations: 0,
        notifications: false,
        metricsToken: "metrics-token-0123456789",
      });
      const server: Server = createServer(api.app).listen(0, "127.0.0.1");
      await new Promise((resolve) => server.once("listening", resolve));
      try {
        const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
        const anonymous = await fetch(url);
        assert.equal(anonymous.status, 401);
        await anonymous.body?.cancel();
        const wrong = await fetch(url, { headers: { authorization: "Bearer metrics-token-wrong-wrong" } });
        assert.equal(wrong.status, 401);
        await wrong.body?.cancel();
        const right = await fetch(url, { headers: { authorization: "Bearer metrics-token-0123456789" } });
        assert.equal(right.status, 200);
        assert.match(await right.text(), /blockchain_sync_delay_seconds/);
      } finally {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
        await api.close();
      }
    });
  });

  describe("rate limits shared by REST and GraphQL", () => {
    it("throttles failed credentials on /graphql, and the same budget on REST: 429, Retry-After, a message", async () => {
      const replies: Reply<GraphQLBody>[] = [];
      for (let attempt = 0; attempt < FAILED_AUTH_PER_MINUTE + 1; attempt += 1) {
        replies.push(await graphql("{ __typename }", {}, `guess-${attempt}`));
      }
      const limited = replies.at(-1);
      assert.equal(limited?.status, 429, JSON.stringify(replies.map((reply) => reply.status)));
      assert.equal(limited.headers.get("retry-after"), "60");
      assert.equal(limited.body.errors?.[0]?.extensions?.code, "RATE_LIMITED");
      assert.match(limited.body.errors[0].message, /too many requests/);
      // The same IP's failed-credential budget is spent on REST too.
      const rest = await stack.call<ErrorBody>("GET", `${API}/auth/me`, { token: "guess-rest" });
      assert.equal(rest.status, 429);
      assert.equal(rest.body.code, "rate_limited");
      // A good credential is not locked out.
      assert.equal((await stack.call("GET", `${API}/auth/me`, { token: customer.token })).status, 200);
    });
  });

  describe("sync delay while the chain is unreachable", () => {
    it("grows blockchain_sync_delay_seconds once the chain is gone", async () => {
      const delay = async (): Promise<number> => {
        const text = await (await fetch(`${stack.url}/metrics`)).text();
        const line = text.split("\n").find((row) => row.startsWith("blockchain_sync_delay_seconds "));
        assert.ok(line !== undefined, "no blockchain_sync_delay_seconds on /metrics");
        return Number(line.split(" ")[1]);
      };
      assert.equal(await delay(), 0, "the chain is up and followed");
      await stack.chain.node.stop();
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      const first = await delay();
      assert.ok(first >= 1, `delay ${first} s with the chain gone`);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const second = await delay();
      assert.ok(second > first, `delay ${second} s did not grow from ${first} s`);
    });
  });
});
