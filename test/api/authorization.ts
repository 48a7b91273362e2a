/**
 * Authorization matrix of REST /api/v1 (and the GraphQL write side): every operation of the live
 * OpenAPI document × every kind of caller, over real HTTP against the whole write stack
 * (OWASP API1 broken object-level authorization, API5 broken function-level authorization).
 *
 * Two restaurants A and B with different franchisees, menus and point-of-sale keys; two customers
 * with orders at A (one paid by card and settled, so fulfil and refund are reachable), an auditor
 * and a KYC officer granted by the admin. Each row names the request and who may make it:
 * allowed callers get the row's success status (or the business status it names), everyone else
 * 401 (no or bad credential) or 403. Every status seen must be one the operation documents.
 * Rows that change state act on throwaway objects made for the cell, so cells run in any order.
 * A new operation without a row fails the coverage test.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import { keccak256, toHex } from "viem";
import type { HDAccount } from "viem/accounts";

import { LOCAL_ACCOUNTS } from "../../deploy/accounts.ts";
import { waitForMirror } from "../helpers/devchain.ts";
import { ACCOUNT } from "../helpers/platform.ts";
import { eventually, localAccount, startWriteStack, type Reply, type WriteStack } from "../helpers/write-stack.ts";

// ---------------------------------------------------------------------------------------------
// Callers
// ---------------------------------------------------------------------------------------------

const PRINCIPALS = [
  "anonymous",
  "forgedToken",
  "revokedKey",
  "customer1",
  "customer2",
  "franchiseeA",
  "franchiseeB",
  "admin",
  "auditor",
  "kycOfficer",
  "keyA",
  "keyB",
] as const;
type PrincipalName = (typeof PRINCIPALS)[number];

/** Callers without a valid credential: denied with 401. */
const UNAUTHENTICATED: ReadonlySet<PrincipalName> = new Set(["anonymous", "forgedToken", "revokedKey"]);
/** A bad credential is refused even on public operations (the credential is still checked). */
const BAD_CREDENTIAL: ReadonlySet<PrincipalName> = new Set(["forgedToken", "revokedKey"]);
const PEOPLE: readonly PrincipalName[] = [
  "customer1",
  "customer2",
  "franchiseeA",
  "franchiseeB",
  "admin",
  "auditor",
  "kycOfficer",
];
const EVERYONE: readonly PrincipalName[] = ["anonymous", ...PEOPLE, "keyA", "keyB"];
const SIGNED_IN: readonly PrincipalName[] = [...PEOPLE, "keyA", "keyB"];

interface Caller {
  readonly token?: string;
  readonly apiKey?: string;
}

interface Person {
  readonly token: string;
  readonly userId: string;
}

// ---------------------------------------------------------------------------------------------
// Fixture
// ---------------------------------------------------------------------------------------------

interface Fixture {
  readonly stack: WriteStack;
  readonly callers: Record<PrincipalName, Caller>;
  readonly people: Record<
    "customer1" | "customer2" | "franchiseeA" | "franchiseeB" | "admin" | "auditor" | "kycOfficer",
    Person
  >;
  readonly restaurantA: string;
  readonly restaurantB: string;
  /** Available items of A and B; an unavailable item of A. */
  readonly itemA: string;
  readonly itemB: string;
  readonly hiddenItemA: string;
  readonly keyA: { id: string; key: string };
  readonly keyB: { id: string; key: string };
  /** customer1's placed order at A, customer2's placed order at A, customer2's order at B. */
  readonly order1: string;
  readonly order2: string;
  readonly orderB: string;
  /** customer1's order at A, paid by card and settled on chain. */
  readonly paidOrder: string;
  /** A custodial account's key (for signInWithAccountKey). */
  readonly accountKey: string;
  /** Restaurant C, franchisee A's, whose NFT the transfer test moves to franchisee B. */
  readonly restaurantC: string;
}

interface Request {
  readonly method: string;
  readonly path: string;
  readonly body?: unknown;
  /** A throwaway API key the request acts on (checked afterwards). */
  readonly throwaway?: { readonly id: string; readonly key: string };
  /** A throwaway restaurant application the request acts on (closed afterwards). */
  readonly application?: string;
}

/** One row of the matrix: a request (made fresh per cell) and who may make it. */
interface Row {
  readonly operationId: string;
  /** What this row checks, when an operation has several rows. */
  readonly scenario: string;
  /** Callers allowed; everyone else is denied (401 without a valid credential, else 403). */
  readonly allow: readonly PrincipalName[];
  /** The status an allowed caller gets. */
  readonly ok: number;
  /** Cells whose expected status differs (a business answer such as 400/404/409). */
  readonly expect?: Partial<Record<PrincipalName, number>>;
  /** Builds the request; may create throwaway objects first. */
  request(fx: Fixture, who: PrincipalName): Promise<Request> | Request;
  /** Checks the effect (or its absence) after the call. */
  verify?(fx: Fixture, who: PrincipalName, request: Request, reply: Reply, allowed: boolean): Promise<void> | void;
}

const API = "/api/v1";
const FORGED_TOKEN =
  "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIwMDAwMDAwMC0wMDAwLTQwMDAtODAwMC0wMDAwMDAwMDAwMDAiLCJyb2xlcyI6WyJhZG1pbiJdfQ.c2lnbmVkLXdpdGgtdGhlLXdyb25nLXNlY3JldC0wMTIzNDU2";

/** A user id the caller may name as "their own" (keys and anonymous name customer1). */
function ownUserId(fx: Fixture, who: PrincipalName): string {
  return who in fx.people ? fx.people[who as keyof Fixture["people"]].userId : fx.people.customer1.userId;
}

async function placeOrder(fx: Fixture, restaurantId: string, itemId: string, person: Person): Promise<string> {
  const reply = await fx.stack.call<{ id: string }>("POST", `${API}/orders`, {
    token: person.token,
    body: { restaurant_id: restaurantId, items: [{ id: itemId, quantity: 1 }] },
  });
  assert.equal(reply.status, 201, JSON.stringify(reply.body));
  return reply.body.id;
}

async function throwawayKey(fx: Fixture): Promise<{ id: string; key: string }> {
  const reply = await fx.stack.call<{ id: string; key: string }>(
    "POST",
    `${API}/restaurants/${fx.restaurantA}/api-keys`,
    {
      token: fx.stack.adminToken,
      body: { label: "throwaway" },
    },
  );
  assert.equal(reply.status, 201, JSON.stringify(reply.body));
  return reply.body;
}

async function throwawayItem(fx: Fixture): Promise<string> {
  const reply = await fx.stack.call<{ id: string }>("POST", `${API}/restaurants/${fx.restaurantA}/menu`, {
    token: fx.stack.adminToken,
    body: { name: "Throwaway", price: "1.00" },
  });
  assert.equal(reply.status, 201, JSON.stringify(reply.body));
  return reply.body.id;
}

/** A pending restaurant application of `person`'s, made for one cell. */
async function throwawayApplication(fx: Fixture, person: Person): Promise<string> {
  const reply = await fx.stack.call<{ id: string }>("POST", `${API}/restaurant-applications`, {
    token: person.token,
    body: { name: "Matrix Application", location: "Zugdidi" },
  });
  assert.equal(reply.status, 201, JSON.stringify(reply.body));
  return reply.body.id;
}

/**
 * The application's status after the cell; a pending one is rejected by the admin, since a person
 * has one pending application at a time and the next cell may need theirs.
 */
async function closeApplication(fx: Fixture, id: string): Promise<string> {
  const reply = await fx.stack.call<{ status: string }>("GET", `${API}/restaurant-applications/${id}`, {
    token: fx.stack.adminToken,
  });
  if (reply.body.status === "pending") {
    const rejected = await fx.stack.call("POST", `${API}/restaurant-applications/${id}/reject`, {
      token: fx.stack.adminToken,
      body: { reason: "matrix clean-up" },
    });
    assert.equal(rejected.status, 200, JSON.stringify(rejected.body));
  }
  return reply.body.status;
}

async function menuItem(
  fx: Fixture,
  restaurantId: string,
  itemId: string,
): Promise<{ description: string } | undefined> {
  const { rows } = await fx.stack.db.pool.query<{ description: string }>(
    "SELECT description FROM menu_item WHERE restaurant_id = $1 AND id = $2",
    [restaurantId, itemId],
  );
  return rows[0];
}

async function keyWorks(fx: Fixture, key: string): Promise<number> {
  return (await fx.stack.call("GET", `${API}/orders?restaurant_id=${fx.restaurantA}`, { apiKey: key })).status;
}

// ---------------------------------------------------------------------------------------------
// The matrix
// ---------------------------------------------------------------------------------------------

const RESTAURANT_MANAGERS_A: readonly PrincipalName[] = ["franchiseeA", "admin"];
const RESTAURANT_ACTORS_A: readonly PrincipalName[] = ["franchiseeA", "admin", "keyA"];

const NO_CASE = "00000000-0000-4000-8000-00000000c0de";
const KYC_REVIEWERS: readonly PrincipalName[] = ["kycOfficer", "admin"];

const ROWS: readonly Row[] = [
  {
    operationId: "startKitchenStream",
    scenario: "restaurant A's kitchen stream starts (its owner, admins)",
    allow: RESTAURANT_MANAGERS_A,
    ok: 200,
    request: (fx) => ({ method: "POST", path: `${API}/restaurants/${fx.restaurantA}/stream/start`, body: {} }),
  },
  {
    operationId: "stopKitchenStream",
    scenario: "restaurant A's kitchen stream stops (its owner, admins)",
    allow: RESTAURANT_MANAGERS_A,
    ok: 200,
    request: (fx) => ({ method: "POST", path: `${API}/restaurants/${fx.restaurantA}/stream/stop` }),
  },
  {
    operationId: "getKitchenStream",
    scenario: "anyone sees a restaurant's stream",
    allow: EVERYONE,
    ok: 200,
    request: (fx) => ({ method: "GET", path: `${API}/restaurants/${fx.restaurantA}/stream` }),
  },
  {
    operationId: "listLiveKitchenStreams",
    scenario: "anyone lists live kitchens",
    allow: EVERYONE,
    ok: 200,
    request: () => ({ method: "GET", path: `${API}/streams/live` }),
  },
  {
    operationId: "kitchenStreamHours",
    scenario: "anyone reads the streamed hours",
    allow: EVERYONE,
    ok: 200,
    request: () => ({ method: "GET", path: `${API}/streams/hours` }),
  },
  {
    operationId: "getKycStatus",
    scenario: "people see their own KYC status",
    allow: PEOPLE,
    ok: 200,
    request: () => ({ method: "GET", path: `${API}/kyc/status` }),
  },
  {
    operationId: "submitKyc",
    scenario: "people submit (a JSON body is refused as not multipart)",
    allow: PEOPLE,
    ok: 415,
    request: () => ({ method: "POST", path: `${API}/kyc/submissions`, body: { full_name: "x" } }),
  },
  {
    operationId: "listKycQueue",
    scenario: "the review queue",
    allow: KYC_REVIEWERS,
    ok: 200,
    request: () => ({ method: "GET", path: `${API}/kyc/cases` }),
  },
  {
    operationId: "openKycCase",
    scenario: "opening a case (none with this id)",
    allow: KYC_REVIEWERS,
    ok: 404,
    request: () => ({ method: "POST", path: `${API}/kyc/cases/${NO_CASE}/open`, body: { reason: "matrix check" } }),
  },
  {
    operationId: "getKycDocument",
    scenario: "reading a document (none with this id)",
    allow: KYC_REVIEWERS,
    ok: 404,
    request: () => ({ method: "GET", path: `${API}/kyc/cases/${NO_CASE}/documents/${NO_CASE}?reason=matrix+check` }),
  },
  {
    operationId: "decideKycCase",
    scenario: "deciding a case (none with this id)",
    allow: KYC_REVIEWERS,
    ok: 404,
    request: () => ({
      method: "POST",
      path: `${API}/kyc/cases/${NO_CASE}/decision`,
      body: { approve: true, reason: "matrix check" },
    }),
  },
  {
    operationId: "revokeKycCase",
    scenario: "revoking a case (none with this id)",
    allow: KYC_REVIEWERS,
    ok: 404,
    request: () => ({ method: "POST", path: `${API}/kyc/cases/${NO_CASE}/revoke`, body: { reason: "matrix check" } }),
  },
  {
    operationId: "erasePerson",
    scenario: "erasing someone else (nobody with this id): admins only",
    allow: ["admin"],
    ok: 404,
    request: () => ({ method: "DELETE", path: `${API}/people/${NO_CASE}?reason=matrix+check` }),
  },
  {
    operationId: "listAccessLog",
    scenario: "the access log",
    allow: ["auditor", "admin"],
    ok: 200,
    request: () => ({ method: "GET", path: `${API}/audit/access-log` }),
  },
  {
    operationId: "verifyAccessLog",
    scenario: "verifying the access log",
    allow: ["auditor", "admin"],
    ok: 200,
    request: () => ({ method: "GET", path: `${API}/audit/access-log/verify` }),
  },
  {
    operationId: "listReconciliation",
    scenario: "the reconciliation of card payments",
    allow: ["auditor", "admin"],
    ok: 200,
    request: () => ({ method: "GET", path: `${API}/audit/reconciliation?only=mismatches` }),
  },
  {
    operationId: "summarizeReconciliation",
    scenario: "the reconciliation's counts",
    allow: ["auditor", "admin"],
    ok: 200,
    request: () => ({ method: "GET", path: `${API}/audit/reconciliation/summary` }),
  },
  // --- config ----------------------------------------------------------------------------------
  {
    operationId: "getClientConfig",
    scenario: "anyone reads how the web app takes cards",
    allow: EVERYONE,
    ok: 200,
    request: () => ({ method: "GET", path: `${API}/config` }),
  },
  // --- auth ------------------------------------------------------------------------------------
  {
    operationId: "getSiweNonce",
    scenario: "anyone starts a wallet sign-in",
    allow: EVERYONE,
    ok: 200,
    request: () => ({ method: "GET", path: `${API}/auth/nonce` }),
  },
  {
    operationId: "signInWithEthereum",
    scenario: "anyone signs in with a wallet",
    allow: EVERYONE,
    ok: 200,
    request: async (fx) => ({
      method: "POST",
      path: `${API}/auth/siwe`,
      body: await fx.stack.siweBody(localAccount(ACCOUNT.stranger)),
    }),
    verify: (_fx, _who, _request, reply, allowed) => {
      // Signing in never grants anything: a stranger's session carries no roles.
      if (allowed) assert.deepEqual((reply.body as { user: { roles: string[] } }).user.roles, []);
    },
  },
  {
    operationId: "createCustodialAccount",
    scenario: "anyone creates a custodial account",
    allow: EVERYONE,
    ok: 201,
    request: () => ({ method: "POST", path: `${API}/auth/custodial` }),
    verify: (_fx, _who, _request, reply, allowed) => {
      if (allowed) assert.deepEqual((reply.body as { user: { roles: string[] } }).user.roles, []);
    },
  },
  {
    operationId: "signInWithAccountKey",
    scenario: "anyone with the account key signs in",
    allow: EVERYONE,
    ok: 200,
    request: (fx) => ({ method: "POST", path: `${API}/auth/token`, body: { account_key: fx.accountKey } }),
  },
  {
    operationId: "getMe",
    scenario: "signed-in people see themselves",
    allow: PEOPLE,
    ok: 200,
    request: () => ({ method: "GET", path: `${API}/auth/me` }),
    verify: (fx, who, _request, reply, allowed) => {
      if (allowed) assert.equal((reply.body as { id: string }).id, ownUserId(fx, who));
    },
  },
  {
    operationId: "createApiKey",
    scenario: "a key for restaurant A",
    allow: RESTAURANT_MANAGERS_A,
    ok: 201,
    request: (fx) => ({
      method: "POST",
      path: `${API}/restaurants/${fx.restaurantA}/api-keys`,
      body: { label: "matrix" },
    }),
    verify: async (fx, _who, _request, reply, allowed) => {
      if (!allowed) return;
      const created = reply.body as { key: string; restaurant_id: string };
      assert.equal(created.restaurant_id, fx.restaurantA);
      assert.equal(await keyWorks(fx, created.key), 200);
    },
  },
  {
    operationId: "createApiKey",
    scenario: "a key for restaurant B (franchisee B manages only B)",
    allow: ["franchiseeB", "admin"],
    ok: 201,
    request: (fx) => ({
      method: "POST",
      path: `${API}/restaurants/${fx.restaurantB}/api-keys`,
      body: { label: "matrix" },
    }),
  },
  {
    operationId: "listApiKeys",
    scenario: "restaurant A's keys",
    allow: RESTAURANT_MANAGERS_A,
    ok: 200,
    request: (fx) => ({ method: "GET", path: `${API}/restaurants/${fx.restaurantA}/api-keys` }),
    verify: (fx, _who, _request, reply, allowed) => {
      if (!allowed) return;
      const keys = (reply.body as { api_keys: { restaurant_id: string; key?: string }[] }).api_keys;
      assert.ok(keys.length > 0);
      assert.ok(keys.every((key) => key.restaurant_id === fx.restaurantA && key.key === undefined));
    },
  },
  {
    operationId: "revokeApiKey",
    scenario: "revoke a (throwaway) key of A",
    allow: RESTAURANT_MANAGERS_A,
    ok: 204,
    request: async (fx) => {
      const key = await throwawayKey(fx);
      return { method: "DELETE", path: `${API}/restaurants/${fx.restaurantA}/api-keys/${key.id}`, throwaway: key };
    },
    verify: async (fx, _who, request, _reply, allowed) => {
      assert.equal(
        await keyWorks(fx, request.throwaway?.key ?? ""),
        allowed ? 401 : 200,
        allowed ? "revoked key still works" : "key revoked by a denied caller",
      );
    },
  },
  {
    operationId: "revokeApiKey",
    scenario: "revoke A's key through restaurant B's path",
    allow: ["franchiseeB", "admin"],
    ok: 404,
    request: async (fx) => {
      const key = await throwawayKey(fx);
      return { method: "DELETE", path: `${API}/restaurants/${fx.restaurantB}/api-keys/${key.id}`, throwaway: key };
    },
    verify: async (fx, _who, request) => {
      assert.equal(await keyWorks(fx, request.throwaway?.key ?? ""), 200, "A's key was revoked through B's path");
    },
  },
  {
    operationId: "setUserRoles",
    scenario: "grant auditor to a (throwaway) user",
    allow: ["admin"],
    ok: 200,
    request: async (fx) => {
      const user = await fx.stack.call<{ user: { id: string } }>("POST", `${API}/auth/custodial`);
      return { method: "PUT", path: `${API}/users/${user.body.user.id}/roles`, body: { roles: ["auditor"] } };
    },
    verify: async (fx, _who, request, _reply, allowed) => {
      const id = request.path.split("/").at(-2);
      const { rows } = await fx.stack.db.pool.query<{ roles: string[] | null }>(
        "SELECT roles FROM app_user WHERE id = $1",
        [id],
      );
      assert.deepEqual(rows[0]?.roles ?? [], allowed ? ["auditor"] : []);
    },
  },
  {
    operationId: "setUserRoles",
    scenario: "make oneself admin",
    allow: ["admin"],
    ok: 200,
    request: (fx, who) => ({
      method: "PUT",
      path: `${API}/users/${ownUserId(fx, who)}/roles`,
      body: { roles: ["admin"] },
    }),
    verify: async (fx, who, _request, _reply, allowed) => {
      if (allowed) return;
      const { rows } = await fx.stack.db.pool.query<{ roles: string[] | null }>(
        "SELECT roles FROM app_user WHERE id = $1",
        [ownUserId(fx, who)],
      );
      assert.ok(!(rows[0]?.roles ?? []).includes("admin"), "escalated to admin");
    },
  },

  {
    operationId: "listUsers",
    scenario: "find the people holding roles: admins only",
    allow: ["admin"],
    ok: 200,
    request: () => ({ method: "GET", path: `${API}/users?role=any` }),
    verify: (fx, _who, _request, reply, allowed) => {
      if (!allowed) return;
      const ids = (reply.body as { users: { id: string }[] }).users.map((user) => user.id);
      for (const holder of [fx.people.admin, fx.people.auditor, fx.people.kycOfficer])
        assert.ok(ids.includes(holder.userId));
    },
  },

  // --- restaurants and menus -------------------------------------------------------------------
  {
    operationId: "registerRestaurant",
    scenario: "register a restaurant for a KYC-verified owner",
    allow: ["admin"],
    ok: 201,
    request: () => ({
      method: "POST",
      path: `${API}/restaurants`,
      body: { name: "Matrix Restaurant", location: "Batumi", owner: localAccount(ACCOUNT.franchisee2).address },
    }),
  },
  {
    operationId: "applyForRestaurant",
    scenario: "people apply for themselves",
    allow: PEOPLE,
    ok: 201,
    request: () => ({
      method: "POST",
      path: `${API}/restaurant-applications`,
      body: { name: "Matrix Application", location: "Zugdidi" },
    }),
    verify: async (fx, who, _request, reply, allowed) => {
      if (!allowed) return;
      const created = reply.body as { id: string; applicant_id: string };
      assert.equal(created.applicant_id, ownUserId(fx, who));
      assert.equal(await closeApplication(fx, created.id), "pending");
    },
  },
  {
    operationId: "listRestaurantApplications",
    scenario: "admins list every application, people their own",
    allow: PEOPLE,
    ok: 200,
    request: async (fx) => ({
      method: "GET",
      path: `${API}/restaurant-applications`,
      application: await throwawayApplication(fx, fx.people.customer2),
    }),
    verify: async (fx, who, request, reply, allowed) => {
      if (allowed) {
        const listed = (reply.body as { applications: { id: string; applicant_id: string }[] }).applications;
        if (who === "admin") assert.ok(listed.some((application) => application.id === request.application));
        else assert.ok(listed.every((application) => application.applicant_id === ownUserId(fx, who)));
      }
      await closeApplication(fx, request.application ?? "");
    },
  },
  {
    operationId: "getRestaurantApplication",
    scenario: "customer1's application (its applicant, admins)",
    allow: ["customer1", "admin"],
    ok: 200,
    request: async (fx) => {
      const id = await throwawayApplication(fx, fx.people.customer1);
      return { method: "GET", path: `${API}/restaurant-applications/${id}`, application: id };
    },
    verify: async (fx, _who, request) => {
      await closeApplication(fx, request.application ?? "");
    },
  },
  {
    operationId: "approveRestaurantApplication",
    scenario: "approve franchisee B's application (KYC-verified): admins only",
    allow: ["admin"],
    ok: 200,
    request: async (fx) => {
      const id = await throwawayApplication(fx, fx.people.franchiseeB);
      return {
        method: "POST",
        path: `${API}/restaurant-applications/${id}/approve`,
        body: { fee_bps: 1000 },
        application: id,
      };
    },
    verify: async (fx, _who, request, _reply, allowed) => {
      assert.equal(await closeApplication(fx, request.application ?? ""), allowed ? "approved" : "pending");
    },
  },
  {
    operationId: "approveRestaurantApplication",
    scenario: "approve customer1's application (not KYC-verified): refused for everyone",
    allow: ["admin"],
    ok: 409,
    request: async (fx) => {
      const id = await throwawayApplication(fx, fx.people.customer1);
      return {
        method: "POST",
        path: `${API}/restaurant-applications/${id}/approve`,
        body: { fee_bps: 1000 },
        application: id,
      };
    },
    verify: async (fx, _who, request) => {
      assert.equal(await closeApplication(fx, request.application ?? ""), "pending");
    },
  },
  {
    operationId: "rejectRestaurantApplication",
    scenario: "reject customer2's application: admins only",
    allow: ["admin"],
    ok: 200,
    request: async (fx) => {
      const id = await throwawayApplication(fx, fx.people.customer2);
      return {
        method: "POST",
        path: `${API}/restaurant-applications/${id}/reject`,
        body: { reason: "matrix check" },
        application: id,
      };
    },
    verify: async (fx, _who, request, _reply, allowed) => {
      assert.equal(await closeApplication(fx, request.application ?? ""), allowed ? "rejected" : "pending");
    },
  },
  {
    operationId: "listRestaurants",
    scenario: "anyone lists restaurants",
    allow: EVERYONE,
    ok: 200,
    request: () => ({ method: "GET", path: `${API}/restaurants` }),
  },
  {
    operationId: "getRestaurant",
    scenario: "anyone reads restaurant A",
    allow: EVERYONE,
    ok: 200,
    request: (fx) => ({ method: "GET", path: `${API}/restaurants/${fx.restaurantA}` }),
  },
  {
    operationId: "getRestaurantMenu",
    scenario: "anyone reads A's available menu (never the unavailable item)",
    allow: EVERYONE,
    ok: 200,
    request: (fx) => ({ method: "GET", path: `${API}/restaurants/${fx.restaurantA}/menu?limit=100` }),
    verify: (fx, _who, _request, reply, allowed) => {
      if (!allowed) return;
      const ids = (reply.body as { items: { id: string }[] }).items.map((item) => item.id);
      assert.ok(ids.includes(fx.itemA));
      assert.ok(!ids.includes(fx.hiddenItemA), "unavailable item shown");
    },
  },
  {
    operationId: "getRestaurantMenu",
    scenario: "A's menu with unavailable items",
    allow: RESTAURANT_MANAGERS_A,
    ok: 200,
    // Anonymous asks for a privileged view of a public resource: 403 (documented), not 401.
    expect: { anonymous: 403 },
    request: (fx) => ({
      method: "GET",
      path: `${API}/restaurants/${fx.restaurantA}/menu?include_unavailable=true&limit=100`,
    }),
    verify: (fx, _who, _request, reply, allowed) => {
      if (allowed)
        assert.ok((reply.body as { items: { id: string }[] }).items.some((item) => item.id === fx.hiddenItemA));
    },
  },
  {
    operationId: "addMenuItem",
    scenario: "add an item to A's menu",
    allow: RESTAURANT_MANAGERS_A,
    ok: 201,
    request: (fx) => ({
      method: "POST",
      path: `${API}/restaurants/${fx.restaurantA}/menu`,
      body: { name: "Matrix item", price: "1.00", available: false },
    }),
  },
  {
    operationId: "addMenuItem",
    scenario: "add an item to B's menu (franchisee B manages only B)",
    allow: ["franchiseeB", "admin"],
    ok: 201,
    request: (fx) => ({
      method: "POST",
      path: `${API}/restaurants/${fx.restaurantB}/menu`,
      body: { name: "Matrix item", price: "1.00", available: false },
    }),
  },
  {
    operationId: "updateMenuItem",
    scenario: "change A's item",
    allow: RESTAURANT_MANAGERS_A,
    ok: 200,
    request: (fx, who) => ({
      method: "PATCH",
      path: `${API}/restaurants/${fx.restaurantA}/menu/${fx.itemA}`,
      body: { description: `changed by ${who}` },
    }),
    verify: async (fx, who, _request, _reply, allowed) => {
      const item = await menuItem(fx, fx.restaurantA, fx.itemA);
      if (!allowed) assert.notEqual(item?.description, `changed by ${who}`, "a denied caller changed the item");
    },
  },
  {
    operationId: "updateMenuItem",
    scenario: "change A's item through B's path",
    allow: ["franchiseeB", "admin"],
    ok: 404,
    request: (fx, who) => ({
      method: "PATCH",
      path: `${API}/restaurants/${fx.restaurantB}/menu/${fx.itemA}`,
      body: { description: `changed via B by ${who}` },
    }),
    verify: async (fx, who) => {
      assert.notEqual((await menuItem(fx, fx.restaurantA, fx.itemA))?.description, `changed via B by ${who}`);
    },
  },
  {
    operationId: "deleteMenuItem",
    scenario: "remove a (throwaway) item of A",
    allow: RESTAURANT_MANAGERS_A,
    ok: 204,
    request: async (fx) => ({
      method: "DELETE",
      path: `${API}/restaurants/${fx.restaurantA}/menu/${await throwawayItem(fx)}`,
    }),
    verify: async (fx, _who, request, _reply, allowed) => {
      const id = request.path.split("/").at(-1) ?? "";
      assert.equal((await menuItem(fx, fx.restaurantA, id)) === undefined, allowed);
    },
  },
  {
    operationId: "deleteMenuItem",
    scenario: "remove A's (throwaway) item through B's path",
    allow: ["franchiseeB", "admin"],
    ok: 404,
    request: async (fx) => ({
      method: "DELETE",
      path: `${API}/restaurants/${fx.restaurantB}/menu/${await throwawayItem(fx)}`,
    }),
    verify: async (fx, _who, request) => {
      assert.ok(
        (await menuItem(fx, fx.restaurantA, request.path.split("/").at(-1) ?? "")) !== undefined,
        "deleted via B",
      );
    },
  },
  {
    operationId: "listMenu",
    scenario: "anyone reads every available item",
    allow: EVERYONE,
    ok: 200,
    request: () => ({ method: "GET", path: `${API}/menu?limit=100` }),
    verify: (fx, _who, _request, reply, allowed) => {
      if (allowed)
        assert.ok(!(reply.body as { items: { id: string }[] }).items.some((item) => item.id === fx.hiddenItemA));
    },
  },

  // --- orders ----------------------------------------------------------------------------------
  {
    operationId: "createOrder",
    scenario: "order at A for oneself (a key names its customer)",
    allow: [...PEOPLE, "keyA"],
    ok: 201,
    request: (fx, who) => ({
      method: "POST",
      path: `${API}/orders`,
      body: {
        restaurant_id: fx.restaurantA,
        items: [{ id: fx.itemA, quantity: 1 }],
        ...(who.startsWith("key") ? { customer_id: fx.people.customer1.userId } : {}),
      },
    }),
    verify: (fx, who, _request, reply, allowed) => {
      if (allowed) assert.equal((reply.body as { customer_id: string }).customer_id, ownUserId(fx, who));
    },
  },
  {
    operationId: "createOrder",
    scenario: "order at A in customer1's name",
    allow: ["customer1", "admin", "keyA"],
    ok: 201,
    request: (fx) => ({
      method: "POST",
      path: `${API}/orders`,
      body: {
        restaurant_id: fx.restaurantA,
        items: [{ id: fx.itemA, quantity: 1 }],
        customer_id: fx.people.customer1.userId,
      },
    }),
  },
  {
    operationId: "createOrder",
    scenario: "a point-of-sale key orders without naming the customer",
    allow: [...PEOPLE, "keyA"],
    ok: 201,
    expect: { keyA: 400 },
    request: (fx) => ({
      method: "POST",
      path: `${API}/orders`,
      body: { restaurant_id: fx.restaurantA, items: [{ id: fx.itemA, quantity: 1 }] },
    }),
  },
  {
    operationId: "listOrders",
    scenario: "restaurant A's orders (other people: only their own orders there)",
    allow: [...RESTAURANT_ACTORS_A, "auditor", "customer1", "customer2", "franchiseeB", "kycOfficer"],
    ok: 200,
    request: (fx) => ({ method: "GET", path: `${API}/orders?restaurant_id=${fx.restaurantA}&limit=100` }),
    verify: (fx, who, _request, reply, allowed) => {
      if (!allowed) return;
      const orders = (reply.body as { orders: { restaurant_id: string; customer_id: string }[] }).orders;
      assert.ok(orders.every((order) => order.restaurant_id === fx.restaurantA));
      if ([...RESTAURANT_ACTORS_A, "auditor"].includes(who)) assert.ok(orders.length > 0);
      else
        assert.ok(
          orders.every((order) => order.customer_id === ownUserId(fx, who)),
          "someone else's orders listed",
        );
    },
  },
  {
    operationId: "listOrders",
    scenario: "own orders (no filter); keys must name their restaurant",
    allow: SIGNED_IN,
    ok: 200,
    expect: { keyA: 400, keyB: 400 },
    request: () => ({ method: "GET", path: `${API}/orders?limit=100` }),
    verify: (fx, who, _request, reply, allowed) => {
      if (!allowed || who.startsWith("key") || who === "admin" || who === "auditor") return;
      const orders = (reply.body as { orders: { customer_id: string }[] }).orders;
      assert.ok(
        orders.every((order) => order.customer_id === ownUserId(fx, who)),
        "someone else's orders listed",
      );
    },
  },
  {
    operationId: "listOrders",
    scenario: "customer1's orders by customer_id",
    allow: ["customer1", "admin", "auditor", "keyA", "keyB"],
    ok: 200,
    expect: { keyA: 400, keyB: 400 },
    request: (fx) => ({ method: "GET", path: `${API}/orders?customer_id=${fx.people.customer1.userId}` }),
  },
  {
    operationId: "listOrders",
    scenario: "customer1's orders at restaurant B (restaurant filter + customer filter)",
    allow: ["franchiseeB", "admin", "auditor", "keyB", "customer1"],
    ok: 200,
    request: (fx) => ({
      method: "GET",
      path: `${API}/orders?restaurant_id=${fx.restaurantB}&customer_id=${fx.people.customer1.userId}`,
    }),
  },
  {
    operationId: "getOrder",
    scenario: "customer1's order at A",
    allow: ["customer1", ...RESTAURANT_ACTORS_A, "auditor"],
    ok: 200,
    request: (fx) => ({ method: "GET", path: `${API}/orders/${fx.order1}` }),
  },
  {
    operationId: "getOrder",
    scenario: "customer2's order at B",
    allow: ["customer2", "franchiseeB", "admin", "auditor", "keyB"],
    ok: 200,
    request: (fx) => ({ method: "GET", path: `${API}/orders/${fx.orderB}` }),
  },
  {
    operationId: "payOrder",
    scenario: "start a card payment of customer1's (throwaway) order at A",
    // The customer, or the restaurant's till on their behalf. An auditor is read-only.
    allow: ["customer1", ...RESTAURANT_ACTORS_A],
    ok: 200,
    request: async (fx) => ({
      method: "POST",
      path: `${API}/orders/${await placeOrder(fx, fx.restaurantA, fx.itemA, fx.people.customer1)}/pay`,
      body: { method: "card" },
    }),
    verify: async (fx, _who, request, _reply, allowed) => {
      const id = request.path.split("/").at(-2);
      const { rows } = await fx.stack.db.pool.query<{ payment_method: string | null }>(
        "SELECT payment_method FROM customer_order WHERE id = $1",
        [id],
      );
      assert.equal(rows[0]?.payment_method, allowed ? "card" : null, "payment method claimed by a denied caller");
    },
  },
  {
    operationId: "payOrder",
    scenario: "token quote for customer1's (throwaway) order: only the customer's own wallet",
    allow: ["customer1"],
    ok: 200,
    request: async (fx) => ({
      method: "POST",
      path: `${API}/orders/${await placeOrder(fx, fx.restaurantA, fx.itemA, fx.people.customer1)}/pay`,
      body: { method: "token" },
    }),
  },
  {
    operationId: "getOrderPointsOffer",
    scenario: "the points discount of customer1's (throwaway) order: only the customer's own wallet",
    allow: ["customer1"],
    ok: 200,
    request: async (fx) => ({
      method: "GET",
      path: `${API}/orders/${await placeOrder(fx, fx.restaurantA, fx.itemA, fx.people.customer1)}/points`,
    }),
  },
  {
    operationId: "payOrder",
    scenario: "pay customer1's settled order again",
    allow: ["customer1", ...RESTAURANT_ACTORS_A],
    ok: 409,
    request: (fx) => ({ method: "POST", path: `${API}/orders/${fx.paidOrder}/pay`, body: { method: "card" } }),
  },
  {
    operationId: "fulfillOrder",
    scenario: "serve customer1's settled order at A",
    allow: RESTAURANT_ACTORS_A,
    ok: 200,
    request: (fx) => ({ method: "POST", path: `${API}/orders/${fx.paidOrder}/fulfill` }),
  },
  {
    operationId: "fulfillOrder",
    scenario: "serve customer2's unpaid order at A",
    allow: RESTAURANT_ACTORS_A,
    ok: 409,
    request: (fx) => ({ method: "POST", path: `${API}/orders/${fx.order2}/fulfill` }),
  },
  {
    operationId: "refundOrder",
    scenario: "refund 0.01 GEL of customer1's settled card order at A",
    allow: RESTAURANT_ACTORS_A,
    ok: 202,
    request: (fx) => ({ method: "POST", path: `${API}/orders/${fx.paidOrder}/refund`, body: { amount: "0.01" } }),
  },
  {
    operationId: "refundOrder",
    scenario: "refund customer2's unpaid order at A",
    allow: RESTAURANT_ACTORS_A,
    ok: 409,
    request: (fx) => ({ method: "POST", path: `${API}/orders/${fx.order2}/refund`, body: {} }),
  },
];

/** The expected status of one cell. */
function expectedStatus(row: Row, who: PrincipalName): { status: number; allowed: boolean } {
  if (BAD_CREDENTIAL.has(who)) return { status: 401, allowed: false };
  const allowed = row.allow.includes(who);
  const override = row.expect?.[who];
  if (override !== undefined) return { status: override, allowed };
  if (allowed) return { status: row.ok, allowed };
  return { status: UNAUTHENTICATED.has(who) ? 401 : 403, allowed };
}

// ---------------------------------------------------------------------------------------------
// GraphQL: the same services through the apps' API, for the key cases.
// ---------------------------------------------------------------------------------------------

interface GraphQLCase {
  readonly name: string;
  readonly who: PrincipalName;
  /** The error code expected, or "ok" for data. */
  readonly expect: "ok" | "FORBIDDEN" | "UNAUTHENTICATED";
  build(
    fx: Fixture,
  ):
    | Promise<{ query: string; variables: Record<string, unknown> }>
    | { query: string; variables: Record<string, unknown> };
}

const CREATE_ORDER = /* GraphQL */ `
  mutation ($restaurantId: BigInt!, $items: [OrderLineInput!]!, $customerId: ID) {
    createOrder(restaurantId: $restaurantId, items: $items, customerId: $customerId) {
      id
      customerId
    }
  }
`;
const ADD_MENU_ITEM = /* GraphQL */ `
  mutation ($restaurantId: BigInt!) {
    addMenuItem(restaurantId: $restaurantId, name: "GQL item", price: "1.00") {
      id
    }
  }
`;
const REGISTER = /* GraphQL */ `
  mutation ($owner: String!) {
    registerRestaurant(name: "GQL", location: "Kutaisi", owner: $owner) {
      id
    }
  }
`;
const REFUND = /* GraphQL */ `
  mutation ($orderId: ID!) {
    refundOrder(orderId: $orderId, amount: "0.01") {
      status
    }
  }
`;
const PLACED_ORDER = /* GraphQL */ `
  query ($id: ID!) {
    placedOrder(id: $id) {
      id
      customerId
    }
  }
`;
const PAY_BY_CARD = /* GraphQL */ `
  mutation ($orderId: ID!) {
    payOrderByCard(orderId: $orderId) {
      status
    }
  }
`;
const FULFILL = /* GraphQL */ `
  mutation ($orderId: ID!) {
    fulfillOrder(orderId: $orderId) {
      id
    }
  }
`;

const createOrderAs = (customer: "customer1" | undefined) => (fx: Fixture) => ({
  query: CREATE_ORDER,
  variables: {
    restaurantId: fx.restaurantA,
    items: [{ id: fx.itemA, quantity: 1 }],
    customerId: customer === undefined ? null : fx.people[customer].userId,
  },
});

const GRAPHQL_CASES: readonly GraphQLCase[] = [
  { name: "createOrder for oneself", who: "customer2", expect: "ok", build: createOrderAs(undefined) },
  {
    name: "createOrder in someone else's name",
    who: "customer2",
    expect: "FORBIDDEN",
    build: createOrderAs("customer1"),
  },
  {
    name: "createOrder in someone else's name",
    who: "franchiseeA",
    expect: "FORBIDDEN",
    build: createOrderAs("customer1"),
  },
  { name: "createOrder at A with B's key", who: "keyB", expect: "FORBIDDEN", build: createOrderAs("customer1") },
  { name: "createOrder at A with A's key", who: "keyA", expect: "ok", build: createOrderAs("customer1") },
  { name: "createOrder", who: "anonymous", expect: "UNAUTHENTICATED", build: createOrderAs(undefined) },
  ...(["franchiseeB", "customer1", "auditor", "keyA"] as const).map((who): GraphQLCase => ({
    name: "addMenuItem to A",
    who,
    expect: "FORBIDDEN",
    build: (fx) => ({ query: ADD_MENU_ITEM, variables: { restaurantId: fx.restaurantA } }),
  })),
  {
    name: "addMenuItem to A",
    who: "franchiseeA",
    expect: "ok",
    build: (fx) => ({ query: ADD_MENU_ITEM, variables: { restaurantId: fx.restaurantA } }),
  },
  {
    name: "addMenuItem to A",
    who: "anonymous",
    expect: "UNAUTHENTICATED",
    build: (fx) => ({ query: ADD_MENU_ITEM, variables: { restaurantId: fx.restaurantA } }),
  },
  ...(["customer1", "franchiseeA", "auditor", "kycOfficer", "keyA"] as const).map((who): GraphQLCase => ({
    name: "registerRestaurant",
    who,
    expect: "FORBIDDEN",
    build: () => ({ query: REGISTER, variables: { owner: localAccount(ACCOUNT.franchisee).address } }),
  })),
  {
    name: "registerRestaurant",
    who: "anonymous",
    expect: "UNAUTHENTICATED",
    build: () => ({ query: REGISTER, variables: { owner: localAccount(ACCOUNT.franchisee).address } }),
  },
  ...(["customer1", "customer2", "franchiseeB", "auditor", "keyB"] as const).map((who): GraphQLCase => ({
    name: "refundOrder of customer1's settled order at A",
    who,
    expect: "FORBIDDEN",
    build: (fx) => ({ query: REFUND, variables: { orderId: fx.paidOrder } }),
  })),
  {
    name: "refundOrder of customer1's settled order at A",
    who: "keyA",
    expect: "ok",
    build: (fx) => ({ query: REFUND, variables: { orderId: fx.paidOrder } }),
  },
  ...(["customer2", "franchiseeB", "kycOfficer", "keyB"] as const).map((who): GraphQLCase => ({
    name: "placedOrder of customer1's order at A",
    who,
    expect: "FORBIDDEN",
    build: (fx) => ({ query: PLACED_ORDER, variables: { id: fx.order1 } }),
  })),
  ...(["customer1", "franchiseeA", "auditor", "keyA"] as const).map((who): GraphQLCase => ({
    name: "placedOrder of customer1's order at A",
    who,
    expect: "ok",
    build: (fx) => ({ query: PLACED_ORDER, variables: { id: fx.order1 } }),
  })),
  {
    name: "placedOrder",
    who: "anonymous",
    expect: "UNAUTHENTICATED",
    build: (fx) => ({ query: PLACED_ORDER, variables: { id: fx.order1 } }),
  },
  ...(["customer2", "franchiseeB", "keyB", "auditor"] as const).map((who): GraphQLCase => ({
    name: "payOrderByCard of customer1's (throwaway) order at A",
    who,
    expect: "FORBIDDEN",
    build: async (fx) => ({
      query: PAY_BY_CARD,
      variables: { orderId: await placeOrder(fx, fx.restaurantA, fx.itemA, fx.people.customer1) },
    }),
  })),
  ...(["customer1", "customer2", "franchiseeB", "auditor", "keyB"] as const).map((who): GraphQLCase => ({
    name: "fulfillOrder of customer1's settled order at A",
    who,
    expect: "FORBIDDEN",
    build: (fx) => ({ query: FULFILL, variables: { orderId: fx.paidOrder } }),
  })),
];

// ---------------------------------------------------------------------------------------------
// The tests
// ---------------------------------------------------------------------------------------------

describe("authorization matrix: every operation × every caller", () => {
  let fx: Fixture;
  /** The stack, once the fixture is complete (a failed setup stops it itself). */
  let running: WriteStack | undefined;
  let documented: Map<string, ReadonlySet<number>>;
  /** Operations the document lists without a security requirement. */
  let publicOperations: Set<string>;

  before(async () => {
    const stack = await startWriteStack({
      rateLimits: { perCallerPerMinute: 1_000_000, anonymousPerMinute: 1_000_000, failedAuthPerMinute: 1_000_000 },
    });
    try {
      const franchiseeA = localAccount(ACCOUNT.franchisee);
      const franchiseeB = localAccount(ACCOUNT.franchisee2);
      // KYC (issue 6's workflow) is attested on chain directly; wait for the mirror to have it.
      const block = await stack.chain.client.getBlock();
      for (const owner of [franchiseeA, franchiseeB]) {
        await stack.chain.contracts.kycRegistry.write.attest(
          [owner.address, 2, block.timestamp + 365n * 86_400n, keccak256(toHex(`evidence:${owner.address}`))],
          { account: localAccount(LOCAL_ACCOUNTS.kycOfficer).address },
        );
      }
      await waitForMirror(stack.db, stack.chain);

      const register = async (name: string, owner: HDAccount): Promise<string> => {
        const created = await stack.call<{ id: string }>("POST", `${API}/restaurants`, {
          token: stack.adminToken,
          body: { name, location: "Tbilisi", owner: owner.address },
        });
        assert.equal(created.status, 201, JSON.stringify(created.body));
        return created.body.id;
      };
      const restaurantA = await register("Restaurant A", franchiseeA);
      const restaurantB = await register("Restaurant B", franchiseeB);
      const restaurantC = await register("Restaurant C", franchiseeA);
      for (const id of [restaurantA, restaurantB, restaurantC]) {
        await eventually(
          `restaurant ${id} on chain`,
          async () => {
            const reply = await stack.call<{ status: string }>("GET", `${API}/restaurants/${id}`);
            return reply.body.status === "active" ? true : undefined;
          },
          60_000,
        );
      }

      const signIn = (index: number): Promise<Person> => stack.signIn(localAccount(index));
      const adminId = (await stack.call<{ id: string }>("GET", `${API}/auth/me`, { token: stack.adminToken })).body.id;
      const grant = async (index: number, role: string): Promise<Person> => {
        const person = await signIn(index);
        const granted = await stack.call("PUT", `${API}/users/${person.userId}/roles`, {
          token: stack.adminToken,
          body: { roles: [role] },
        });
        assert.equal(granted.status, 200, JSON.stringify(granted.body));
        return signIn(index); // tokens carry roles: sign in again
      };
      const people = {
        customer1: await signIn(ACCOUNT.alice),
        customer2: await signIn(ACCOUNT.bob),
        franchiseeA: await signIn(ACCOUNT.franchisee),
        franchiseeB: await signIn(ACCOUNT.franchisee2),
        admin: { token: stack.adminToken, userId: adminId },
        auditor: await grant(ACCOUNT.carol, "auditor"),
        kycOfficer: await grant(ACCOUNT.dave, "kyc_officer"),
      };

      const addItem = async (restaurantId: string, token: string, body: Record<string, unknown>): Promise<string> => {
        const reply = await stack.call<{ id: string }>("POST", `${API}/restaurants/${restaurantId}/menu`, {
          token,
          body,
        });
        assert.equal(reply.status, 201, JSON.stringify(reply.body));
        return reply.body.id;
      };
      const itemA = await addItem(restaurantA, people.franchiseeA.token, { name: "Hot Pot", price: "25.00" });
      const hiddenItemA = await addItem(restaurantA, people.franchiseeA.token, {
        name: "Secret broth",
        price: "99.00",
        available: false,
      });
      const itemB = await addItem(restaurantB, people.franchiseeB.token, { name: "Dumplings", price: "8.50" });

      const makeKey = async (restaurantId: string, token: string): Promise<{ id: string; key: string }> => {
        const reply = await stack.call<{ id: string; key: string }>(
          "POST",
          `${API}/restaurants/${restaurantId}/api-keys`,
          {
            token,
            body: { label: "till" },
          },
        );
        assert.equal(reply.status, 201, JSON.stringify(reply.body));
        return reply.body;
      };
      const keyA = await makeKey(restaurantA, people.franchiseeA.token);
      const keyB = await makeKey(restaurantB, people.franchiseeB.token);
      const revoked = await makeKey(restaurantA, people.franchiseeA.token);
      const revoke = await stack.call("DELETE", `${API}/restaurants/${restaurantA}/api-keys/${revoked.id}`, {
        token: people.franchiseeA.token,
      });
      assert.equal(revoke.status, 204);

      const custodial = await stack.call<{ account_key: string }>("POST", `${API}/auth/custodial`);
      assert.equal(custodial.status, 201);

      const partial = {
        stack,
        people,
        restaurantA,
        restaurantB,
        restaurantC,
        itemA,
        itemB,
        hiddenItemA,
        keyA,
        keyB,
        accountKey: custodial.body.account_key,
      };
      const tmp = partial as unknown as Fixture;
      const order1 = await placeOrder(tmp, restaurantA, itemA, people.customer1);
      const order2 = await placeOrder(tmp, restaurantA, itemA, people.customer2);
      const orderB = await placeOrder(tmp, restaurantB, itemB, people.customer2);
      const paidOrder = await placeOrder(tmp, restaurantA, itemA, people.customer1);
      const paid = await stack.call<{ status: string }>("POST", `${API}/orders/${paidOrder}/pay`, {
        token: people.customer1.token,
        body: { method: "card", payment_method: "pm_card_visa" },
      });
      assert.equal(paid.status, 200, JSON.stringify(paid.body));
      await eventually(
        "the card order settled",
        async () => {
          const reply = await stack.call<{ status: string }>("GET", `${API}/orders/${paidOrder}`, {
            token: people.customer1.token,
          });
          return reply.body.status === "settled" ? true : undefined;
        },
        60_000,
      );

      fx = {
        ...partial,
        order1,
        order2,
        orderB,
        paidOrder,
        callers: {
          anonymous: {},
          forgedToken: { token: FORGED_TOKEN },
          revokedKey: { apiKey: revoked.key },
          customer1: { token: people.customer1.token },
          customer2: { token: people.customer2.token },
          franchiseeA: { token: people.franchiseeA.token },
          franchiseeB: { token: people.franchiseeB.token },
          admin: { token: people.admin.token },
          auditor: { token: people.auditor.token },
          kycOfficer: { token: people.kycOfficer.token },
          keyA: { apiKey: keyA.key },
          keyB: { apiKey: keyB.key },
        },
      };

      const document = await stack.call<{
        paths: Record<
          string,
          Record<string, { operationId?: string; security?: unknown[]; responses?: Record<string, unknown> }>
        >;
      }>("GET", `${API}/openapi.json`);
      assert.equal(document.status, 200);
      documented = new Map();
      publicOperations = new Set();
      for (const operations of Object.values(document.body.paths)) {
        for (const operation of Object.values(operations)) {
          if (operation.operationId === undefined) continue;
          if (operation.security === undefined) publicOperations.add(operation.operationId);
          documented.set(operation.operationId, new Set(Object.keys(operation.responses ?? {}).map(Number)));
        }
      }
      running = stack;
    } catch (error) {
      await stack.stop();
      throw error;
    }
  });

  after(async () => {
    await running?.stop();
  });

  it("has a matrix row for every operation of the live OpenAPI document, and no stale rows", () => {
    const inDocument = [...documented.keys()].sort();
    const inMatrix = [...new Set(ROWS.map((row) => row.operationId))].sort();
    assert.deepEqual(
      inDocument.filter((id) => !inMatrix.includes(id)),
      [],
      "operations without an authorization matrix row",
    );
    assert.deepEqual(
      inMatrix.filter((id) => !inDocument.includes(id)),
      [],
      "matrix rows for operations the API does not have",
    );
  });

  it("documents 401 on every operation, public ones included (a credential sent is always checked)", () => {
    // The cells above show a forged token or a revoked key gets 401 on every operation.
    const undocumented = [...documented]
      .filter(([, statuses]) => !statuses.has(401))
      .map(([id]) => id)
      .sort();
    assert.deepEqual(undocumented, [], "operations answering 401 to a bad credential without documenting it");
  });

  it("ignores fields a caller may not set (API6 mass assignment)", async () => {
    const { stack, people, restaurantA, restaurantB, itemA } = fx;
    const order = await stack.call<{ total_tetri: number; status: string; restaurant_id: string; customer_id: string }>(
      "POST",
      `${API}/orders`,
      {
        token: people.customer2.token,
        body: {
          restaurant_id: restaurantA,
          items: [{ id: itemA, quantity: 1 }],
          total: "0.01",
          total_tetri: 1,
          status: "settled",
          payment_method: "card",
          paid_at: new Date().toISOString(),
        },
      },
    );
    assert.equal(order.status, 201, JSON.stringify(order.body));
    assert.equal(order.body.total_tetri, 2500);
    assert.equal(order.body.status, "placed");
    assert.equal(order.body.customer_id, people.customer2.userId);
    // An item posted to B's menu with A's id in the body lands on B.
    const item = await stack.call<{ restaurant_id: string }>("POST", `${API}/restaurants/${restaurantB}/menu`, {
      token: people.franchiseeB.token,
      body: { name: "Smuggled", price: "1.00", restaurant_id: restaurantA, available: false },
    });
    assert.equal(item.status, 201);
    assert.equal(item.body.restaurant_id, restaurantB);
    // Signing in cannot bring roles along.
    const custodial = await stack.call<{ user: { roles: string[] } }>("POST", `${API}/auth/custodial`, {
      body: { roles: ["admin"] },
    });
    assert.equal(custodial.status, 201);
    assert.deepEqual(custodial.body.user.roles, []);
  });

  it("moves a restaurant's rights with its franchise NFT on chain, once indexed", async () => {
    const { stack, people, restaurantC } = fx;
    const addItem = (token: string) =>
      stack.call("POST", `${API}/restaurants/${restaurantC}/menu`, {
        token,
        body: { name: "Transfer", price: "1.00" },
      });
    assert.equal((await addItem(people.franchiseeA.token)).status, 201);
    assert.equal((await addItem(people.franchiseeB.token)).status, 403);
    const oldKey = await stack.call<{ id: string; key: string }>("POST", `${API}/restaurants/${restaurantC}/api-keys`, {
      token: people.franchiseeA.token,
      body: { label: "old owner's till" },
    });
    assert.equal(oldKey.status, 201);

    await stack.chain.contracts.franchiseNFT.write.transferFrom(
      [localAccount(ACCOUNT.franchisee).address, localAccount(ACCOUNT.franchisee2).address, BigInt(restaurantC)],
      { account: localAccount(ACCOUNT.franchisee).address },
    );
    await waitForMirror(stack.db, stack.chain);

    assert.equal((await addItem(people.franchiseeA.token)).status, 403, "the old owner still manages the menu");
    assert.equal((await addItem(people.franchiseeB.token)).status, 201, "the new owner cannot manage the menu");
    const list = (token: string) => stack.call("GET", `${API}/restaurants/${restaurantC}/api-keys`, { token });
    assert.equal((await list(people.franchiseeA.token)).status, 403);
    assert.equal((await list(people.franchiseeB.token)).status, 200);
    const orders = (token: string) => stack.call("GET", `${API}/orders?restaurant_id=${restaurantC}`, { token });
    const oldOwnerView = await stack.call<{ orders: unknown[] }>("GET", `${API}/orders?restaurant_id=${restaurantC}`, {
      token: people.franchiseeA.token,
    });
    assert.equal(oldOwnerView.body.orders.length, 0, "the old owner still lists the restaurant's orders");
    assert.equal((await orders(people.franchiseeB.token)).status, 200);
    const me = await stack.call<{ restaurant_ids: string[] }>("GET", `${API}/auth/me`, {
      token: people.franchiseeA.token,
    });
    assert.ok(!me.body.restaurant_ids.includes(restaurantC));
    // The old owner's point-of-sale key stopped working with the sale (test/api/hardening.ts); it is
    // still the restaurant's record: the new owner sees it and can revoke it.
    const revoke = await stack.call("DELETE", `${API}/restaurants/${restaurantC}/api-keys/${oldKey.body.id}`, {
      token: people.franchiseeB.token,
    });
    assert.equal(revoke.status, 204);
    assert.equal(
      (await stack.call("GET", `${API}/orders?restaurant_id=${restaurantC}`, { apiKey: oldKey.body.key })).status,
      401,
    );
  });

  for (const row of ROWS) {
    describe(`${row.operationId}: ${row.scenario}`, () => {
      for (const who of PRINCIPALS) {
        const { status, allowed } = expectedStatus(row, who);
        it(`${who} → ${status}${allowed ? "" : " (denied)"}`, async () => {
          const request = await row.request(fx, who);
          const reply = await fx.stack.call(request.method, request.path, { ...fx.callers[who], body: request.body });
          const where = `${request.method} ${request.path} as ${who}: ${JSON.stringify(reply.body)}`;
          assert.equal(reply.status, status, where);
          // A bad credential on a public operation: its own test below (one finding, not one per cell).
          if (!(BAD_CREDENTIAL.has(who) && publicOperations.has(row.operationId))) {
            const statuses = documented.get(row.operationId);
            assert.ok(statuses?.has(reply.status), `status ${reply.status} is not documented for ${row.operationId}`);
          }
          await row.verify?.(fx, who, request, reply, allowed && reply.status < 300);
        });
      }
    });
  }

  describe("GraphQL write side", () => {
    for (const testCase of GRAPHQL_CASES) {
      it(`${testCase.name} as ${testCase.who} → ${testCase.expect}`, async () => {
        const body = await testCase.build(fx);
        const reply = await fx.stack.call<{
          data?: Record<string, unknown> | null;
          errors?: { extensions?: { code?: string } }[];
        }>("POST", "/graphql", { ...fx.callers[testCase.who], body });
        const where = JSON.stringify(reply.body);
        if (testCase.expect === "ok") {
          assert.equal(reply.body.errors, undefined, where);
          assert.ok(reply.body.data !== null && reply.body.data !== undefined, where);
        } else {
          assert.equal(reply.body.errors?.[0]?.extensions?.code, testCase.expect, where);
        }
      });
    }
  });
});
