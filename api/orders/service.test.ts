import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { keccak256, stringToHex } from "viem";

import { chainOrderIdOf, orderView, type OrderRow, type OrderStatus } from "./service.ts";

const ID = "3f1c1a52-1b7e-4c51-9a57-0c7f43b1e8a2";
const CREATED = new Date("2026-11-26T12:00:00.000Z");
const PAID = new Date("2026-11-26T12:01:00.000Z");
const CHAIN_TIME = new Date("2026-11-26T12:02:00.000Z");
const FULFILLED = new Date("2026-11-26T12:30:00.000Z");
const CID = "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy";

function row(changes: Partial<OrderRow> = {}): OrderRow {
  return {
    id: ID,
    chain_order_id: chainOrderIdOf(ID),
    restaurant_id: "1",
    customer_id: "9b2f4c1e-8d7a-4e6b-a5c3-1f0e9d8c7b6a",
    items: [{ id: "0b8e8f5e-6a41-4f0e-9a4e-2b1f0d6c7a11", name: "Spicy broth", unit_price_tetri: 2550, quantity: 3 }],
    total_tetri: "7650",
    status: "placed",
    payment_method: null,
    receipt_cid: null,
    created_at: CREATED,
    paid_at: null,
    fulfilled_at: null,
    chain_status: null,
    chain_tx: null,
    chain_time: null,
    reward: null,
    refunded_amount: null,
    payment_ref: null,
    chain_receipt_cid: null,
    ...changes,
  };
}

describe("orderView status", () => {
  const cases: [string, Partial<OrderRow>, OrderStatus][] = [
    ["nothing on chain, not paid", {}, "placed"],
    ["paid_at set, chain not yet", { paid_at: PAID, payment_method: "card" }, "paid"],
    ["token order escrowed on chain", { chain_status: "escrowed", payment_method: "token" }, "paid"],
    ["token order escrowed and paid_at set", { chain_status: "escrowed", paid_at: PAID }, "paid"],
    ["token order fulfilled on chain (settled), not served", { chain_status: "fulfilled", paid_at: PAID }, "settled"],
    ["token order fulfilled on chain and served", { chain_status: "fulfilled", fulfilled_at: FULFILLED }, "fulfilled"],
    ["card order settled, not served", { chain_status: "settled", paid_at: PAID }, "settled"],
    ["card order settled and served", { chain_status: "settled", paid_at: PAID, fulfilled_at: FULFILLED }, "fulfilled"],
    ["card order settled without paid_at (mirror first)", { chain_status: "settled" }, "settled"],
    ["card order partially refunded", { chain_status: "partially_refunded", paid_at: PAID }, "settled"],
    [
      "card order partially refunded after serving",
      { chain_status: "partially_refunded", fulfilled_at: FULFILLED },
      "fulfilled",
    ],
    ["card order refunded", { chain_status: "refunded", paid_at: PAID }, "refunded"],
    ["card order refunded after serving", { chain_status: "refunded", fulfilled_at: FULFILLED }, "refunded"],
    ["token order refunded from escrow", { chain_status: "refunded", paid_at: PAID }, "refunded"],
    ["token order reclaimed by the customer", { chain_status: "reclaimed" }, "refunded"],
  ];
  for (const [name, changes, expected] of cases) {
    it(`${name} → ${expected}`, () => {
      assert.equal(orderView(row(changes)).status, expected);
    });
  }

  it("ignores the customer_order row's own status column", () => {
    assert.equal(orderView(row({ status: "fulfilled" })).status, "placed");
  });
});

describe("orderView fields", () => {
  it("writes amounts in GEL beside tetri, and times in ISO 8601", () => {
    const view = orderView(
      row({ paid_at: PAID, chain_time: CHAIN_TIME, fulfilled_at: FULFILLED, chain_status: "settled" }),
    );
    assert.deepEqual(view.items, [
      {
        id: "0b8e8f5e-6a41-4f0e-9a4e-2b1f0d6c7a11",
        name: "Spicy broth",
        unit_price_tetri: 2550,
        quantity: 3,
        unit_price: "25.50",
        line_total: "76.50",
      },
    ]);
    assert.equal(view.total, "76.50");
    assert.equal(view.total_tetri, 7650);
    assert.equal(view.currency, "GEL");
    assert.equal(view.created_at, "2026-11-26T12:00:00.000Z");
    assert.equal(view.paid_at, "2026-11-26T12:01:00.000Z");
    assert.equal(view.settled_at, "2026-11-26T12:02:00.000Z");
    assert.equal(view.fulfilled_at, "2026-11-26T12:30:00.000Z");
  });

  it("leaves times null until they happen, and links the payment", () => {
    const view = orderView(row());
    assert.equal(view.paid_at, null);
    assert.equal(view.settled_at, null);
    assert.equal(view.fulfilled_at, null);
    assert.equal(view.pay_url, `/api/v1/orders/${ID}/pay`);
    assert.deepEqual(view.chain, {
      order_id: chainOrderIdOf(ID),
      status: null,
      tx_hash: null,
      reward: null,
      payment_ref: null,
    });
  });

  it("prefers the chain's receipt CID and links it through /ipfs", () => {
    assert.equal(orderView(row()).receipt_cid, null);
    assert.equal(orderView(row()).receipt_url, null);
    const stored = orderView(row({ receipt_cid: "bafkstored" }));
    assert.equal(stored.receipt_cid, "bafkstored");
    assert.equal(stored.receipt_url, "/ipfs/bafkstored");
    const both = orderView(row({ receipt_cid: "bafkstored", chain_receipt_cid: CID }));
    assert.equal(both.receipt_cid, CID);
    assert.equal(both.receipt_url, `/ipfs/${CID}`);
  });

  it("counts refunded tetri for card orders only", () => {
    const card = orderView(
      row({ payment_method: "card", chain_status: "partially_refunded", refunded_amount: "1000" }),
    );
    assert.equal(card.refunded_tetri, 1000);
    assert.equal(orderView(row({ payment_method: "card" })).refunded_tetri, 0);
    const token = orderView(row({ payment_method: "token", chain_status: "refunded", refunded_amount: "7650" }));
    assert.equal(token.refunded_tetri, 0);
  });

  it("passes the mirror's chain fields through", () => {
    const view = orderView(
      row({
        chain_status: "settled",
        chain_tx: `0x${"12".repeat(32)}`,
        reward: "76500000000000000000",
        payment_ref: `0x${"ab".repeat(32)}`,
      }),
    );
    assert.deepEqual(view.chain, {
      order_id: chainOrderIdOf(ID),
      status: "settled",
      tx_hash: `0x${"12".repeat(32)}`,
      reward: "76500000000000000000",
      payment_ref: `0x${"ab".repeat(32)}`,
    });
  });
});

describe("chainOrderIdOf", () => {
  it("is keccak256 of the UUID's 16 bytes (not of its text)", () => {
    const bytes = Uint8Array.from(Buffer.from(ID.replaceAll("-", ""), "hex"));
    assert.equal(bytes.length, 16);
    assert.equal(chainOrderIdOf(ID), keccak256(bytes));
    assert.notEqual(chainOrderIdOf(ID), keccak256(stringToHex(ID)));
    assert.match(chainOrderIdOf(ID), /^0x[0-9a-f]{64}$/);
  });

  it("uses a keccak256 that matches the known vector", () => {
    assert.equal(keccak256(new Uint8Array()), "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
  });

  it("differs between orders and is the same for the same order", () => {
    assert.equal(chainOrderIdOf(ID), chainOrderIdOf(ID));
    assert.notEqual(chainOrderIdOf(ID), chainOrderIdOf("3f1c1a52-1b7e-4c51-9a57-0c7f43b1e8a3"));
  });

  it("gives an upper-case UUID the same id as its lower-case form", () => {
    assert.equal(chainOrderIdOf(ID.toUpperCase()), chainOrderIdOf(ID));
  });
});
