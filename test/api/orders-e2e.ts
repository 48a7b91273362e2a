/**
 * The seed's restaurant workflow end to end, over HTTP against a real chain and Postgres:
 * register a restaurant, build its menu, order, pay by card (the real Stripe SDK against the local
 * card processor, signed webhooks), see the settlement, tokens and receipt; pay with the stable
 * token from a wallet (permit + escrow); refunds; every exactly-once case of the webhooks.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { after, before, describe, it } from "node:test";

import Stripe from "stripe";
import { keccak256, toHex, type Hex } from "viem";

import { placeOrderWithPermitArgs, type TokenPaymentQuote } from "../../lib/typed-data.ts";
import { ACCOUNT } from "../helpers/platform.ts";
import { eventually, localAccount, startWriteStack, type WriteStack } from "../helpers/write-stack.ts";

interface OrderBody {
  id: string;
  status: string;
  total: string;
  total_tetri: number;
  receipt_cid: string | null;
  refunded_tetri: number;
  chain: { order_id: Hex; status: string | null; reward: string | null; tx_hash: string | null };
}

const CARD_REWARD_PER_TETRI = 10n ** 16n;

describe("orders, payments and receipts end to end", () => {
  let stack: WriteStack;
  let restaurantId: string;
  let franchiseeToken: string;
  let hotPot: string;
  let dumplings: string;
  let customer: { token: string; userId: string; address: Hex };

  before(async () => {
    stack = await startWriteStack();
    // KYC is issue 6's workflow; here the KYC officer attests the franchisee on chain directly.
    const franchisee = localAccount(ACCOUNT.franchisee);
    await stack.attestKyc(franchisee.address);
    franchiseeToken = (await stack.signIn(franchisee)).token;
    const custodial = await stack.call<{ token: string; user: { id: string; address: Hex } }>(
      "POST",
      "/api/v1/auth/custodial",
    );
    assert.equal(custodial.status, 201);
    customer = { token: custodial.body.token, userId: custodial.body.user.id, address: custodial.body.user.address };
  });

  after(async () => {
    await stack.stop();
  });

  const order = async (id: string, token = customer.token): Promise<OrderBody> =>
    (await stack.call<OrderBody>("GET", `/api/v1/orders/${id}`, { token })).body;

  it("registers a restaurant: profile stored, franchise NFT minted by the relayer, mirrored", async () => {
    await stack.chain.client.getBlockNumber();
    const created = await stack.call<{ id: string; status: string; metadata_uri: string }>(
      "POST",
      "/api/v1/restaurants",
      {
        token: stack.adminToken,
        body: { name: "Test Restaurant", location: "Test City", owner: localAccount(ACCOUNT.franchisee).address },
      },
    );
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.status, "registering");
    restaurantId = created.body.id;
    const active = await eventually("the franchise on chain", async () => {
      const reply = await stack.call<{ status: string; owner: string }>("GET", `/api/v1/restaurants/${restaurantId}`);
      return reply.body.status === "active" ? reply.body : undefined;
    });
    assert.equal(active.owner, localAccount(ACCOUNT.franchisee).address.toLowerCase());
    const [owner] = await Promise.all([stack.chain.contracts.franchiseNFT.read.ownerOf([BigInt(restaurantId)])]);
    assert.equal(owner, localAccount(ACCOUNT.franchisee).address);
    // The metadata the NFT points to is on IPFS.
    const cid = created.body.metadata_uri.replace("ipfs://", "");
    const metadata = await fetch(`${stack.url}/ipfs/${cid}`);
    assert.deepEqual(((await metadata.json()) as { name: string }).name, "Test Restaurant");
  });

  it("lets the franchisee build the menu, and no one else", async () => {
    const add = (token: string, body: unknown) =>
      stack.call<{ id: string; price_tetri: number }>("POST", `/api/v1/restaurants/${restaurantId}/menu`, {
        token,
        body,
      });
    const first = await add(franchiseeToken, { name: "Hot Pot", description: "For two", price: "25.00" });
    assert.equal(first.status, 201, JSON.stringify(first.body));
    assert.equal(first.body.price_tetri, 2500);
    hotPot = first.body.id;
    dumplings = (await add(franchiseeToken, { name: "Dumplings", price: "8.5" })).body.id;
    assert.equal((await add(customer.token, { name: "Free food", price: "0.01" })).status, 403);
    const invalid = await add(franchiseeToken, { name: "", price: "1.234" });
    assert.equal(invalid.status, 400);
    assert.deepEqual(
      (invalid.body as unknown as { issues: { path: string }[] }).issues.map((issue) => issue.path).sort(),
      ["body.name", "body.price"],
    );
    const menu = await stack.call<{ items: { id: string }[] }>("GET", `/api/v1/menu?restaurant_id=${restaurantId}`);
    assert.deepEqual(menu.body.items.map((item) => item.id).sort(), [hotPot, dumplings].sort());
  });

  it("takes the seed's order body, prices it from the menu, and pays it by card through to settlement", async () => {
    const placed = await stack.call<OrderBody>("POST", "/api/v1/orders", {
      token: customer.token,
      body: {
        restaurant_id: restaurantId,
        items: [
          { id: hotPot, quantity: 2 },
          { id: dumplings, quantity: 1 },
        ],
        customer_id: customer.userId,
      },
    });
    assert.equal(placed.status, 201, JSON.stringify(placed.body));
    assert.equal(placed.body.total, "58.50");
    assert.equal(placed.body.status, "placed");

    const paid = await stack.call<{ status: string; payment_intent_id: string }>(
      "POST",
      `/api/v1/orders/${placed.body.id}/pay`,
      { token: customer.token, body: { method: "card", payment_method: "pm_card_visa" } },
    );
    assert.equal(paid.status, 200, JSON.stringify(paid.body));
    assert.equal(paid.body.status, "succeeded");

    const settled = await eventually("the card settlement on chain", async () => {
      const body = await order(placed.body.id);
      return body.status === "settled" ? body : undefined;
    });
    assert.equal(settled.chain.status, "settled");
    assert.equal(BigInt(settled.chain.reward ?? 0), 5850n * CARD_REWARD_PER_TETRI);
    const onChain = await stack.chain.contracts.orderSettlement.read.orderOf([settled.chain.order_id]);
    assert.equal(onChain.cardAmount, 5850n);
    assert.equal(
      await stack.chain.contracts.hotPotToken.read.balanceOf([customer.address]),
      5850n * CARD_REWARD_PER_TETRI,
    );

    // The receipt: served verified, and its sha2-256 is what the chain recorded.
    assert.ok(settled.receipt_cid !== null);
    const response = await fetch(`${stack.url}/ipfs/${settled.receipt_cid}`);
    assert.equal(response.status, 200);
    const bytes = new Uint8Array(await response.arrayBuffer());
    const receipt = JSON.parse(new TextDecoder().decode(bytes)) as {
      order_id: string;
      total: string;
      payment: { paymentRef: string };
    };
    assert.equal(receipt.order_id, placed.body.id);
    assert.equal(receipt.total, "58.50");
    assert.equal(receipt.payment.paymentRef, keccak256(toHex(paid.body.payment_intent_id)));
    const events = await stack.chain.contracts.orderSettlement.getEvents.CardPaymentSettled(
      { orderId: settled.chain.order_id },
      { fromBlock: 0n },
    );
    assert.equal(events.length, 1);
    assert.equal(events[0]?.args.receiptDigest, `0x${createHash("sha256").update(bytes).digest("hex")}`);

    // Paying again is a conflict; the kitchen serves it; a partial refund is recorded on chain.
    const again = await stack.call("POST", `/api/v1/orders/${placed.body.id}/pay`, {
      token: customer.token,
      body: { method: "card" },
    });
    assert.equal(again.status, 409);
    const served = await stack.call<OrderBody>("POST", `/api/v1/orders/${placed.body.id}/fulfill`, {
      token: franchiseeToken,
    });
    assert.equal(served.body.status, "fulfilled");
    const refund = await stack.call("POST", `/api/v1/orders/${placed.body.id}/refund`, {
      token: franchiseeToken,
      body: { amount: "10.00" },
    });
    assert.equal(refund.status, 202, JSON.stringify(refund.body));
    const refunded = await eventually("the refund on chain", async () => {
      const body = await order(placed.body.id);
      return body.refunded_tetri === 1000 ? body : undefined;
    });
    assert.equal(refunded.status, "fulfilled");
  });

  it("pays with the stable token: quote, permit signed by the wallet, escrow, settlement by the relayer", async () => {
    const wallet = localAccount(ACCOUNT.alice);
    const { token } = await stack.signIn(wallet);
    const placed = await stack.call<OrderBody>("POST", "/api/v1/orders", {
      token,
      body: { restaurant_id: restaurantId, items: [{ id: hotPot, quantity: 1 }] },
    });
    assert.equal(placed.status, 201, JSON.stringify(placed.body));
    const quote = await stack.call<TokenPaymentQuote>("POST", `/api/v1/orders/${placed.body.id}/pay`, {
      token,
      body: { method: "token" },
    });
    assert.equal(quote.status, 200, JSON.stringify(quote.body));
    await stack.chain.contracts.orderSettlement.write.placeOrderWithPermit(
      await placeOrderWithPermitArgs(wallet, quote.body),
      { account: wallet.address },
    );
    const settled = await eventually("the token order's fulfilment", async () => {
      const body = await order(placed.body.id, token);
      return body.status === "settled" ? body : undefined;
    });
    assert.equal(settled.chain.status, "fulfilled");
    assert.ok(settled.receipt_cid !== null);
    assert.equal((await fetch(`${stack.url}/ipfs/${settled.receipt_cid}`)).status, 200);
  });

  it("settles exactly once under duplicate, replayed and out-of-order webhooks", async () => {
    const processor = stack.cardProcessor;
    const place = async (): Promise<OrderBody> =>
      (
        await stack.call<OrderBody>("POST", "/api/v1/orders", {
          token: customer.token,
          body: { restaurant_id: restaurantId, items: [{ id: dumplings, quantity: 2 }] },
        })
      ).body;

    // Out of order: the refund's webhooks arrive before the payment's success.
    const first = await place();
    processor.holdWebhooks();
    const pay = await stack.call<{ status: string; payment_intent_id: string }>(
      "POST",
      `/api/v1/orders/${first.id}/pay`,
      { token: customer.token, body: { method: "card", payment_method: "pm_card_visa" } },
    );
    assert.equal(pay.body.status, "succeeded");
    // Refunded at once from the processor's side (as from Stripe's dashboard), before any webhook arrived.
    await new Stripe(processor.apiKey, processor.stripeConfig).refunds.create({
      payment_intent: pay.body.payment_intent_id,
    });
    const results = await processor.releaseWebhooks("reverse");
    assert.ok(results.every((result) => result.ok));
    const refunded = await eventually("settlement then refund", async () => {
      const body = await order(first.id);
      return body.status === "refunded" ? body : undefined;
    });
    assert.equal(refunded.chain.status, "refunded");

    // Duplicates: every event delivered again changes nothing.
    for (const event of processor.events.filter((candidate) => candidate.type.startsWith("payment_intent"))) {
      const again = await processor.redeliver(event.id);
      assert.equal(again.status, 200);
    }
    // A replay signed long ago is refused by the signature check (Stripe's 5-minute tolerance).
    const [firstEvent] = processor.events;
    assert.ok(firstEvent !== undefined);
    const stale = await processor.redeliver(firstEvent.id, {
      timestamp: Math.floor(Date.now() / 1000) - 3600,
    });
    assert.equal(stale.status, 400);
    const forged = await processor.redeliver(firstEvent.id, { secret: "whsec_wrong" });
    assert.equal(forged.status, 400);

    const { rows } = await stack.db.pool.query<{ n: string }>(
      `SELECT count(*)::text AS n FROM outbox WHERE kind = 'settle_card'`,
    );
    const settlements = await stack.chain.contracts.orderSettlement.getEvents.CardPaymentSettled({}, { fromBlock: 0n });
    assert.equal(settlements.length, Number(rows[0]?.n));
    assert.equal(new Set(settlements.map((event) => event.args.orderId)).size, settlements.length);
  });

  it("answers bad input, missing credentials and other people's orders with clear errors", async () => {
    const noAuth = await stack.call("POST", "/api/v1/orders", { body: { restaurant_id: restaurantId, items: [] } });
    assert.equal(noAuth.status, 401);
    const bad = await stack.call<{ issues: { path: string }[] }>("POST", "/api/v1/orders", {
      token: customer.token,
      body: { restaurant_id: "abc", items: [{ id: "item_1", quantity: 0 }] },
    });
    assert.equal(bad.status, 400);
    assert.ok(bad.body.issues.some((issue) => issue.path.startsWith("body.items.0")));
    const unknownRestaurant = await stack.call("POST", "/api/v1/orders", {
      token: customer.token,
      body: { restaurant_id: "999", items: [{ id: hotPot, quantity: 1 }] },
    });
    assert.equal(unknownRestaurant.status, 404);
    const wrongMenu = await stack.call<{ issues: { path: string }[] }>("POST", "/api/v1/orders", {
      token: customer.token,
      body: { restaurant_id: restaurantId, items: [{ id: "00000000-0000-4000-8000-000000000000", quantity: 1 }] },
    });
    assert.equal(wrongMenu.status, 400);
    assert.equal(wrongMenu.body.issues[0]?.path, "body.items.0.id");
    const notJson = await stack.call("POST", "/api/v1/orders", {
      token: customer.token,
      body: "{",
      headers: { "content-type": "application/json" },
    });
    assert.equal(notJson.status, 400);

    const mine = (
      await stack.call<OrderBody>("POST", "/api/v1/orders", {
        token: customer.token,
        body: { restaurant_id: restaurantId, items: [{ id: hotPot, quantity: 1 }] },
      })
    ).body;
    const other = await stack.signIn(localAccount(ACCOUNT.bob));
    assert.equal((await stack.call("GET", `/api/v1/orders/${mine.id}`, { token: other.token })).status, 403);
    assert.equal((await stack.call("GET", `/api/v1/orders/${mine.id}`, { token: franchiseeToken })).status, 200);
    const forSomeoneElse = await stack.call("POST", "/api/v1/orders", {
      token: other.token,
      body: { restaurant_id: restaurantId, items: [{ id: hotPot, quantity: 1 }], customer_id: customer.userId },
    });
    assert.equal(forSomeoneElse.status, 403);
  });

  it("offers the same operations as GraphQL mutations, with the same credentials and errors", async () => {
    const graphql = async (
      query: string,
      variables: Record<string, unknown>,
      token?: string,
    ): Promise<{
      data?: Record<string, Record<string, unknown> | null>;
      errors?: { extensions: { code: string } }[];
    }> =>
      (
        await stack.call<{
          data?: Record<string, Record<string, unknown> | null>;
          errors?: { extensions: { code: string } }[];
        }>("POST", "/graphql", { token, body: { query, variables } })
      ).body;
    const create = `mutation ($restaurantId: BigInt!, $items: [OrderLineInput!]!) {
      createOrder(restaurantId: $restaurantId, items: $items) { id total status items { name quantity } }
    }`;
    const variables = { restaurantId: restaurantId, items: [{ id: hotPot, quantity: 3 }] };
    const anonymous = await graphql(create, variables);
    assert.equal(anonymous.errors?.[0]?.extensions.code, "UNAUTHENTICATED");
    const created = await graphql(create, variables, customer.token);
    assert.equal(created.errors, undefined, JSON.stringify(created.errors));
    const order = created.data?.createOrder;
    assert.ok(order !== undefined && order !== null);
    assert.equal(order.total, "75.00");
    assert.equal(order.status, "placed");
    const paid = await graphql(
      `
        mutation ($id: ID!) {
          payOrderByCard(orderId: $id, paymentMethod: "pm_card_visa") {
            status
          }
        }
      `,
      { id: order.id },
      customer.token,
    );
    assert.equal(paid.data?.payOrderByCard?.status, "succeeded", JSON.stringify(paid.errors));
    const settled = await eventually("the GraphQL order settled", async () => {
      const read = await graphql(
        `
          query ($id: ID!) {
            placedOrder(id: $id) {
              status
              receiptCid
              chainStatus
            }
          }
        `,
        { id: order.id },
        customer.token,
      );
      return read.data?.placedOrder?.status === "settled" ? read.data.placedOrder : undefined;
    });
    assert.equal(settled.chainStatus, "settled");
    const forbidden = await graphql(
      `
        mutation ($r: BigInt!) {
          addMenuItem(restaurantId: $r, name: "Free", price: "0.01") {
            id
          }
        }
      `,
      { r: restaurantId },
      customer.token,
    );
    assert.equal(forbidden.errors?.[0]?.extensions.code, "FORBIDDEN");
    const invalid = await graphql(create, { ...variables, items: [{ id: hotPot, quantity: 0 }] }, customer.token);
    assert.equal(invalid.errors?.[0]?.extensions.code, "BAD_USER_INPUT");
  });
});
