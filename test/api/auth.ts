/**
 * Sign-in and authorization over real HTTP: the auth routes mounted by createRestApi under
 * /api/v1 on a fresh migrated database. Who owns a restaurant comes from rows written straight
 * into the indexer's `franchise` mirror table, as the indexer would.
 */
import assert from "node:assert/strict";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";

import express, { type NextFunction, type Request, type Response } from "express";
import type { Server } from "node:http";
import { generatePrivateKey, privateKeyToAccount, type PrivateKeyAccount } from "viem/accounts";
import { createSiweMessage } from "viem/siwe";
import * as z from "zod";

import { createAuth, type Auth } from "../../api/auth/index.ts";
import { createRestApi, type RateLimits } from "../../api/rest/index.ts";
import { ApiError } from "../../api/rest/errors.ts";
import { defineRoute, type Route } from "../../api/rest/route.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/database.ts";

const DOMAIN = "localhost:5173";
const URI = "http://localhost:5173";
const CHAIN_ID = 31337;
const HARDHAT_MNEMONIC = "test test test test test test test test test test test junk";
const RESTAURANT_A = 1n;
const RESTAURANT_B = 2n;

interface Reply {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

interface UserBody {
  id: string;
  address: string;
  custodial: boolean;
  roles: string[];
  created_at: string;
  restaurant_ids?: string[];
}

interface SessionBody {
  token: string;
  expires_at: string;
  user: UserBody;
  account_key?: string;
}

/** A route that only the restaurant's franchisee, its API keys or an admin may call (tests access.ts). */
function tillRoute(auth: Auth): Route {
  return defineRoute({
    method: "get",
    path: "/restaurants/{id}/till-check",
    operationId: "tillCheck",
    summary: "test only",
    tags: ["test"],
    access: "any",
    params: z.object({
      id: z
        .string()
        .regex(/^\d+$/)
        .meta({ examples: ["1"] }),
    }),
    responses: { 200: { description: "ok" } },
    async handle({ params, principal }) {
      await auth.access.requireActForRestaurant(principal, BigInt(params.id));
      return { status: 200, body: { ok: true, caller: principal.kind } };
    },
  });
}

async function startServer(auth: Auth, rateLimits?: RateLimits): Promise<{ url: string; server: Server }> {
  const app = express();
  const rest = createRestApi({
    routes: [...auth.routes, tillRoute(auth)],
    authenticate: auth.authenticate,
    rateLimits,
    version: "test",
  });
  app.use("/api/v1", rest.router);
  // Minimal stand-in for the app's error handler: ApiError → its status, headers and body.
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- Express knows an error handler by its 4 parameters
  app.use((error: unknown, _request: Request, response: Response, _next: NextFunction) => {
    if (error instanceof ApiError) {
      for (const [name, value] of Object.entries(error.headers)) response.setHeader(name, value);
      response.status(error.status).json(error.body());
      return;
    }
    const status = (error as { status?: unknown }).status;
    if (typeof status === "number" && status >= 400 && status < 500) {
      response.status(status).json({ error: "bad request", code: "invalid_request" });
      return;
    }
    console.error(error);
    response.status(500).json({ error: "internal error", code: "internal" });
  });
  const server = app.listen(0, "127.0.0.1");
  await new Promise<void>((resolve, reject) => {
    server.once("listening", resolve).once("error", reject);
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`, server };
}

describe("REST auth", () => {
  let db: TestDatabase;
  let auth: Auth;
  let base: string;
  let server: Server;
  let limited: { url: string; server: Server };
  const admin = privateKeyToAccount(generatePrivateKey());
  const franchisee = privateKeyToAccount(generatePrivateKey());
  const customer = privateKeyToAccount(generatePrivateKey());
  let adminToken: string;
  let franchiseeToken: string;
  let customerSession: SessionBody;

  async function call(
    method: string,
    path: string,
    options: { token?: string; apiKey?: string; body?: unknown; headers?: Record<string, string>; url?: string } = {},
  ): Promise<Reply> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
    if (options.apiKey !== undefined) headers["x-api-key"] = options.apiKey;
    if (options.body !== undefined) headers["content-type"] = "application/json";
    const response = await fetch(`${options.url ?? base}${path}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      body: text === "" ? {} : (JSON.parse(text) as Record<string, unknown>),
    };
  }

  /** A signed SIWE message for a fresh nonce from the server; `overrides` break one field. */
  async function signedMessage(
    account: PrivateKeyAccount,
    overrides: Partial<Parameters<typeof createSiweMessage>[0]> = {},
  ): Promise<{ message: string; signature: string }> {
    const nonce = await call("GET", "/auth/nonce");
    assert.equal(nonce.status, 200);
    const message = createSiweMessage({
      address: account.address,
      domain: nonce.body.domain as string,
      uri: nonce.body.uri as string,
      chainId: nonce.body.chain_id as number,
      nonce: nonce.body.nonce as string,
      statement: nonce.body.statement as string,
      version: "1",
      issuedAt: new Date(),
      ...overrides,
    });
    return { message, signature: await account.signMessage({ message }) };
  }

  async function signIn(account: PrivateKeyAccount): Promise<SessionBody> {
    const reply = await call("POST", "/auth/siwe", { body: await signedMessage(account) });
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    return reply.body as unknown as SessionBody;
  }

  function assertError(reply: Reply, status: number, message?: RegExp): void {
    assert.equal(reply.status, status, JSON.stringify(reply.body));
    assert.equal(typeof reply.body.code, "string");
    if (message !== undefined) assert.match(reply.body.error as string, message);
  }

  before(async () => {
    db = await createTestDatabase();
    auth = createAuth({
      db,
      jwtSecret: "test-secret-test-secret-test-secret",
      tokenTtlSeconds: 600,
      siwe: { domain: DOMAIN, uri: URI, chainId: CHAIN_ID },
      adminAddresses: [admin.address],
      custodialMnemonic: HARDHAT_MNEMONIC,
    });
    ({ url: base, server } = await startServer(auth));
    limited = await startServer(auth, { perCallerPerMinute: 3, anonymousPerMinute: 2 });

    adminToken = (await signIn(admin)).token;
    const owner = await signIn(franchisee);
    franchiseeToken = owner.token;
    customerSession = await signIn(customer);

    // Two restaurants; the franchisee owns A on chain (current mirror row), and owned B once.
    const adminId = (await call("GET", "/auth/me", { token: adminToken })).body.id as string;
    for (const id of [RESTAURANT_A, RESTAURANT_B]) {
      await db.pool.query(
        "INSERT INTO restaurant (id, name, location, metadata_cid, created_by) VALUES ($1, $2, 'Tbilisi', 'bafy', $3)",
        [id.toString(), `Hot Pot ${id}`, adminId],
      );
    }
    const franchise = (id: bigint, owner: string, blockFrom: number, blockTo: number | null) =>
      db.pool.query(
        `INSERT INTO franchise (restaurant_id, block_from, block_to, owner, fee_bps, metadata_uri, active,
           registered_block, registered_at, order_count, revenue, franchisee_amount, platform_fees)
         VALUES ($1, $2, $3, $4, 500, 'ipfs://bafy', true, 1, now(), 0, 0, 0, 0)`,
        [id.toString(), blockFrom, blockTo, owner.toLowerCase()],
      );
    await franchise(RESTAURANT_A, franchisee.address, 1, null);
    await franchise(RESTAURANT_B, franchisee.address, 1, 5);
    await franchise(RESTAURANT_B, customer.address, 5, null);
  });

  after(async () => {
    await new Promise((resolve) => server.close(resolve));
    await new Promise((resolve) => limited.server.close(resolve));
    await db.drop();
  });

  describe("sign-in with Ethereum", () => {
    it("signs in a wallet, whose token then answers /auth/me", async () => {
      const wallet = privateKeyToAccount(generatePrivateKey());
      const session = await signIn(wallet);
      assert.equal(session.user.address, wallet.address.toLowerCase());
      assert.equal(session.user.custodial, false);
      assert.deepEqual(session.user.roles, []);
      assert.ok(Date.parse(session.expires_at) > Date.now() + 590_000);
      const me = await call("GET", "/auth/me", { token: session.token });
      assert.equal(me.status, 200);
      assert.deepEqual(me.body, { ...session.user, restaurant_ids: [] });
      // Signing in again is the same person.
      assert.equal((await signIn(wallet)).user.id, session.user.id);
    });

    it("lists the restaurants the caller owns on chain now", async () => {
      const me = await call("GET", "/auth/me", { token: franchiseeToken });
      assert.deepEqual(me.body.restaurant_ids, ["1"]);
      const other = await call("GET", "/auth/me", { token: customerSession.token });
      assert.deepEqual(other.body.restaurant_ids, ["2"]);
    });

    it("gives configured addresses the admin role", async () => {
      const me = await call("GET", "/auth/me", { token: adminToken });
      assert.deepEqual(me.body.roles, ["admin"]);
    });

    it("refuses a replayed message (the nonce is used up)", async () => {
      const input = await signedMessage(customer);
      assert.equal((await call("POST", "/auth/siwe", { body: input })).status, 200);
      assertError(await call("POST", "/auth/siwe", { body: input }), 401, /unknown or expired nonce/);
    });

    it("refuses the wrong domain, chain, URI and an expired message", async () => {
      const cases = [
        [{ domain: "evil.example" }, /domain evil.example is not localhost:5173/],
        [{ chainId: 1 }, /chain id 1 is not 31337/],
        [{ uri: "https://evil.example" }, /URI must be on http:\/\/localhost:5173/],
        [{ expirationTime: new Date(Date.now() - 1_000) }, /^message expired$/],
        [{ issuedAt: new Date(Date.now() + 3_600_000) }, /issued in the future/],
      ] as const;
      for (const [overrides, message] of cases) {
        assertError(await call("POST", "/auth/siwe", { body: await signedMessage(customer, overrides) }), 401, message);
      }
    });

    it("refuses a bad signature and an unknown nonce", async () => {
      const input = await signedMessage(customer);
      const wrong = await privateKeyToAccount(generatePrivateKey()).signMessage({ message: input.message });
      assertError(await call("POST", "/auth/siwe", { body: { ...input, signature: wrong } }), 401, /signature/);
      const unknown = await signedMessage(customer, { nonce: "abcdef0123456789abcdef" });
      assertError(await call("POST", "/auth/siwe", { body: unknown }), 401, /unknown or expired nonce/);
    });

    it("answers 400 for a body or message it cannot read", async () => {
      assertError(await call("POST", "/auth/siwe", { body: { message: "hello", signature: "0x00" } }), 400, /EIP-4361/);
      assertError(await call("POST", "/auth/siwe", { body: { message: "hello" } }), 400);
    });
  });

  describe("custodial accounts", () => {
    it("creates an account with a one-time key that signs in again", async () => {
      const created = await call("POST", "/auth/custodial");
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const session = created.body as unknown as SessionBody;
      assert.match(session.account_key ?? "", /^hpc_[A-Za-z0-9_-]{64}$/);
      assert.equal(session.user.custodial, true);

      const account = await auth.custodial.accountOf(session.user.id);
      assert.equal(account?.address.toLowerCase(), session.user.address);
      const { rows } = await db.pool.query<{ account_key_hash: string; custodial_index: number }>(
        "SELECT account_key_hash, custodial_index FROM app_user WHERE id = $1",
        [session.user.id],
      );
      assert.notEqual(rows[0]?.account_key_hash, session.account_key, "only the hash is stored");
      assert.equal(
        auth.custodial.accountAt(rows[0]?.custodial_index ?? -1).address.toLowerCase(),
        session.user.address,
      );

      const again = await call("POST", "/auth/token", { body: { account_key: session.account_key } });
      assert.equal(again.status, 200);
      assert.deepEqual((again.body as unknown as SessionBody).user, session.user);
      const me = await call("GET", "/auth/me", { token: (again.body as unknown as SessionBody).token });
      assert.equal(me.body.address, session.user.address);
    });

    it("refuses a wrong or malformed account key", async () => {
      const created = (await call("POST", "/auth/custodial")).body as unknown as SessionBody;
      const key = created.account_key ?? "";
      const wrong = `${key.slice(0, -4)}${key.endsWith("AAAA") ? "BBBB" : "AAAA"}`;
      assertError(await call("POST", "/auth/token", { body: { account_key: wrong } }), 401, /invalid account key/);
      assertError(await call("POST", "/auth/token", { body: { account_key: "hpc_nope" } }), 401);
    });

    it("hands out distinct custodial indexes under concurrency", async () => {
      const replies = await Promise.all(Array.from({ length: 8 }, () => call("POST", "/auth/custodial")));
      assert.deepEqual(
        replies.map((reply) => reply.status),
        replies.map(() => 201),
      );
      const { rows } = await db.pool.query<{ n: string; distinct_n: string }>(
        "SELECT count(*) AS n, count(DISTINCT custodial_index) AS distinct_n FROM app_user WHERE custodial",
      );
      assert.equal(rows[0]?.n, rows[0]?.distinct_n);
      assert.equal(rows[0]?.n, "10");
    });

    it("never uses Hardhat's default accounts", () => {
      const hardhatFirst = "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266";
      assert.notEqual(auth.custodial.accountAt(0).address.toLowerCase(), hardhatFirst);
    });
  });

  describe("restaurant API keys", () => {
    it("lets the on-chain owner create, list, use and revoke a key", async () => {
      const created = await call("POST", "/restaurants/1/api-keys", {
        token: franchiseeToken,
        body: { label: "front counter" },
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assert.deepEqual(Object.keys(created.body).sort(), ["created_at", "id", "key", "label", "restaurant_id"]);
      assert.equal(created.body.restaurant_id, "1");
      const key = created.body.key as string;
      assert.match(key, new RegExp(`^hps_${created.body.id as string}_`));

      const list = await call("GET", "/restaurants/1/api-keys", { token: franchiseeToken });
      assert.equal(list.status, 200);
      const keys = list.body.api_keys as Record<string, unknown>[];
      assert.equal(keys.length, 1);
      assert.equal(keys[0]?.id, created.body.id);
      assert.equal(keys[0]?.revoked_at, null);
      assert.ok(!JSON.stringify(list.body).includes(key.split("_").at(-1) ?? key), "no secret in the list");

      const used = await call("GET", "/restaurants/1/till-check", { apiKey: key });
      assert.equal(used.status, 200);
      assert.equal(used.body.caller, "api_key");

      const revoked = await call("DELETE", `/restaurants/1/api-keys/${created.body.id as string}`, {
        token: franchiseeToken,
      });
      assert.equal(revoked.status, 204);
      assertError(await call("GET", "/restaurants/1/till-check", { apiKey: key }), 401, /API key revoked/);
      const after = await call("GET", "/restaurants/1/api-keys", { token: franchiseeToken });
      assert.equal(typeof (after.body.api_keys as Record<string, unknown>[])[0]?.revoked_at, "string");
    });

    it("refuses a key of restaurant A for restaurant B, and for person-only routes", async () => {
      const created = await call("POST", "/restaurants/1/api-keys", { token: adminToken, body: { label: "till 2" } });
      assert.equal(created.status, 201);
      const key = created.body.key as string;
      assertError(await call("GET", "/restaurants/2/till-check", { apiKey: key }), 403, /acts for restaurant 1, not 2/);
      assertError(await call("GET", "/auth/me", { apiKey: key }), 403);
      assertError(await call("GET", "/restaurants/1/api-keys", { apiKey: key }), 403);
    });

    it("refuses a wrong or malformed key", async () => {
      const created = await call("POST", "/restaurants/1/api-keys", { token: franchiseeToken, body: { label: "x" } });
      const key = created.body.key as string;
      const wrong = `${key.slice(0, -3)}${key.endsWith("AAA") ? "BBB" : "AAA"}`;
      assertError(await call("GET", "/restaurants/1/till-check", { apiKey: wrong }), 401, /invalid API key/);
      assertError(await call("GET", "/restaurants/1/till-check", { apiKey: "hps_nope" }), 401, /malformed API key/);
    });

    it("refuses the wrong people and answers 404 for unknown things", async () => {
      // The customer owns B now, not A; the franchisee owned B once, not any more.
      assertError(
        await call("POST", "/restaurants/1/api-keys", { token: customerSession.token, body: { label: "x" } }),
        403,
        /franchisee or an admin/,
      );
      assertError(await call("GET", "/restaurants/2/api-keys", { token: franchiseeToken }), 403);
      assert.equal((await call("GET", "/restaurants/2/api-keys", { token: customerSession.token })).status, 200);
      assert.equal((await call("GET", "/restaurants/2/till-check", { token: adminToken })).status, 200);
      assertError(await call("GET", "/restaurants/2/till-check", { token: franchiseeToken }), 403);

      assertError(await call("GET", "/restaurants/99/api-keys", { token: adminToken }), 404, /restaurant not found/);
      assertError(
        await call("DELETE", "/restaurants/1/api-keys/7d9e4f1a-2b3c-4d5e-8f90-a1b2c3d4e5f6", { token: adminToken }),
        404,
        /API key not found/,
      );
      // A's key cannot be revoked through B's path.
      const created = await call("POST", "/restaurants/1/api-keys", { token: adminToken, body: { label: "y" } });
      assertError(
        await call("DELETE", `/restaurants/2/api-keys/${created.body.id as string}`, { token: adminToken }),
        404,
      );
      assertError(await call("GET", "/restaurants/abc/api-keys", { token: adminToken }), 400);
      assertError(await call("POST", "/restaurants/1/api-keys", { token: adminToken, body: { label: "" } }), 400);
    });
  });

  describe("roles", () => {
    it("lets an admin grant roles, which /auth/me shows", async () => {
      const id = customerSession.user.id;
      const granted = await call("PUT", `/users/${id}/roles`, {
        token: adminToken,
        body: { roles: ["kyc_officer", "auditor"] },
      });
      assert.equal(granted.status, 200, JSON.stringify(granted.body));
      assert.deepEqual(granted.body.roles, ["auditor", "kyc_officer"]);
      const session = await signIn(customer);
      assert.deepEqual(session.user.roles, ["auditor", "kyc_officer"]);
      const me = await call("GET", "/auth/me", { token: session.token });
      assert.deepEqual(me.body.roles, ["auditor", "kyc_officer"]);
    });

    it("refuses non-admins, unknown users, unknown roles and self-demotion", async () => {
      const id = customerSession.user.id;
      assertError(
        await call("PUT", `/users/${id}/roles`, { token: franchiseeToken, body: { roles: ["admin"] } }),
        403,
        /admin role/,
      );
      assertError(
        await call("PUT", "/users/7d9e4f1a-2b3c-4d5e-8f90-a1b2c3d4e5f6/roles", {
          token: adminToken,
          body: { roles: [] },
        }),
        404,
      );
      assertError(await call("PUT", `/users/${id}/roles`, { token: adminToken, body: { roles: ["franchisee"] } }), 400);
      const adminId = (await call("GET", "/auth/me", { token: adminToken })).body.id as string;
      assertError(await call("PUT", `/users/${adminId}/roles`, { token: adminToken, body: { roles: [] } }), 409);
    });
  });

  describe("credentials", () => {
    it("answers 400 when both a token and an API key are sent", async () => {
      assertError(
        await call("GET", "/auth/me", { token: franchiseeToken, apiKey: "hps_x" }),
        400,
        /either Authorization or X-API-Key/,
      );
    });

    it("answers 401 for a malformed Authorization header or a bad token", async () => {
      assertError(
        await call("GET", "/auth/me", { headers: { authorization: "Basic dXNlcjpwYXNz" } }),
        401,
        /malformed/,
      );
      assertError(await call("GET", "/auth/me", { token: "a.b.c" }), 401, /invalid token/);
      assertError(await call("GET", "/auth/me"), 401);
      const expired = await call("GET", "/auth/nonce", { token: "a.b.c" });
      assertError(expired, 401, /invalid token/); // a bad credential is refused even on public routes
      assert.match(expired.headers.get("www-authenticate") ?? "", /Bearer/);
    });

    it("publishes the auth operations in the OpenAPI document", async () => {
      const response = await fetch(`${base}/openapi.json`);
      const document = (await response.json()) as { paths: Record<string, unknown> };
      for (const path of ["/auth/nonce", "/auth/siwe", "/auth/custodial", "/auth/token", "/auth/me"]) {
        assert.ok(`/api/v1${path}` in document.paths, path);
      }
      assert.ok("/api/v1/restaurants/{id}/api-keys/{key_id}" in document.paths);
      assert.ok("/api/v1/users/{id}/roles" in document.paths);
    });
  });

  describe("rate limits", () => {
    it("answers 429 with Retry-After past the anonymous and per-caller limits", async () => {
      for (let i = 0; i < 2; i++) assert.equal((await call("GET", "/auth/nonce", { url: limited.url })).status, 200);
      const anonymous = await call("GET", "/auth/nonce", { url: limited.url });
      assertError(anonymous, 429);
      assert.equal(anonymous.headers.get("retry-after"), "60");

      for (let i = 0; i < 3; i++) {
        assert.equal((await call("GET", "/auth/me", { url: limited.url, token: franchiseeToken })).status, 200);
      }
      const caller = await call("GET", "/auth/me", { url: limited.url, token: franchiseeToken });
      assertError(caller, 429, /too many requests/);
      assert.equal(caller.headers.get("retry-after"), "60");
      // Another person has their own allowance.
      assert.equal((await call("GET", "/auth/me", { url: limited.url, token: adminToken })).status, 200);
    });
  });
});
