/**
 * The receipt of a settled order: a JSON document stored on IPFS whose sha2-256 the chain records
 * (`receiptDigest`). Receipts are small, so they are one raw IPFS block and their CID is that digest.
 */
import { createHash } from "node:crypto";

import type { Hex } from "viem";

import type { ContentStore } from "../../lib/ipfs/index.ts";
import { receiptCid } from "../../lib/ipfs/receipt-cid.ts";
import { formatGel } from "../money.ts";
import type { OrderLine } from "../orders/service.ts";

export interface ReceiptInput {
  readonly orderId: string;
  readonly chainOrderId: string;
  readonly chainId: number;
  readonly restaurant: { readonly id: string; readonly name: string | null; readonly location: string | null };
  /** The address that earns the loyalty tokens (never a name or an email). */
  readonly customer: string;
  readonly items: readonly OrderLine[];
  readonly totalTetri: bigint;
  readonly payment:
    | {
        readonly method: "card";
        /** The card processor's name (CardProcessor.name), e.g. `stripe`. */ readonly processor: string;
        readonly paymentRef: Hex;
      }
    | { readonly method: "token"; readonly token: string; readonly amount: string };
  readonly paidAt: Date;
}

export interface StoredReceipt {
  readonly cid: string;
  readonly digest: Hex;
  readonly bytes: Uint8Array;
}

/** The receipt's bytes: fixed key order, so the same order always yields the same digest. */
export function receiptBytes(input: ReceiptInput): Uint8Array {
  const receipt = {
    type: "hotpot-receipt",
    version: 1,
    order_id: input.orderId,
    chain_order_id: input.chainOrderId,
    chain_id: input.chainId,
    restaurant: input.restaurant,
    customer: input.customer,
    items: input.items.map((line) => ({
      id: line.id,
      name: line.name,
      unit_price: formatGel(BigInt(line.unit_price_tetri)),
      quantity: line.quantity,
      line_total: formatGel(BigInt(line.unit_price_tetri) * BigInt(line.quantity)),
    })),
    total: formatGel(input.totalTetri),
    total_tetri: input.totalTetri.toString(),
    currency: "GEL",
    payment: input.payment,
    paid_at: input.paidAt.toISOString(),
  };
  return new TextEncoder().encode(JSON.stringify(receipt, null, 2));
}

export async function storeReceipt(store: ContentStore, input: ReceiptInput): Promise<StoredReceipt> {
  const bytes = receiptBytes(input);
  const digest = `0x${createHash("sha256").update(bytes).digest("hex")}` satisfies Hex;
  const { cid } = await store.put(bytes, { name: `receipt-${input.orderId}.json` });
  // The chain records the digest; readers derive the CID from it, so the store must agree.
  if (cid !== receiptCid(digest)) {
    throw new Error(`the content store gave ${cid} for a receipt whose raw-block CID is ${receiptCid(digest)}`);
  }
  return { cid, digest, bytes };
}
