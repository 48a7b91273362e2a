/**
 * Restaurant.dailyTotals against a real chain: card orders settled, token orders placed one day and
 * fulfilled the next, card refunds (partial and full) recorded on later days, and quiet days in
 * between. Each day's figures must equal what the chain's own events say happened that UTC day,
 * their sum must equal Restaurant.totals, and an earlier asOfBlock must not see later days.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import { keccak256, sha256, toHex, zeroAddress, type Hex } from "viem";

import { LOCAL_ACCOUNTS } from "../../deploy/accounts.ts";
import { signQuote, type TokenOrderMessage } from "../../lib/typed-data.ts";
import {
  accountAt,
  indexerFor,
  openRestaurant,
  settleCard,
  startDevChain,
  waitForMirror,
  type DevChain,
} from "../helpers/devchain.ts";
import { startTestApi, type TestApi } from "../support/harness.ts";

const RESTAURANT = 7_301n;
const OTHER_RESTAURANT = 7_302n;
const FRANCHISEE = 11;
const CUSTOMER = 5; // holds tGEL on the local deployment
const DAY_SECONDS = 86_400n;

interface Day {
  date: string;
  orderCount: number;
  revenue: string;
  refunds: string;
  platformFees: string;
  rewards: string;
}

interface Figures {
  orderCount: number;
  revenue: bigint;
  refunds: bigint;
  platformFees: bigint;
  rewards: bigint;
}

const utcDay = (seconds: bigint): string => new Date(Number(seconds) * 1000).toISOString().slice(0, 10);

describe("GraphQL: a restaurant's takings by day", () => {
  let chain: DevChain;
  let api: TestApi;
  let indexer: ReturnType<typeof indexerFor>;

  before(async () => {
    [chain, api] = await Promise.all([startDevChain(), startTestApi({ seed: false })]);
    indexer = indexerFor(chain, api.db);
    await indexer.start();
  });

  after(async () => {
    await indexer.stop();
    await Promise.all([api.stop(), chain.stop()]);
  });

  /** The next block is mined at `seconds` (one block per transaction after it, a second apart). */
  async function nextBlockAt(seconds: bigint): Promise<void> {
    await chain.connection.provider.request({ method: "evm_setNextBlockTimestamp", params: [Number(seconds)] });
  }

  async function placeTokenOrder(label: string, price: bigint): Promise<TokenOrderMessage> {
    const { orderSettlement, testGel } = chain.contracts;
    const customer = await accountAt(chain, CUSTOMER);
    const now = (await chain.client.getBlock()).timestamp;
    const order: TokenOrderMessage = {
      orderId: keccak256(toHex(`order:${label}`)),
      restaurantId: RESTAURANT,
      customer,
      token: testGel.address,
      price,
      discount: 0n,
      pointsRedeemed: 0n,
      reclaimAfter: Number(now + 30n * DAY_SECONDS),
    };
    const settler = (await chain.connection.viem.getWalletClients())[LOCAL_ACCOUNTS.settler];
    assert.ok(settler);
    const quote: Hex = await signQuote(
      settler,
      { address: orderSettlement.address, chainId: await chain.client.getChainId() },
      order,
    );
    await testGel.write.approve([orderSettlement.address, price], { account: customer });
    await orderSettlement.write.placeOrder([order, quote], { account: customer });
    return order;
  }

  async function fulfil(order: TokenOrderMessage): Promise<void> {
    await chain.contracts.orderSettlement.write.fulfill([order, sha256(toHex(order.orderId))], {
      account: await accountAt(chain, FRANCHISEE),
    });
  }

  async function refundCard(orderId: Hex, amount: bigint, label: string): Promise<void> {
    await chain.contracts.orderSettlement.write.recordCardRefund([orderId, amount, keccak256(toHex(`re_${label}`))], {
      account: await accountAt(chain, LOCAL_ACCOUNTS.settler),
    });
  }

  /** Per UTC day, what the chain's events say the restaurant settled, refunded and rewarded. */
  async function figuresFromChain(upTo: bigint): Promise<Map<string, Figures>> {
    const { orderSettlement, hotPotToken } = chain.contracts;
    const range = { fromBlock: 0n, toBlock: upTo };
    const events = async (
      eventName: "TokenOrderPlaced" | "CardPaymentSettled" | "TokenOrderFulfilled" | "CardRefundRecorded",
    ): Promise<{ args: Record<string, unknown>; blockNumber: bigint; transactionHash: Hex }[]> =>
      chain.client.getContractEvents({
        address: orderSettlement.address,
        abi: orderSettlement.abi,
        eventName,
        ...range,
      });
    const placed = new Map(
      (await events("TokenOrderPlaced")).map((log) => [
        log.args.orderId as Hex,
        log.args as { restaurantId: bigint; paid: bigint },
      ]),
    );
    const cards = await events("CardPaymentSettled");
    const ours = new Set<Hex>([
      ...[...placed].filter(([, args]) => args.restaurantId === RESTAURANT).map(([id]) => id),
      ...cards.filter((log) => log.args.restaurantId === RESTAURANT).map((log) => log.args.orderId as Hex),
    ]);
    const mints = (await chain.client.getContractEvents({
      address: hotPotToken.address,
      abi: hotPotToken.abi,
      eventName: "Transfer",
      args: { from: zeroAddress },
      ...range,
    })) as unknown as { args: { value: bigint }; transactionHash: Hex }[];
    const minted = (tx: Hex): bigint =>
      mints.filter((mint) => mint.transactionHash === tx).reduce((sum, mint) => sum + mint.args.value, 0n);

    const days = new Map<string, Figures>();
    const times = new Map<bigint, bigint>();
    const add = async (block: bigint, change: Partial<Figures>): Promise<void> => {
      let time = times.get(block);
      if (time === undefined) {
        time = (await chain.client.getBlock({ blockNumber: block })).timestamp;
        times.set(block, time);
      }
      const day = days.get(utcDay(time)) ?? { orderCount: 0, revenue: 0n, refunds: 0n, platformFees: 0n, rewards: 0n };
      days.set(utcDay(time), {
        orderCount: day.orderCount + (change.orderCount ?? 0),
        revenue: day.revenue + (change.revenue ?? 0n),
        refunds: day.refunds + (change.refunds ?? 0n),
        platformFees: day.platformFees + (change.platformFees ?? 0n),
        rewards: day.rewards + (change.rewards ?? 0n),
      });
    };
    for (const log of cards.filter((card) => ours.has(card.args.orderId as Hex))) {
      await add(log.blockNumber, {
        orderCount: 1,
        revenue: log.args.amount as bigint,
        rewards: minted(log.transactionHash),
      });
    }
    for (const log of (await events("TokenOrderFulfilled")).filter((fulfilled) =>
      ours.has(fulfilled.args.orderId as Hex),
    )) {
      await add(log.blockNumber, {
        orderCount: 1,
        revenue: placed.get(log.args.orderId as Hex)?.paid ?? assert.fail("fulfilled but never placed"),
        platformFees: log.args.platformFee as bigint,
        rewards: log.args.reward as bigint,
      });
    }
    for (const log of (await events("CardRefundRecorded")).filter((refund) => ours.has(refund.args.orderId as Hex))) {
      await add(log.blockNumber, { refunds: log.args.amount as bigint });
    }
    return days;
  }

  async function dailyTotals(
    from: string,
    to: string,
    asOfBlock?: number,
  ): Promise<{ days: Day[]; totals: { orderCount: number; revenue: string; platformFees: string }; block: number }> {
    const response = await api.query<{
      _meta: { blockNumber: number };
      restaurant: { dailyTotals: Day[]; totals: { orderCount: number; revenue: string; platformFees: string } } | null;
    }>(
      /* GraphQL */ `
        query Days($id: BigInt!, $from: String!, $to: String!, $asOfBlock: Int) {
          _meta {
            blockNumber
          }
          restaurant(id: $id, asOfBlock: $asOfBlock) {
            dailyTotals(from: $from, to: $to) {
              date
              orderCount
              revenue
              refunds
              platformFees
              rewards
            }
            totals {
              orderCount
              revenue
              platformFees
            }
          }
        }
      `,
      { id: RESTAURANT.toString(), from, to, asOfBlock },
    );
    assert.equal(response.errors, undefined, JSON.stringify(response.errors));
    const restaurant = response.data?.restaurant ?? assert.fail("restaurant not found");
    return { days: restaurant.dailyTotals, totals: restaurant.totals, block: response.data?._meta.blockNumber ?? -1 };
  }

  it("test_dailyTotals_eachDayEqualsTheChainsEventsOfThatDay_andTheDaysAddUpToTheTotals", async () => {
    await openRestaurant(chain, RESTAURANT, FRANCHISEE);
    await openRestaurant(chain, OTHER_RESTAURANT, FRANCHISEE);
    // Day 1 starts an hour after the next UTC midnight, so every phase below stays inside its day.
    const head = (await chain.client.getBlock()).timestamp;
    const day1 = (head / DAY_SECONDS + 1n) * DAY_SECONDS + 3_600n;
    const on = (day: bigint): bigint => day1 + (day - 1n) * DAY_SECONDS;

    await nextBlockAt(on(1n));
    const cardA = await settleCard(chain, "days-a", RESTAURANT, CUSTOMER, 2_500n);
    await settleCard(chain, "days-b", RESTAURANT, CUSTOMER, 7_450n);
    await settleCard(chain, "days-elsewhere", OTHER_RESTAURANT, CUSTOMER, 99_900n);
    const tokenA = await placeTokenOrder("days-token-a", 12_000n);

    await nextBlockAt(on(2n));
    await fulfil(tokenA); // settled the day it is fulfilled, not the day it was paid into escrow
    await refundCard(cardA, 1_000n, "days-a-1");
    const cardC = await settleCard(chain, "days-c", RESTAURANT, CUSTOMER, 4_000n);
    const blockOfDay2 = (await chain.client.getBlock()).number;

    // Day 3 is quiet; on day 4 the rest of card A and all of card C come back, and another token order.
    await nextBlockAt(on(4n));
    await refundCard(cardA, 1_500n, "days-a-2");
    await refundCard(cardC, 4_000n, "days-c");
    await fulfil(await placeTokenOrder("days-token-b", 3_300n));
    await waitForMirror(api.db, chain);

    const from = utcDay(on(0n));
    const to = utcDay(on(5n));
    const { days, totals, block } = await dailyTotals(from, to);
    const expected = await figuresFromChain(BigInt(block));
    assert.deepEqual(
      days.map((day) => day.date),
      [0n, 1n, 2n, 3n, 4n, 5n].map((day) => utcDay(on(day))),
    );
    for (const day of days) {
      const want = expected.get(day.date) ?? { orderCount: 0, revenue: 0n, refunds: 0n, platformFees: 0n, rewards: 0n };
      assert.deepEqual(
        day,
        {
          date: day.date,
          orderCount: want.orderCount,
          revenue: want.revenue.toString(),
          refunds: want.refunds.toString(),
          platformFees: want.platformFees.toString(),
          rewards: want.rewards.toString(),
        },
        day.date,
      );
    }
    // The scenario did what it says: sales on days 1, 2 and 4, refunds on 2 and 4, nothing on 0, 3 and 5.
    assert.deepEqual(
      days.map((day) => [day.orderCount, day.refunds]),
      [
        [0, "0"],
        [2, "0"],
        [2, "1000"],
        [0, "0"],
        [1, "5500"],
        [0, "0"],
      ],
    );
    assert.ok(
      days.every((day) => day.orderCount === 0 || BigInt(day.rewards) > 0n),
      "every settling day rewarded",
    );
    assert.ok(BigInt(days[2]?.platformFees ?? 0) > 0n, "the token order's fee counts on the day it was fulfilled");

    const sum = (field: "revenue" | "refunds" | "platformFees"): bigint =>
      days.reduce((total, day) => total + BigInt(day[field]), 0n);
    assert.equal(
      days.reduce((count, day) => count + day.orderCount, 0),
      totals.orderCount,
      "order count",
    );
    assert.equal(sum("revenue") - sum("refunds"), BigInt(totals.revenue), "revenue net of refunds");
    assert.equal(sum("platformFees"), BigInt(totals.platformFees), "platform fees");

    // As of day 2's last block, day 4 has not happened, and day 2's figures are as they were.
    const past = await dailyTotals(from, to, Number(blockOfDay2));
    assert.deepEqual(past.days[4], {
      date: utcDay(on(4n)),
      orderCount: 0,
      revenue: "0",
      refunds: "0",
      platformFees: "0",
      rewards: "0",
    });
    assert.deepEqual(past.days[2], days[2]);
    const pastExpected = await figuresFromChain(blockOfDay2);
    assert.equal(past.days[1]?.revenue, pastExpected.get(utcDay(on(1n)))?.revenue.toString());
  });
});
