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

/** Adds one entity key to the batch's key sets. */
type AddKey = (table: VersionedTableSpec, key: string) => void;

type Pending =
  | { kind: "reward"; orderId: string; customer: string; card: boolean }
  | { kind: "restore"; orderId: string; customer: string }
  | { kind: "clawback"; orderId: string; customer: string };

/**
 * What one event's handler sees. Some facts span two logs of one transaction: a settlement and
 * the reward mint that follows it, a card refund and the clawback burn that follows it, a
 * discount burn and the order placement that follows it. `tx` pairs them, and only within one
 * transaction: it is fresh for every transaction.
 */
interface ApplyContext {
  readonly batch: Batch;
  readonly event: DecodedEvent;
  readonly args: Readonly<Record<string, unknown>>;
  readonly block: bigint;
  readonly at: Date;
  /** The columns every fact row starts with. */
  readonly fact: Row;
  readonly tx: { pending?: Pending | undefined; discountRedemption?: Row | undefined };
}

/** Everything the mirror does with one kind of event, in one place. */
interface EventHandler {
  /** Entity keys the event names, loaded from the database before the batch is applied. */
  readonly keys: (args: Readonly<Record<string, unknown>>, event: DecodedEvent, addKey: AddKey) => void;
  /** The event names only the order but moves its restaurant's totals: the franchise is loaded once the order is. */
  readonly movesOrderRestaurant?: true;
  readonly apply: (context: ApplyContext) => void;
}

/** A platform setting the chain announces; its history is kept under `key`. */
function parameter(
  key: (event: DecodedEvent) => string,
  value: (args: Readonly<Record<string, unknown>>, event: DecodedEvent) => Record<string, unknown>,
): EventHandler {
  return {
    keys: (_args, event, addKey) => {
      addKey(PLATFORM_PARAMETER, key(event));
    },
    apply: ({ batch, event, args, block }) => {
      batch.put(PLATFORM_PARAMETER, key(event), block, { value: value(args, event) });
    },
  };
}

const paused = parameter(
  (event) => `paused:${event.contractName}`,
  (_args, event) => ({ paused: event.eventName === "Paused" }),
);

const orderKey: EventHandler["keys"] = (args, _event, addKey) => {
  addKey(ORDER, args.orderId as string);
};
const orderAndRestaurantKeys: EventHandler["keys"] = (args, _event, addKey) => {
  addKey(ORDER, args.orderId as string);
  addKey(FRANCHISE, String(args.restaurantId));
};
const restaurantKey: EventHandler["keys"] = (args, _event, addKey) => {
  addKey(FRANCHISE, String(args.restaurantId));
};
const customerKey: EventHandler["keys"] = (args, _event, addKey) => {
  addKey(ACCOUNT, args.customer as string);
};
const attestationKey: EventHandler["keys"] = (args, _event, addKey) => {
  addKey(KYC_ATTESTATION, args.account as string);
};

/** Both loyalty-debt events carry the customer's debt after the change: the mirror copies it. */
const loyaltyDebt: EventHandler = {
  keys: customerKey,
  apply: ({ batch, args, block }) => {
    const customer = args.customer as string;
    const current = batch.get(ACCOUNT, customer) ?? newAccount(block);
    batch.put(ACCOUNT, customer, block, { ...current, points_debt: args.debt as bigint });
  },
};

const tokenOrderClosed: EventHandler = {
  keys: orderKey,
  apply: ({ batch, event, args, at, tx }) => {
    const orderId = args.orderId as string;
    const order = requireOrder(batch, orderId);
    batch.put(ORDER, orderId, event.blockNumber, {
      ...order,
      ...closed(event, at),
      status: event.eventName === "TokenOrderRefunded" ? "refunded" : "reclaimed",
      refunded_amount: args.amount as bigint,
    });
    tx.pending = { kind: "restore", orderId, customer: order.customer as string };
  },
};

/**
 * The mirror's event handlers by `<contract>.<event>`. Events without one (roles, approvals,
 * metadata refreshes) are kept in `chain_event` only.
 */
const HANDLERS: Readonly<Record<string, EventHandler>> = {
  "HotPotToken.Transfer": {
    keys: (args, event, addKey) => {
      addKey(TOKEN_SUPPLY, event.contract);
      for (const address of [args.from, args.to] as string[]) if (address !== zeroAddress) addKey(ACCOUNT, address);
    },
    apply: ({ batch, event, args, block, fact, tx }) => {
      const from = args.from as string;
      const to = args.to as string;
      const value = args.value as bigint;
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
      const pending = tx.pending;
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
        tx.pending = undefined;
      } else if (to === zeroAddress && pending?.kind === "clawback" && pending.customer === from) {
        event.subjects.push(`order:${pending.orderId}`);
      }
    },
  },
  "HotPotToken.LoyaltyRedeemed": {
    keys: (args, _event, addKey) => {
      addKey(ACCOUNT, args.account as string);
    },
    apply: ({ batch, event, args, block, fact, tx }) => {
      const account = args.account as string;
      const amount = args.amount as bigint;
      const clawback = tx.pending?.kind === "clawback" && tx.pending.customer === account ? tx.pending : undefined;
      const row: Row = {
        ...fact,
        account,
        amount,
        redeemer: args.redeemer as string,
        reason: clawback === undefined ? "discount" : "clawback",
        order_id: clawback?.orderId ?? null,
      };
      batch.append(REDEMPTION, row);
      if (clawback === undefined) tx.discountRedemption = row;
      else event.subjects.push(`order:${clawback.orderId}`);
      const current = batch.get(ACCOUNT, account) ?? newAccount(block);
      batch.put(ACCOUNT, account, block, { ...current, total_redeemed: (current.total_redeemed as bigint) + amount });
    },
  },
  "HotPotToken.Paused": paused,
  "HotPotToken.Unpaused": paused,
  "OrderSettlement.LoyaltyDebtRecorded": loyaltyDebt,
  "OrderSettlement.LoyaltyDebtRepaid": loyaltyDebt,
  "KycRegistry.KycAttested": {
    keys: attestationKey,
    apply: ({ batch, args, block, at }) => {
      batch.put(KYC_ATTESTATION, args.account as string, block, {
        level: Number(args.level),
        expires_at: chainTime(args.expiresAt as bigint),
        evidence_hash: args.evidenceHash as string,
        officer: args.officer as string,
        revoked: false,
        attested_at: at,
        revoked_at: null,
      });
    },
  },
  "KycRegistry.KycRevoked": {
    keys: attestationKey,
    apply: ({ batch, args, block, at }) => {
      const current = batch.get(KYC_ATTESTATION, args.account as string);
      batch.put(KYC_ATTESTATION, args.account as string, block, {
        level: 0,
        expires_at: current?.expires_at ?? new Date(0),
        evidence_hash: ZERO_HASH,
        officer: args.officer as string,
        revoked: true,
        attested_at: current?.attested_at ?? at,
        revoked_at: at,
      });
    },
  },
  "FranchiseNFT.Transfer": {
    keys: (args, _event, addKey) => {
      addKey(FRANCHISE, String(args.tokenId));
    },
    apply: ({ batch, args, block, at }) => {
      const id = String(args.tokenId);
      const current = batch.get(FRANCHISE, id) ?? newFranchise(id, block, at);
      batch.put(FRANCHISE, id, block, { ...current, owner: args.to as string });
    },
  },
  "FranchiseNFT.FranchiseRegistered": {
    keys: restaurantKey,
    apply: ({ batch, args, block, at }) => {
      const id = String(args.restaurantId);
      const current = batch.get(FRANCHISE, id) ?? newFranchise(id, block, at);
      batch.put(FRANCHISE, id, block, {
        ...current,
        owner: args.owner as string,
        fee_bps: Number(args.feeBps),
        metadata_uri: args.metadataURI as string,
        active: true,
      });
    },
  },
  "FranchiseNFT.FranchiseFeeUpdated": {
    keys: restaurantKey,
    apply: ({ batch, args, block }) => {
      updateFranchise(batch, String(args.restaurantId), block, { fee_bps: Number(args.newFeeBps) });
    },
  },
  "FranchiseNFT.FranchiseMetadataUpdated": {
    keys: restaurantKey,
    apply: ({ batch, args, block }) => {
      updateFranchise(batch, String(args.restaurantId), block, { metadata_uri: args.metadataURI as string });
    },
  },
  "FranchiseNFT.FranchiseActiveSet": {
    keys: restaurantKey,
    apply: ({ batch, args, block }) => {
      updateFranchise(batch, String(args.restaurantId), block, { active: args.active as boolean });
    },
  },
  "FranchiseNFT.RequiredKycLevelUpdated": parameter(
    () => "requiredKycLevel",
    (args) => ({ level: Number(args.newLevel) }),
  ),
  "OrderSettlement.TokenOrderPlaced": {
    keys: orderAndRestaurantKeys,
    apply: ({ batch, event, args, block, at, tx }) => {
      const orderId = args.orderId as string;
      batch.put(ORDER, orderId, block, {
        ...newOrder(event, at),
        kind: "token",
        status: "escrowed",
        restaurant_id: args.restaurantId as bigint,
        customer: args.customer as string,
        token: args.token as string,
        price: args.price as bigint,
        discount: args.discount as bigint,
        points_redeemed: args.pointsRedeemed as bigint,
        paid: args.paid as bigint,
        reclaim_after: chainTime(args.reclaimAfter as bigint),
      });
      if (tx.discountRedemption !== undefined) {
        tx.discountRedemption.order_id = orderId;
        tx.discountRedemption = undefined;
      }
    },
  },
  "OrderSettlement.TokenOrderFulfilled": {
    keys: orderKey,
    movesOrderRestaurant: true,
    apply: ({ batch, event, args, block, at, tx }) => {
      const orderId = args.orderId as string;
      const order = requireOrder(batch, orderId);
      const franchiseeAmount = args.franchiseeAmount as bigint;
      const platformFee = args.platformFee as bigint;
      batch.put(ORDER, orderId, block, {
        ...order,
        ...closed(event, at),
        status: "fulfilled",
        franchisee_amount: franchiseeAmount,
        platform_fee: platformFee,
        reward: args.reward as bigint,
        receipt_digest: args.receiptDigest as string,
        receipt_cid: receiptCid(args.receiptDigest as string),
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
      if ((args.reward as bigint) > 0n) {
        tx.pending = { kind: "reward", orderId, customer: order.customer as string, card: false };
      }
    },
  },
  "OrderSettlement.TokenOrderRefunded": tokenOrderClosed,
  "OrderSettlement.TokenOrderReclaimed": tokenOrderClosed,
  "OrderSettlement.CardPaymentSettled": {
    keys: orderAndRestaurantKeys,
    apply: ({ batch, event, args, block, at, tx }) => {
      const orderId = args.orderId as string;
      const amount = args.amount as bigint;
      batch.put(ORDER, orderId, block, {
        ...newOrder(event, at),
        ...closed(event, at),
        kind: "card",
        status: "settled",
        restaurant_id: args.restaurantId as bigint,
        customer: args.customer as string,
        price: amount,
        paid: amount,
        payment_ref: args.paymentRef as string,
        receipt_digest: args.receiptDigest as string,
        receipt_cid: receiptCid(args.receiptDigest as string),
      });
      addRevenue(batch, String(args.restaurantId), block, amount, null, null, 1);
      tx.pending = { kind: "reward", orderId, customer: args.customer as string, card: true };
    },
  },
  "OrderSettlement.CardRefundRecorded": {
    keys: orderKey,
    movesOrderRestaurant: true,
    apply: ({ batch, args, block, fact, tx }) => {
      const orderId = args.orderId as string;
      const order = requireOrder(batch, orderId);
      const amount = args.amount as bigint;
      const remaining = args.remainingAmount as bigint;
      batch.append(CARD_REFUND, {
        ...fact,
        order_id: orderId,
        refund_ref: args.refundRef as string,
        amount,
        remaining_amount: remaining,
        points_clawed_back: args.pointsClawedBack as bigint,
        points_shortfall: args.pointsShortfall as bigint,
      });
      batch.put(ORDER, orderId, block, {
        ...order,
        status: remaining === 0n ? "refunded" : "partially_refunded",
        refunded_amount: (order.refunded_amount as bigint) + amount,
        points_clawed_back: (order.points_clawed_back as bigint) + (args.pointsClawedBack as bigint),
      });
      addRevenue(batch, (order.restaurant_id as bigint).toString(), block, -amount, null, null, 0);
      tx.pending = { kind: "clawback", orderId, customer: order.customer as string };
    },
  },
  "OrderSettlement.CurrencyConfigured": parameter(
    (event) => `currency:${event.args.token as string}`,
    (args) => ({
      allowed: args.allowed,
      maxDiscountBps: Number(args.maxDiscountBps),
      rewardPerUnit: String(args.rewardPerUnit),
      pointsPerDiscountUnit: String(args.pointsPerDiscountUnit),
    }),
  ),
  "OrderSettlement.CardRewardPerUnitUpdated": parameter(
    () => "cardRewardPerUnit",
    (args) => ({ epoch: Number(args.epoch), rate: String(args.newRate) }),
  ),
  "OrderSettlement.TreasuryUpdated": parameter(
    () => "treasury",
    (args) => ({ treasury: args.newTreasury }),
  ),
  "OrderSettlement.Paused": paused,
  "OrderSettlement.Unpaused": paused,
};

function handlerOf(event: DecodedEvent): EventHandler | undefined {
  return HANDLERS[`${event.contractName}.${event.eventName}`];
}

/**
 * Keys named by the events themselves. Franchise totals also move with order events that name
 * only the order; `orderRestaurantKeys` adds those once the orders are loaded.
 */
export function eventKeys(events: readonly DecodedEvent[]): KeySets {
  const keys: KeySets = new Map();
  const addKey: AddKey = (table, key) => {
    add(keys, table, key);
  };
  for (const event of events) handlerOf(event)?.keys(event.args, event, addKey);
  return keys;
}

/** Restaurants of already-known orders whose later events move franchise totals. */
export function orderRestaurantKeys(batch: Batch, events: readonly DecodedEvent[], keys: KeySets): void {
  for (const event of events) {
    if (handlerOf(event)?.movesOrderRestaurant !== true) continue;
    const order = batch.get(ORDER, event.args.orderId as string);
    if (order !== null) add(keys, FRANCHISE, (order.restaurant_id as bigint).toString());
  }
}

/** Applies events, in chain order, to the batch's entities and facts. */
export function applyEvents(batch: Batch, events: readonly DecodedEvent[], timestampOf: (block: bigint) => Date): void {
  let tx: ApplyContext["tx"] = {};
  let txHash = "";
  for (const event of events) {
    if (event.txHash !== txHash) {
      tx = {};
      txHash = event.txHash;
    }
    const handler = handlerOf(event);
    if (handler === undefined) continue;
    const block = event.blockNumber;
    const at = timestampOf(block);
    handler.apply({
      batch,
      event,
      args: event.args,
      block,
      at,
      fact: { block_number: block, log_index: event.logIndex, block_timestamp: at, tx_hash: event.txHash },
      tx,
    });
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
