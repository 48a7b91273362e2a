/**
 * `npm run seed` (scripts/seed.ts) against a running stack: the seed runs as a child process, as a
 * user runs it, and fills the stack through the REST API; a second run adds orders but no
 * restaurants; with no API to talk to it says to start the stack first.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import { freePort } from "./helpers/devchain.ts";
import { runSeed } from "./helpers/seed-script.ts";
import { localAccount, startWriteStack, type WriteStack } from "./helpers/write-stack.ts";

interface Restaurant {
  id: string;
  name: string | null;
  status: string;
  owner: string | null;
}
interface Order {
  id: string;
  status: string;
  payment_method: string | null;
  receipt_cid: string | null;
  refunded_tetri: number;
  chain: { reward: string | null };
}

const SEEDED = { "Hot Pot Spot Vake": 10, "Hot Pot Spot Batumi": 11 } as const;

describe("npm run seed", () => {
  let stack: WriteStack;
  let env: Record<string, string>;

  before(async () => {
    stack = await startWriteStack();
    env = {
      SEED_API_URL: stack.url,
      RPC_URL: stack.chain.url,
      DEPLOYMENT_DIR: stack.chain.addresses.directory,
    };
  });

  after(async () => {
    await stack.stop();
  });

  const restaurants = async (): Promise<Restaurant[]> => {
    const reply = await stack.call<{ restaurants: Restaurant[] }>("GET", "/api/v1/restaurants?limit=100", {
      token: stack.adminToken,
    });
    assert.equal(reply.status, 200);
    return reply.body.restaurants;
  };

  const orders = async (): Promise<Order[]> => {
    const { rows } = await stack.db.pool.query<{ id: string }>(
      "SELECT id::text FROM customer_order ORDER BY created_at",
    );
    return Promise.all(
      rows.map(async ({ id }) => {
        const reply = await stack.call<Order>("GET", `/api/v1/orders/${id}`, { token: stack.adminToken });
        assert.equal(reply.status, 200, JSON.stringify(reply.body));
        return reply.body;
      }),
    );
  };

  it("fills the stack: restaurants, menus, settled orders with receipts and tokens", async () => {
    const run = await runSeed(env);
    assert.equal(run.code, 0, `seed failed:\n${run.stdout}\n${run.stderr}`);
    assert.match(run.stdout, /Done: 2 restaurants, 4 orders settled/);

    const all = await restaurants();
    for (const [name, account] of Object.entries(SEEDED)) {
      const matching = all.filter((restaurant) => restaurant.name === name);
      assert.equal(matching.length, 1, name);
      const [restaurant] = matching;
      assert.ok(restaurant !== undefined);
      assert.equal(restaurant.status, "active");
      assert.equal(restaurant.owner, localAccount(account).address.toLowerCase());
      const menu = await stack.call<{ items: { name: string; price: string }[] }>(
        "GET",
        `/api/v1/restaurants/${restaurant.id}/menu`,
      );
      assert.equal(menu.status, 200);
      assert.equal(menu.body.items.length, 6);
      assert.equal(menu.body.items.find((item) => item.name === "Hot Pot")?.price, "25.00");
      assert.equal(menu.body.items.find((item) => item.name === "Dumplings")?.price, "8.50");
    }

    const placed = await orders();
    assert.equal(placed.length, 4);
    for (const order of placed) {
      assert.ok(["settled", "fulfilled"].includes(order.status), `${order.id} is ${order.status}`);
      assert.ok(order.receipt_cid !== null, `${order.id} has no receipt`);
      assert.ok(BigInt(order.chain.reward ?? 0) > 0n, `${order.id} earned no tokens`);
      const receipt = await fetch(`${stack.url}/ipfs/${order.receipt_cid}`);
      assert.equal(receipt.status, 200);
      assert.ok(run.stdout.includes(`${stack.url}/ipfs/${order.receipt_cid}`), "the summary shows the receipt URL");
    }
    assert.deepEqual(placed.map((order) => order.payment_method).sort(), ["card", "card", "card", "token"]);
    assert.equal(placed.filter((order) => order.status === "fulfilled").length, 2);
    assert.deepEqual(
      placed.map((order) => order.refunded_tetri).filter((tetri) => tetri > 0),
      [400],
    );
  });

  it("adds orders on a second run without duplicating restaurants or menu items", async () => {
    const run = await runSeed(env);
    assert.equal(run.code, 0, `seed failed:\n${run.stdout}\n${run.stderr}`);
    assert.match(run.stdout, /found Hot Pot Spot Vake/);
    const all = await restaurants();
    assert.equal(all.length, 2);
    for (const restaurant of all) {
      const menu = await stack.call<{ items: unknown[] }>("GET", `/api/v1/restaurants/${restaurant.id}/menu`);
      assert.equal(menu.body.items.length, 6);
    }
    const placed = await orders();
    assert.equal(placed.length, 8);
    assert.ok(placed.every((order) => order.receipt_cid !== null));
  });

  it("exits non-zero, saying to start the stack, when the API is not reachable", async () => {
    const run = await runSeed({ ...env, SEED_API_URL: `http://127.0.0.1:${await freePort()}` });
    assert.notEqual(run.code, 0);
    assert.match(run.stderr, /start the stack first: npm start/);
  });
});
