/**
 * Checks a mirror against the chain it mirrors, the way an auditor would: every balance and
 * loyalty debt, the supply, every order, franchise and KYC attestation read from the contracts at the mirror's
 * block must equal what the database says.
 */
import assert from "node:assert/strict";

import type { Address, Hex } from "viem";

import type { Database } from "../../lib/db/client.ts";
import type { DevChain } from "./devchain.ts";

const CHAIN_STATUS = ["none", "escrowed", "fulfilled", "refunded", "reclaimed", "settled", "refunded"] as const;

/** The mirror's order status as the contract numbers it (a partially refunded card order is still CardSettled). */
function chainStatusOf(kind: string, status: string): string {
  if (kind === "card" && status === "partially_refunded") return "settled";
  return status;
}

export async function indexedBlock(db: Database): Promise<bigint> {
  const { rows } = await db.pool.query<{ block_number: string }>("SELECT block_number FROM indexer_cursor");
  const row = rows[0];
  if (row === undefined) throw new Error("the mirror has no cursor");
  return BigInt(row.block_number);
}

export interface MirrorCounts {
  readonly accounts: number;
  readonly orders: number;
  readonly franchises: number;
  readonly attestations: number;
  readonly events: number;
}

export async function assertMirrorMatchesChain(db: Database, chain: DevChain): Promise<MirrorCounts> {
  const blockNumber = await indexedBlock(db);
  const at = { blockNumber };
  const { hotPotToken, orderSettlement, franchiseNFT, kycRegistry } = chain.contracts;

  const supply = await db.pool.query<{ total_supply: string; holders: number }>(
    "SELECT total_supply, holders FROM token_supply WHERE block_to IS NULL",
  );
  assert.equal(BigInt(supply.rows[0]?.total_supply ?? "0"), await hotPotToken.read.totalSupply(at), "total supply");

  const accounts = await db.pool.query<{ address: Address; balance: string; points_debt: string }>(
    "SELECT address, balance, points_debt FROM account WHERE block_to IS NULL ORDER BY address",
  );
  let sum = 0n;
  let holders = 0;
  for (const { address, balance, points_debt: debt } of accounts.rows) {
    assert.equal(BigInt(balance), await hotPotToken.read.balanceOf([address], at), `balance of ${address}`);
    assert.equal(BigInt(debt), await orderSettlement.read.loyaltyDebtOf([address], at), `loyalty debt of ${address}`);
    sum += BigInt(balance);
    if (BigInt(balance) > 0n) holders++;
  }
  assert.equal(sum, BigInt(supply.rows[0]?.total_supply ?? "0"), "balances add up to the supply");
  assert.equal(supply.rows[0]?.holders ?? 0, holders, "holder count");

  const orders = await db.pool.query<{
    order_id: Hex;
    kind: string;
    status: string;
    customer: Address;
    paid: string;
    refunded_amount: string;
  }>('SELECT order_id, kind, status, customer, paid, refunded_amount FROM "order" WHERE block_to IS NULL');
  for (const order of orders.rows) {
    const record = await orderSettlement.read.orderOf([order.order_id], at);
    assert.equal(
      chainStatusOf(order.kind, order.status),
      CHAIN_STATUS[record.status],
      `status of order ${order.order_id}`,
    );
    if (order.kind === "card") {
      // Token orders keep only their description's hash on chain; card orders keep the customer.
      assert.equal(order.customer, record.customer.toLowerCase(), `customer of order ${order.order_id}`);
      assert.equal(
        BigInt(order.paid) - BigInt(order.refunded_amount),
        record.cardAmount,
        `remaining card amount of ${order.order_id}`,
      );
    }
  }

  const franchises = await db.pool.query<{ restaurant_id: string; owner: Address; fee_bps: number; active: boolean }>(
    "SELECT restaurant_id, owner, fee_bps, active FROM franchise WHERE block_to IS NULL AND registered_block > 0 AND owner <> '0x0000000000000000000000000000000000000000'",
  );
  for (const franchise of franchises.rows) {
    const id = BigInt(franchise.restaurant_id);
    assert.equal(
      franchise.owner,
      (await franchiseNFT.read.ownerOf([id], at)).toLowerCase(),
      `owner of restaurant ${id}`,
    );
    const info = await franchiseNFT.read.franchiseOf([id], at);
    assert.equal(franchise.fee_bps, info.feeBps, `fee of restaurant ${id}`);
    assert.equal(franchise.active, info.active, `active flag of restaurant ${id}`);
  }

  const attestations = await db.pool.query<{ account: Address; level: number; expires_at: Date }>(
    "SELECT account, level, expires_at FROM kyc_attestation WHERE block_to IS NULL",
  );
  for (const attestation of attestations.rows) {
    const onChain = await kycRegistry.read.attestationOf([attestation.account], at);
    assert.equal(attestation.level, onChain.level, `KYC level of ${attestation.account}`);
    if (onChain.level > 0) {
      assert.equal(
        BigInt(attestation.expires_at.getTime() / 1000),
        onChain.expiresAt,
        `KYC expiry of ${attestation.account}`,
      );
    }
  }

  const events = await db.pool.query<{ count: string }>("SELECT count(*) FROM chain_event");
  return {
    accounts: accounts.rows.length,
    orders: orders.rows.length,
    franchises: franchises.rows.length,
    attestations: attestations.rows.length,
    events: Number(events.rows[0]?.count ?? 0),
  };
}

const DUMP_QUERIES = [
  "SELECT chain_id, start_block, start_block_hash, block_number, block_hash, block_timestamp FROM indexer_cursor ORDER BY chain_id",
  "SELECT * FROM chain_event ORDER BY chain_id, block_number, log_index",
  "SELECT * FROM account ORDER BY address, block_from",
  "SELECT * FROM token_supply ORDER BY token, block_from",
  "SELECT * FROM kyc_attestation ORDER BY account, block_from",
  "SELECT * FROM franchise ORDER BY restaurant_id, block_from",
  'SELECT * FROM "order" ORDER BY order_id, block_from',
  "SELECT * FROM platform_parameter ORDER BY key, block_from",
  "SELECT * FROM transfer ORDER BY block_number, log_index",
  "SELECT * FROM reward ORDER BY block_number, log_index",
  "SELECT * FROM redemption ORDER BY block_number, log_index",
  "SELECT * FROM card_refund ORDER BY block_number, log_index",
];

/** Every row the indexer derived, in a canonical order: two mirrors of one chain must dump the same. */
export async function dumpMirror(db: Database): Promise<string[]> {
  const out: string[] = [];
  for (const query of DUMP_QUERIES) {
    const { rows } = await db.pool.query(query);
    out.push(...rows.map((row) => `${query.split(" FROM ")[1]?.split(" ")[0]}: ${JSON.stringify(row)}`));
  }
  return out;
}
