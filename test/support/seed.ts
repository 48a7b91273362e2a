/**
 * A small, realistic mirror for the API tests, written by SQL as the indexer would: blocks 1..20 of
 * chain 31337, accounts with several versions, two restaurants, orders of both kinds in every state,
 * token facts, KYC attestations and events with subjects.
 */
import type { Database } from "../../lib/db/client.ts";

export const CHAIN_ID = 31337;
export const HEAD_BLOCK = 20;
const GENESIS = Date.parse("2026-01-01T00:00:00.000Z");
export const HOTPOT = 10n ** 18n;

export function blockTime(block: number): Date {
  return new Date(GENESIS + block * 12_000);
}

export function blockHash(block: number): string {
  return `0x${block.toString(16).padStart(64, "b")}`;
}

export function txHash(block: number, index: number): string {
  return `0x${(block * 1000 + index).toString(16).padStart(64, "c")}`;
}

export function orderId(index: number): string {
  return `0x${index.toString(16).padStart(64, "0")}`;
}

export const ADDRESS = {
  alice: "0xa11ce0000000000000000000000000000000a11c",
  bob: "0xb0b0000000000000000000000000000000000b0b",
  carol: "0xca201000000000000000000000000000000ca201",
  dave: "0xda7e000000000000000000000000000000000da7",
  franchisee: "0xf4a2c41500000000000000000000000000000f4a",
  officer: "0x0ff1ce0000000000000000000000000000000ff1",
  token: "0x7070700000000000000000000000000000007070",
  settlement: "0x5e771e0000000000000000000000000000005e77",
  kyc: "0x4b7c000000000000000000000000000000004b7c",
  franchise: "0xf2a0000000000000000000000000000000000f2a",
  stable: "0x57ab1e0000000000000000000000000000057ab1",
} as const;

const ZERO = "0x0000000000000000000000000000000000000000";

export const ORDER_COUNT = 30;

export interface SeededOrder {
  readonly orderId: string;
  readonly kind: "token" | "card";
  readonly restaurantId: number;
  readonly customer: string;
  readonly placedBlock: number;
  readonly price: bigint;
  /** Versions as [blockFrom, status]; the last is current. */
  readonly versions: readonly (readonly [number, string])[];
}

const CUSTOMERS = [ADDRESS.alice, ADDRESS.bob, ADDRESS.carol];

/** Orders 1..30, two per block from block 3, alternating kind, restaurant and customer. */
export function seededOrders(): SeededOrder[] {
  return Array.from({ length: ORDER_COUNT }, (_unused, zeroBased) => {
    const index = zeroBased + 1;
    const placedBlock = 3 + Math.floor(zeroBased / 3);
    const kind = index % 2 === 0 ? "card" : "token";
    const versions: [number, string][] =
      kind === "token"
        ? [[placedBlock, "escrowed"]]
        : index % 4 === 0
          ? [
              [placedBlock, "settled"],
              [placedBlock + 2, "partially_refunded"],
            ]
          : [[placedBlock, "settled"]];
    if (kind === "token" && index % 3 === 0) versions.push([placedBlock + 1, "fulfilled"]);
    if (kind === "token" && index % 5 === 0 && index % 3 !== 0) versions.push([placedBlock + 3, "refunded"]);
    return {
      orderId: orderId(index),
      kind,
      restaurantId: (index % 2) + 1,
      customer: CUSTOMERS[index % 3] ?? ADDRESS.alice,
      placedBlock,
      price: BigInt(1000 + ((index * 37) % 500)) * (kind === "token" ? 10n ** 16n : 1n),
      versions,
    };
  });
}

type Row = Record<string, unknown>;

async function insert(db: Database, table: string, rows: readonly Row[]): Promise<void> {
  for (const row of rows) {
    const columns = Object.keys(row);
    const placeholders = columns.map((_column, index) => `$${(index + 1).toString()}`);
    await db.pool.query(
      `INSERT INTO "${table}" (${columns.map((column) => `"${column}"`).join(", ")}) VALUES (${placeholders.join(", ")})`,
      columns.map((column) => {
        const value = row[column];
        return typeof value === "bigint" ? value.toString() : value;
      }),
    );
  }
}

/** Consecutive versions of one entity: each closes where the next begins. */
function versions(key: Row, states: readonly (readonly [number, Row])[]): Row[] {
  return states.map(([blockFrom, state], index) => ({
    ...key,
    ...state,
    block_from: blockFrom,
    block_to: states[index + 1]?.[0] ?? null,
  }));
}

export async function setCursor(db: Database, block: number): Promise<void> {
  await db.pool.query(
    `INSERT INTO indexer_cursor (chain_id, start_block, start_block_hash, block_number, block_hash, block_timestamp, updated_at)
     VALUES ($1, 1, $2, $3, $4, $5, now())
     ON CONFLICT (chain_id) DO UPDATE SET block_number = $3, block_hash = $4, block_timestamp = $5, updated_at = now()`,
    [CHAIN_ID, blockHash(1), block, blockHash(block), blockTime(block)],
  );
}

function account(balance: bigint, earned: bigint, redeemed: bigint, transfers: number, firstSeen: number): Row {
  return {
    balance,
    total_earned: earned,
    total_redeemed: redeemed,
    transfer_count: transfers,
    first_seen_block: firstSeen,
  };
}

function event(
  block: number,
  logIndex: number,
  contractName: string,
  contract: string,
  eventName: string,
  args: Row,
  subjects: string[],
): Row {
  return {
    chain_id: CHAIN_ID,
    block_number: block,
    log_index: logIndex,
    block_hash: blockHash(block),
    block_timestamp: blockTime(block),
    tx_hash: txHash(block, logIndex),
    tx_index: 0,
    contract,
    contract_name: contractName,
    event_name: eventName,
    args: JSON.stringify(args),
    subjects,
  };
}

export async function seed(db: Database): Promise<void> {
  await insert(
    db,
    "indexed_block",
    Array.from({ length: HEAD_BLOCK }, (_unused, index) => ({
      chain_id: CHAIN_ID,
      number: index + 1,
      hash: blockHash(index + 1),
      parent_hash: blockHash(index),
      timestamp: blockTime(index + 1),
    })),
  );

  await insert(db, "account", [
    ...versions({ address: ADDRESS.alice }, [
      [3, account(100n * HOTPOT, 100n * HOTPOT, 0n, 1, 3)],
      [8, account(150n * HOTPOT, 150n * HOTPOT, 0n, 2, 3)],
      [15, account(120n * HOTPOT, 150n * HOTPOT, 30n * HOTPOT, 3, 3)],
    ]),
    ...versions({ address: ADDRESS.bob }, [[5, account(50n * HOTPOT, 50n * HOTPOT, 0n, 1, 5)]]),
    ...versions({ address: ADDRESS.carol }, [
      [6, account(10n * HOTPOT, 10n * HOTPOT, 0n, 1, 6)],
      [12, account(0n, 10n * HOTPOT, 10n * HOTPOT, 2, 6)],
    ]),
    ...versions({ address: ADDRESS.franchisee }, [[2, account(0n, 0n, 0n, 0, 2)]]),
  ]);

  await insert(
    db,
    "token_supply",
    versions({ token: ADDRESS.token }, [
      [3, { total_supply: 100n * HOTPOT, total_minted: 100n * HOTPOT, total_burned: 0n, holders: 1 }],
      [8, { total_supply: 210n * HOTPOT, total_minted: 210n * HOTPOT, total_burned: 0n, holders: 3 }],
      [15, { total_supply: 170n * HOTPOT, total_minted: 210n * HOTPOT, total_burned: 40n * HOTPOT, holders: 2 }],
    ]),
  );

  const kyc = (level: number, expiresAt: Date, attestedBlock: number, revoked = false): Row => ({
    level,
    expires_at: expiresAt,
    evidence_hash: `0x${level.toString().padStart(64, "e")}`,
    officer: ADDRESS.officer,
    revoked,
    attested_at: blockTime(attestedBlock),
    revoked_at: revoked ? blockTime(9) : null,
  });
  await insert(db, "kyc_attestation", [
    ...versions({ account: ADDRESS.franchisee }, [[1, kyc(2, new Date("2027-01-01T00:00:00Z"), 1)]]),
    ...versions({ account: ADDRESS.alice }, [[2, kyc(1, new Date("2027-01-01T00:00:00Z"), 2)]]),
    ...versions({ account: ADDRESS.carol }, [
      [3, kyc(1, new Date("2027-01-01T00:00:00Z"), 3)],
      [9, kyc(1, new Date("2027-01-01T00:00:00Z"), 3, true)],
    ]),
    // Expires between block 10 and block 11: verified as of block 10, not at the head.
    ...versions({ account: ADDRESS.dave }, [[4, kyc(2, new Date(blockTime(10).getTime() + 6000), 4)]]),
  ]);

  const franchise = (
    feeBps: number,
    active: boolean,
    registeredBlock: number,
    orderCount: number,
    revenue: bigint,
  ): Row => ({
    owner: ADDRESS.franchisee,
    fee_bps: feeBps,
    metadata_uri: `ipfs://bafy-restaurant-${registeredBlock.toString()}`,
    active,
    registered_block: registeredBlock,
    registered_at: blockTime(registeredBlock),
    order_count: orderCount,
    revenue,
    franchisee_amount: (revenue * BigInt(10_000 - feeBps)) / 10_000n,
    platform_fees: (revenue * BigInt(feeBps)) / 10_000n,
  });
  await insert(db, "franchise", [
    ...versions({ restaurant_id: 1 }, [
      [2, franchise(500, true, 2, 0, 0n)],
      [10, franchise(700, true, 2, 5, 5000n)],
    ]),
    ...versions({ restaurant_id: 2 }, [
      [4, franchise(500, true, 4, 0, 0n)],
      [16, franchise(500, false, 4, 7, 9000n)],
    ]),
  ]);

  const orders = seededOrders();
  const orderRows: Row[] = [];
  const events: Row[] = [
    event(1, 0, "KycRegistry", ADDRESS.kyc, "KycAttested", { account: ADDRESS.franchisee, level: "2" }, [
      `account:${ADDRESS.franchisee}`,
    ]),
    event(2, 0, "FranchiseNFT", ADDRESS.franchise, "FranchiseRegistered", { restaurantId: "1" }, [
      "restaurant:1",
      `account:${ADDRESS.franchisee}`,
    ]),
    event(4, 9, "FranchiseNFT", ADDRESS.franchise, "FranchiseRegistered", { restaurantId: "2" }, [
      "restaurant:2",
      `account:${ADDRESS.franchisee}`,
    ]),
  ];
  for (const [position, order] of orders.entries()) {
    const placedTx = txHash(order.placedBlock, position);
    const states = order.versions.map(([blockFrom, status]): readonly [number, Row] => {
      const closed = status === "fulfilled" || status === "refunded" || status === "reclaimed";
      return [
        blockFrom,
        {
          kind: order.kind,
          status,
          restaurant_id: order.restaurantId,
          customer: order.customer,
          token: order.kind === "token" ? ADDRESS.stable : null,
          price: order.price,
          discount: 0n,
          points_redeemed: 0n,
          paid: order.price,
          refunded_amount:
            status === "partially_refunded" ? order.price / 2n : status === "refunded" ? order.price : 0n,
          franchisee_amount: order.kind === "card" || status === "fulfilled" ? (order.price * 95n) / 100n : null,
          platform_fee: order.kind === "card" || status === "fulfilled" ? (order.price * 5n) / 100n : null,
          reward: order.price,
          points_clawed_back: 0n,
          reclaim_after: order.kind === "token" ? blockTime(order.placedBlock + 100) : null,
          payment_ref: order.kind === "card" ? `0x${"a".repeat(64)}` : null,
          receipt_digest: `0x${"d".repeat(64)}`,
          receipt_cid: `bafkrei${order.orderId.slice(-10)}`,
          placed_block: order.placedBlock,
          placed_at: blockTime(order.placedBlock),
          placed_tx: placedTx,
          closed_block: closed ? blockFrom : null,
          closed_at: closed ? blockTime(blockFrom) : null,
          closed_tx: closed ? txHash(blockFrom, 100 + position) : null,
        },
      ];
    });
    orderRows.push(...versions({ order_id: order.orderId }, states));
    const subjects = [
      `order:${order.orderId}`,
      `account:${order.customer}`,
      `restaurant:${order.restaurantId.toString()}`,
    ];
    events.push(
      event(
        order.placedBlock,
        position,
        "OrderSettlement",
        ADDRESS.settlement,
        order.kind === "token" ? "TokenOrderPlaced" : "CardPaymentSettled",
        { orderId: order.orderId, restaurantId: order.restaurantId.toString(), customer: order.customer },
        subjects,
      ),
    );
    for (const [blockFrom, status] of order.versions.slice(1)) {
      events.push(
        event(
          blockFrom,
          100 + position,
          "OrderSettlement",
          ADDRESS.settlement,
          `Order_${status}`,
          { orderId: order.orderId },
          [`order:${order.orderId}`],
        ),
      );
    }
  }
  await insert(db, "order", orderRows);
  await insert(db, "chain_event", events);

  const fact = (block: number, logIndex: number): Row => ({
    block_number: block,
    log_index: logIndex,
    block_timestamp: blockTime(block),
    tx_hash: txHash(block, logIndex),
  });
  await insert(db, "transfer", [
    { ...fact(3, 200), from: ZERO, to: ADDRESS.alice, value: 100n * HOTPOT },
    { ...fact(5, 200), from: ZERO, to: ADDRESS.bob, value: 50n * HOTPOT },
    { ...fact(6, 200), from: ZERO, to: ADDRESS.carol, value: 10n * HOTPOT },
    { ...fact(8, 200), from: ZERO, to: ADDRESS.alice, value: 50n * HOTPOT },
    { ...fact(12, 200), from: ADDRESS.carol, to: ZERO, value: 10n * HOTPOT },
    { ...fact(15, 200), from: ADDRESS.alice, to: ZERO, value: 30n * HOTPOT },
  ]);
  await insert(db, "reward", [
    { ...fact(3, 201), account: ADDRESS.alice, order_id: orderId(3), amount: 100n * HOTPOT },
    { ...fact(5, 201), account: ADDRESS.bob, order_id: orderId(7), amount: 50n * HOTPOT },
    { ...fact(6, 201), account: ADDRESS.carol, order_id: orderId(10), amount: 10n * HOTPOT },
    { ...fact(8, 201), account: ADDRESS.alice, order_id: orderId(15), amount: 50n * HOTPOT },
  ]);
  await insert(db, "redemption", [
    {
      ...fact(12, 201),
      account: ADDRESS.carol,
      amount: 10n * HOTPOT,
      redeemer: ADDRESS.settlement,
      reason: "clawback",
      order_id: orderId(12),
    },
    {
      ...fact(15, 201),
      account: ADDRESS.alice,
      amount: 30n * HOTPOT,
      redeemer: ADDRESS.settlement,
      reason: "discount",
      order_id: orderId(27),
    },
  ]);
  await insert(
    db,
    "card_refund",
    orders
      .filter((order) => order.versions.some(([, status]) => status === "partially_refunded"))
      .map((order, index) => ({
        ...fact(order.versions[1]?.[0] ?? order.placedBlock, 300 + index),
        order_id: order.orderId,
        refund_ref: `0x${"f".repeat(64)}`,
        amount: order.price / 2n,
        remaining_amount: order.price - order.price / 2n,
        points_clawed_back: 0n,
        points_shortfall: 0n,
      })),
  );
  await insert(db, "platform_parameter", [
    ...versions({ key: "requiredKycLevel" }, [
      [1, { value: JSON.stringify("1") }],
      [11, { value: JSON.stringify("2") }],
    ]),
    ...versions({ key: "treasury" }, [[1, { value: JSON.stringify(ADDRESS.officer) }]]),
  ]);
  await setCursor(db, HEAD_BLOCK);
}
