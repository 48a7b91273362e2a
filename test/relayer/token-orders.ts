import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import { keccak256, toHex, type Address, type Hex } from "viem";

import { createTestDatabase, type TestDatabase } from "../helpers/database.ts";
import { accountAt, openRestaurant, startDevChain, type DevChain } from "../helpers/devchain.ts";
import { ACCOUNT, DAY, OrderStatus, RECEIPT_DIGEST, evidence } from "../helpers/platform.ts";
import { signPermit, type TokenOrderMessage } from "../../lib/typed-data.ts";
import { LOCAL_ACCOUNTS } from "../../deploy/accounts.ts";
import { chainOrderId, enqueue, outboxRow, relayerFor } from "./setup.ts";

/** A token order as the API writes it into an outbox payload (decimal strings, lower-case hex). */
function orderPayload(order: TokenOrderMessage) {
  return {
    orderId: order.orderId,
    restaurantId: order.restaurantId.toString(),
    customer: order.customer.toLowerCase(),
    token: order.token.toLowerCase(),
    price: order.price.toString(),
    discount: order.discount.toString(),
    pointsRedeemed: order.pointsRedeemed.toString(),
    reclaimAfter: order.reclaimAfter.toString(),
  };
}

describe("relayer: token orders and franchises", () => {
  let chain: DevChain;
  let db: TestDatabase;
  let relayer: ReturnType<typeof relayerFor>;
  let customer: Address;

  before(async () => {
    [chain, db] = await Promise.all([startDevChain(), createTestDatabase()]);
    await openRestaurant(chain, 1n, ACCOUNT.franchisee);
    customer = await accountAt(chain, ACCOUNT.alice);
    relayer = relayerFor(chain, db);
  });

  after(async () => {
    await relayer.stop();
    await Promise.all([chain.stop(), db.drop()]);
  });

  async function newOrder(label: string, price: bigint): Promise<TokenOrderMessage> {
    const block = await chain.client.getBlock();
    return {
      orderId: chainOrderId(label),
      restaurantId: 1n,
      customer,
      token: chain.addresses.testGel,
      price,
      discount: 0n,
      pointsRedeemed: 0n,
      reclaimAfter: Number(block.timestamp + DAY),
    };
  }

  /** The customer's app: a permit signed against the relayer's token info, then placeOrderWithPermit. */
  async function placeWithPermit(order: TokenOrderMessage): Promise<void> {
    const [wallet] = await chain.connection.viem.getWalletClients({ account: customer });
    assert.ok(wallet !== undefined);
    const info = await relayer.tokenInfo(order.token);
    const nonce = await relayer.permitNonce(order.token, customer);
    const deadline = BigInt(order.reclaimAfter);
    const permit = await signPermit(wallet, info, {
      spender: chain.addresses.orderSettlement,
      value: order.price - order.discount,
      nonce,
      deadline,
    });
    const quote = await relayer.signQuote(order);
    const hash = await chain.contracts.orderSettlement.write.placeOrderWithPermit(
      [order, quote, deadline, permit.v, permit.r, permit.s],
      { account: customer },
    );
    await chain.client.waitForTransactionReceipt({ hash });
    assert.equal(await relayer.permitNonce(order.token, customer), nonce + 1n, "the permit was used");
  }

  it("test_readHelpers_tokenInfoAndQuote", async () => {
    const info = await relayer.tokenInfo(chain.addresses.testGel);
    const [, name, version, chainId] = await chain.contracts.testGel.read.eip712Domain();
    assert.deepEqual(
      { name: info.name, version: info.version, chainId: info.chainId, decimals: info.decimals },
      { name, version, chainId: Number(chainId), decimals: await chain.contracts.testGel.read.decimals() },
    );
    const order = await newOrder("quote-check", 2_500n);
    const quote: Hex = await relayer.signQuote(order);
    assert.match(quote, /^0x[0-9a-f]{130}$/);
    assert.equal((await relayer.orderOf(order.orderId)).status, "None");
    assert.equal(await relayer.requiredKycLevel(), await chain.contracts.franchiseNFT.read.requiredKycLevel());
  });

  it("test_fulfillToken_escrowedOrderBecomesFulfilled", async () => {
    const order = await newOrder("fulfil-me", 2_500n);
    await placeWithPermit(order);
    assert.equal((await chain.contracts.orderSettlement.read.orderOf([order.orderId])).status, OrderStatus.Escrowed);

    await enqueue(db, "fulfill_token", `fulfill:${order.orderId}`, {
      order: orderPayload(order),
      receiptDigest: RECEIPT_DIGEST,
    });
    const summary = await relayer.drainOnce();
    assert.equal(summary.transactions, 1);
    assert.equal((await outboxRow(db, `fulfill:${order.orderId}`)).status, "done");
    assert.equal((await chain.contracts.orderSettlement.read.orderOf([order.orderId])).status, OrderStatus.Fulfilled);
    assert.equal((await relayer.orderOf(order.orderId)).status, "Fulfilled");

    // Fulfilling again (a duplicate request under another key) is already done, not a failure.
    await enqueue(db, "fulfill_token", `fulfill:${order.orderId}:again`, {
      order: orderPayload(order),
      receiptDigest: RECEIPT_DIGEST,
    });
    await relayer.drainOnce();
    const again = await outboxRow(db, `fulfill:${order.orderId}:again`);
    assert.equal(again.status, "done");
    assert.match(again.last_error ?? "", /already fulfilled/);
  });

  it("test_refundToken_escrowedOrderBecomesRefunded", async () => {
    const order = await newOrder("refund-me", 1_500n);
    await placeWithPermit(order);
    const before = await chain.contracts.testGel.read.balanceOf([customer]);
    await enqueue(db, "refund_token", `refund:${order.orderId}`, { order: orderPayload(order) });
    await relayer.drainOnce();
    assert.equal((await outboxRow(db, `refund:${order.orderId}`)).status, "done");
    assert.equal((await chain.contracts.orderSettlement.read.orderOf([order.orderId])).status, OrderStatus.Refunded);
    assert.equal((await chain.contracts.testGel.read.balanceOf([customer])) - before, 1_500n);
  });

  it("test_fulfillToken_mismatchedDescriptionFailsWithErrorName", async () => {
    const order = await newOrder("mismatch", 1_000n);
    await placeWithPermit(order);
    await enqueue(db, "fulfill_token", "fulfill:mismatch", {
      order: orderPayload({ ...order, price: 999n }),
      receiptDigest: RECEIPT_DIGEST,
    });
    await relayer.drainOnce();
    const row = await outboxRow(db, "fulfill:mismatch");
    assert.equal(row.status, "failed");
    assert.match(row.last_error ?? "", /^OrderSettlementOrderMismatch\(/);
  });

  it("test_settleCard_idTakenByATokenOrder_isDoneWithARefundNote", async () => {
    const order = await newOrder("taken-by-token", 800n);
    await placeWithPermit(order);
    await enqueue(db, "settle_card", "card:taken-by-token", {
      orderId: order.orderId,
      restaurantId: "1",
      customer: customer.toLowerCase(),
      amount: "800",
      paymentRef: keccak256(toHex("pi_taken-by-token")),
      receiptDigest: RECEIPT_DIGEST,
    });
    await relayer.drainOnce();
    const row = await outboxRow(db, "card:taken-by-token");
    assert.equal(row.status, "done", "the chain skipped it: nothing more to send");
    assert.match(row.last_error ?? "", /taken by a token order \(Escrowed\); refund this card payment/);
  });

  it("test_registerFranchise_franchiseExists", async () => {
    const owner = await accountAt(chain, ACCOUNT.franchisee2);
    const officer = await accountAt(chain, LOCAL_ACCOUNTS.kycOfficer);
    const block = await chain.client.getBlock();
    await chain.contracts.kycRegistry.write.attest([owner, 2, block.timestamp + 365n * DAY, evidence(owner)], {
      account: officer,
    });
    await enqueue(db, "register_franchise", "franchise:7", {
      restaurantId: "7",
      owner: owner.toLowerCase(),
      feeBps: "1200",
      metadataURI: `ipfs://bafkrei${keccak256(toHex("restaurant 7")).slice(2, 20)}`,
    });
    await relayer.drainOnce();
    assert.equal((await outboxRow(db, "franchise:7")).status, "done");
    assert.equal((await chain.contracts.franchiseNFT.read.ownerOf([7n])).toLowerCase(), owner.toLowerCase());
    assert.equal(await chain.contracts.franchiseNFT.read.isActive([7n]), true);

    // An unverified owner: the contract's KYC rule refuses, the row fails with the error's name.
    const stranger = await accountAt(chain, ACCOUNT.stranger);
    await enqueue(db, "register_franchise", "franchise:8", {
      restaurantId: "8",
      owner: stranger.toLowerCase(),
      feeBps: "1000",
      metadataURI: "ipfs://bafkreistranger",
    });
    await relayer.drainOnce();
    const refused = await outboxRow(db, "franchise:8");
    assert.equal(refused.status, "failed");
    assert.match(refused.last_error ?? "", /^FranchiseNFTRecipientNotVerified\(/);
  });
});
