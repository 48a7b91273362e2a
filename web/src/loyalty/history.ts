/**
 * A customer's loyalty history in one list, newest first: rewards minted for settled orders, points
 * burned for a discount or clawed back by a refund, and HOTPOT sent to or received from other
 * people. Mints and burns also appear as transfers from or to the zero address; those are the
 * rewards and redemptions already listed, so they are left out rather than shown twice.
 */
export interface RewardFact {
  readonly id: string;
  readonly blockTimestamp: string;
  readonly txHash: string;
  readonly orderId?: string | null;
  readonly amount: string;
}

export interface RedemptionFact extends RewardFact {
  readonly reason: "discount" | "clawback";
}

export interface TransferFact {
  readonly id: string;
  readonly blockTimestamp: string;
  readonly txHash: string;
  readonly from: string;
  readonly to: string;
  readonly value: string;
}

export type HistoryKind = "reward" | "discount" | "clawback" | "received" | "sent";

export interface HistoryEntry {
  readonly id: string;
  readonly kind: HistoryKind;
  readonly at: string;
  readonly txHash: string;
  /** Signed change of the balance, in wei. */
  readonly change: bigint;
  readonly orderId?: string;
  /** The other person of a transfer. */
  readonly counterparty?: string;
}

const ZERO = "0x0000000000000000000000000000000000000000";

/** `id` is `<block>-<logIndex>`: chain order, which timestamps alone do not give within a block. */
function chainOrder(id: string): [bigint, bigint] {
  const [block = "0", log = "0"] = id.split("-");
  return [BigInt(block), BigInt(log)];
}

export function loyaltyHistory(
  address: string,
  facts: {
    readonly rewards: readonly RewardFact[];
    readonly redemptions: readonly RedemptionFact[];
    readonly transfers: readonly TransferFact[];
  },
): HistoryEntry[] {
  const self = address.toLowerCase();
  const entries: HistoryEntry[] = [
    ...facts.rewards.map((reward) => ({
      id: reward.id,
      kind: "reward" as const,
      at: reward.blockTimestamp,
      txHash: reward.txHash,
      change: BigInt(reward.amount),
      ...(reward.orderId == null ? {} : { orderId: reward.orderId }),
    })),
    ...facts.redemptions.map((redemption) => ({
      id: redemption.id,
      kind: redemption.reason,
      at: redemption.blockTimestamp,
      txHash: redemption.txHash,
      change: -BigInt(redemption.amount),
      ...(redemption.orderId == null ? {} : { orderId: redemption.orderId }),
    })),
    ...facts.transfers
      .filter((transfer) => transfer.from.toLowerCase() !== ZERO && transfer.to.toLowerCase() !== ZERO)
      .filter((transfer) => transfer.from.toLowerCase() !== transfer.to.toLowerCase())
      .map((transfer) => {
        const received = transfer.to.toLowerCase() === self;
        return {
          id: transfer.id,
          kind: received ? ("received" as const) : ("sent" as const),
          at: transfer.blockTimestamp,
          txHash: transfer.txHash,
          change: received ? BigInt(transfer.value) : -BigInt(transfer.value),
          counterparty: received ? transfer.from : transfer.to,
        };
      }),
  ];
  return entries.sort((a, b) => {
    const [blockA, logA] = chainOrder(a.id);
    const [blockB, logB] = chainOrder(b.id);
    if (blockA !== blockB) return blockA > blockB ? -1 : 1;
    return logA === logB ? 0 : logA > logB ? -1 : 1;
  });
}
