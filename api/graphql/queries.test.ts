import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import { startTestApi, type TestApi } from "../../test/support/harness.ts";
import { ADDRESS, blockHash, HEAD_BLOCK, HOTPOT, orderId, seededOrders, txHash } from "../../test/support/seed.ts";

const wei = (tokens: bigint): string => (tokens * HOTPOT).toString();

/** Status of a seeded order at the end of `block`. */
function statusAt(id: string, block: number): string | undefined {
  const order = seededOrders().find((candidate) => candidate.orderId === id);
  return order?.versions.filter(([from]) => from <= block).at(-1)?.[1];
}

describe("GraphQL queries", () => {
  let api: TestApi;
  before(async () => {
    api = await startTestApi();
  });
  after(async () => {
    await api.stop();
  });

  async function data<Data>(query: string, variables?: Record<string, unknown>): Promise<Data> {
    const response = await api.query<Data>(query, variables);
    assert.equal(response.errors, undefined, JSON.stringify(response.errors));
    assert.ok(response.data);
    return response.data;
  }

  describe("_meta", () => {
    it("is in the data and in every response's extensions", async () => {
      const response = await api.query<{ _meta: Record<string, unknown> }>(
        "{ _meta { chainId blockNumber blockHash blockTimestamp indexedAt } }",
      );
      const meta = response.data?._meta;
      assert.ok(meta);
      assert.equal(meta.blockNumber, HEAD_BLOCK);
      assert.equal(meta.chainId, 31337);
      assert.equal(meta.blockHash, blockHash(HEAD_BLOCK));
      assert.deepEqual(response.extensions?.meta, meta);

      const other = await api.query(`{ account(address: "${ADDRESS.bob}") { balance } }`);
      assert.deepEqual(other.extensions?.meta, meta);
    });
  });

  describe("asOfBlock", () => {
    const ACCOUNT = /* GraphQL */ `
      query ($address: String!, $block: Int) {
        account(address: $address, asOfBlock: $block) {
          address
          balance
          totalRedeemed
          updatedBlock
        }
      }
    `;

    it("reads an account's past versions, and null before it existed", async () => {
      const read = async (block?: number): Promise<{ balance: string; updatedBlock: number } | null> =>
        (
          await data<{ account: { balance: string; updatedBlock: number } | null }>(ACCOUNT, {
            address: ADDRESS.alice.toUpperCase().replace("0X", "0x"),
            block,
          })
        ).account;
      assert.equal((await read())?.balance, wei(120n));
      assert.equal((await read(14))?.balance, wei(150n));
      assert.equal((await read(15))?.balance, wei(120n), "state at the end of the block that changed it");
      assert.equal((await read(7))?.balance, wei(100n));
      assert.equal((await read(3))?.updatedBlock, 3);
      assert.equal(await read(2), null);
    });

    it("refuses a block the indexer has not reached", async () => {
      const response = await api.query(ACCOUNT, { address: ADDRESS.alice, block: HEAD_BLOCK + 1 });
      assert.equal(response.errors?.[0]?.extensions?.code, "BAD_USER_INPUT");
      assert.equal(
        response.errors[0].message,
        `block ${(HEAD_BLOCK + 1).toString()} is not indexed yet (indexed up to 20)`,
      );
    });

    it("passes the block down to nested fields", async () => {
      const order15 = orderId(15);
      const query = /* GraphQL */ `
        query ($address: String!, $block: Int) {
          account(address: $address, asOfBlock: $block) {
            orders(first: 100) {
              nodes {
                orderId
                status
                restaurant {
                  id
                  feeBps
                }
              }
            }
          }
        }
      `;
      type Result = {
        account: {
          orders: { nodes: { orderId: string; status: string; restaurant: { id: string; feeBps: number } }[] };
        };
      };
      const then = await data<Result>(query, { address: ADDRESS.alice, block: 7 });
      const now = await data<Result>(query, { address: ADDRESS.alice });
      const aliceOrders = seededOrders().filter((order) => order.customer === ADDRESS.alice);
      assert.equal(now.account.orders.nodes.length, aliceOrders.length);
      assert.equal(then.account.orders.nodes.length, aliceOrders.filter((order) => order.placedBlock <= 7).length);
      const past = then.account.orders.nodes.find((order) => order.orderId === order15);
      const current = now.account.orders.nodes.find((order) => order.orderId === order15);
      assert.equal(past?.status, statusAt(order15, 7));
      assert.equal(current?.status, statusAt(order15, HEAD_BLOCK));
      assert.notEqual(past?.status, current?.status);
      // Restaurant 1's fee changed at block 10.
      const restaurantOne = (result: Result): number | undefined =>
        result.account.orders.nodes.find((order) => order.restaurant.id === "1")?.restaurant.feeBps;
      assert.equal(restaurantOne(then), 500);
      assert.equal(restaurantOne(now), 700);
    });

    it("applies to the token supply and platform parameters", async () => {
      const result = await data<{
        past: { totalSupply: string };
        now: { totalSupply: string; holders: number };
        levelThen: { value: unknown };
        levelNow: { value: unknown };
      }>(/* GraphQL */ `
        {
          past: tokenSupply(asOfBlock: 9) {
            totalSupply
          }
          now: tokenSupply {
            totalSupply
            holders
          }
          levelThen: platformParameter(key: "requiredKycLevel", asOfBlock: 10) {
            value
          }
          levelNow: platformParameter(key: "requiredKycLevel") {
            value
          }
        }
      `);
      assert.equal(result.past.totalSupply, wei(210n));
      assert.equal(result.now.totalSupply, wei(170n));
      assert.equal(result.now.holders, 2);
      assert.equal(result.levelThen.value, "1");
      assert.equal(result.levelNow.value, "2");
    });
  });

  describe("orders", () => {
    it("filters by status, customer, restaurant and kind", async () => {
      const result = await data<{
        fulfilled: { totalCount: number; nodes: { status: string }[] };
        bobCards: { nodes: { customer: string; kind: string; restaurantId: string }[] };
        open: { totalCount: number };
      }>(
        /* GraphQL */ `
          query ($bob: String!) {
            fulfilled: orders(where: { status: fulfilled }, first: 100) {
              totalCount
              nodes {
                status
              }
            }
            bobCards: orders(where: { customer: $bob, kind: card, restaurantId: "1" }, first: 100) {
              nodes {
                customer
                kind
                restaurantId
              }
            }
            open: orders(where: { status_in: [escrowed, settled] }) {
              totalCount
            }
          }
        `,
        { bob: ADDRESS.bob.toUpperCase().replace("0X", "0x") },
      );
      const current = seededOrders().map((order) => ({ ...order, status: statusAt(order.orderId, HEAD_BLOCK) }));
      assert.equal(result.fulfilled.totalCount, current.filter((order) => order.status === "fulfilled").length);
      assert.ok(result.fulfilled.nodes.every((order) => order.status === "fulfilled"));
      const bobCards = current.filter(
        (order) => order.customer === ADDRESS.bob && order.kind === "card" && order.restaurantId === 1,
      );
      assert.equal(result.bobCards.nodes.length, bobCards.length);
      assert.ok(bobCards.length > 0);
      assert.ok(
        result.bobCards.nodes.every(
          (order) => order.customer === ADDRESS.bob && order.kind === "card" && order.restaurantId === "1",
        ),
      );
      assert.equal(
        result.open.totalCount,
        current.filter((order) => order.status === "escrowed" || order.status === "settled").length,
      );
    });

    it("serves one order with its history, refunds and receipt", async () => {
      const id = orderId(4); // a card order refunded in part at block placed + 2
      const result = await data<{
        order: {
          orderId: string;
          kind: string;
          status: string;
          receiptCid: string;
          paid: string;
          refundedAmount: string;
          events: { nodes: { eventName: string; blockNumber: number }[] };
          refunds: { nodes: { amount: string; order: { orderId: string } }[] };
        };
      }>(/* GraphQL */ `
        {
          order(orderId: "${id.toUpperCase().replace("0X", "0x")}") {
            orderId
            kind
            status
            receiptCid
            paid
            refundedAmount
            events {
              nodes {
                eventName
                blockNumber
              }
            }
            refunds {
              nodes {
                amount
                order {
                  orderId
                }
              }
            }
          }
        }
      `);
      assert.equal(result.order.orderId, id);
      assert.equal(result.order.kind, "card");
      assert.equal(result.order.status, "partially_refunded");
      assert.ok(result.order.receiptCid.startsWith("bafkrei"));
      assert.equal(BigInt(result.order.refundedAmount) * 2n, BigInt(result.order.paid));
      assert.deepEqual(
        result.order.events.nodes.map((event) => event.eventName),
        ["CardPaymentSettled", "Order_partially_refunded"],
      );
      assert.equal(result.order.refunds.nodes.length, 1);
      assert.equal(result.order.refunds.nodes[0]?.order.orderId, id);
    });

    it("returns null for an unknown order", async () => {
      const result = await data<{ order: null }>(`{ order(orderId: "0x${"9".repeat(64)}") { orderId } }`);
      assert.equal(result.order, null);
    });
  });

  describe("restaurants", () => {
    it("reads a franchise now and in the past, with totals", async () => {
      const result = await data<{
        now: { id: string; active: boolean; owner: string; totals: { revenue: string; orderCount: number } };
        then: { active: boolean };
        ranked: { nodes: { id: string }[] };
      }>(/* GraphQL */ `
        {
          now: restaurant(id: "2") {
            id
            active
            owner
            totals {
              revenue
              orderCount
            }
          }
          then: restaurant(id: 2, asOfBlock: 10) {
            active
          }
          ranked: restaurants(orderBy: revenue, orderDirection: desc) {
            nodes {
              id
            }
          }
        }
      `);
      assert.equal(result.now.active, false);
      assert.equal(result.now.owner, ADDRESS.franchisee);
      assert.deepEqual(result.now.totals, { revenue: "9000", orderCount: 7 });
      assert.equal(result.then.active, true);
      assert.deepEqual(
        result.ranked.nodes.map((restaurant) => restaurant.id),
        ["2", "1"],
      );
    });

    it("lists a restaurant's orders and the owner's restaurants", async () => {
      const result = await data<{
        restaurant: { orders: { totalCount: number } };
        account: { restaurants: { nodes: { id: string }[] } };
      }>(/* GraphQL */ `
        {
          restaurant(id: "1") {
            orders {
              totalCount
            }
          }
          account(address: "${ADDRESS.franchisee}") {
            restaurants {
              nodes {
                id
              }
            }
          }
        }
      `);
      assert.equal(
        result.restaurant.orders.totalCount,
        seededOrders().filter((order) => order.restaurantId === 1).length,
      );
      assert.deepEqual(
        result.account.restaurants.nodes.map((restaurant) => restaurant.id),
        ["1", "2"],
      );
    });
  });

  describe("kycStatus", () => {
    it("computes verified against the block's time, level and revocation", async () => {
      const result = await data<Record<string, { verified: boolean; expired: boolean; revoked: boolean } | null>>(
        /* GraphQL */ `
          query ($dave: String!, $carol: String!, $alice: String!) {
            daveThen: kycStatus(account: $dave, asOfBlock: 10) {
              verified(minLevel: 2)
              expired
              revoked
            }
            daveNow: kycStatus(account: $dave) {
              verified(minLevel: 2)
              expired
              revoked
            }
            carolThen: kycStatus(account: $carol, asOfBlock: 5) {
              verified
              expired
              revoked
            }
            carolNow: kycStatus(account: $carol) {
              verified
              expired
              revoked
            }
            aliceLevel2: kycStatus(account: $alice) {
              verified(minLevel: 2)
              expired
              revoked
            }
            bob: kycStatus(account: "${ADDRESS.bob}") {
              verified
              expired
              revoked
            }
          }
        `,
        { dave: ADDRESS.dave, carol: ADDRESS.carol, alice: ADDRESS.alice },
      );
      assert.deepEqual(result.daveThen, { verified: true, expired: false, revoked: false });
      assert.deepEqual(result.daveNow, { verified: false, expired: true, revoked: false });
      assert.deepEqual(result.carolThen, { verified: true, expired: false, revoked: false });
      assert.deepEqual(result.carolNow, { verified: false, expired: false, revoked: true });
      assert.equal(result.aliceLevel2?.verified, false);
      assert.equal(result.bob, null);
    });

    it("exposes the evidence hash and officer, and nothing personal", async () => {
      const result = await data<{ account: { kyc: Record<string, unknown> } }>(/* GraphQL */ `
        {
          account(address: "${ADDRESS.franchisee}") {
            kyc {
              level
              evidenceHash
              officer
              attestedAt
              expiresAt
            }
          }
        }
      `);
      assert.equal(result.account.kyc.level, 2);
      assert.match(String(result.account.kyc.evidenceHash), /^0x[0-9a-f]{64}$/);
      assert.equal(result.account.kyc.officer, ADDRESS.officer);
    });
  });

  describe("token facts", () => {
    it("lists an account's transfers, rewards and redemptions", async () => {
      const result = await data<{
        account: {
          transfers: { nodes: { from: string; to: string; value: string }[] };
          rewards: { nodes: { amount: string; order: { orderId: string; customer: string } | null }[] };
          redemptions: { nodes: { reason: string; amount: string }[] };
        };
        transfers: { nodes: { value: string }[] };
      }>(/* GraphQL */ `
        {
          account(address: "${ADDRESS.alice}") {
            transfers {
              nodes {
                from
                to
                value
              }
            }
            rewards {
              nodes {
                amount
                order {
                  orderId
                  customer
                }
              }
            }
            redemptions {
              nodes {
                reason
                amount
              }
            }
          }
          transfers(where: { account: "${ADDRESS.alice}" }, orderBy: value, orderDirection: desc) {
            nodes {
              value
            }
          }
        }
      `);
      assert.deepEqual(
        result.account.transfers.nodes.map((transfer) => transfer.value),
        [wei(100n), wei(50n), wei(30n)],
      );
      assert.deepEqual(
        result.transfers.nodes.map((transfer) => transfer.value),
        [wei(100n), wei(50n), wei(30n)],
      );
      assert.equal(result.account.rewards.nodes.length, 2);
      assert.equal(result.account.rewards.nodes[0]?.order?.orderId, orderId(3));
      assert.deepEqual(result.account.redemptions.nodes, [{ reason: "discount", amount: wei(30n) }]);
    });

    it("filters facts by block range", async () => {
      const result = await data<{ transfers: { nodes: { blockNumber: number }[] } }>(/* GraphQL */ `
        {
          transfers(where: { fromBlock: 5, toBlock: 8 }) {
            nodes {
              blockNumber
            }
          }
        }
      `);
      assert.deepEqual(
        result.transfers.nodes.map((transfer) => transfer.blockNumber),
        [5, 6, 8],
      );
    });
  });

  describe("events", () => {
    it("finds the history of an account, a restaurant and a transaction", async () => {
      const result = await data<{
        carol: { totalCount: number };
        restaurant: { nodes: { blockNumber: number; subjects: string[] }[] };
        franchise: { nodes: { eventName: string }[] };
        transaction: { hash: string; blockNumber: number; events: { nodes: { eventName: string }[] } };
      }>(/* GraphQL */ `
        {
          carol: events(where: { account: "${ADDRESS.carol}" }) {
            totalCount
          }
          restaurant: events(where: { restaurantId: "2", fromBlock: 5, toBlock: 8 }, first: 100) {
            nodes {
              blockNumber
              subjects
            }
          }
          franchise: events(where: { contractName: "FranchiseNFT", eventName: "FranchiseRegistered" }) {
            nodes {
              eventName
            }
          }
          transaction(hash: "${txHash(2, 0)}") {
            hash
            blockNumber
            events {
              nodes {
                eventName
              }
            }
          }
        }
      `);
      assert.equal(result.carol.totalCount, seededOrders().filter((order) => order.customer === ADDRESS.carol).length);
      assert.ok(result.restaurant.nodes.length > 0);
      for (const event of result.restaurant.nodes) {
        assert.ok(event.subjects.includes("restaurant:2"));
        assert.ok(event.blockNumber >= 5 && event.blockNumber <= 8);
      }
      assert.equal(result.franchise.nodes.length, 2);
      assert.equal(result.transaction.blockNumber, 2);
      assert.deepEqual(result.transaction.events.nodes, [{ eventName: "FranchiseRegistered" }]);
    });

    it("answers null for a transaction that touched nothing", async () => {
      const result = await data<{ transaction: null }>(`{ transaction(hash: "0x${"0".repeat(64)}") { hash } }`);
      assert.equal(result.transaction, null);
    });
  });
});
