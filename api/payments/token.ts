/**
 * Paying with the stable token. The platform quotes the order (the settler's EIP-712 signature
 * over its full description, price from the menu) and hands the wallet the EIP-2612 permit to
 * sign; the wallet itself sends `placeOrderWithPermit`, escrowing the price. When the mirror shows
 * the escrow, `settleTokenOrders` stores the receipt and queues `fulfill` (payout, rewards).
 */
import { getAddress, type Address, type Hex } from "viem";

import { inTransaction } from "../../lib/db/client.ts";
import { PERMIT_TYPES, QUOTE_DOMAIN, TOKEN_ORDER_TYPES, type TokenOrderMessage } from "../../lib/typed-data.ts";
import type { Principal } from "../auth/principal.ts";
import { dedupeKeySql, enqueue } from "../outbox/index.ts";
import type { Platform } from "../platform.ts";
import { InvalidInput, Forbidden } from "../errors.ts";
import type { OrderLine } from "../orders/service.ts";
import { choosePaymentMethod, requirePayable } from "./card.ts";
import { storeReceipt } from "./receipt.ts";
import { currentSql } from "../mirror/blocks.ts";
import type { TokenEscrowRow } from "../mirror/orders.ts";

/** How long an escrowed order waits for the restaurant before the customer may take it back. */
const RECLAIM_AFTER_SECONDS = 24 * 3600;
/** How long the wallet has to use the permit. */
const PERMIT_SECONDS = 3600;

export interface TokenPaymentView {
  readonly method: "token";
  /** The order exactly as `placeOrderWithPermit(order, quote, deadline, v, r, s)` takes it. */
  readonly order: Record<string, string | number>;
  readonly quote: Hex;
  readonly settlement_contract: string;
  readonly chain_id: number;
  /** EIP-712 typed data of the permit: sign it with the customer's wallet (eth_signTypedData_v4). */
  readonly permit: {
    readonly domain: Record<string, string | number>;
    readonly types: typeof PERMIT_TYPES;
    readonly primaryType: "Permit";
    readonly message: Record<string, string>;
  };
  readonly quote_typed_data: {
    readonly domain: Record<string, string | number>;
    readonly types: typeof TOKEN_ORDER_TYPES;
    readonly primaryType: "TokenOrder";
  };
}

export async function quoteTokenPayment(
  platform: Platform,
  principal: Principal,
  id: string,
): Promise<TokenPaymentView> {
  const row = await requirePayable(platform, principal, id);
  if (principal.kind !== "user" || principal.userId !== row.customer_id) {
    throw new Forbidden("a token payment is signed by the customer's own wallet");
  }
  if (principal.custodial) {
    throw new InvalidInput(
      "custodial accounts pay by card; token payments need your own wallet",
      undefined,
      "wallet_required",
    );
  }
  await choosePaymentMethod(platform, row, "token");
  const { chain, contracts, chainId } = platform;
  const token = contracts.paymentToken;
  const [info, chainNow] = await Promise.all([chain.tokenInfo(token), chain.chainTime()]);
  // Menu prices are in tetri; the token's smallest unit may be finer.
  const price = BigInt(row.total_tetri) * 10n ** BigInt(Math.max(info.decimals - 2, 0));
  // Deadlines are checked against block time, which a test chain may have moved ahead of the clock.
  const now = Math.max(chainNow, Math.floor(Date.now() / 1000));
  const customer = getAddress(principal.address);
  const order = {
    orderId: row.chain_order_id as Hex,
    restaurantId: BigInt(row.restaurant_id),
    customer,
    token,
    price,
    discount: 0n,
    pointsRedeemed: 0n,
    reclaimAfter: now + RECLAIM_AFTER_SECONDS,
  };
  const [quote, nonce] = await Promise.all([chain.signQuote(order), chain.permitNonce(token, customer)]);
  return {
    method: "token",
    order: {
      orderId: order.orderId,
      restaurantId: order.restaurantId.toString(),
      customer,
      token,
      price: price.toString(),
      discount: "0",
      pointsRedeemed: "0",
      reclaimAfter: order.reclaimAfter,
    },
    quote,
    settlement_contract: contracts.orderSettlement,
    chain_id: chainId,
    permit: {
      domain: { name: info.name, version: info.version, chainId, verifyingContract: token },
      types: PERMIT_TYPES,
      primaryType: "Permit",
      message: {
        owner: customer,
        spender: contracts.orderSettlement,
        value: price.toString(),
        nonce: nonce.toString(),
        deadline: String(now + PERMIT_SECONDS),
      },
    },
    quote_typed_data: {
      domain: { ...QUOTE_DOMAIN, chainId, verifyingContract: contracts.orderSettlement },
      types: TOKEN_ORDER_TYPES,
      primaryType: "TokenOrder",
    },
  };
}

interface EscrowedRow {
  id: string;
  chain_order_id: Hex;
  restaurant_id: string;
  items: OrderLine[];
  total_tetri: string;
  customer: Address;
  token: Address;
  price: string;
  discount: string;
  points_redeemed: string;
  paid: string;
  reclaim_after: Date;
  placed_at: Date;
  name: string | null;
  location: string | null;
}

/** Queues `fulfill` for every escrowed token order of ours not yet queued. Returns how many. */
export async function settleTokenOrders(platform: Platform, limit = 100): Promise<number> {
  const { rows } = await platform.db.pool.query<EscrowedRow>(
    `SELECT co.id, co.chain_order_id, co.restaurant_id::text, co.items, co.total_tetri::text,
            o.customer, o.token, o.price::text, o.discount::text, o.points_redeemed::text, o.paid::text,
            o.reclaim_after, o.placed_at, r.name, r.location
       FROM customer_order co
       JOIN "order" o ON o.order_id = co.chain_order_id AND ${currentSql("o")} AND o.status = 'escrowed'
       LEFT JOIN restaurant r ON r.id = co.restaurant_id
      WHERE co.payment_method = 'token'
        AND NOT EXISTS (SELECT 1 FROM outbox WHERE dedupe_key IN (${dedupeKeySql("fulfill_token", "co.chain_order_id")},
                                                                ${dedupeKeySql("refund_token", "co.chain_order_id")}))
      LIMIT $1`,
    [limit],
  );
  for (const row of rows) {
    const receipt = await storeReceipt(platform.contentStore, {
      orderId: row.id,
      chainOrderId: row.chain_order_id,
      chainId: platform.chainId,
      restaurant: { id: row.restaurant_id, name: row.name, location: row.location },
      customer: row.customer,
      items: row.items,
      totalTetri: BigInt(row.total_tetri),
      payment: { method: "token", token: row.token, amount: row.paid },
      paidAt: row.placed_at,
    });
    await inTransaction(platform.db.pool, async (client) => {
      if (await enqueue(client, "fulfill_token", { order: tokenOrderOf(row), receiptDigest: receipt.digest })) {
        await client.query(
          `UPDATE customer_order SET status = 'paid', paid_at = COALESCE(paid_at, $2), receipt_cid = $3 WHERE id = $1`,
          [row.id, row.placed_at, receipt.cid],
        );
      }
    });
  }
  if (rows.length > 0) platform.chain.wake();
  return rows.length;
}

/** The TokenOrder the customer escrowed, from the mirror's copy of the event. */
export function tokenOrderOf(row: TokenEscrowRow): TokenOrderMessage {
  return {
    orderId: row.chain_order_id,
    restaurantId: BigInt(row.restaurant_id),
    customer: row.customer,
    token: row.token,
    price: BigInt(row.price),
    discount: BigInt(row.discount),
    pointsRedeemed: BigInt(row.points_redeemed),
    reclaimAfter: Math.floor(row.reclaim_after.getTime() / 1000),
  };
}
