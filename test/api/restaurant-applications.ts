/**
 * Restaurant applications over HTTP against the whole write stack (real chain, Postgres, indexer,
 * relayer): a person applies, an admin approves and the restaurant is registered for the applicant
 * (franchise NFT minted to them on chain), or rejects it with a reason; approval waits for KYC; bad
 * input is refused field by field; only admins decide; and the admin's way to find people for roles.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import { getAddress, keccak256, toHex } from "viem";
import type { HDAccount } from "viem/accounts";

import type { ApplicationView } from "../../api/applications/service.ts";
import { LOCAL_ACCOUNTS } from "../../deploy/accounts.ts";
import { waitForMirror } from "../helpers/devchain.ts";
import { ACCOUNT } from "../helpers/platform.ts";
import { eventually, localAccount, startWriteStack, type WriteStack } from "../helpers/write-stack.ts";

const API = "/api/v1";

type Application = ApplicationView;

interface Problem {
  error: string;
  code: string;
  issues?: { path: string; message: string }[];
}

interface Person {
  token: string;
  userId: string;
  account: HDAccount;
}

describe("restaurant applications", () => {
  let stack: WriteStack;
  /** KYC-verified on chain before the tests. */
  let franchisee: Person;
  /** Never KYC-verified until the test that verifies them. */
  let newcomer: Person;
  let customer: Person;

  const apply = (person: Person, body: unknown) =>
    stack.call<Application>("POST", `${API}/restaurant-applications`, { token: person.token, body });
  const approve = (id: string, body: unknown = { fee_bps: 1000 }, token = stack.adminToken) =>
    stack.call<Application>("POST", `${API}/restaurant-applications/${id}/approve`, { token, body });
  const reject = (id: string, reason: unknown, token = stack.adminToken) =>
    stack.call<Application>("POST", `${API}/restaurant-applications/${id}/reject`, { token, body: { reason } });
  const read = (id: string, token = stack.adminToken) =>
    stack.call<Application>("GET", `${API}/restaurant-applications/${id}`, { token });
  const count = async (table: "restaurant" | "restaurant_application" | "outbox"): Promise<number> =>
    Number((await stack.db.pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`)).rows[0]?.n);

  async function attest(account: HDAccount): Promise<void> {
    const block = await stack.chain.client.getBlock();
    await stack.chain.contracts.kycRegistry.write.attest(
      [account.address, 2, block.timestamp + 365n * 86_400n, keccak256(toHex(`evidence:${account.address}`))],
      { account: localAccount(LOCAL_ACCOUNTS.kycOfficer).address },
    );
    await waitForMirror(stack.db, stack.chain);
  }

  const person = async (index: number): Promise<Person> => {
    const account = localAccount(index);
    return { ...(await stack.signIn(account)), account };
  };

  before(async () => {
    stack = await startWriteStack();
    franchisee = await person(ACCOUNT.franchisee);
    newcomer = await person(ACCOUNT.franchisee2);
    customer = await person(ACCOUNT.alice);
    await attest(franchisee.account);
  });

  after(async () => {
    await stack.stop();
  });

  it("applies, is approved, and the restaurant goes live on chain with the applicant as owner", async () => {
    const applied = await apply(franchisee, {
      name: "  Test Restaurant ",
      location: "Tbilisi, Rustaveli Ave 1",
      note: "Twelve years running a dumpling house.",
    });
    assert.equal(applied.status, 201, JSON.stringify(applied.body));
    assert.equal(applied.body.status, "pending");
    assert.equal(applied.body.name, "Test Restaurant");
    assert.equal(applied.body.applicant_id, franchisee.userId);
    assert.equal(applied.body.applicant_address, franchisee.account.address.toLowerCase());
    assert.equal(applied.body.applicant_kyc_verified, true);
    assert.equal(applied.body.restaurant_id, null);

    // The applicant and admins read it; the admin's queue lists it as pending.
    assert.equal((await read(applied.body.id, franchisee.token)).body.status, "pending");
    const queue = await stack.call<{ applications: Application[] }>(
      "GET",
      `${API}/restaurant-applications?status=pending`,
      { token: stack.adminToken },
    );
    assert.deepEqual(
      queue.body.applications.map((application) => application.id),
      [applied.body.id],
    );

    const restaurantsBefore = await count("restaurant");
    const approved = await approve(applied.body.id, { fee_bps: 1200 });
    assert.equal(approved.status, 200, JSON.stringify(approved.body));
    assert.equal(approved.body.status, "approved");
    assert.equal(approved.body.fee_bps, 1200);
    assert.equal(approved.body.restaurant_status, "registering");
    const restaurantId = approved.body.restaurant_id;
    assert.ok(restaurantId !== null);

    // A double click: the same answer, one restaurant, one franchise NFT queued.
    const again = await approve(applied.body.id, { fee_bps: 500 });
    assert.equal(again.status, 200);
    assert.equal(again.body.restaurant_id, restaurantId);
    assert.equal(again.body.fee_bps, 1200);
    assert.equal(await count("restaurant"), restaurantsBefore + 1);
    const outbox = await stack.db.pool.query("SELECT 1 FROM outbox WHERE kind = 'register_franchise'");
    assert.equal(outbox.rowCount, 1);

    const live = await eventually(
      "the franchise on chain",
      async () => {
        const reply = await read(applied.body.id, franchisee.token);
        return reply.body.restaurant_status === "active" ? reply.body : undefined;
      },
      60_000,
    );
    assert.equal(live.restaurant_id, restaurantId);
    assert.equal(
      await stack.chain.contracts.franchiseNFT.read.ownerOf([BigInt(restaurantId)]),
      getAddress(franchisee.account.address),
    );
    const restaurant = await stack.call<{ name: string; owner: string; fee_bps: number; status: string }>(
      "GET",
      `${API}/restaurants/${restaurantId}`,
    );
    assert.equal(restaurant.body.name, "Test Restaurant");
    assert.equal(restaurant.body.status, "active");
    assert.equal(restaurant.body.owner, franchisee.account.address.toLowerCase());
    assert.equal(restaurant.body.fee_bps, 1200);
    // The franchisee now runs it: /auth/me lists it, and they may build its menu.
    const me = await stack.call<{ restaurant_ids: string[] }>("GET", `${API}/auth/me`, { token: franchisee.token });
    assert.deepEqual(me.body.restaurant_ids, [restaurantId]);
    const item = await stack.call("POST", `${API}/restaurants/${restaurantId}/menu`, {
      token: franchisee.token,
      body: { name: "Hot Pot", price: "25.00" },
    });
    assert.equal(item.status, 201, JSON.stringify(item.body));
    // An approved application stays approved.
    const late = await reject(applied.body.id, "changed my mind");
    assert.equal(late.status, 409);
    assert.equal((await read(applied.body.id)).body.status, "approved");
  });

  it("registers one restaurant when two approvals race", async () => {
    const applied = await apply(franchisee, { name: "Second Spot", location: "Batumi" });
    assert.equal(applied.status, 201, JSON.stringify(applied.body));
    const restaurantsBefore = await count("restaurant");
    const replies = await Promise.all([approve(applied.body.id), approve(applied.body.id), approve(applied.body.id)]);
    for (const reply of replies) assert.equal(reply.status, 200, JSON.stringify(reply.body));
    const ids = new Set(replies.map((reply) => reply.body.restaurant_id));
    assert.equal(ids.size, 1);
    assert.ok(!ids.has(null));
    assert.equal(await count("restaurant"), restaurantsBefore + 1);
  });

  it("lets a person who is not KYC-verified apply, and refuses approval until they are", async () => {
    const applied = await apply(newcomer, { name: "Newcomer's Pot", location: "Kutaisi" });
    assert.equal(applied.status, 201, JSON.stringify(applied.body));
    assert.equal(applied.body.applicant_kyc_verified, false);

    const restaurantsBefore = await count("restaurant");
    const outboxBefore = await count("outbox");
    const refused = (await approve(applied.body.id)) as unknown as { status: number; body: Problem };
    assert.equal(refused.status, 409);
    assert.equal(refused.body.code, "kyc_required");
    assert.match(refused.body.error, /not KYC-verified/);
    assert.match(refused.body.error, new RegExp(getAddress(newcomer.account.address)));
    assert.equal((await read(applied.body.id)).body.status, "pending");
    assert.equal(await count("restaurant"), restaurantsBefore);
    assert.equal(await count("outbox"), outboxBefore);

    // Once the KYC officer's attestation is indexed, the same application is approved.
    await attest(newcomer.account);
    assert.equal((await read(applied.body.id, newcomer.token)).body.applicant_kyc_verified, true);
    const approved = await approve(applied.body.id);
    assert.equal(approved.status, 200, JSON.stringify(approved.body));
    assert.equal(approved.body.status, "approved");
  });

  it("rejects with a reason the applicant sees, who may then apply again", async () => {
    const applied = await apply(customer, { name: "Pop-up Pot", location: "Gori", note: "" });
    assert.equal(applied.status, 201, JSON.stringify(applied.body));
    assert.equal(applied.body.note, null);
    // One application at a time waits for a decision.
    const second = (await apply(customer, { name: "Another", location: "Gori" })) as unknown as {
      status: number;
      body: Problem;
    };
    assert.equal(second.status, 409);
    assert.match(second.body.error, new RegExp(applied.body.id));

    const rejected = await reject(applied.body.id, "  We already have a restaurant on this street.  ");
    assert.equal(rejected.status, 200, JSON.stringify(rejected.body));
    assert.equal(rejected.body.status, "rejected");
    assert.equal(rejected.body.rejection_reason, "We already have a restaurant on this street.");
    assert.ok(rejected.body.decided_at !== null);
    const seen = await read(applied.body.id, customer.token);
    assert.equal(seen.body.rejection_reason, "We already have a restaurant on this street.");
    // Rejecting again answers it unchanged; approving it is refused.
    assert.equal((await reject(applied.body.id, "again")).body.rejection_reason, rejected.body.rejection_reason);
    assert.equal((await approve(applied.body.id)).status, 409);
    // Decided: the applicant may apply again.
    assert.equal((await apply(customer, { name: "Pop-up Pot", location: "Mtskheta" })).status, 201);
  });

  it("lets only admins decide, and shows people their own applications only", async () => {
    const mine = await stack.call<{ applications: Application[] }>("GET", `${API}/restaurant-applications`, {
      token: customer.token,
    });
    assert.equal(mine.status, 200);
    assert.ok(mine.body.applications.length >= 2);
    assert.ok(mine.body.applications.every((application) => application.applicant_id === customer.userId));
    const pending = mine.body.applications.find((application) => application.status === "pending");
    assert.ok(pending !== undefined);

    for (const caller of [customer, franchisee]) {
      const approved = (await approve(pending.id, { fee_bps: 1000 }, caller.token)) as unknown as {
        status: number;
        body: Problem;
      };
      assert.equal(approved.status, 403);
      assert.equal(approved.body.error, "only an admin approves restaurant applications");
      assert.equal((await reject(pending.id, "no", caller.token)).status, 403);
    }
    assert.equal((await read(pending.id, franchisee.token)).status, 403);
    const others = await stack.call("GET", `${API}/restaurant-applications?applicant_id=${customer.userId}`, {
      token: franchisee.token,
    });
    assert.equal(others.status, 403);
    const theirs = await stack.call<{ applications: Application[] }>(
      "GET",
      `${API}/restaurant-applications?applicant_id=${customer.userId}`,
      { token: stack.adminToken },
    );
    assert.deepEqual(
      theirs.body.applications.map((application) => application.id),
      mine.body.applications.map((application) => application.id),
    );
    assert.equal((await stack.call("GET", `${API}/restaurant-applications`)).status, 401);
    assert.equal((await read(pending.id)).body.status, "pending");

    // Admins see everyone's, newest first, a page at a time.
    const first = await stack.call<{ applications: Application[]; next_after: string | null }>(
      "GET",
      `${API}/restaurant-applications?limit=2`,
      { token: stack.adminToken },
    );
    assert.equal(first.body.applications.length, 2);
    assert.ok(first.body.next_after !== null);
    const rest = await stack.call<{ applications: Application[]; next_after: string | null }>(
      "GET",
      `${API}/restaurant-applications?limit=100&after=${first.body.next_after}`,
      { token: stack.adminToken },
    );
    const all = [...first.body.applications, ...rest.body.applications];
    assert.equal(all.length, await count("restaurant_application"));
    assert.equal(new Set(all.map((application) => application.applicant_id)).size, 3);
    assert.equal(rest.body.next_after, null);
  });

  it("refuses bad input naming each field, and stores nothing", async () => {
    const before = await count("restaurant_application");
    const bad = (await apply(newcomer, { name: "   ", location: 7, note: "x".repeat(1001) })) as unknown as {
      status: number;
      body: Problem;
    };
    assert.equal(bad.status, 400);
    assert.deepEqual(Object.fromEntries((bad.body.issues ?? []).map((issue) => [issue.path, issue.message])), {
      "body.name": "enter the restaurant's name",
      "body.location": "where the restaurant is, as text",
      "body.note": "at most 1000 characters",
    });
    assert.equal(await count("restaurant_application"), before);

    const pending = await apply(newcomer, { name: "Valid", location: "Telavi" });
    assert.equal(pending.status, 201, JSON.stringify(pending.body));
    const fee = (await approve(pending.body.id, { fee_bps: 6000 })) as unknown as { status: number; body: Problem };
    assert.equal(fee.status, 400);
    assert.deepEqual(
      fee.body.issues?.map((issue) => issue.path),
      ["body.fee_bps"],
    );
    const reason = (await reject(pending.body.id, "   ")) as unknown as { status: number; body: Problem };
    assert.equal(reason.status, 400);
    assert.deepEqual(reason.body.issues, [{ path: "body.reason", message: "say why the application is rejected" }]);
    const path = await stack.call<Problem>("GET", `${API}/restaurant-applications/not-a-uuid`, {
      token: stack.adminToken,
    });
    assert.equal(path.status, 400);
    assert.deepEqual(
      path.body.issues?.map((issue) => issue.path),
      ["path.id"],
    );
    assert.equal((await read("00000000-0000-4000-8000-000000000000")).status, 404);
    assert.equal((await read(pending.body.id)).body.status, "pending");
  });

  it("lets admins find people by address or role to grant roles, and no one else", async () => {
    const find = (query: string, token = stack.adminToken) =>
      stack.call<{ users: { id: string; address: string; roles: string[] }[] }>("GET", `${API}/users?${query}`, {
        token,
      });
    const byAddress = await find(`address=${getAddress(customer.account.address)}`);
    assert.equal(byAddress.status, 200, JSON.stringify(byAddress.body));
    assert.deepEqual(
      byAddress.body.users.map((user) => user.id),
      [customer.userId],
    );
    const granted = await stack.call("PUT", `${API}/users/${customer.userId}/roles`, {
      token: stack.adminToken,
      body: { roles: ["auditor"] },
    });
    assert.equal(granted.status, 200);
    const auditors = await find("role=auditor");
    assert.deepEqual(
      auditors.body.users.map((user) => user.id),
      [customer.userId],
    );
    const anyRole = await find("role=any");
    assert.deepEqual(
      anyRole.body.users.map((user) => user.address).sort(),
      [customer.account.address, localAccount(LOCAL_ACCOUNTS.admin).address].map((a) => a.toLowerCase()).sort(),
    );
    assert.equal((await find("role=any", franchisee.token)).status, 403);
    const bad = await stack.call<Problem>("GET", `${API}/users?address=0x12&role=owner`, { token: stack.adminToken });
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body.issues?.map((issue) => issue.path).sort(), ["query.address", "query.role"]);
  });
});
