import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import { INDEXED_CHANNEL, parseIndexedPayload } from "./notifications.ts";
import { startTestApi, type TestApi } from "../test/support/harness.ts";
import { ADDRESS, blockHash, blockTime, CHAIN_ID, HEAD_BLOCK, orderId, seededOrders } from "../test/support/seed.ts";
import { subscribe, type Subscription } from "../test/support/sse.ts";

describe("parseIndexedPayload", () => {
  it("reads the indexer's payload, lower-casing order ids", () => {
    const id = `0x${"AB".repeat(32)}`;
    assert.deepEqual(
      parseIndexedPayload(
        JSON.stringify({ chainId: 31337, fromBlock: "12", toBlock: "15", orders: [id], reorg: false }),
      ),
      { chainId: 31337, fromBlock: 12n, toBlock: 15n, orders: [id.toLowerCase()], reorg: false },
    );
  });

  it("takes orders: null as 'many changed'", () => {
    const batch = parseIndexedPayload('{"chainId":1,"fromBlock":"1","toBlock":"2","orders":null,"reorg":true}');
    assert.ok(!("error" in batch));
    assert.equal(batch.orders, null);
    assert.equal(batch.reorg, true);
  });

  it("reports malformed payloads instead of throwing", () => {
    for (const payload of [
      "",
      "not json",
      "[]",
      '{"chainId":"x","fromBlock":"1","toBlock":"2","orders":[]}',
      '{"chainId":1,"fromBlock":"-1","toBlock":"2","orders":[]}',
      '{"chainId":1,"fromBlock":"1","toBlock":"2","orders":["0x12"]}',
      '{"chainId":1,"fromBlock":"1","toBlock":"2","orders":"all"}',
    ]) {
      assert.ok("error" in parseIndexedPayload(payload), payload);
    }
  });
});

const ORDER_UPDATED = /* GraphQL */ `
  subscription ($orderId: ID, $customer: String, $restaurantId: BigInt) {
    orderUpdated(orderId: $orderId, customer: $customer, restaurantId: $restaurantId) {
      orderId
      status
      customer
      updatedBlock
      restaurant {
        id
      }
    }
  }
`;

interface OrderEvent {
  orderUpdated: { orderId: string; status: string; customer: string; updatedBlock: number; restaurant: { id: string } };
}

describe("subscriptions over SSE", () => {
  let api: TestApi;
  let block = HEAD_BLOCK;
  before(async () => {
    api = await startTestApi();
  });
  after(async () => {
    await api.stop();
  });

  /** What the indexer does for one block: new order versions, the cursor moved, and (optionally) NOTIFY, in one transaction. */
  async function indexBlock(
    changes: readonly { orderId: string; status: string }[],
    notify: { orders: readonly string[] | null } | false,
  ): Promise<number> {
    block += 1;
    const client = await api.db.pool.connect();
    try {
      await client.query("BEGIN");
      for (const change of changes) {
        await client.query(`UPDATE "order" SET block_to = $2 WHERE order_id = $1 AND block_to IS NULL`, [
          change.orderId,
          block,
        ]);
        await client.query(
          `INSERT INTO "order" SELECT order_id, $2, NULL, kind, $3, restaurant_id, customer, token, price, discount,
             points_redeemed, paid, refunded_amount, franchisee_amount, platform_fee, reward, points_clawed_back,
             reclaim_after, payment_ref, receipt_digest, receipt_cid, placed_block, placed_at, placed_tx, closed_block,
             closed_at, closed_tx
           FROM "order" WHERE order_id = $1 AND block_to = $2`,
          [change.orderId, block, change.status],
        );
      }
      await client.query(
        `UPDATE indexer_cursor SET block_number = $2, block_hash = $3, block_timestamp = $4, updated_at = now() WHERE chain_id = $1`,
        [CHAIN_ID, block, blockHash(block), blockTime(block)],
      );
      if (notify !== false) {
        const payload = {
          chainId: CHAIN_ID,
          fromBlock: String(block),
          toBlock: String(block),
          ...notify,
          reorg: false,
        };
        await client.query("SELECT pg_notify($1, $2)", [INDEXED_CHANNEL, JSON.stringify(payload)]);
      }
      await client.query("COMMIT");
    } catch (error) {
      await client.query("ROLLBACK");
      throw error;
    } finally {
      client.release();
    }
    return block;
  }

  /**
   * The subscription may not be registered the instant its response starts; re-notify until it
   * hears. Earlier tests' re-notifications can still be in flight when this subscription starts, so
   * events that are not the one `expected` describes are skipped (a wrong event keeps arriving and
   * the loop gives up after its attempts, failing the test).
   */
  async function nextAfterNotifying(
    subscription: Subscription,
    payload: Record<string, unknown>,
    expected: (data: unknown) => boolean,
  ): Promise<{ data?: unknown; extensions?: Record<string, unknown> }> {
    for (let attempt = 0; ; attempt++) {
      await api.db.pool.query("SELECT pg_notify($1, $2)", [INDEXED_CHANNEL, JSON.stringify(payload)]);
      try {
        const event = await subscription.next(300);
        if (expected(event.data)) return event;
      } catch (error) {
        if (attempt >= 20) throw error;
      }
      if (attempt >= 20) throw new Error(`no expected event after ${attempt} notifications`);
    }
  }

  /** An order event of block `at` (not one a late notification of an earlier block produced). */
  const orderUpdatedAt =
    (at: number) =>
    (data: unknown): boolean =>
      (data as OrderEvent | undefined)?.orderUpdated.updatedBlock === at;

  it("emits an order's new state when the indexer commits a change, with the block in extensions.meta", async () => {
    const id = orderId(1); // a token order, escrowed
    const subscription = await subscribe(api.url, ORDER_UPDATED, { orderId: id });
    try {
      const at = await indexBlock([{ orderId: id, status: "fulfilled" }], { orders: [id] });
      const payload = { chainId: CHAIN_ID, fromBlock: String(at), toBlock: String(at), orders: [id], reorg: false };
      const event = await nextAfterNotifying(subscription, payload, orderUpdatedAt(at));
      assert.equal((event.data as OrderEvent).orderUpdated.orderId, id);
      assert.equal((event.data as OrderEvent).orderUpdated.status, "fulfilled");
      assert.equal((event.data as OrderEvent).orderUpdated.updatedBlock, at);
      assert.equal((event.data as OrderEvent).orderUpdated.restaurant.id, "2");
      assert.equal((event.extensions?.meta as { blockNumber: number } | undefined)?.blockNumber, at);
    } finally {
      await subscription.close();
    }
  });

  it("delivers only the orders matching the subscription's filter", async () => {
    // Alice's order sorts first: were the filter ignored, hers would be the first event.
    const alices = seededOrders().find((order) => order.orderId === orderId(6));
    const bobs = seededOrders().find((order) => order.orderId === orderId(10));
    assert.ok(alices?.customer === ADDRESS.alice && bobs?.customer === ADDRESS.bob);
    const subscription = await subscribe(api.url, ORDER_UPDATED, {
      customer: ADDRESS.bob.toUpperCase().replace("0X", "0x"),
    });
    try {
      const ids = [alices.orderId, bobs.orderId];
      const at = await indexBlock(
        ids.map((id) => ({ orderId: id, status: "refunded" })),
        { orders: ids },
      );
      const event = await nextAfterNotifying(
        subscription,
        {
          chainId: CHAIN_ID,
          fromBlock: String(at),
          toBlock: String(at),
          orders: ids,
          reorg: false,
        },
        orderUpdatedAt(at),
      );
      assert.equal((event.data as OrderEvent).orderUpdated.orderId, bobs.orderId);
      assert.equal((event.data as OrderEvent).orderUpdated.customer, ADDRESS.bob);
      assert.equal((event.data as OrderEvent).orderUpdated.status, "refunded");
    } finally {
      await subscription.close();
    }
  });

  it("re-queries when the indexer sends orders: null, and ignores other chains and garbage", async () => {
    const order = seededOrders().find((candidate) => candidate.orderId === orderId(30));
    assert.equal(order?.restaurantId, 1);
    const subscription = await subscribe(api.url, ORDER_UPDATED, { restaurantId: "1" });
    try {
      await api.db.pool.query("SELECT pg_notify($1, 'not json'), pg_notify($1, $2)", [
        INDEXED_CHANNEL,
        JSON.stringify({ chainId: 1, fromBlock: "1", toBlock: "99", orders: null, reorg: false }),
      ]);
      const at = await indexBlock([{ orderId: order.orderId, status: "refunded" }], { orders: null });
      const event = await nextAfterNotifying(
        subscription,
        {
          chainId: CHAIN_ID,
          fromBlock: String(at),
          toBlock: String(at),
          orders: null,
          reorg: false,
        },
        orderUpdatedAt(at),
      );
      assert.equal((event.data as OrderEvent).orderUpdated.orderId, order.orderId);
      assert.equal((event.data as OrderEvent).orderUpdated.status, "refunded");
    } finally {
      await subscription.close();
    }
  });

  it("emits the cursor on the blocks subscription", async () => {
    const subscription = await subscribe(api.url, "subscription { blocks { chainId blockNumber blockHash } }");
    try {
      const at = await indexBlock([], { orders: [] });
      const event = await nextAfterNotifying(
        subscription,
        {
          chainId: CHAIN_ID,
          fromBlock: String(at),
          toBlock: String(at),
          orders: [],
          reorg: false,
        },
        (data) => (data as { blocks?: { blockNumber: number } } | undefined)?.blocks?.blockNumber === at,
      );
      assert.deepEqual((event.data as { blocks: unknown }).blocks, {
        chainId: CHAIN_ID,
        blockNumber: at,
        blockHash: blockHash(at),
      });
    } finally {
      await subscription.close();
    }
  });

  it("reconnects when the listening connection drops and replays what it missed", async () => {
    const id = orderId(5); // token order, refunded at block 7
    const subscription = await subscribe(api.url, ORDER_UPDATED, { orderId: id });
    try {
      // Make sure the subscription is registered before cutting the connection.
      const first = await nextAfterNotifying(
        subscription,
        { chainId: CHAIN_ID, fromBlock: String(block), toBlock: String(block), orders: [id], reorg: false },
        (data) => (data as OrderEvent | undefined)?.orderUpdated.orderId === id,
      );
      assert.equal((first.data as OrderEvent).orderUpdated.orderId, id);
      // A batch whose notification never arrives (as if sent while the connection was down)...
      const at = await indexBlock([{ orderId: id, status: "reclaimed" }], false);
      // ...is replayed by the catch-up that follows reconnecting.
      const { rowCount } = await api.db.pool.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
         WHERE datname = current_database() AND application_name = 'hot-pot-spot-api-listener'`,
      );
      assert.equal(rowCount, 1);
      const event = await subscription.next<OrderEvent>(10_000);
      assert.equal((event.data as OrderEvent).orderUpdated.status, "reclaimed");
      assert.equal((event.data as OrderEvent).orderUpdated.updatedBlock, at);
    } finally {
      await subscription.close();
    }
  });
});
