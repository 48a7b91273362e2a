import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { HttpRequestError, TimeoutError } from "viem";

import { HotPotError, RetryableError } from "../../lib/errors.ts";

import { classifyRpcError, formatRevert, isKnownTransaction, type Revert } from "./errors.ts";
import { OUTBOX_KINDS } from "./kinds.ts";

const ORDER_ID = `0x${"ab".repeat(32)}`;
const CUSTOMER = `0x${"12".repeat(20)}`;

function kind(name: string) {
  const found = OUTBOX_KINDS.get(name);
  if (found === undefined) throw new Error(`no kind ${name}`);
  return found;
}

describe("relayer kinds: payloads", () => {
  it("test_settleCard_parsesDecimalStringsAndLowerCaseHex", () => {
    const entry = kind("settle_card").parse({
      orderId: ORDER_ID,
      restaurantId: "7",
      customer: CUSTOMER,
      amount: "2500",
      paymentRef: ORDER_ID,
      receiptDigest: ORDER_ID,
    });
    assert.deepEqual(entry, {
      orderId: ORDER_ID,
      restaurantId: 7n,
      customer: "0x1212121212121212121212121212121212121212",
      amount: 2500n,
      paymentRef: ORDER_ID,
      receiptDigest: ORDER_ID,
    });
  });

  it("test_settleCard_rejectsMissingMalformedAndOversizedFields", () => {
    const good = { orderId: ORDER_ID, restaurantId: "1", customer: CUSTOMER, amount: "1", paymentRef: ORDER_ID };
    const settle = kind("settle_card");
    assert.throws(() => settle.parse(good), /receiptDigest is missing/);
    assert.throws(() => settle.parse({ ...good, receiptDigest: "0x12" }), /receiptDigest must be 0x and 64 hex/);
    assert.throws(() => settle.parse({ ...good, receiptDigest: ORDER_ID, amount: "-1" }), /decimal string/);
    assert.throws(
      () => settle.parse({ ...good, receiptDigest: ORDER_ID, amount: (1n << 64n).toString() }),
      /does not fit uint64/,
    );
    assert.throws(() => settle.parse("nope"), HotPotError);
  });

  it("test_settleCard_batchIsSortedByRestaurant", () => {
    const settle = kind("settle_card");
    const entries = ["3", "1", "2", "1"].map((restaurantId) =>
      settle.parse({
        orderId: ORDER_ID,
        restaurantId,
        customer: CUSTOMER,
        amount: "1",
        paymentRef: ORDER_ID,
        receiptDigest: ORDER_ID,
      }),
    );
    const { functionName, args } = settle.call(entries);
    assert.equal(functionName, "settleCardPayments");
    const batch = args[0] as { restaurantId: bigint }[];
    assert.deepEqual(
      batch.map((entry) => entry.restaurantId),
      [1n, 1n, 2n, 3n],
    );
  });

  it("test_tokenOrderKinds_parseTheNestedOrder", () => {
    const order = {
      orderId: ORDER_ID,
      restaurantId: "1",
      customer: CUSTOMER,
      token: CUSTOMER,
      price: "2500",
      discount: "0",
      pointsRedeemed: "0",
      reclaimAfter: "1800000000",
    };
    const entry = kind("fulfill_token").parse({ order, receiptDigest: ORDER_ID }) as {
      order: { reclaimAfter: number };
    };
    assert.equal(entry.order.reclaimAfter, 1_800_000_000);
    assert.throws(() => kind("refund_token").parse({ order: { ...order, price: (1n << 96n).toString() } }), /uint96/);
  });

  it("test_alreadyDoneAndNotYet_byRevertName", () => {
    const refund = kind("record_card_refund");
    const entry = refund.parse({ orderId: ORDER_ID, amount: "1", refundRef: ORDER_ID });
    const alreadyDone = (revert: Revert) => refund.alreadyDone?.(revert, entry);
    const notYet = (revert: Revert) => refund.notYet?.(revert, entry);
    assert.ok(alreadyDone({ name: "OrderSettlementRefundAlreadyRecorded", args: [ORDER_ID] }));
    assert.equal(notYet({ name: "OrderSettlementInvalidStatus", args: [ORDER_ID, 0] }), true);
    assert.equal(notYet({ name: "OrderSettlementInvalidStatus", args: [ORDER_ID, 1] }), false);
  });
});

describe("relayer errors", () => {
  it("test_classifyRpcError_unreachableNodeIsRetryable", () => {
    const refused = new HttpRequestError({ url: "http://127.0.0.1:1", cause: new Error("fetch failed") });
    assert.ok(classifyRpcError(refused) instanceof RetryableError);
    assert.ok(classifyRpcError(new TimeoutError({ body: {}, url: "http://x" })) instanceof RetryableError);
    const badRequest = new HttpRequestError({ url: "http://127.0.0.1:1", status: 400 });
    const classified = classifyRpcError(badRequest);
    assert.equal(classified.retryable, false);
    assert.doesNotMatch(classified.message, /127\.0\.0\.1:1/, "no RPC URL in messages");
  });

  it("test_formatRevert_andKnownTransactionAnswers", () => {
    assert.equal(
      formatRevert({ name: "OrderSettlementRestaurantInactive", args: [7n] }),
      "OrderSettlementRestaurantInactive(7)",
    );
    assert.match(formatRevert({ name: "", args: [] }), /without a decodable reason/);
    assert.equal(isKnownTransaction(new Error("Nonce too low. Expected nonce to be 5 but got 4.")), true);
    assert.equal(isKnownTransaction(new Error("already known")), true);
    assert.equal(isKnownTransaction(new Error("insufficient funds for gas")), false);
  });
});
