/**
 * The outbox kinds the relayer executes: one entry per kind, in one table. Adding a kind (e.g.
 * `kyc_attest`) means adding an entry here: which signer role sends it, which contract and
 * function it calls, how its payload is parsed, and which reverts mean "already done" or "not yet".
 */
import {
  getAddress,
  parseEventLogs,
  type Abi,
  type Address,
  type Hex,
  type PublicClient,
  type TransactionReceipt,
} from "viem";

import { HotPotError, classifyDatabaseError } from "../../lib/errors.ts";
import type { Database } from "../../lib/db/client.ts";
import type { Logger } from "../../lib/logger.ts";
import type { TokenOrderMessage } from "../../lib/typed-data.ts";

import { classifyRpcError, type Revert } from "./errors.ts";

/** Who signs a kind's transactions (see RelayerAccounts). */
export type SignerRole = "settler" | "franchiseAdmin" | "kycOfficer";
export type TargetContract = "OrderSettlement" | "FranchiseNFT" | "KycRegistry";

/** What the kinds may look at: the database (mirror), the chain, the deployed contracts. */
export interface KindContext {
  readonly db: Database;
  readonly client: PublicClient;
  readonly contracts: Readonly<Record<TargetContract, { readonly address: Address; readonly abi: Abi }>>;
  readonly logger: Logger;
}

/** What became of one entry of a mined transaction; `note` goes to `outbox.last_error` (a row can be done with a note). */
export interface EntryResult {
  readonly note?: string;
}

export interface OutboxKind<P> {
  readonly role: SignerRole;
  readonly contract: TargetContract;
  /** Whether many entries go into one call (`call` receives up to `maxBatch` entries), or one per transaction. */
  readonly batch: boolean;
  /** Validates the JSON payload; throws a HotPotError (the row fails) when it is malformed. */
  parse(payload: unknown): P;
  call(entries: readonly P[]): { functionName: string; args: readonly unknown[] };
  /** Checked before sending; false leaves the row pending until later (not counted as an attempt). */
  ready?(context: KindContext, entry: P): Promise<boolean>;
  /** A revert meaning the work is already on chain: the row is done. */
  alreadyDone?(revert: Revert, entry: P): string | undefined;
  /** A revert meaning "not yet" (a prerequisite is missing): wait, not counted as an attempt. */
  notYet?(revert: Revert, entry: P): boolean;
  /** Per-entry results from a successful transaction's receipt (notes, warnings); entries default to done. */
  mined?(context: KindContext, entries: readonly P[], receipt: TransactionReceipt): Promise<readonly EntryResult[]>;
}

// ---------------------------------------------------------------------------------------------
// Payload fields
// ---------------------------------------------------------------------------------------------

function field(payload: unknown, name: string): unknown {
  if (typeof payload !== "object" || payload === null) throw new HotPotError("payload is not an object");
  const value = (payload as Record<string, unknown>)[name];
  if (value === undefined || value === null) throw new HotPotError(`payload.${name} is missing`);
  return value;
}

function bytes32(payload: unknown, name: string): Hex {
  const value = field(payload, name);
  if (typeof value !== "string" || !/^0x[0-9a-fA-F]{64}$/.test(value)) {
    throw new HotPotError(`payload.${name} must be 0x and 64 hex digits`);
  }
  return value.toLowerCase() as Hex;
}

function address(payload: unknown, name: string): Address {
  const value = field(payload, name);
  if (typeof value !== "string" || !/^0x[0-9a-fA-F]{40}$/.test(value)) {
    throw new HotPotError(`payload.${name} must be an address`);
  }
  return getAddress(value);
}

function uint(payload: unknown, name: string, bits: number): bigint {
  const value = field(payload, name);
  const text = typeof value === "number" && Number.isSafeInteger(value) ? String(value) : value;
  if (typeof text !== "string" || !/^\d{1,78}$/.test(text)) {
    throw new HotPotError(`payload.${name} must be a decimal string`);
  }
  const parsed = BigInt(text);
  if (parsed >= 1n << BigInt(bits)) throw new HotPotError(`payload.${name} does not fit uint${bits}`);
  return parsed;
}

function text(payload: unknown, name: string): string {
  const value = field(payload, name);
  if (typeof value !== "string") throw new HotPotError(`payload.${name} must be a string`);
  return value;
}

// ---------------------------------------------------------------------------------------------
// Kinds
// ---------------------------------------------------------------------------------------------

/** IOrderSettlement.OrderStatus by number. */
export const ORDER_STATUS = ["None", "Escrowed", "Fulfilled", "Refunded", "Reclaimed", "CardSettled", "CardRefunded"];

interface CardPayment {
  orderId: Hex;
  restaurantId: bigint;
  customer: Address;
  amount: bigint;
  paymentRef: Hex;
  receiptDigest: Hex;
}

interface CardRefund {
  orderId: Hex;
  amount: bigint;
  refundRef: Hex;
}

/** IOrderSettlement.TokenOrder, as quotes sign it. */
export type TokenOrderEntry = TokenOrderMessage;

interface FranchiseRegistration {
  restaurantId: bigint;
  owner: Address;
  feeBps: number;
  metadataURI: string;
}

function tokenOrder(payload: unknown): TokenOrderEntry {
  const order = field(payload, "order");
  return {
    orderId: bytes32(order, "orderId"),
    restaurantId: uint(order, "restaurantId", 256),
    customer: address(order, "customer"),
    token: address(order, "token"),
    price: uint(order, "price", 96),
    discount: uint(order, "discount", 96),
    pointsRedeemed: uint(order, "pointsRedeemed", 256),
    reclaimAfter: Number(uint(order, "reclaimAfter", 48)),
  };
}

/** Whether the revert is OrderSettlementInvalidStatus with the order in `status`. */
function invalidStatus(revert: Revert, status: string): boolean {
  return revert.name === "OrderSettlementInvalidStatus" && ORDER_STATUS[Number(revert.args[1])] === status;
}

async function chainOrderStatus(context: KindContext, orderId: Hex): Promise<{ status: string; customer: Address }> {
  const settlement = context.contracts.OrderSettlement;
  const record = (await context.client
    .readContract({ address: settlement.address, abi: settlement.abi, functionName: "orderOf", args: [orderId] })
    .catch((error: unknown) => {
      throw classifyRpcError(error);
    })) as { status: number; customer: Address };
  return { status: ORDER_STATUS[record.status] ?? String(record.status), customer: record.customer };
}

const settleCard: OutboxKind<CardPayment> = {
  role: "settler",
  contract: "OrderSettlement",
  batch: true,
  parse: (payload) => ({
    orderId: bytes32(payload, "orderId"),
    restaurantId: uint(payload, "restaurantId", 256),
    customer: address(payload, "customer"),
    amount: uint(payload, "amount", 64),
    paymentRef: bytes32(payload, "paymentRef"),
    receiptDigest: bytes32(payload, "receiptDigest"),
  }),
  // Sorted by restaurant: the contract looks each restaurant up once per run of equal ids.
  call: (entries) => ({
    functionName: "settleCardPayments",
    args: [
      [...entries].sort((a, b) => (a.restaurantId < b.restaurantId ? -1 : a.restaurantId > b.restaurantId ? 1 : 0)),
    ],
  }),
  async mined(context, entries, receipt) {
    const logs = parseEventLogs({
      abi: context.contracts.OrderSettlement.abi,
      logs: receipt.logs,
      eventName: ["CardPaymentSettled", "CardPaymentDuplicateSkipped"],
    });
    const settled = new Set<string>();
    for (const log of logs) {
      if (log.eventName !== "CardPaymentSettled") continue;
      const args = log.args as { orderId: Hex; paymentRef: Hex };
      settled.add(`${args.orderId.toLowerCase()}:${args.paymentRef.toLowerCase()}`);
    }
    const results: EntryResult[] = [];
    for (const entry of entries) {
      if (settled.has(`${entry.orderId}:${entry.paymentRef}`)) {
        results.push({});
        continue;
      }
      // Skipped as a duplicate: the id was used before, by this payment (a resent batch) or by
      // another order. A token order holding the id means this card payment must be refunded.
      const onChain = await chainOrderStatus(context, entry.orderId);
      if (onChain.status === "CardSettled" || onChain.status === "CardRefunded") {
        if (onChain.customer.toLowerCase() === entry.customer.toLowerCase()) {
          results.push({});
        } else {
          const note = `order id already settled for another customer (${onChain.customer}); refund this card payment`;
          context.logger.warn({ orderId: entry.orderId }, `settle_card skipped: ${note}`);
          results.push({ note });
        }
      } else {
        const note = `order id is taken by a token order (${onChain.status}); refund this card payment`;
        context.logger.warn({ orderId: entry.orderId }, `settle_card skipped: ${note}`);
        results.push({ note });
      }
    }
    return results;
  },
};

const recordCardRefund: OutboxKind<CardRefund> = {
  role: "settler",
  contract: "OrderSettlement",
  batch: false,
  parse: (payload) => ({
    orderId: bytes32(payload, "orderId"),
    amount: uint(payload, "amount", 64),
    refundRef: bytes32(payload, "refundRef"),
  }),
  call: ([entry]) => ({
    functionName: "recordCardRefund",
    args: [entry?.orderId, entry?.amount, entry?.refundRef],
  }),
  // Webhooks may arrive out of order: a refund waits until the settlement is on chain.
  async ready(context, entry) {
    const { rows } = await context.db.pool
      .query<{ kind: string }>(`SELECT kind FROM "order" WHERE order_id = $1 AND block_to IS NULL`, [entry.orderId])
      .catch((error: unknown) => {
        throw classifyDatabaseError(error);
      });
    if (rows[0] !== undefined) return true;
    return (await chainOrderStatus(context, entry.orderId)).status !== "None";
  },
  alreadyDone: (revert) =>
    revert.name === "OrderSettlementRefundAlreadyRecorded" ? "refund already recorded on chain" : undefined,
  notYet: (revert) => invalidStatus(revert, "None"),
};

const fulfillToken: OutboxKind<{ order: TokenOrderEntry; receiptDigest: Hex }> = {
  role: "settler",
  contract: "OrderSettlement",
  batch: false,
  parse: (payload) => ({ order: tokenOrder(payload), receiptDigest: bytes32(payload, "receiptDigest") }),
  call: ([entry]) => ({ functionName: "fulfill", args: [entry?.order, entry?.receiptDigest] }),
  alreadyDone: (revert) => (invalidStatus(revert, "Fulfilled") ? "order already fulfilled on chain" : undefined),
};

const refundToken: OutboxKind<{ order: TokenOrderEntry }> = {
  role: "settler",
  contract: "OrderSettlement",
  batch: false,
  parse: (payload) => ({ order: tokenOrder(payload) }),
  call: ([entry]) => ({ functionName: "refund", args: [entry?.order] }),
  alreadyDone: (revert) => (invalidStatus(revert, "Refunded") ? "order already refunded on chain" : undefined),
};

const registerFranchise: OutboxKind<FranchiseRegistration> = {
  role: "franchiseAdmin",
  contract: "FranchiseNFT",
  batch: false,
  parse: (payload) => ({
    restaurantId: uint(payload, "restaurantId", 256),
    owner: address(payload, "owner"),
    feeBps: Number(uint(payload, "feeBps", 16)),
    metadataURI: text(payload, "metadataURI"),
  }),
  call: ([entry]) => ({
    functionName: "register",
    args: [entry?.owner, entry?.restaurantId, entry?.feeBps, entry?.metadataURI],
  }),
  // _mint refuses an existing token id with ERC721InvalidSender(address(0)).
  alreadyDone: (revert) =>
    revert.name === "ERC721InvalidSender" ? "restaurant id already registered on chain" : undefined,
};

interface Attestation {
  account: Address;
  level: number;
  expiresAt: bigint;
  evidenceHash: Hex;
}

/** An approved KYC case: attest(account, level, expiresAt, evidenceHash). Re-attesting replaces. */
const kycAttest: OutboxKind<Attestation> = {
  role: "kycOfficer",
  contract: "KycRegistry",
  batch: false,
  parse: (payload) => ({
    account: address(payload, "account"),
    level: Number(uint(payload, "level", 8)),
    expiresAt: uint(payload, "expiresAt", 64),
    evidenceHash: bytes32(payload, "evidenceHash"),
  }),
  call: ([entry]) => ({
    functionName: "attest",
    args: [entry?.account, entry?.level, entry?.expiresAt, entry?.evidenceHash],
  }),
};

/** A revoked KYC case: revoke(account, reasonHash). Revoking what is not attested is already done. */
const kycRevoke: OutboxKind<{ account: Address; reasonHash: Hex }> = {
  role: "kycOfficer",
  contract: "KycRegistry",
  batch: false,
  parse: (payload) => ({ account: address(payload, "account"), reasonHash: bytes32(payload, "reasonHash") }),
  call: ([entry]) => ({ functionName: "revoke", args: [entry?.account, entry?.reasonHash] }),
  alreadyDone: (revert) => (revert.name === "KycRegistryNotAttested" ? "nothing attested to revoke" : undefined),
};

function erase<P>(kind: OutboxKind<P>): OutboxKind<unknown> {
  // Method parameters are bivariant: a kind of any payload type is a kind of unknown.
  return kind;
}

/** Every kind the relayer executes, in the order a drain visits them (settlements before their refunds). */
export const OUTBOX_KINDS: ReadonlyMap<string, OutboxKind<unknown>> = new Map([
  ["settle_card", erase(settleCard)],
  ["record_card_refund", erase(recordCardRefund)],
  ["fulfill_token", erase(fulfillToken)],
  ["refund_token", erase(refundToken)],
  ["kyc_attest", erase(kycAttest)],
  ["kyc_revoke", erase(kycRevoke)],
  ["register_franchise", erase(registerFranchise)],
]);

/**
 * Reverts that may pass without any change to the entry (the contract is paused, the signer's
 * role is being granted): retried with backoff and counted. Any other decoded revert is permanent.
 */
export const TRANSIENT_REVERTS: ReadonlySet<string> = new Set([
  "EnforcedPause",
  "AccessControlUnauthorizedAccount",
  "",
]);
