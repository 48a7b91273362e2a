import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { network } from "hardhat";
import { keccak256, parseEventLogs, toHex } from "viem";

import {
  ACCOUNT,
  CARD_REWARD_PER_TETRI,
  deployPlatform,
  OrderStatus,
  placeApproved,
  quote,
  RECEIPT_DIGEST,
  sameAddress,
  signPermit,
  tokenOrder,
} from "./helpers/platform.ts";

// The seed's test_blockchain_security: of two spends of the same thing, exactly one is valid.
describe("double spending", async () => {
  const connection = await network.create();
  const { viem, networkHelpers } = connection;

  async function restaurantFixture() {
    const platform = await deployPlatform(connection);
    await platform.openRestaurant(1n, platform.wallet(ACCOUNT.franchisee).account.address);
    return platform;
  }

  it("settles an order id once, whichever payment path comes second", async () => {
    const platform = await networkHelpers.loadFixture(restaurantFixture);
    const alice = platform.wallet(ACCOUNT.alice);
    const order = await tokenOrder(platform, connection, {
      label: "twice",
      restaurantId: 1n,
      customer: alice.account.address,
      price: 2_500n,
    });
    await placeApproved(platform, order);

    await viem.assertions.revertWithCustomErrorWithArgs(
      platform.orderSettlement.write.placeOrder([order, await quote(platform, order)], { account: alice.account }),
      platform.orderSettlement,
      "OrderSettlementOrderExists",
      [order.orderId],
    );
    await viem.assertions.revertWithCustomErrorWithArgs(
      platform.orderSettlement.write.settleCardPayment(
        [order.orderId, 1n, alice.account.address, 2_500n, keccak256(toHex("pi_1")), RECEIPT_DIGEST],
        platform.asSigner.settler,
      ),
      platform.orderSettlement,
      "OrderSettlementOrderExists",
      [order.orderId],
    );
    assert.equal(await platform.testGel.read.balanceOf([platform.orderSettlement.address]), 2_500n);
  });

  it("binds an order id to the customer it was quoted for, so nobody can take it first", async () => {
    const platform = await networkHelpers.loadFixture(restaurantFixture);
    const alice = platform.wallet(ACCOUNT.alice);
    const mallory = platform.wallet(ACCOUNT.stranger);
    const order = await tokenOrder(platform, connection, {
      label: "squat",
      restaurantId: 1n,
      customer: alice.account.address,
      price: 2_500n,
    });
    const alicesQuote = await quote(platform, order);

    // Mallory copies Alice's pending order: as herself the quote does not match, as Alice she is not the sender.
    await viem.assertions.revertWithCustomError(
      platform.orderSettlement.write.placeOrder(
        [{ ...order, customer: mallory.account.address, price: 1n }, alicesQuote],
        {
          account: mallory.account,
        },
      ),
      platform.orderSettlement,
      "OrderSettlementInvalidQuote",
    );
    await viem.assertions.revertWithCustomError(
      platform.orderSettlement.write.placeOrder([order, alicesQuote], { account: mallory.account }),
      platform.orderSettlement,
      "OrderSettlementNotCustomer",
    );
    // A quote Mallory signs herself is no quote.
    const forged = { ...order, customer: mallory.account.address, price: 1n };
    await viem.assertions.revertWithCustomErrorWithArgs(
      platform.orderSettlement.write.placeOrder([forged, await quote(platform, forged, ACCOUNT.stranger)], {
        account: mallory.account,
      }),
      platform.orderSettlement,
      "OrderSettlementInvalidQuote",
      [sameAddress(mallory.account.address)],
    );

    await placeApproved(platform, order);
    assert.equal((await platform.orderSettlement.read.orderOf([order.orderId])).status, OrderStatus.Escrowed);
  });

  it("refuses a token order whose price the customer lowered after the quote", async () => {
    const platform = await networkHelpers.loadFixture(restaurantFixture);
    const alice = platform.wallet(ACCOUNT.alice);
    const order = await tokenOrder(platform, connection, {
      label: "cheaper",
      restaurantId: 1n,
      customer: alice.account.address,
      price: 2_500n,
    });
    const quoted = await quote(platform, order);
    await platform.testGel.write.approve([platform.orderSettlement.address, 2_500n], { account: alice.account });
    await viem.assertions.revertWithCustomError(
      platform.orderSettlement.write.placeOrder([{ ...order, price: 250n }, quoted], { account: alice.account }),
      platform.orderSettlement,
      "OrderSettlementInvalidQuote",
    );
  });

  it("refuses a token order for an id already paid by card", async () => {
    const platform = await networkHelpers.loadFixture(restaurantFixture);
    const alice = platform.wallet(ACCOUNT.alice);
    const order = await tokenOrder(platform, connection, {
      label: "card-first",
      restaurantId: 1n,
      customer: alice.account.address,
      price: 2_500n,
    });
    await platform.orderSettlement.write.settleCardPayment(
      [order.orderId, 1n, alice.account.address, 2_500n, keccak256(toHex("pi_2")), RECEIPT_DIGEST],
      platform.asSigner.settler,
    );
    await platform.testGel.write.approve([platform.orderSettlement.address, 2_500n], { account: alice.account });
    await viem.assertions.revertWithCustomError(
      platform.orderSettlement.write.placeOrder([order, await quote(platform, order)], { account: alice.account }),
      platform.orderSettlement,
      "OrderSettlementOrderExists",
    );
  });

  it("records a webhook replayed inside and across batches exactly once", async () => {
    const platform = await networkHelpers.loadFixture(restaurantFixture);
    const bob = platform.wallet(ACCOUNT.bob).account.address;
    const payment = (label: string) => ({
      orderId: keccak256(toHex(`order:${label}`)),
      restaurantId: 1n,
      customer: bob,
      amount: 1_000n,
      paymentRef: keccak256(toHex(`pi_${label}`)),
      receiptDigest: RECEIPT_DIGEST,
    });
    const batch = [payment("a"), payment("b"), payment("a")];
    const hash = await platform.orderSettlement.write.settleCardPayments([batch], platform.asSigner.settler);
    const receipt = await platform.publicClient.waitForTransactionReceipt({ hash });
    const logs = parseEventLogs({ abi: platform.orderSettlement.abi, logs: receipt.logs });
    assert.equal(logs.filter((log) => log.eventName === "CardPaymentSettled").length, 2);
    assert.equal(logs.filter((log) => log.eventName === "CardPaymentDuplicateSkipped").length, 1);

    // The relayer crashed before recording the batch and sends it again: nothing settles twice.
    await platform.orderSettlement.write.settleCardPayments([[payment("b"), payment("c")]], platform.asSigner.settler);
    assert.equal(await platform.hotPotToken.read.balanceOf([bob]), 3_000n * CARD_REWARD_PER_TETRI);
    assert.equal((await platform.orderSettlement.read.orderOf([payment("c").orderId])).status, OrderStatus.CardSettled);
  });

  it("lets only one of two orders spend the same balance", async () => {
    const platform = await networkHelpers.loadFixture(restaurantFixture);
    const carol = platform.wallet(ACCOUNT.carol);
    const balance = await platform.testGel.read.balanceOf([carol.account.address]);
    await platform.testGel.write.approve([platform.orderSettlement.address, balance * 2n], { account: carol.account });
    const first = await tokenOrder(platform, connection, {
      label: "all-in-1",
      restaurantId: 1n,
      customer: carol.account.address,
      price: balance,
    });
    const second = { ...first, orderId: keccak256(toHex("order:all-in-2")) };

    await platform.orderSettlement.write.placeOrder([first, await quote(platform, first)], { account: carol.account });
    await viem.assertions.revertWithCustomError(
      platform.orderSettlement.write.placeOrder([second, await quote(platform, second)], { account: carol.account }),
      platform.testGel,
      "ERC20InsufficientBalance",
    );
    assert.equal((await platform.orderSettlement.read.orderOf([second.orderId])).status, OrderStatus.None);
    assert.equal(await platform.testGel.read.balanceOf([platform.orderSettlement.address]), balance);
  });

  it("does not let one permit pay for two orders", async () => {
    const platform = await networkHelpers.loadFixture(restaurantFixture);
    const dave = platform.wallet(ACCOUNT.dave);
    const first = await tokenOrder(platform, connection, {
      label: "permit-1",
      restaurantId: 1n,
      customer: dave.account.address,
      price: 1_200n,
    });
    const second = { ...first, orderId: keccak256(toHex("order:permit-2")) };
    const deadline = BigInt(first.reclaimAfter);
    const { v, r, s } = await signPermit(platform, ACCOUNT.dave, 1_200n, deadline);

    await platform.orderSettlement.write.placeOrderWithPermit(
      [first, await quote(platform, first), deadline, v, r, s],
      { account: dave.account },
    );
    await viem.assertions.revertWithCustomError(
      platform.orderSettlement.write.placeOrderWithPermit([second, await quote(platform, second), deadline, v, r, s], {
        account: dave.account,
      }),
      platform.testGel,
      "ERC20InsufficientAllowance",
    );
  });
});
