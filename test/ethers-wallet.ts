import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { network } from "hardhat";
import { getAddress } from "viem";

import { payWithPermit } from "../examples/pay-with-permit.ts";
import { ACCOUNT, DAY, deployPlatform, orderId, OrderStatus, quote } from "./helpers/platform.ts";

// The ethers + TypeChain wallet example pays a real order on a real (in-process) chain.
describe("wallet-side example with ethers", async () => {
  const connection = await network.create();

  it("pays a token order with a permit in one transaction", async () => {
    const platform = await deployPlatform(connection);
    await platform.openRestaurant(4n, platform.wallet(ACCOUNT.franchisee).account.address);
    const signers = await connection.ethers.getSigners();
    const customer = signers[ACCOUNT.carol];
    assert.ok(customer);
    const now = BigInt(await connection.networkHelpers.time.latest());

    const order = {
      orderId: orderId("ethers-1"),
      restaurantId: 4n,
      customer: getAddress(await customer.getAddress()),
      token: platform.testGel.address,
      price: 3_750n,
      discount: 0n,
      pointsRedeemed: 0n,
      reclaimAfter: now + DAY,
    };
    const before = await platform.testGel.read.balanceOf([order.customer]);
    const receipt = await payWithPermit(
      customer,
      { orderSettlement: platform.orderSettlement.address, token: platform.testGel.address },
      order,
      await quote(platform, { ...order, reclaimAfter: Number(order.reclaimAfter) }),
    );

    assert.equal(receipt.status, 1);
    assert.equal(await platform.testGel.read.balanceOf([order.customer]), before - 3_750n);
    assert.equal((await platform.orderSettlement.read.orderOf([order.orderId])).status, OrderStatus.Escrowed);
  });
});
