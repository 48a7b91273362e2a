/**
 * Paying part of a token order with HOTPOT points, against the real chain and Postgres: a customer
 * earns points with a card order, asks what discount the points buy, pays a token order with part
 * of it (the points burned at escrow, the permit for the price less the discount), and discounts
 * above the currency's cap or the balance are refused with a 422 naming the field, changing nothing.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import { formatEther, parseEther, type Hex } from "viem";

import { placeOrderWithPermitArgs, type TokenPaymentQuote } from "../../lib/typed-data.ts";
import { waitForMirror } from "../helpers/devchain.ts";
import { ACCOUNT } from "../helpers/platform.ts";
import { eventually, localAccount, startWriteStack, type WriteStack } from "../helpers/write-stack.ts";

interface OrderBody {
  id: string;
  status: string;
  chain: { order_id: Hex; status: string | null };
}

interface PointsOffer {
  max_discount: string;
  max_discount_tetri: number;
  cap: string;
  points_per_gel: string;
  points_for_max: string;
  balance: string;
}

interface ErrorBody {
  error: string;
  issues?: { path: string; message: string }[];
}

describe("paying part of a token order with HOTPOT points", () => {
  let stack: WriteStack;
  let restaurantId: string;
  let hotPot: string;
  const wallet = localAccount(ACCOUNT.bob);
  let token: string;

  before(async () => {
    stack = await startWriteStack();
    ({ restaurantId, itemId: hotPot } = await stack.openRestaurant({
      name: "Points Restaurant",
      location: "Tbilisi",
      owner: localAccount(ACCOUNT.franchisee),
      item: { name: "Hot Pot", price: "25.00" },
    }));
    token = (await stack.signIn(wallet)).token;
  });

  after(async () => {
    await stack.stop();
  });

  const place = async (quantity: number): Promise<string> => {
    const placed = await stack.call<OrderBody>("POST", "/api/v1/orders", {
      token,
      body: { restaurant_id: restaurantId, items: [{ id: hotPot, quantity }] },
    });
    assert.equal(placed.status, 201, JSON.stringify(placed.body));
    return placed.body.id;
  };
  const points = () => stack.chain.contracts.hotPotToken.read.balanceOf([wallet.address]);
  const paymentMethod = async (id: string) =>
    (
      await stack.db.pool.query<{ payment_method: string | null }>(
        "SELECT payment_method FROM customer_order WHERE id = $1",
        [id],
      )
    ).rows[0]?.payment_method;

  it("earns points by card, then pays part of a token order with them", async () => {
    // ₾100.00 by card earns 100 HOTPOT locally (10^16 per tetri); a discount costs 1 HOTPOT per tetri.
    const cardOrder = await place(4);
    const paid = await stack.call("POST", `/api/v1/orders/${cardOrder}/pay`, {
      token,
      body: { method: "card", payment_method: "pm_card_visa" },
    });
    assert.equal(paid.status, 200, JSON.stringify(paid.body));
    await eventually("the card order's reward", async () =>
      (await points()) === parseEther("100") ? true : undefined,
    );
    await waitForMirror(stack.db, stack.chain);

    const id = await place(1);
    const offer = await stack.call<PointsOffer>("GET", `/api/v1/orders/${id}/points`, { token });
    assert.equal(offer.status, 200, JSON.stringify(offer.body));
    // The cap is half of ₾25.00; the 100 HOTPOT cover only ₾1.00 of it.
    assert.deepEqual(offer.body, {
      max_discount: "1.00",
      max_discount_tetri: 100,
      cap: "12.50",
      points_per_gel: parseEther("100").toString(),
      points_for_max: parseEther("100").toString(),
      balance: parseEther("100").toString(),
    });
    // Only the customer's own wallet is offered the discount.
    const other = await stack.signIn(localAccount(ACCOUNT.carol));
    assert.equal((await stack.call("GET", `/api/v1/orders/${id}/points`, { token: other.token })).status, 403);

    const before = await points();
    const quote = await stack.call<TokenPaymentQuote>("POST", `/api/v1/orders/${id}/pay`, {
      token,
      body: { method: "token", points_discount: "0.60" },
    });
    assert.equal(quote.status, 200, JSON.stringify(quote.body));
    assert.equal(quote.body.order.price, "2500");
    assert.equal(quote.body.order.discount, "60");
    assert.equal(quote.body.order.pointsRedeemed, parseEther("60").toString());
    assert.equal(quote.body.permit.message.value, "2440");

    const gelBefore = await stack.chain.contracts.testGel.read.balanceOf([wallet.address]);
    const hash = await stack.chain.contracts.orderSettlement.write.placeOrderWithPermit(
      await placeOrderWithPermitArgs(wallet, quote.body),
      { account: wallet.address },
    );
    const receipt = await stack.chain.client.waitForTransactionReceipt({ hash });
    assert.equal(receipt.status, "success");
    // At the escrow's block: exactly the points burned, exactly price − discount taken.
    const atEscrow = { blockNumber: receipt.blockNumber };
    assert.equal(
      before - (await stack.chain.contracts.hotPotToken.read.balanceOf([wallet.address], atEscrow)),
      parseEther("60"),
    );
    assert.equal(gelBefore - (await stack.chain.contracts.testGel.read.balanceOf([wallet.address], atEscrow)), 2440n);
    const events = await stack.chain.contracts.orderSettlement.getEvents.TokenOrderPlaced(
      { orderId: quote.body.order.orderId as Hex },
      { fromBlock: receipt.blockNumber, toBlock: receipt.blockNumber },
    );
    assert.equal(events.length, 1);
    const placed = events[0];
    assert.ok(placed !== undefined);
    assert.equal(placed.args.discount, 60n);
    assert.equal(placed.args.pointsRedeemed, parseEther("60"));
    assert.equal(placed.args.paid, 2440n);

    // The mirror: the order's discount and the redemption, and the relayer settles the order.
    const settled = await eventually("the token order's fulfilment", async () => {
      const body = (await stack.call<OrderBody>("GET", `/api/v1/orders/${id}`, { token })).body;
      return body.status === "settled" ? body : undefined;
    });
    assert.equal(settled.chain.status, "fulfilled");
    const { rows: orders } = await stack.db.pool.query<{ discount: string; points_redeemed: string }>(
      `SELECT discount::text, points_redeemed::text FROM "order" WHERE order_id = $1 AND block_to IS NULL`,
      [quote.body.order.orderId],
    );
    assert.deepEqual(orders, [{ discount: "60", points_redeemed: parseEther("60").toString() }]);
    const { rows: redemptions } = await stack.db.pool.query<{ amount: string; reason: string }>(
      "SELECT amount::text, reason FROM redemption WHERE lower(account) = lower($1) AND tx_hash = $2",
      [wallet.address, hash],
    );
    assert.deepEqual(redemptions, [{ amount: parseEther("60").toString(), reason: "discount" }]);
  });

  it("refuses a discount above the cap or the balance with a 422 naming the field, changing nothing", async () => {
    await waitForMirror(stack.db, stack.chain);
    const id = await place(1);
    const before = await points();
    const { balance } = (await stack.call<PointsOffer>("GET", `/api/v1/orders/${id}/points`, { token })).body;
    const cases = [
      { discount: "12.51", message: "at most ₾12.50 can be paid with points" },
      { discount: "12.50", message: `you have ${formatEther(BigInt(balance))} HOTPOT; this discount needs 1250` },
    ];
    for (const { discount, message } of cases) {
      const refused = await stack.call<ErrorBody>("POST", `/api/v1/orders/${id}/pay`, {
        token,
        body: { method: "token", points_discount: discount },
      });
      assert.equal(refused.status, 422, JSON.stringify(refused.body));
      assert.equal(refused.body.error, message);
      assert.deepEqual(refused.body.issues, [{ path: "body.points_discount", message }]);
    }
    const malformed = await stack.call<ErrorBody>("POST", `/api/v1/orders/${id}/pay`, {
      token,
      body: { method: "token", points_discount: "0.001" },
    });
    assert.equal(malformed.status, 400);
    assert.deepEqual(
      malformed.body.issues?.map((issue) => issue.path),
      ["body.points_discount"],
    );
    // Nothing changed: the order is unclaimed and unpaid, the points are where they were.
    assert.equal(await paymentMethod(id), null);
    assert.equal((await stack.call<OrderBody>("GET", `/api/v1/orders/${id}`, { token })).body.status, "placed");
    assert.equal(await points(), before);
  });
});
