import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";

import { LocalContentStore, type ContentStore } from "../../lib/ipfs/index.ts";
import { receiptCid } from "../../lib/ipfs/receipt-cid.ts";
import { chainOrderIdOf } from "../orders/service.ts";
import { receiptBytes, storeReceipt, type ReceiptInput } from "./receipt.ts";

const ORDER_ID = "3f1c1a52-1b7e-4c51-9a57-0c7f43b1e8a2";
const CUSTOMER = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8";

function cardReceipt(): ReceiptInput {
  return {
    orderId: ORDER_ID,
    chainOrderId: chainOrderIdOf(ORDER_ID),
    chainId: 31337,
    restaurant: { id: "1", name: "The Hot Pot Spot Vake", location: "Tbilisi" },
    customer: CUSTOMER,
    items: [
      { id: "0b8e8f5e-6a41-4f0e-9a4e-2b1f0d6c7a11", name: "Spicy broth", unit_price_tetri: 2550, quantity: 3 },
      { id: "7d2c1b9a-3e4f-4a5b-8c6d-9e0f1a2b3c4d", name: "Lamb slices", unit_price_tetri: 1205, quantity: 1 },
    ],
    totalTetri: 8855n,
    payment: { method: "card", processor: "stripe", paymentRef: `0x${"ab".repeat(32)}` },
    paidAt: new Date("2026-11-26T12:34:56.789Z"),
  };
}

const sha256 = (bytes: Uint8Array): string => `0x${createHash("sha256").update(bytes).digest("hex")}`;
const parse = (bytes: Uint8Array): Record<string, unknown> =>
  JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;

describe("receiptBytes", () => {
  it("is deterministic: the same order gives the same bytes, whatever the input's key order", () => {
    const first = receiptBytes(cardReceipt());
    const second = receiptBytes(cardReceipt());
    assert.deepEqual(first, second);

    const { paidAt, items, totalTetri, ...rest } = cardReceipt();
    const reordered: ReceiptInput = {
      paidAt: new Date(paidAt.getTime()),
      totalTetri,
      items: items.map((line) => ({
        quantity: line.quantity,
        unit_price_tetri: line.unit_price_tetri,
        name: line.name,
        id: line.id,
      })),
      ...rest,
    };
    assert.equal(sha256(receiptBytes(reordered)), sha256(first));
  });

  it("changes when anything on it changes", () => {
    const base = sha256(receiptBytes(cardReceipt()));
    const changed: ReceiptInput[] = [
      { ...cardReceipt(), totalTetri: 8856n },
      { ...cardReceipt(), customer: "0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc" },
      { ...cardReceipt(), paidAt: new Date("2026-11-26T12:34:56.790Z") },
      { ...cardReceipt(), chainId: 1 },
    ];
    for (const input of changed) assert.notEqual(sha256(receiptBytes(input)), base);
  });

  it("writes amounts as GEL strings, the total in tetri, and the time in ISO 8601", () => {
    const receipt = parse(receiptBytes(cardReceipt()));
    assert.equal(receipt.type, "hotpot-receipt");
    assert.equal(receipt.version, 1);
    assert.equal(receipt.order_id, ORDER_ID);
    assert.equal(receipt.chain_order_id, chainOrderIdOf(ORDER_ID));
    assert.equal(receipt.chain_id, 31337);
    assert.deepEqual(receipt.items, [
      {
        id: "0b8e8f5e-6a41-4f0e-9a4e-2b1f0d6c7a11",
        name: "Spicy broth",
        unit_price: "25.50",
        quantity: 3,
        line_total: "76.50",
      },
      {
        id: "7d2c1b9a-3e4f-4a5b-8c6d-9e0f1a2b3c4d",
        name: "Lamb slices",
        unit_price: "12.05",
        quantity: 1,
        line_total: "12.05",
      },
    ]);
    assert.equal(receipt.total, "88.55");
    assert.equal(receipt.total_tetri, "8855");
    assert.equal(receipt.currency, "GEL");
    assert.equal(receipt.paid_at, "2026-11-26T12:34:56.789Z");
    assert.deepEqual(receipt.payment, { method: "card", processor: "stripe", paymentRef: `0x${"ab".repeat(32)}` });
  });

  it("carries no personal field beyond the customer's address", () => {
    const receipt = parse(receiptBytes(cardReceipt()));
    assert.deepEqual(Object.keys(receipt).sort(), [
      "chain_id",
      "chain_order_id",
      "currency",
      "customer",
      "items",
      "order_id",
      "paid_at",
      "payment",
      "restaurant",
      "total",
      "total_tetri",
      "type",
      "version",
    ]);
    assert.equal(receipt.customer, CUSTOMER);
    assert.deepEqual(Object.keys(receipt.restaurant as object).sort(), ["id", "location", "name"]);
    for (const line of receipt.items as object[]) {
      assert.deepEqual(Object.keys(line).sort(), ["id", "line_total", "name", "quantity", "unit_price"]);
    }
    const text = new TextDecoder().decode(receiptBytes(cardReceipt()));
    assert.doesNotMatch(text, /email|phone|user_id|customer_id|first_name|last_name|@/i);
  });

  it("records a token payment's token and amount", () => {
    const token = "0x5fbdb2315678afecb367f032d93f642f64180aa3";
    const receipt = parse(
      receiptBytes({ ...cardReceipt(), payment: { method: "token", token, amount: "88550000000000000000" } }),
    );
    assert.deepEqual(receipt.payment, { method: "token", token, amount: "88550000000000000000" });
  });
});

describe("storeReceipt", () => {
  let directory: string;
  let store: LocalContentStore;
  before(async () => {
    directory = await mkdtemp(path.join(tmpdir(), "hotpot-receipt-"));
    store = new LocalContentStore(directory);
  });
  after(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it("stores one raw block whose CID is receiptCid(digest), and the bytes hash to the digest", async () => {
    const stored = await storeReceipt(store, cardReceipt());
    assert.match(stored.digest, /^0x[0-9a-f]{64}$/);
    assert.equal(stored.digest, sha256(stored.bytes));
    assert.equal(stored.cid, receiptCid(stored.digest));
    assert.deepEqual(stored.bytes, receiptBytes(cardReceipt()));
    const read = await store.get(stored.cid);
    assert.ok(read !== null);
    assert.deepEqual(Buffer.from(read), Buffer.from(stored.bytes));
    assert.equal(sha256(read), stored.digest);
  });

  it("gives the same CID when the same order is stored again", async () => {
    const first = await storeReceipt(store, cardReceipt());
    const again = await storeReceipt(store, cardReceipt());
    assert.equal(again.cid, first.cid);
    assert.equal(again.digest, first.digest);
  });

  it("refuses a store that answers another CID than the digest's raw-block CID", async () => {
    const wrong: ContentStore = {
      put: (bytes) =>
        Promise.resolve({ cid: "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy", size: bytes.length }),
      get: () => Promise.resolve(null),
      has: () => Promise.resolve(false),
    };
    await assert.rejects(storeReceipt(wrong, cardReceipt()), /raw-block CID is b/);
  });
});
