import { zeroAddress } from "viem";

import type { Batch } from "./batch.ts";
import type { DecodedEvent } from "./decode.ts";
import { chainTime } from "./chain-time.ts";
import { receiptCid } from "../lib/ipfs/receipt-cid.ts";
import {
  ACCOUNT,
  CARD_REFUND,
  FRANCHISE,
  KYC_ATTESTATION,
  ORDER,
  PLATFORM_PARAMETER,
  REDEMPTION,
  REWARD,
  TOKEN_SUPPLY,
  TRANSFER,
  type Row,
  type VersionedTableSpec,
} from "./tables.ts";

const ZERO_HASH = `0x${"0".repeat(64)}`;

/** Entity keys a batch of events touches, per table; loaded from the database before applying. */
export type KeySets = Map<VersionedTableSpec, Set<string>>;

function add(keys: KeySets, table: VersionedTableSpec, key: string): void {
  let set = keys.get(table);
  if (set === undefined) keys.set(table, (set = new Set()));
  set.add(key);
}

/**
 * Keys named by the events themselves. Franchise totals also move with order events that name
 * only the order; `orderRestaurantKeys` adds those once the orders are loaded.
 */
export function eventKeys(events: readonly DecodedEvent[]): KeySets {
  const keys: KeySets = new Map();
  for (const event of events) {
    const a = event.args;
    switch (`${event.contractName}.${event.eventName}`) {
      case "HotPotToken.Transfer":
        add(keys, TOKEN_SUPPLY, event.contract);
        for (const address of [a.from, a.to] as string[]) if (address !== zeroAddress) add(keys, ACCOUNT, address);
        break;
      case "HotPotToken.LoyaltyRedeemed":
        add(keys, ACCOUNT, a.account as string);
        break;
      case "OrderSettlement.LoyaltyDebtRecorded":
      case "OrderSettlement.LoyaltyDebtRepaid":
        add(keys, ACCOUNT, a.customer as string);
        break;
      case "KycRegistry.KycAttested":
      case "KycRegistry.KycRevoked":
        add(keys, KYC_ATTESTATION, a.account as string);
        break;
      case "FranchiseNFT.Transfer":
        add(keys, FRANCHISE, String(a.tokenId));
        break;
      case "FranchiseNFT.FranchiseRegistered":
      case "FranchiseNFT.FranchiseFeeUpdated":
      case "FranchiseNFT.FranchiseMetadataUpdated":
      case "FranchiseNFT.FranchiseActiveSet":
        add(keys, FRANCHISE, String(a.restaurantId));
        break;
      case "OrderSettlement.TokenOrderPlaced":
      case "OrderSettlement.CardPaymentSettled":
        add(keys, ORDER, a.orderId as string);
        add(keys, FRANCHISE, String(a.restaurantId));
        break;
      case "OrderSettlement.TokenOrderFulfilled":
      case "OrderSettlement.TokenOrderRefunded":
      case "OrderSettlement.TokenOrderReclaimed":
      case "OrderSettlement.CardRefundRecorded":
        add(keys, ORDER, a.orderId as string);
        break;
      default: {
        const parameter = parameterKey(event);
        if (parameter !== undefined) add(keys, PLATFORM_PARAMETER, parameter);
      }
    }
  }
  return keys;
}

/** Restaurants of already-known orders whose later events move franchise totals. */
export function orderRestaurantKeys(batch: Batch, events: readonly DecodedEvent[], keys: KeySets): void {
  for (const event of events) {
    if (event.contractName !== "OrderSettlement") continue;
    if (event.eventName !== "TokenOrderFulfilled" && event.eventName !== "CardRefundRecorded") continue;
    const order = batch.get(ORDER, event.args.orderId as string);
    if (order !== null) add(keys, FRANCHISE, (order.restaurant_id as bigint).toString());
  }
}

function parameterKey(event: DecodedEvent): string | undefined {
  switch (event.eventName) {
    case "RequiredKycLevelUpdated":
      return "requiredKycLevel";
    case "CurrencyConfigured":
      return `currency:${event.args.token as string}`;
    case "CardRewardPerUnitUpdated":
      return "cardRewardPerUnit";
    case "TreasuryUpdated":
      return "treasury";
    case "Paused":
    case "Unpaused":
      return `paused:${event.contractName}`;
    default:
      return undefined;
  }
}

type Pending =
  | { kind: "reward"; orderId: string; customer: string; card: boolean }
  | { kind: "restore"; orderId: string; customer: string }
  | { kind: "clawback"; orderId: string; customer: string };

/**
 * Applies events, in chain order, to the batch's entities and facts.
 * Some facts span two logs of one transaction: a settlement and the reward mint that follows
 * it, a card refund and the clawback burn that follows it, a discount burn and the order
 * placement that follows it. `pending` pairs them, and only within one transaction.
 */
export function applyEvents(batch: Batch, events: readonly DecodedEvent[], timestampOf: (block: bigint) => Date): void {
  let pending: Pending | undefined;
  let pendingTx = "";
  let discountRedemption: { tx: string; row: Row } | undefined;

  for (const event of events) {
    if (event.txHash !== pendingTx) {
      pending = undefined;
      pendingTx = event.txHash;
    }
    const a = event.args;
    const block = event.blockNumber;
    const at = timestampOf(block);
    const fact = { block_number: block, log_index: event.logIndex, block_timestamp: at, tx_hash: event.txHash };

    switch (`${event.contractName}.${event.eventName}`) {
      case "HotPotToken.Transfer": {
        const from = a.from as string;
        const to = a.to as string;
        const value = a.value as bigint;
        batch.append(TRANSFER, { ...fact, from, to, value });
        let holdersDelta = 0;
        if (from !== zeroAddress) holdersDelta += moveBalance(batch, from, -value, block);
        if (to !== zeroAddress) holdersDelta += moveBalance(batch, to, value, block);
        const supply = batch.get(TOKEN_SUPPLY, event.contract) ?? {
          total_supply: 0n,
          total_minted: 0n,
          total_burned: 0n,
          holders: 0,
        };
        batch.put(TOKEN_SUPPLY, event.contract, block, {
          ...supply,
          total_supply:
            (supply.total_supply as bigint) + (from === zeroAddress ? value : 0n) - (to === zeroAddress ? value : 0n),
          total_minted: (supply.total_minted as bigint) + (from === zeroAddress ? value : 0n),
          total_burned: (supply.total_burned as bigint) + (to === zeroAddress ? value : 0n),
          holders: (supply.holders as number) + holdersDelta,
        });
        if (from === zeroAddress && pending !== undefined && pending.customer === to) {
          event.subjects.push(`order:${pending.orderId}`);
          if (pending.kind === "reward") {
            batch.append(REWARD, { ...fact, account: to, order_id: pending.orderId, amount: value });
            const account = batch.get(ACCOUNT, to) as Row;
            batch.put(ACCOUNT, to, block, { ...account, total_earned: (account.total_earned as bigint) + value });
            if (pending.card) {
              const order = batch.get(ORDER, pending.orderId) as Row;
              batch.put(ORDER, pending.orderId, block, { ...order, reward: value });
            }
          }
          pending = undefined;
        } else if (to === zeroAddress && pending?.kind === "clawback" && pending.customer === from) {
          event.subjects.push(`order:${pending.orderId}`);
        }
        break;
      }
      case "HotPotToken.LoyaltyRedeemed": {
        const account = a.account as string;
        const amount = a.amount as bigint;
        const clawback = pending?.kind === "clawback" && pending.customer === account ? pending : undefined;
        const row: Row = {
          ...fact,
          account,
          amount,
          redeemer: a.redeemer as string,
          reason: clawback === undefined ? "discount" : "clawback",
          order_id: clawback?.orderId ?? null,
        };
        batch.append(REDEMPTION, row);
        if (clawback === undefined) discountRedemption = { tx: event.txHash, row };
        else event.subjects.push(`order:${clawback.orderId}`);
        const current = batch.get(ACCOUNT, account) ?? newAccount(block);
        batch.put(ACCOUNT, account, block, {
          ...current,
          total_redeemed: (current.total_redeemed as bigint) + amount,
        });
        break;
      }
      case "OrderSettlement.LoyaltyDebtRecorded":
      case "OrderSettlement.LoyaltyDebtRepaid": {
        // Both events carry the customer's debt after the change: the mirror copies it.
        const customer = a.customer as string;
        const current = batch.get(ACCOUNT, customer) ?? newAccount(block);
        batch.put(ACCOUNT, customer, block, { ...current, points_debt: a.debt as bigint });
        break;
      }
      case "KycRegistry.KycAttested":
        batch.put(KYC_ATTESTATION, a.account as string, block, {
          level: Number(a.level),
          expires_at: chainTime(a.expiresAt as bigint),
          evidence_hash: a.evidenceHash as string,
          officer: a.officer as string,
          revoked: false,
          attested_at: at,
          revoked_at: null,
        });
        break;
      case "KycRegistry.KycRevoked": {
        const current = batch.get(KYC_ATTESTATION, a.account as string);
        batch.put(KYC_ATTESTATION, a.account as string, block, {
          level: 0,
          expires_at: current?.expires_at ?? new Date(0),
          evidence_hash: ZERO_HASH,
          officer: a.officer as string,
          revoked: true,
          attested_at: current?.attested_at ?? at,
          revoked_at: at,
        });
        break;
      }
      case "FranchiseNFT.Transfer": {
        const id = String(a.tokenId);
        const current = batch.get(FRANCHISE, id) ?? newFranchise(id, block, at);
        batch.put(FRANCHISE, id, block, { ...current, owner: a.to as string });
        break;
      }
      case "FranchiseNFT.FranchiseRegistered": {
        const id = String(a.restaurantId);
        const current = batch.get(FRANCHISE, id) ?? newFranchise(id, block, at);
        batch.put(FRANCHISE, id, block, {
          ...current,
          owner: a.owner as string,
          fee_bps: Number(a.feeBps),
          metadata_uri: a.metadataURI as string,
          active: true,
        });
        break;
      }
      case "FranchiseNFT.FranchiseFeeUpdated":
        updateFranchise(batch, String(a.restaurantId), block, { fee_bps: Number(a.newFeeBps) });
        break;
      case "FranchiseNFT.FranchiseMetadataUpdated":
        updateFranchise(batch, String(a.restaurantId), block, { metadata_uri: a.metadataURI as string });
        break;
      case "FranchiseNFT.FranchiseActiveSet":
        updateFranchise(batch, String(a.restaurantId), block, { active: a.active as boolean });
        break;
      case "OrderSettlement.TokenOrderPlaced": {
        const orderId = a.orderId as string;
        batch.put(ORDER, orderId, block, {
          ...newOrder(event, at),
          kind: "token",
          status: "escrowed",
          restaurant_id: a.restaurantId as bigint,
          customer: a.customer as string,
          token: a.token as string,
          price: a.price as bigint,
          discount: a.discount as bigint,
          points_redeemed: a.pointsRedeemed as bigint,
          paid: a.paid as bigint,
          reclaim_after: chainTime(a.reclaimAfter as bigint),
        });
        if (discountRedemption?.tx === event.txHash) {
          discountRedemption.row.order_id = orderId;
          discountRedemption = undefined;
        }
        break;
      }
      case "OrderSettlement.TokenOrderFulfilled": {
        const orderId = a.orderId as string;
        const order = requireOrder(batch, orderId);
        const franchiseeAmount = a.franchiseeAmount as bigint;
        const platformFee = a.platformFee as bigint;
        batch.put(ORDER, orderId, block, {
          ...order,
          ...closed(event, at),
          status: "fulfilled",
          franchisee_amount: franchiseeAmount,
          platform_fee: platformFee,
          reward: a.reward as bigint,
          receipt_digest: a.receiptDigest as string,
          receipt_cid: receiptCid(a.receiptDigest as string),
        });
        addRevenue(
          batch,
          (order.restaurant_id as bigint).toString(),
          block,
          order.paid as bigint,
          franchiseeAmount,
          platformFee,
          1,
        );
        if ((a.reward as bigint) > 0n) {
          pending = { kind: "reward", orderId, customer: order.customer as string, card: false };
        }
        break;
      }
      case "OrderSettlement.TokenOrderRefunded":
      case "OrderSettlement.TokenOrderReclaimed": {
        const orderId = a.orderId as string;
        const order = requireOrder(batch, orderId);
        batch.put(ORDER, orderId, block, {
          ...order,
          ...closed(event, at),
          status: event.eventName === "TokenOrderRefunded" ? "refunded" : "reclaimed",
          refunded_amount: a.amount as bigint,
        });
        pending = { kind: "restore", orderId, customer: order.customer as string };
        break;
      }
      case "OrderSettlement.CardPaymentSettled": {
        const orderId = a.orderId as string;
        const amount = a.amount as bigint;
        batch.put(ORDER, orderId, block, {
          ...newOrder(event, at),
          ...closed(event, at),
          kind: "card",
          status: "settled",
          restaurant_id: a.restaurantId as bigint,
          customer: a.customer as string,
          price: amount,
          paid: amount,
          payment_ref: a.paymentRef as string,
          receipt_digest: a.receiptDigest as string,
          receipt_cid: receiptCid(a.receiptDigest as string),
        });
        addRevenue(batch, String(a.restaurantId), block, amount, null, null, 1);
        pending = { kind: "reward", orderId, customer: a.customer as string, card: true };
        break;
      }
      case "OrderSettlement.CardRefundRecorded": {
        const orderId = a.orderId as string;
        const order = requireOrder(batch, orderId);
        const amount = a.amount as bigint;
        const remaining = a.remainingAmount as bigint;
        batch.append(CARD_REFUND, {
          ...fact,
          order_id: orderId,
          refund_ref: a.refundRef as string,
          amount,
          remaining_amount: remaining,
          points_clawed_back: a.pointsClawedBack as bigint,
          points_shortfall: a.pointsShortfall as bigint,
        });
        batch.put(ORDER, orderId, block, {
          ...order,
          status: remaining === 0n ? "refunded" : "partially_refunded",
          refunded_amount: (order.refunded_amount as bigint) + amount,
          points_clawed_back: (order.points_clawed_back as bigint) + (a.pointsClawedBack as bigint),
        });
        addRevenue(batch, (order.restaurant_id as bigint).toString(), block, -amount, null, null, 0);
        pending = { kind: "clawback", orderId, customer: order.customer as string };
        break;
      }
      default: {
        const key = parameterKey(event);
        if (key !== undefined) batch.put(PLATFORM_PARAMETER, key, block, { value: parameterValue(event) });
      }
    }
  }
}

function parameterValue(event: DecodedEvent): Record<string, unknown> {
  const a = event.args;
  switch (event.eventName) {
    case "RequiredKycLevelUpdated":
      return { level: Number(a.newLevel) };
    case "CurrencyConfigured":
      return {
        allowed: a.allowed,
        maxDiscountBps: Number(a.maxDiscountBps),
        rewardPerUnit: String(a.rewardPerUnit),
        pointsPerDiscountUnit: String(a.pointsPerDiscountUnit),
      };
    case "CardRewardPerUnitUpdated":
      return { epoch: Number(a.epoch), rate: String(a.newRate) };
    case "TreasuryUpdated":
      return { treasury: a.newTreasury };
    default:
      return { paused: event.eventName === "Paused" };
  }
}

/** Returns +1 when the account became a holder, -1 when it stopped being one. */
function moveBalance(batch: Batch, address: string, delta: bigint, block: bigint): number {
  const current = batch.get(ACCOUNT, address) ?? newAccount(block);
  const before = current.balance as bigint;
  const after = before + delta;
  batch.put(ACCOUNT, address, block, {
    ...current,
    balance: after,
    transfer_count: (current.transfer_count as number) + 1,
  });
  return before === 0n && after > 0n ? 1 : before > 0n && after === 0n ? -1 : 0;
}

function newAccount(block: bigint): Row {
  return {
    balance: 0n,
    total_earned: 0n,
    total_redeemed: 0n,
    transfer_count: 0,
    first_seen_block: block,
    points_debt: 0n,
  };
}

function newFranchise(id: string, block: bigint, at: Date): Row {
  return {
    restaurant_id: BigInt(id),
    owner: zeroAddress,
    fee_bps: 0,
    metadata_uri: "",
    active: true,
    registered_block: block,
    registered_at: at,
    order_count: 0,
    revenue: 0n,
    franchisee_amount: 0n,
    platform_fees: 0n,
  };
}

function updateFranchise(batch: Batch, id: string, block: bigint, change: Row): void {
  const current = batch.get(FRANCHISE, id);
  if (current === null) throw new Error(`franchise ${id} changed before it was registered`);
  batch.put(FRANCHISE, id, block, { ...current, ...change });
}

function addRevenue(
  batch: Batch,
  id: string,
  block: bigint,
  revenue: bigint,
  franchiseeAmount: bigint | null,
  platformFee: bigint | null,
  orders: number,
): void {
  // Card orders can be settled for a restaurant id the NFT contract has not seen (the settler
  // vouches for it); the mirror records what the chain recorded.
  const current = batch.get(FRANCHISE, id) ?? newFranchise(id, block, new Date(0));
  batch.put(FRANCHISE, id, block, {
    ...current,
    order_count: (current.order_count as number) + orders,
    revenue: (current.revenue as bigint) + revenue,
    franchisee_amount: (current.franchisee_amount as bigint) + (franchiseeAmount ?? 0n),
    platform_fees: (current.platform_fees as bigint) + (platformFee ?? 0n),
  });
}

function requireOrder(batch: Batch, orderId: string): Row {
  const order = batch.get(ORDER, orderId);
  if (order === null) throw new Error(`order ${orderId} changed before it was placed`);
  return order;
}

function newOrder(event: DecodedEvent, at: Date): Row {
  return {
    token: null,
    discount: 0n,
    points_redeemed: 0n,
    refunded_amount: 0n,
    franchisee_amount: null,
    platform_fee: null,
    reward: 0n,
    points_clawed_back: 0n,
    reclaim_after: null,
    payment_ref: null,
    receipt_digest: null,
    receipt_cid: null,
    placed_block: event.blockNumber,
    placed_at: at,
    placed_tx: event.txHash,
    closed_block: null,
    closed_at: null,
    closed_tx: null,
  };
}

function closed(event: DecodedEvent, at: Date): Row {
  return { closed_block: event.blockNumber, closed_at: at, closed_tx: event.txHash };
}
