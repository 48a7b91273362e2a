/**
 * Paying with the stable token. The platform quotes the order (the settler's EIP-712 signature
 * over its full description, price from the menu) and hands the wallet the EIP-2612 permit to
 * sign; the wallet itself sends `placeOrderWithPermit`, escrowing the price. When the mirror shows
 * the escrow, `settleTokenOrders` stores the receipt and queues `fulfill` (payout, rewards).
 */
import { formatUnits, getAddress, type Address, type Hex } from "viem";

import { inTransaction } from "../../lib/db/client.ts";
import { PERMIT_TYPES, QUOTE_DOMAIN, TOKEN_ORDER_TYPES, type TokenOrderMessage } from "../../lib/typed-data.ts";
import type { Principal } from "../auth/principal.ts";
import { dedupeKeySql, enqueue } from "../outbox/index.ts";
import type { Platform } from "../platform.ts";
import { InvalidInput, Forbidden, Unprocessable } from "../errors.ts";
import { formatGel } from "../money.ts";
import type { OrderLine } from "../orders/service.ts";
import { choosePaymentMethod, requirePayable } from "./card.ts";
import { storeReceipt } from "./receipt.ts";
import { currentSql } from "../mirror/blocks.ts";
import type { TokenEscrowRow } from "../mirror/orders.ts";
import { currentParameter } from "../mirror/parameters.ts";

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

/** HOTPOT has 18 decimals, like every ERC-20 built on OpenZeppelin's defaults. */
const POINTS_DECIMALS = 18;
/** Where the request names the discount, for 422s. */
const DISCOUNT_FIELD = "body.points_discount";

/** What paying part of a token order with HOTPOT points would look like for its customer now. */
export interface PointsOfferView {
  /** The largest discount in GEL the customer can take now: the currency's cap, or less if the balance covers less. */
  readonly max_discount: string;
  readonly max_discount_tetri: number;
  /** The currency's cap alone (maxDiscountBps of the price). */
  readonly cap: string;
  /** HOTPOT burned per GEL of discount, in wei (18 decimals), like every HOTPOT amount of the API. */
  readonly points_per_gel: string;
  /** HOTPOT (wei) the maximum discount costs. */
  readonly points_for_max: string;
  /** The customer's HOTPOT balance (wei) as the mirror shows it. */
  readonly balance: string;
}

interface PointsTerms {
  /** Token units per tetri (menu prices are in tetri; the token's smallest unit may be finer). */
  readonly unit: bigint;
  readonly price: bigint;
  /** The contract's cap, rounded down to whole tetri (the API quotes discounts in tetri). */
  readonly capTetri: bigint;
  /** Points (wei) per tetri of discount. */
  readonly pointsPerTetri: bigint;
  readonly balance: bigint;
  readonly maxTetri: bigint;
}

/**
 * The discount terms from the mirror: the currency's `maxDiscountBps` and `pointsPerDiscountUnit`
 * (OrderSettlement.CurrencyConfigured) and the customer's balance. The mirror may be a block or two
 * behind; that is safe because `placeOrderWithPermit` checks the same cap (OrderMath.maxDiscount,
 * exact points) and LOYALTY.redeem the balance, so a stale answer can only make the wallet's
 * transaction revert, never pay with points the customer does not have.
 */
async function pointsTerms(platform: Platform, customer: Address, totalTetri: bigint): Promise<PointsTerms> {
  const token = platform.contracts.paymentToken;
  const [info, currency, account] = await Promise.all([
    platform.chain.tokenInfo(token),
    currentParameter(platform.db, `currency:${token}`),
    platform.db.prisma.account.findFirst({ where: { address: customer.toLowerCase(), blockTo: null } }),
  ]);
  const unit = 10n ** BigInt(Math.max(info.decimals - 2, 0));
  const price = totalTetri * unit;
  const config = (currency?.value ?? {}) as {
    allowed?: boolean;
    maxDiscountBps?: number;
    pointsPerDiscountUnit?: string;
  };
  const bps = config.allowed === true ? BigInt(config.maxDiscountBps ?? 0) : 0n;
  const perUnit = BigInt(config.pointsPerDiscountUnit ?? "0");
  // The same rounding as OrderMath.maxDiscount: (price × bps) / 10 000, down.
  const capTetri = perUnit === 0n ? 0n : (price * bps) / 10_000n / unit;
  const pointsPerTetri = perUnit * unit;
  const balance = account === null ? 0n : BigInt(account.balance.toFixed());
  const affordable = pointsPerTetri === 0n ? 0n : balance / pointsPerTetri;
  return { unit, price, capTetri, pointsPerTetri, balance, maxTetri: capTetri < affordable ? capTetri : affordable };
}

const hotpot = (wei: bigint): string => formatUnits(wei, POINTS_DECIMALS);

/** Who may see or use a token payment of this order: its customer, signed in with their own wallet. */
async function requireTokenPayer(platform: Platform, principal: Principal, id: string) {
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
  return { row, customer: getAddress(principal.address) };
}

/**
 * The points discount a token payment of the order may carry, for the web app to offer before
 * paying. Card payments take no points: OrderSettlement.settleCardPayment records the card amount
 * only (no discount, no redemption), so a card discount would have to be given off chain, unbacked.
 */
export async function pointsOffer(platform: Platform, principal: Principal, id: string): Promise<PointsOfferView> {
  const { row, customer } = await requireTokenPayer(platform, principal, id);
  const terms = await pointsTerms(platform, customer, BigInt(row.total_tetri));
  return {
    max_discount: formatGel(terms.maxTetri),
    max_discount_tetri: Number(terms.maxTetri),
    cap: formatGel(terms.capTetri),
    points_per_gel: (terms.pointsPerTetri * 100n).toString(),
    points_for_max: (terms.maxTetri * terms.pointsPerTetri).toString(),
    balance: terms.balance.toString(),
  };
}

/**
 * Quotes the order for the wallet. `pointsDiscountTetri`: the part of the price the customer pays
 * with HOTPOT points; checked against the currency's cap and the balance before the payment
 * method is claimed, so a refused discount leaves the order as it was.
 */
export async function quoteTokenPayment(
  platform: Platform,
  principal: Principal,
  id: string,
  pointsDiscountTetri?: bigint,
): Promise<TokenPaymentView> {
  const { row, customer } = await requireTokenPayer(platform, principal, id);
  let discount = 0n;
  let pointsRedeemed = 0n;
  if (pointsDiscountTetri !== undefined) {
    const terms = await pointsTerms(platform, customer, BigInt(row.total_tetri));
    if (pointsDiscountTetri > terms.capTetri) {
      const message = `at most ₾${formatGel(terms.capTetri)} can be paid with points`;
      throw new Unprocessable(message, [{ path: DISCOUNT_FIELD, message }]);
    }
    pointsRedeemed = pointsDiscountTetri * terms.pointsPerTetri;
    if (pointsRedeemed > terms.balance) {
      const message = `you have ${hotpot(terms.balance)} HOTPOT; this discount needs ${hotpot(pointsRedeemed)}`;
      throw new Unprocessable(message, [{ path: DISCOUNT_FIELD, message }]);
    }
    discount = pointsDiscountTetri * terms.unit;
  }
  await choosePaymentMethod(platform, row, "token");
  const { chain, contracts, chainId } = platform;
  const token = contracts.paymentToken;
  const [info, chainNow] = await Promise.all([chain.tokenInfo(token), chain.chainTime()]);
  // Menu prices are in tetri; the token's smallest unit may be finer.
  const price = BigInt(row.total_tetri) * 10n ** BigInt(Math.max(info.decimals - 2, 0));
  // Deadlines are checked against block time, which a test chain may have moved ahead of the clock.
  const now = Math.max(chainNow, Math.floor(Date.now() / 1000));
  const order = {
    orderId: row.chain_order_id as Hex,
    restaurantId: BigInt(row.restaurant_id),
    customer,
    token,
    price,
    discount,
    pointsRedeemed,
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
      discount: discount.toString(),
      pointsRedeemed: pointsRedeemed.toString(),
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
        // The contract collects price − discount; the points are burned, not transferred.
        value: (price - discount).toString(),
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
