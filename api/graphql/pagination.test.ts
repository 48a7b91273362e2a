import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import { startTestApi, type TestApi } from "../../test/support/harness.ts";
import { ORDER_COUNT, seededOrders } from "../../test/support/seed.ts";
import { decodeCursor, encodeCursor, key } from "./pagination.ts";

interface OrderPage {
  orders: {
    totalCount?: number;
    edges: { cursor: string; node: { orderId: string; placedBlock: number; price: string } }[];
    pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  };
}

const ORDERS = /* GraphQL */ `
  query Orders(
    $first: Int
    $after: String
    $last: Int
    $before: String
    $orderBy: OrderOrderBy
    $orderDirection: OrderDirection
    $where: OrderFilter
  ) {
    orders(
      first: $first
      after: $after
      last: $last
      before: $before
      orderBy: $orderBy
      orderDirection: $orderDirection
      where: $where
    ) {
      totalCount
      edges {
        cursor
        node {
          orderId
          placedBlock
          price
        }
      }
      pageInfo {
        hasNextPage
        hasPreviousPage
        startCursor
        endCursor
      }
    }
  }
`;

/** Seeded orders in the default order: placed block, then id. */
function expectedIds(): string[] {
  return seededOrders()
    .sort((a, b) => a.placedBlock - b.placedBlock || a.orderId.localeCompare(b.orderId))
    .map((order) => order.orderId);
}

async function page(api: TestApi, variables: Record<string, unknown>): Promise<OrderPage["orders"]> {
  const response = await api.query<OrderPage>(ORDERS, variables);
  assert.equal(response.errors, undefined, JSON.stringify(response.errors));
  const orders = response.data?.orders;
  assert.ok(orders);
  return orders;
}

describe("cursors", () => {
  type Row = { id: string; block: bigint };
  const columns = [key<Row>("block", "bigint"), key<Row>("id", "string")];

  it("round-trip the ordering's key values", () => {
    const cursor = encodeCursor("placedBlock", columns, { id: "0xab", block: 12n });
    assert.match(cursor, /^[A-Za-z0-9_-]+$/, "base64url");
    assert.deepEqual(decodeCursor(cursor, "placedBlock", columns, "after"), [12n, "0xab"]);
  });

  it("refuse a cursor of another ordering or no cursor at all", () => {
    const cursor = encodeCursor("placedBlock", columns, { id: "0xab", block: 12n });
    assert.throws(() => decodeCursor(cursor, "price", columns, "after"), /cursor for orderBy placedBlock/);
    assert.throws(() => decodeCursor("not-a-cursor", "placedBlock", columns, "after"), /not a cursor/);
    const forged = Buffer.from(JSON.stringify(["placedBlock", "twelve", "0xab"])).toString("base64url");
    assert.throws(() => decodeCursor(forged, "placedBlock", columns, "after"), /not a cursor/);
  });
});

describe("pagination over HTTP", () => {
  let api: TestApi;
  before(async () => {
    api = await startTestApi();
  });
  after(async () => {
    await api.stop();
  });

  it("walks forward page by page with no duplicates or gaps", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    for (;;) {
      const orders = await page(api, { first: 7, after: cursor });
      pages += 1;
      seen.push(...orders.edges.map((edge) => edge.node.orderId));
      assert.equal(orders.pageInfo.hasPreviousPage, cursor !== null, "hasPreviousPage");
      assert.equal(orders.totalCount, ORDER_COUNT);
      assert.equal(orders.pageInfo.endCursor, orders.edges.at(-1)?.cursor ?? null);
      if (!orders.pageInfo.hasNextPage) break;
      cursor = orders.pageInfo.endCursor;
    }
    assert.equal(pages, Math.ceil(ORDER_COUNT / 7));
    assert.deepEqual(seen, expectedIds());
  });

  it("walks backward with last/before to the same sequence", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    for (;;) {
      const orders = await page(api, { last: 8, before: cursor });
      seen.unshift(...orders.edges.map((edge) => edge.node.orderId));
      assert.equal(orders.pageInfo.hasNextPage, cursor !== null, "hasNextPage");
      if (!orders.pageInfo.hasPreviousPage) break;
      cursor = orders.pageInfo.startCursor;
    }
    assert.deepEqual(seen, expectedIds());
  });

  it("pages between two cursors", async () => {
    const ids = expectedIds();
    const all = await page(api, { first: 30 });
    const from = all.edges[4]?.cursor;
    const to = all.edges[10]?.cursor;
    const middle = await page(api, { first: 100, after: from, before: to });
    assert.deepEqual(
      middle.edges.map((edge) => edge.node.orderId),
      ids.slice(5, 10),
    );
  });

  it("orders by price descending, ties broken by id descending, across pages", async () => {
    const first = await page(api, { first: 16, orderBy: "price", orderDirection: "desc", where: { kind: "card" } });
    const rest = await page(api, {
      first: 16,
      after: first.pageInfo.endCursor,
      orderBy: "price",
      orderDirection: "desc",
      where: { kind: "card" },
    });
    const nodes = [...first.edges, ...rest.edges].map((edge) => edge.node);
    const cards = seededOrders().filter((order) => order.kind === "card");
    assert.equal(nodes.length, cards.length);
    assert.equal(rest.pageInfo.hasNextPage, false);
    for (let index = 1; index < nodes.length; index++) {
      const previous = nodes[index - 1];
      const current = nodes[index];
      assert.ok(previous && current);
      const order = BigInt(previous.price) - BigInt(current.price);
      assert.ok(order > 0n || (order === 0n && previous.orderId > current.orderId), "descending");
    }
  });

  it("returns an empty page for first: 0 and still says there is more", async () => {
    const orders = await page(api, { first: 0 });
    assert.deepEqual(orders.edges, []);
    assert.equal(orders.pageInfo.hasNextPage, true);
    assert.equal(orders.pageInfo.startCursor, null);
  });

  it("rejects page sizes above 100, first with last, and foreign cursors", async () => {
    for (const [variables, message] of [
      [{ first: 1000 }, /between 0 and 100/],
      [{ last: 101 }, /between 0 and 100/],
      [{ first: -1 }, /between 0 and 100/],
      [{ first: 2, last: 2 }, /not both/],
      [{ after: "garbage" }, /not a cursor/],
    ] as const) {
      const response = await api.query(ORDERS, variables);
      assert.equal(response.errors?.[0]?.extensions?.code, "BAD_USER_INPUT", JSON.stringify(variables));
      assert.match(response.errors[0].message, message);
    }
    const byBlock = await page(api, { first: 1 });
    const response = await api.query(ORDERS, { first: 1, after: byBlock.pageInfo.endCursor, orderBy: "price" });
    assert.equal(response.errors?.[0]?.extensions?.code, "BAD_USER_INPUT");
  });

  it("stays stable when rows are inserted between pages", async () => {
    const ids = expectedIds();
    const first = await page(api, { first: 10 });
    // One new order sorts before the cursor (block 3), one after it (block 19).
    const early = `0x${"e".repeat(64)}`;
    const late = `0x${"f".repeat(64)}`;
    for (const [id, block] of [
      [early, 3],
      [late, 19],
    ] as const) {
      await api.db.pool.query(
        `INSERT INTO "order" (order_id, block_from, kind, status, restaurant_id, customer, price, discount, points_redeemed,
           paid, refunded_amount, reward, points_clawed_back, placed_block, placed_at, placed_tx)
         VALUES ($1, $2, 'card', 'settled', 1, '0xb0b0000000000000000000000000000000000b0b', 1, 0, 0, 1, 0, 0, 0, $2, now(), $3)`,
        [id, block, `0x${"1".repeat(64)}`],
      );
    }
    try {
      const seen = first.edges.map((edge) => edge.node.orderId);
      let cursor = first.pageInfo.endCursor;
      for (;;) {
        const orders = await page(api, { first: 10, after: cursor });
        seen.push(...orders.edges.map((edge) => edge.node.orderId));
        if (!orders.pageInfo.hasNextPage) break;
        cursor = orders.pageInfo.endCursor;
      }
      assert.deepEqual(seen, [...ids, late]);
    } finally {
      await api.db.pool.query(`DELETE FROM "order" WHERE order_id = ANY($1)`, [[early, late]]);
    }
  });
});
