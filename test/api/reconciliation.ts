/**
 * The reconciliation of card payments, over HTTP against a real chain and Postgres: a real
 * card-paid order (the Stripe SDK against the local card processor, signed webhooks, the relayer,
 * the indexer) reconciles; then one fact at a time is tampered with in the database, as a bug or
 * an intruder would, and the row is flagged with the reason for exactly that fact. Customers are
 * refused.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";

import { keccak256, toHex, type Hex } from "viem";

import { chainOrderIdOf } from "../../api/orders/service.ts";
import { ACCOUNT } from "../helpers/platform.ts";
import { eventually, localAccount, startWriteStack, type WriteStack } from "../helpers/write-stack.ts";

interface Row {
  chain_order_id: string;
  at: string;
  state: string;
  mismatches: string[];
  order: { id: string; receipt_cid: string | null } | null;
  payment: { payment_intent_id: string; amount_tetri: string; status: string } | null;
  chain: { status: string; paid_tetri: string; receipt_cid: string | null; payment_ref: string | null } | null;
  refunds: { processor_tetri: string; chain_events_tetri: string; chain_events: number };
}
interface Page {
  rows: Row[];
  next_before: string | null;
  grace_seconds: number;
}

describe("reconciliation of card payments with the chain", () => {
  let stack: WriteStack;
  let auditorToken: string;
  let customer: { token: string; userId: string };
  let restaurantId: string;
  let itemId: string;
  let paidOrder: { id: string; chainOrderId: string; paymentIntentId: string };

  const page = async (query = ""): Promise<Page> => {
    const reply = await stack.call<Page>("GET", `/api/v1/audit/reconciliation${query}`, { token: auditorToken });
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    return reply.body;
  };
  const rowOf = async (chainOrderId: string): Promise<Row> => {
    const found = (await page("?limit=100")).rows.find((row) => row.chain_order_id === chainOrderId);
    assert.ok(found, `no row for ${chainOrderId}`);
    return found;
  };
  /** Runs `tamper`, expects the paid order's row flagged with exactly `reasons`, then runs `restore`. */
  const flagged = async (tamper: string, restore: string, reasons: string[]): Promise<void> => {
    await stack.db.pool.query(tamper, [paidOrder.chainOrderId]);
    try {
      const row = await rowOf(paidOrder.chainOrderId);
      assert.equal(row.state, "mismatch");
      assert.deepEqual(row.mismatches, reasons);
      const mismatches = await page("?only=mismatches&limit=100");
      assert.ok(mismatches.rows.some((candidate) => candidate.chain_order_id === paidOrder.chainOrderId));
    } finally {
      await stack.db.pool.query(restore, [paidOrder.chainOrderId]);
    }
    assert.equal((await rowOf(paidOrder.chainOrderId)).state, "reconciled");
  };

  before(async () => {
    stack = await startWriteStack();
    ({ restaurantId, itemId } = await stack.openRestaurant({
      name: "Audit Restaurant",
      location: "Kutaisi",
      owner: localAccount(ACCOUNT.franchisee),
      item: { name: "Hot Pot", price: "25.00" },
    }));
    const custodial = await stack.call<{ token: string; user: { id: string } }>("POST", "/api/v1/auth/custodial");
    customer = { token: custodial.body.token, userId: custodial.body.user.id };
    const auditor = await stack.signIn(localAccount(ACCOUNT.carol));
    const granted = await stack.call("PUT", `/api/v1/users/${auditor.userId}/roles`, {
      token: stack.adminToken,
      body: { roles: ["auditor"] },
    });
    assert.equal(granted.status, 200, JSON.stringify(granted.body));
    // Tokens carry roles: sign in again for one with the new role.
    auditorToken = (await stack.signIn(localAccount(ACCOUNT.carol))).token;
  });

  after(async () => {
    await stack.stop();
  });

  it("refuses customers and anonymous callers", async () => {
    for (const path of ["/api/v1/audit/reconciliation", "/api/v1/audit/reconciliation/summary"]) {
      assert.equal((await stack.call("GET", path, { token: customer.token })).status, 403);
      assert.equal((await stack.call("GET", path)).status, 401);
    }
  });

  it("names the field of a bad cursor or filter", async () => {
    const reply = await stack.call<{ issues: { path: string }[] }>(
      "GET",
      "/api/v1/audit/reconciliation?only=everything&before=yesterday",
      { token: auditorToken },
    );
    assert.equal(reply.status, 400);
    assert.deepEqual(reply.body.issues.map((issue) => issue.path).sort(), ["query.before", "query.only"]);
  });

  it("reconciles a card-paid order once it is settled on chain", async () => {
    const placed = await stack.call<{ id: string; chain: { order_id: Hex } }>("POST", "/api/v1/orders", {
      token: customer.token,
      body: { restaurant_id: restaurantId, items: [{ id: itemId, quantity: 2 }] },
    });
    assert.equal(placed.status, 201, JSON.stringify(placed.body));
    const paid = await stack.call<{ status: string; payment_intent_id: string }>(
      "POST",
      `/api/v1/orders/${placed.body.id}/pay`,
      { token: customer.token, body: { method: "card", payment_method: "pm_card_visa" } },
    );
    assert.equal(paid.status, 200, JSON.stringify(paid.body));
    paidOrder = {
      id: placed.body.id,
      chainOrderId: placed.body.chain.order_id,
      paymentIntentId: paid.body.payment_intent_id,
    };
    const row = await eventually("the settlement reconciled", async () => {
      const candidate = (await page()).rows.find((found) => found.chain_order_id === paidOrder.chainOrderId);
      return candidate?.state === "reconciled" ? candidate : undefined;
    });
    assert.deepEqual(row.mismatches, []);
    assert.ok(row.order !== null && row.chain !== null);
    assert.equal(row.order.id, paidOrder.id);
    assert.deepEqual(row.payment, {
      payment_intent_id: paidOrder.paymentIntentId,
      amount_tetri: "5000",
      status: "succeeded",
    });
    assert.equal(row.chain.paid_tetri, "5000");
    assert.equal(row.chain.payment_ref, keccak256(toHex(paidOrder.paymentIntentId)));
    assert.ok(row.order.receipt_cid !== null);
    assert.equal(row.order.receipt_cid, row.chain.receipt_cid);
    assert.equal((await page("?only=mismatches")).rows.length, 0);
  });

  it("flags each tampered fact with its own reason", async () => {
    await flagged(
      `UPDATE customer_order SET receipt_cid = 'bafkreitampered' WHERE chain_order_id = $1`,
      `UPDATE customer_order co SET receipt_cid = o.receipt_cid FROM "order" o
        WHERE o.order_id = co.chain_order_id AND o.block_to IS NULL AND co.chain_order_id = $1`,
      ["receipt_differs"],
    );
    await flagged(
      `UPDATE "order" SET paid = paid + 1 WHERE order_id = $1 AND block_to IS NULL`,
      `UPDATE "order" SET paid = paid - 1 WHERE order_id = $1 AND block_to IS NULL`,
      ["amount_differs"],
    );
    await flagged(
      `UPDATE "order" SET payment_ref = '0x${"00".repeat(32)}' WHERE order_id = $1 AND block_to IS NULL`,
      `UPDATE "order" SET payment_ref = '${keccak256(toHex(paidOrder.paymentIntentId))}'
        WHERE order_id = $1 AND block_to IS NULL`,
      ["payment_ref_differs"],
    );
    await flagged(
      `UPDATE "order" SET refunded_amount = 100 WHERE order_id = $1 AND block_to IS NULL`,
      `UPDATE "order" SET refunded_amount = 0 WHERE order_id = $1 AND block_to IS NULL`,
      ["refund_differs"],
    );
    await flagged(
      `UPDATE card_payment SET status = 'canceled'
        WHERE order_id = (SELECT id FROM customer_order WHERE chain_order_id = $1)`,
      `UPDATE card_payment SET status = 'succeeded'
        WHERE order_id = (SELECT id FROM customer_order WHERE chain_order_id = $1)`,
      ["settled_without_payment"],
    );
  });

  it("gives a payment the grace period to reach the chain, then flags it as not settled", async () => {
    const grace = (await page()).grace_seconds;
    const insert = async (paidSecondsAgo: number): Promise<string> => {
      const id = randomUUID();
      const chainOrderId = chainOrderIdOf(id);
      await stack.db.pool.query(
        `INSERT INTO customer_order (id, chain_order_id, restaurant_id, customer_id, items, total_tetri, status,
                                     payment_method, paid_at)
         VALUES ($1, $2, $3, $4, '[]', 2500, 'paid', 'card', now() - make_interval(secs => $5))`,
        [id, chainOrderId, restaurantId, customer.userId, paidSecondsAgo],
      );
      await stack.db.pool.query(
        `INSERT INTO card_payment (payment_intent_id, order_id, amount_tetri, status) VALUES ($1, $2, 2500, 'succeeded')`,
        [`pi_forged_${id}`, id],
      );
      return chainOrderId;
    };
    const fresh = await insert(5);
    const stale = await insert(grace + 60);
    assert.deepEqual(await rowOf(fresh).then((row) => [row.state, row.mismatches]), ["pending", []]);
    assert.deepEqual(await rowOf(stale).then((row) => [row.state, row.mismatches]), ["mismatch", ["not_settled"]]);

    const summary = await stack.call<{
      total: number;
      by_state: Record<string, number>;
      by_reason: Record<string, number>;
    }>("GET", "/api/v1/audit/reconciliation/summary", { token: auditorToken });
    assert.equal(summary.status, 200);
    assert.equal(summary.body.total, 3);
    assert.deepEqual(summary.body.by_state, { reconciled: 1, pending: 1, unpaid: 0, mismatch: 1 });
    assert.equal(summary.body.by_reason.not_settled, 1);

    // Pages of one, newest first, following next_before to the end; only mismatches finds the stale one alone.
    const seen: string[] = [];
    let before: string | null = null;
    do {
      const next: Page = await page(`?limit=1${before === null ? "" : `&before=${encodeURIComponent(before)}`}`);
      seen.push(...next.rows.map((row) => row.chain_order_id));
      before = next.next_before;
    } while (before !== null);
    assert.deepEqual(seen, [stale, fresh, paidOrder.chainOrderId]);
    const onlyMismatches = await page("?only=mismatches&limit=1");
    assert.deepEqual(
      onlyMismatches.rows.map((row) => row.chain_order_id),
      [stale],
    );
  });
});
