/**
 * Loyalty debt in the mirror: a card refund whose clawback finds the points parked in an open token
 * order records debt (LoyaltyDebtRecorded); refunding that order repays it (LoyaltyDebtRepaid). The
 * mirror's `account.points_debt` follows `OrderSettlement.loyaltyDebtOf` version by version.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import { keccak256, toHex, type Address, type Hex } from "viem";

import { LOCAL_ACCOUNTS } from "../../deploy/accounts.ts";
import { signQuote, type TokenOrderMessage } from "../../lib/typed-data.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/database.ts";
import {
  accountAt,
  indexerFor,
  openRestaurant,
  settleCard,
  startDevChain,
  waitForMirror,
  type DevChain,
} from "../helpers/devchain.ts";
import { assertMirrorMatchesChain } from "../helpers/mirror.ts";

const RESTAURANT = 9_011n;
const CUSTOMER = 5; // funded with tGEL by the local deployment
const FRANCHISEE = 10;
const CARD_AMOUNT = 10_000n; // 100 GEL: 100 HOTPOT at the local card rate
const HOTPOT = 10n ** 18n;

describe("indexer: loyalty debt", () => {
  let chain: DevChain;
  let db: TestDatabase;

  before(async () => {
    [chain, db] = await Promise.all([startDevChain(), createTestDatabase()]);
  });

  after(async () => {
    await Promise.all([chain.stop(), db.drop()]);
  });

  async function debtVersions(address: Address): Promise<bigint[]> {
    const { rows } = await db.pool.query<{ points_debt: string }>(
      "SELECT points_debt FROM account WHERE address = $1 ORDER BY block_from",
      [address],
    );
    return rows.map((row) => BigInt(row.points_debt));
  }

  it("test_debt_recordedWhenPointsAreParkedAndRepaidByTheRefund", async () => {
    const { orderSettlement, testGel } = chain.contracts;
    const customer = await accountAt(chain, CUSTOMER);
    const settler = { account: await accountAt(chain, LOCAL_ACCOUNTS.settler) };
    await openRestaurant(chain, RESTAURANT, FRANCHISEE);
    const cardId = await settleCard(chain, "debt-card", RESTAURANT, CUSTOMER, CARD_AMOUNT);

    // All 100 HOTPOT parked as the discount of an open token order.
    const now = (await chain.client.getBlock()).timestamp;
    const order: TokenOrderMessage = {
      orderId: keccak256(toHex("order:debt-parking")),
      restaurantId: RESTAURANT,
      customer,
      token: testGel.address,
      price: 20_000n,
      discount: 100n,
      pointsRedeemed: 100n * HOTPOT,
      reclaimAfter: Number(now + 86_400n),
    };
    const [settlerWallet] = (await chain.connection.viem.getWalletClients()).slice(LOCAL_ACCOUNTS.settler);
    assert.ok(settlerWallet);
    const quote: Hex = await signQuote(
      settlerWallet,
      { address: orderSettlement.address, chainId: await chain.client.getChainId() },
      order,
    );
    await testGel.write.approve([orderSettlement.address, order.price - order.discount], { account: customer });
    await orderSettlement.write.placeOrder([order, quote], { account: customer });

    await orderSettlement.write.recordCardRefund([cardId, CARD_AMOUNT, keccak256(toHex("re_debt"))], settler);
    assert.equal(await orderSettlement.read.loyaltyDebtOf([customer]), 100n * HOTPOT, "debt on chain");

    const indexer = indexerFor(chain, db);
    await indexer.start();
    try {
      await waitForMirror(db, chain);
      await assertMirrorMatchesChain(db, chain);
      assert.equal((await debtVersions(customer)).at(-1), 100n * HOTPOT, "debt mirrored");

      await orderSettlement.write.refund([order], settler);
      assert.equal(await orderSettlement.read.loyaltyDebtOf([customer]), 0n, "repaid on chain");
      await waitForMirror(db, chain);
      await assertMirrorMatchesChain(db, chain);
      const versions = await debtVersions(customer);
      assert.equal(versions.at(-1), 0n, "repayment mirrored");
      assert.ok(versions.includes(100n * HOTPOT), "the debt stays in the account's history");

      const { rows } = await db.pool.query<{ event_name: string; args: Record<string, string> }>(
        "SELECT event_name, args FROM chain_event WHERE event_name LIKE 'LoyaltyDebt%' ORDER BY block_number, log_index",
      );
      assert.deepEqual(
        rows.map((row) => [row.event_name, String(row.args.amount), String(row.args.debt)]),
        [
          ["LoyaltyDebtRecorded", String(100n * HOTPOT), String(100n * HOTPOT)],
          ["LoyaltyDebtRepaid", String(100n * HOTPOT), "0"],
        ],
        "both events kept for auditors",
      );
      const { rows: refunded } = await db.pool.query<{ status: string }>(
        'SELECT status FROM "order" WHERE order_id = $1 AND block_to IS NULL',
        [order.orderId],
      );
      assert.equal(refunded[0]?.status, "refunded");
    } finally {
      await indexer.stop();
    }
  });
});
