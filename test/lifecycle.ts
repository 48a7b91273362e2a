import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { network } from "hardhat";
import { keccak256, toHex } from "viem";

import {
  ACCOUNT,
  CARD_REWARD_PER_TETRI,
  DAY,
  deployPlatform,
  expectBalanceDeltas,
  HOTPOT,
  OrderStatus,
  POINTS_PER_DISCOUNT_TETRI,
  placeApproved,
  quote,
  RECEIPT_DIGEST,
  signPermit,
  tokenOrder,
  TOKEN_REWARD_PER_TETRI,
} from "./helpers/platform.ts";

// What happens to an order after it is placed: refunds, reclaims, card refunds, pausing, permits.
describe("order life cycle", async () => {
  const connection = await network.create();
  const { viem, networkHelpers } = connection;

  async function restaurantFixture() {
    const platform = await deployPlatform(connection);
    await platform.openRestaurant(1n, platform.wallet(ACCOUNT.franchisee).account.address, 1_000);
    // Alice earns 50 HOTPOT by card so she can redeem points.
    await platform.orderSettlement.write.settleCardPayment(
      [
        keccak256(toHex("order:seed")),
        1n,
        platform.wallet(ACCOUNT.alice).account.address,
        5_000n,
        keccak256(toHex("pi_seed")),
        RECEIPT_DIGEST,
      ],
      platform.asSigner.settler,
    );
    return platform;
  }

  it("refunds an escrowed order in full and restores the redeemed points", async () => {
    const platform = await networkHelpers.loadFixture(restaurantFixture);
    const alice = platform.wallet(ACCOUNT.alice);
    const order = await tokenOrder(platform, connection, {
      label: "refund",
      restaurantId: 1n,
      customer: alice.account.address,
      price: 2_500n,
      discount: 20n,
    });
    await platform.testGel.write.approve([platform.orderSettlement.address, 2_480n], { account: alice.account });
    await expectBalanceDeltas(
      platform,
      platform.hotPotToken,
      async () =>
        platform.orderSettlement.write.placeOrder([order, await quote(platform, order)], { account: alice.account }),
      [[alice.account.address, -20n * POINTS_PER_DISCOUNT_TETRI]],
    );

    const stranger = platform.wallet(ACCOUNT.stranger);
    await viem.assertions.revertWithCustomErrorWithArgs(
      platform.orderSettlement.write.refund([order], { account: stranger.account }),
      platform.orderSettlement,
      "OrderSettlementNotOperator",
      [(caller: string) => caller.toLowerCase() === stranger.account.address.toLowerCase(), 1n],
    );

    await expectBalanceDeltas(
      platform,
      platform.testGel,
      () => platform.orderSettlement.write.refund([order], { account: platform.wallet(ACCOUNT.franchisee).account }),
      [
        [alice.account.address, 2_480n],
        [platform.orderSettlement.address, -2_480n],
      ],
    );
    assert.equal(await platform.hotPotToken.read.balanceOf([alice.account.address]), 50n * HOTPOT);
    await viem.assertions.revertWithCustomErrorWithArgs(
      platform.orderSettlement.write.fulfill([order, RECEIPT_DIGEST], platform.asSigner.settler),
      platform.orderSettlement,
      "OrderSettlementInvalidStatus",
      [order.orderId, OrderStatus.Refunded],
    );
  });

  it("lets the customer reclaim an unfulfilled order only after its reclaim time", async () => {
    const platform = await networkHelpers.loadFixture(restaurantFixture);
    const bob = platform.wallet(ACCOUNT.bob);
    const order = await tokenOrder(platform, connection, {
      label: "reclaim",
      restaurantId: 1n,
      customer: bob.account.address,
      price: 3_000n,
    });
    await placeApproved(platform, order);

    await viem.assertions.revertWithCustomErrorWithArgs(
      platform.orderSettlement.write.reclaim([order], { account: bob.account }),
      platform.orderSettlement,
      "OrderSettlementReclaimNotYet",
      [order.reclaimAfter],
    );
    await networkHelpers.time.increase(DAY);
    await viem.assertions.revertWithCustomError(
      platform.orderSettlement.write.reclaim([order], { account: platform.wallet(ACCOUNT.alice).account }),
      platform.orderSettlement,
      "OrderSettlementNotCustomer",
    );
    await expectBalanceDeltas(
      platform,
      platform.testGel,
      () => platform.orderSettlement.write.reclaim([order], { account: bob.account }),
      [[bob.account.address, 3_000n]],
    );
    assert.equal((await platform.orderSettlement.read.orderOf([order.orderId])).status, OrderStatus.Reclaimed);
  });

  it("rejects a tampered description when acting on an order", async () => {
    const platform = await networkHelpers.loadFixture(restaurantFixture);
    const carol = platform.wallet(ACCOUNT.carol);
    const order = await tokenOrder(platform, connection, {
      label: "tamper",
      restaurantId: 1n,
      customer: carol.account.address,
      price: 1_000n,
    });
    await placeApproved(platform, order);
    await viem.assertions.revertWithCustomErrorWithArgs(
      platform.orderSettlement.write.fulfill(
        [{ ...order, price: 100_000n }, RECEIPT_DIGEST],
        platform.asSigner.settler,
      ),
      platform.orderSettlement,
      "OrderSettlementOrderMismatch",
      [order.orderId],
    );
  });

  it("claws card rewards back pro rata on partial refunds, once per refund id", async () => {
    const platform = await networkHelpers.loadFixture(restaurantFixture);
    const erin = platform.wallet(ACCOUNT.erin).account.address;
    const id = keccak256(toHex("order:card-refund"));
    await platform.orderSettlement.write.settleCardPayment(
      [id, 1n, erin, 4_000n, keccak256(toHex("pi_refund")), RECEIPT_DIGEST],
      platform.asSigner.settler,
    );
    assert.equal(await platform.hotPotToken.read.balanceOf([erin]), 4_000n * CARD_REWARD_PER_TETRI);

    // The reward rate changes in between: the clawback still uses the rate the order earned at.
    await platform.orderSettlement.write.setCardRewardPerUnit([5n * CARD_REWARD_PER_TETRI]);
    const firstRefund = keccak256(toHex("re_1"));
    await platform.orderSettlement.write.recordCardRefund([id, 1_000n, firstRefund], platform.asSigner.settler);
    assert.equal(await platform.hotPotToken.read.balanceOf([erin]), 3_000n * CARD_REWARD_PER_TETRI);
    await viem.assertions.revertWithCustomErrorWithArgs(
      platform.orderSettlement.write.recordCardRefund([id, 1_000n, firstRefund], platform.asSigner.settler),
      platform.orderSettlement,
      "OrderSettlementRefundAlreadyRecorded",
      [firstRefund],
    );
    await viem.assertions.revertWithCustomErrorWithArgs(
      platform.orderSettlement.write.recordCardRefund(
        [id, 3_001n, keccak256(toHex("re_2"))],
        platform.asSigner.settler,
      ),
      platform.orderSettlement,
      "OrderSettlementRefundExceedsAmount",
      [3_001n, 3_000n],
    );

    // Erin spent part of her points meanwhile: the rest is burned, the shortfall reported.
    await platform.hotPotToken.write.burn([20n * HOTPOT], { account: platform.wallet(ACCOUNT.erin).account });
    await viem.assertions.emitWithArgs(
      platform.orderSettlement.write.recordCardRefund(
        [id, 3_000n, keccak256(toHex("re_2"))],
        platform.asSigner.settler,
      ),
      platform.orderSettlement,
      "CardRefundRecorded",
      [id, keccak256(toHex("re_2")), 3_000n, 0n, 10n * HOTPOT, 20n * HOTPOT],
    );
    assert.equal(await platform.hotPotToken.read.balanceOf([erin]), 0n);
    assert.equal((await platform.orderSettlement.read.orderOf([id])).status, OrderStatus.CardRefunded);
  });

  it("uses the existing allowance when a front-runner already submitted the permit", async () => {
    const platform = await networkHelpers.loadFixture(restaurantFixture);
    const alice = platform.wallet(ACCOUNT.alice);
    const order = await tokenOrder(platform, connection, {
      label: "front-run",
      restaurantId: 1n,
      customer: alice.account.address,
      price: 2_000n,
    });
    const deadline = BigInt(order.reclaimAfter);
    const { v, r, s } = await signPermit(platform, ACCOUNT.alice, 2_000n, deadline);

    // Someone watching the mempool submits Alice's permit first, consuming its nonce.
    await platform.testGel.write.permit(
      [alice.account.address, platform.orderSettlement.address, 2_000n, deadline, v, r, s],
      { account: platform.wallet(ACCOUNT.stranger).account },
    );
    await platform.orderSettlement.write.placeOrderWithPermit(
      [order, await quote(platform, order), deadline, v, r, s],
      { account: alice.account },
    );
    assert.equal((await platform.orderSettlement.read.orderOf([order.orderId])).status, OrderStatus.Escrowed);
  });

  it("pauses new business but never traps funds", async () => {
    const platform = await networkHelpers.loadFixture(restaurantFixture);
    const bob = platform.wallet(ACCOUNT.bob);
    const order = await tokenOrder(platform, connection, {
      label: "paused",
      restaurantId: 1n,
      customer: bob.account.address,
      price: 1_500n,
    });
    await placeApproved(platform, order);

    await viem.assertions.revertWithCustomError(
      platform.orderSettlement.write.pause({ account: bob.account }),
      platform.orderSettlement,
      "AccessControlUnauthorizedAccount",
    );
    await platform.orderSettlement.write.pause();
    const next = {
      ...order,
      orderId: keccak256(toHex("order:paused-2")),
      reclaimAfter: order.reclaimAfter + 2 * Number(DAY),
    };
    await viem.assertions.revertWithCustomError(
      platform.orderSettlement.write.placeOrder([next, await quote(platform, next)], { account: bob.account }),
      platform.orderSettlement,
      "EnforcedPause",
    );
    await viem.assertions.revertWithCustomError(
      platform.orderSettlement.write.fulfill([order, RECEIPT_DIGEST], platform.asSigner.settler),
      platform.orderSettlement,
      "EnforcedPause",
    );
    await viem.assertions.revertWithCustomError(
      platform.orderSettlement.write.settleCardPayment(
        [next.orderId, 1n, bob.account.address, 100n, keccak256(toHex("pi_paused")), RECEIPT_DIGEST],
        platform.asSigner.settler,
      ),
      platform.orderSettlement,
      "EnforcedPause",
    );
    await networkHelpers.time.increase(DAY);
    await platform.orderSettlement.write.reclaim([order], { account: bob.account });

    await platform.orderSettlement.write.unpause();
    await placeApproved(platform, next);

    // Pausing the loyalty token freezes points too.
    await platform.hotPotToken.write.pause();
    await viem.assertions.revertWithCustomError(
      platform.hotPotToken.write.transfer([bob.account.address, 1n], {
        account: platform.wallet(ACCOUNT.alice).account,
      }),
      platform.hotPotToken,
      "EnforcedPause",
    );
  });

  it("refunds and reclaims discounted orders while the loyalty token is paused", async () => {
    const platform = await networkHelpers.loadFixture(restaurantFixture);
    const alice = platform.wallet(ACCOUNT.alice);
    const refunded = await tokenOrder(platform, connection, {
      label: "token-paused-refund",
      restaurantId: 1n,
      customer: alice.account.address,
      price: 2_000n,
      discount: 20n,
    });
    const reclaimed = await tokenOrder(platform, connection, {
      label: "token-paused-reclaim",
      restaurantId: 1n,
      customer: alice.account.address,
      price: 1_000n,
      discount: 30n,
    });
    await placeApproved(platform, refunded);
    await placeApproved(platform, reclaimed);
    const points = await platform.hotPotToken.read.balanceOf([alice.account.address]);

    await platform.hotPotToken.write.pause();
    await platform.orderSettlement.write.refund([refunded], platform.asSigner.settler);
    await networkHelpers.time.increase(DAY);
    await platform.orderSettlement.write.reclaim([reclaimed], { account: alice.account });
    assert.equal(
      await platform.hotPotToken.read.balanceOf([alice.account.address]),
      points + 50n * POINTS_PER_DISCOUNT_TETRI,
      "both discounts' points restored while paused",
    );
    // New rewards still wait for the unpause.
    await viem.assertions.revertWithCustomError(
      platform.orderSettlement.write.settleCardPayment(
        [
          keccak256(toHex("order:token-paused-card")),
          1n,
          alice.account.address,
          100n,
          keccak256(toHex("pi_tp")),
          RECEIPT_DIGEST,
        ],
        platform.asSigner.settler,
      ),
      platform.hotPotToken,
      "EnforcedPause",
    );
  });

  it("keeps what a card refund could not claw back as debt, repaid by points coming back", async () => {
    const platform = await networkHelpers.loadFixture(restaurantFixture);
    const alice = platform.wallet(ACCOUNT.alice);
    // Alice parks all 50 HOTPOT of her card order as a discount, then the card payment is refunded.
    const parked = await tokenOrder(platform, connection, {
      label: "parked",
      restaurantId: 1n,
      customer: alice.account.address,
      price: 1_000n,
      discount: 50n,
    });
    await placeApproved(platform, parked);
    await platform.orderSettlement.write.recordCardRefund(
      [keccak256(toHex("order:seed")), 5_000n, keccak256(toHex("re_seed"))],
      platform.asSigner.settler,
    );
    assert.equal(await platform.orderSettlement.read.loyaltyDebtOf([alice.account.address]), 50n * HOTPOT);

    await networkHelpers.time.increase(DAY);
    await platform.orderSettlement.write.reclaim([parked], { account: alice.account });
    assert.equal(await platform.hotPotToken.read.balanceOf([alice.account.address]), 0n, "no points regained");
    assert.equal(await platform.orderSettlement.read.loyaltyDebtOf([alice.account.address]), 0n, "debt repaid");
  });

  it("keeps every role to its holder", async () => {
    const platform = await networkHelpers.loadFixture(restaurantFixture);
    const stranger = { account: platform.wallet(ACCOUNT.stranger).account };
    const someone = stranger.account.address;
    const unauthorized = "AccessControlUnauthorizedAccount";
    await viem.assertions.revertWithCustomError(
      platform.orderSettlement.write.settleCardPayment(
        [keccak256(toHex("x")), 1n, someone, 1n, keccak256(toHex("pi_x")), RECEIPT_DIGEST],
        stranger,
      ),
      platform.orderSettlement,
      unauthorized,
    );
    await viem.assertions.revertWithCustomError(
      platform.orderSettlement.write.recordCardRefund([keccak256(toHex("x")), 1n, keccak256(toHex("re_x"))], stranger),
      platform.orderSettlement,
      unauthorized,
    );
    await viem.assertions.revertWithCustomError(
      platform.orderSettlement.write.setTreasury([someone], stranger),
      platform.orderSettlement,
      unauthorized,
    );
    await viem.assertions.revertWithCustomError(
      platform.hotPotToken.write.mint([someone, HOTPOT], stranger),
      platform.hotPotToken,
      unauthorized,
    );
    await viem.assertions.revertWithCustomError(
      platform.hotPotToken.write.redeem([platform.wallet(ACCOUNT.alice).account.address, HOTPOT], stranger),
      platform.hotPotToken,
      unauthorized,
    );
    await viem.assertions.revertWithCustomError(
      platform.franchiseNFT.write.register([someone, 9n, 100, "ipfs://bafkreinine"], stranger),
      platform.franchiseNFT,
      unauthorized,
    );
    await viem.assertions.revertWithCustomError(
      platform.franchiseNFT.write.setFee([1n, 0], stranger),
      platform.franchiseNFT,
      unauthorized,
    );
  });

  it("distributes tokens to many customers with balances that add up", async () => {
    const platform = await networkHelpers.loadFixture(restaurantFixture);
    const customers = [ACCOUNT.bob, ACCOUNT.carol, ACCOUNT.dave, ACCOUNT.erin].map((i) => platform.wallet(i));
    const supplyBefore = await platform.hotPotToken.read.totalSupply();
    let expectedMinted = 0n;
    const expected = new Map<string, bigint>();
    for (const [i, customer] of customers.entries()) {
      const amount = BigInt(1_000 * (i + 1));
      await platform.orderSettlement.write.settleCardPayment(
        [
          keccak256(toHex(`order:dist-card-${i}`)),
          1n,
          customer.account.address,
          amount,
          keccak256(toHex(`pi_d${i}`)),
          RECEIPT_DIGEST,
        ],
        platform.asSigner.settler,
      );
      const order = await tokenOrder(platform, connection, {
        label: `dist-token-${i}`,
        restaurantId: 1n,
        customer: customer.account.address,
        price: amount,
      });
      await placeApproved(platform, order);
      await platform.orderSettlement.write.fulfill([order, RECEIPT_DIGEST], platform.asSigner.settler);
      const earned = amount * CARD_REWARD_PER_TETRI + amount * TOKEN_REWARD_PER_TETRI;
      expected.set(customer.account.address, earned);
      expectedMinted += earned;
    }
    for (const customer of customers) {
      assert.equal(
        await platform.hotPotToken.read.balanceOf([customer.account.address]),
        expected.get(customer.account.address),
      );
    }
    assert.equal(await platform.hotPotToken.read.totalSupply(), supplyBefore + expectedMinted);
    // 4 customers earned 2 × (10 + 20 + 30 + 40) = 200 HOTPOT.
    assert.equal(expectedMinted, 200n * HOTPOT);
  });
});
