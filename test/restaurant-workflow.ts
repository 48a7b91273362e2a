import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { network } from "hardhat";
import { keccak256, toHex } from "viem";

import {
  ACCOUNT,
  CARD_REWARD_PER_TETRI,
  deployPlatform,
  expectBalanceDeltas,
  OrderStatus,
  quote,
  RECEIPT_DIGEST,
  sameAddress,
  signPermit,
  tokenOrder,
  TOKEN_REWARD_PER_TETRI,
} from "./helpers/platform.ts";

// The seed's test_full_restaurant_workflow, on chain: KYC → franchise NFT → order → payment → rewards.
describe("full restaurant workflow", async () => {
  const connection = await network.create();
  const { viem } = connection;

  it("runs KYC, franchise, a token order paid by permit, fulfilment and rewards", async () => {
    const platform = await connection.networkHelpers.loadFixture(async function platformFixture() {
      return deployPlatform(connection);
    });
    const franchisee = platform.wallet(ACCOUNT.franchisee).account.address;
    const alice = platform.wallet(ACCOUNT.alice);
    const treasury = platform.wallet(ACCOUNT.treasury).account.address;

    // 1. The franchisee is verified and receives the franchise NFT of restaurant 1.
    await platform.verify(franchisee);
    assert.equal(await platform.kycRegistry.read.isVerified([franchisee, 2]), true);
    await viem.assertions.emitWithArgs(
      platform.franchiseNFT.write.register(
        [franchisee, 1n, 1_000, "ipfs://bafkreihotpot1"],
        platform.asSigner.franchiseAdmin,
      ),
      platform.franchiseNFT,
      "FranchiseRegistered",
      [1n, sameAddress(franchisee), 1_000, "ipfs://bafkreihotpot1"],
    );
    assert.equal((await platform.franchiseNFT.read.ownerOf([1n])).toLowerCase(), franchisee.toLowerCase());
    assert.equal(await platform.franchiseNFT.read.tokenURI([1n]), "ipfs://bafkreihotpot1");

    // 2. Alice orders two hot pots of 25.00 GEL, paying by permit (one transaction, no approve).
    const order = await tokenOrder(platform, connection, {
      label: "workflow-1",
      restaurantId: 1n,
      customer: alice.account.address,
      price: 5_000n,
    });
    const deadline = BigInt(order.reclaimAfter);
    const { v, r, s } = await signPermit(platform, ACCOUNT.alice, order.price, deadline);
    await expectBalanceDeltas(
      platform,
      platform.testGel,
      async () =>
        platform.orderSettlement.write.placeOrderWithPermit([order, await quote(platform, order), deadline, v, r, s], {
          account: alice.account,
        }),
      [
        [alice.account.address, -5_000n],
        [platform.orderSettlement.address, 5_000n],
      ],
    );
    assert.equal((await platform.orderSettlement.read.orderOf([order.orderId])).status, OrderStatus.Escrowed);

    // 3. The restaurant serves it and fulfils: 90 % to the franchisee, 10 % fee, rewards to Alice.
    await expectBalanceDeltas(
      platform,
      platform.testGel,
      () =>
        platform.orderSettlement.write.fulfill([order, RECEIPT_DIGEST], {
          account: platform.wallet(ACCOUNT.franchisee).account,
        }),
      [
        [franchisee, 4_500n],
        [treasury, 500n],
        [platform.orderSettlement.address, -5_000n],
      ],
    );
    assert.equal(await platform.hotPotToken.read.balanceOf([alice.account.address]), 5_000n * TOKEN_REWARD_PER_TETRI);
    assert.equal((await platform.orderSettlement.read.orderOf([order.orderId])).status, OrderStatus.Fulfilled);
  });

  it("settles a card payment once, with its receipt digest and rewards, as the Stripe relayer would", async () => {
    const platform = await deployPlatform(connection);
    const bob = platform.wallet(ACCOUNT.bob).account.address;
    await platform.openRestaurant(7n, platform.wallet(ACCOUNT.franchisee).account.address, 1_500);

    const id = keccak256(toHex("order:card-1"));
    const paymentRef = keccak256(toHex("pi_3QxYzAbCdEf"));
    await viem.assertions.emitWithArgs(
      platform.orderSettlement.write.settleCardPayment(
        [id, 7n, bob, 2_500n, paymentRef, RECEIPT_DIGEST],
        platform.asSigner.settler,
      ),
      platform.orderSettlement,
      "CardPaymentSettled",
      [id, 7n, sameAddress(bob), 2_500n, paymentRef, RECEIPT_DIGEST],
    );
    assert.equal(await platform.hotPotToken.read.balanceOf([bob]), 2_500n * CARD_REWARD_PER_TETRI);
    const record = await platform.orderSettlement.read.orderOf([id]);
    assert.equal(record.status, OrderStatus.CardSettled);
    assert.equal(record.cardAmount, 2_500n);
    assert.equal(record.customer.toLowerCase(), bob.toLowerCase());
  });
});
