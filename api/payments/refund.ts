/**
 * Refunds, by the order's restaurant or an admin. Card orders are refunded through the processor
 * (the chain records it when the processor confirms); token orders can be refunded while their
 * price is still in escrow, by the relayer calling `refund`.
 */
import type { Principal } from "../auth/principal.ts";
import { dedupeKey, enqueue } from "../outbox/index.ts";
import type { Platform } from "../platform.ts";
import { Forbidden, Conflict, Unprocessable } from "../errors.ts";
import { findOrder } from "../orders/service.ts";
import { exclusively, refundableByCard, refundCard, type RefundView } from "./card.ts";
import { tokenOrderOf } from "./token.ts";
import { currentTokenEscrow } from "../mirror/orders.ts";

export async function refundOrder(
  platform: Platform,
  principal: Principal,
  id: string,
  amountTetri: bigint | undefined,
  idempotencyKey: string | undefined,
): Promise<RefundView> {
  // One refund per order at a time: what remains refundable is only known once the previous one is through.
  return exclusively(
    platform,
    `order-refund:${id}`,
    () => new Conflict(`another refund of order ${id} is in flight; try again once it has completed`),
    () => refund(platform, principal, id, amountTetri, idempotencyKey),
  );
}

async function refund(
  platform: Platform,
  principal: Principal,
  id: string,
  amountTetri: bigint | undefined,
  idempotencyKey: string | undefined,
): Promise<RefundView> {
  const row = await findOrder(platform, id);
  if (!(await platform.access.canActForRestaurant(principal, BigInt(row.restaurant_id)))) {
    throw new Forbidden("only the order's restaurant or an admin refunds it");
  }
  if (row.payment_method === "card" && row.paid_at !== null) {
    const remaining =
      (await refundableByCard(platform, row)) ?? BigInt(row.total_tetri) - BigInt(row.refunded_amount ?? 0);
    const amount = amountTetri ?? remaining;
    if (remaining <= 0n) throw new Conflict(`order ${id} is already refunded in full`);
    if (amount > remaining) {
      throw new Unprocessable(`refund too large: at most ${remaining} tetri of order ${id} remain refundable`, [
        { path: "body.amount", message: `at most ${remaining} tetri remain` },
      ]);
    }
    return refundCard(platform, row, amount, idempotencyKey);
  }
  if (row.payment_method === "token" && row.chain_status === "escrowed") {
    if (amountTetri !== undefined && amountTetri !== BigInt(row.total_tetri)) {
      throw new Unprocessable("token orders are refunded in full", [{ path: "body.amount", message: "omit it" }]);
    }
    const escrow = await currentTokenEscrow(platform.db.pool, row.chain_order_id);
    // A fulfilment queued first takes the escrow: the refund would only revert.
    const queued = await enqueue(
      platform.db.pool,
      "refund_token",
      { order: tokenOrderOf(escrow) },
      { unlessQueued: [dedupeKey("fulfill_token", row.chain_order_id)] },
    );
    if (!queued) throw new Conflict(`order ${id} is already being settled or refunded`);
    platform.chain.wake();
    return { method: "token", refund_id: null, amount_tetri: Number(row.total_tetri), status: "pending" };
  }
  if (row.payment_method === "token")
    throw new Conflict(`order ${id}'s tokens are no longer in escrow; it cannot be refunded`);
  throw new Conflict(`order ${id} is not paid`);
}
