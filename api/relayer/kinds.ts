/**
 * The outbox kinds the relayer executes: one entry per kind, in one table. Adding a kind means
 * declaring its payload in api/outbox/payloads.ts (the type, its JSON and its parser, shared with
 * the API's `enqueue`) and an entry here: which signer role sends it, which contract and function
 * it calls, and which reverts mean "already done" or "not yet".
 */
import { parseEventLogs, type Abi, type Address, type Hex, type PublicClient, type TransactionReceipt } from "viem";

import { classifyDatabaseError } from "../../lib/errors.ts";
import type { Database } from "../../lib/db/client.ts";
import type { Logger } from "../../lib/logger.ts";
import {
  PAYLOAD_CODECS,
  type CardPayment,
  type CardRefund,
  type FranchiseRegistration,
  type KycAttestation,
  type KycRevocation,
  type OutboxKindName,
  type OutboxPayloads,
  type TokenOrderFulfilment,
  type TokenOrderRefund,
} from "../outbox/payloads.ts";

import { classifyRpcError, type Revert } from "./errors.ts";
import { currentOrderKind } from "../mirror/orders.ts";

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
  /** Validates the JSON payload (the kind's codec); throws a HotPotError (the row fails) when it is malformed. */
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
// Kinds
// ---------------------------------------------------------------------------------------------

/** IOrderSettlement.OrderStatus by number. */
export const ORDER_STATUS = ["None", "Escrowed", "Fulfilled", "Refunded", "Reclaimed", "CardSettled", "CardRefunded"];

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
  parse: PAYLOAD_CODECS.settle_card.decode,
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
  parse: PAYLOAD_CODECS.record_card_refund.decode,
  call: ([entry]) => ({
    functionName: "recordCardRefund",
    args: [entry?.orderId, entry?.amount, entry?.refundRef],
  }),
  // Webhooks may arrive out of order: a refund waits until the settlement is on chain.
  async ready(context, entry) {
    const kind = await currentOrderKind(context.db.pool, entry.orderId).catch((error: unknown) => {
      throw classifyDatabaseError(error);
    });
    if (kind !== undefined) return true;
    return (await chainOrderStatus(context, entry.orderId)).status !== "None";
  },
  alreadyDone: (revert) =>
    revert.name === "OrderSettlementRefundAlreadyRecorded" ? "refund already recorded on chain" : undefined,
  notYet: (revert) => invalidStatus(revert, "None"),
};

const fulfillToken: OutboxKind<TokenOrderFulfilment> = {
  role: "settler",
  contract: "OrderSettlement",
  batch: false,
  parse: PAYLOAD_CODECS.fulfill_token.decode,
  call: ([entry]) => ({ functionName: "fulfill", args: [entry?.order, entry?.receiptDigest] }),
  alreadyDone: (revert) => (invalidStatus(revert, "Fulfilled") ? "order already fulfilled on chain" : undefined),
};

const refundToken: OutboxKind<TokenOrderRefund> = {
  role: "settler",
  contract: "OrderSettlement",
  batch: false,
  parse: PAYLOAD_CODECS.refund_token.decode,
  call: ([entry]) => ({ functionName: "refund", args: [entry?.order] }),
  alreadyDone: (revert) => (invalidStatus(revert, "Refunded") ? "order already refunded on chain" : undefined),
};

const registerFranchise: OutboxKind<FranchiseRegistration> = {
  role: "franchiseAdmin",
  contract: "FranchiseNFT",
  batch: false,
  parse: PAYLOAD_CODECS.register_franchise.decode,
  call: ([entry]) => ({
    functionName: "register",
    args: [entry?.owner, entry?.restaurantId, entry?.feeBps, entry?.metadataURI],
  }),
  // _mint refuses an existing token id with ERC721InvalidSender(address(0)).
  alreadyDone: (revert) =>
    revert.name === "ERC721InvalidSender" ? "restaurant id already registered on chain" : undefined,
};

/** An approved KYC case: attest(account, level, expiresAt, evidenceHash). Re-attesting replaces. */
const kycAttest: OutboxKind<KycAttestation> = {
  role: "kycOfficer",
  contract: "KycRegistry",
  batch: false,
  parse: PAYLOAD_CODECS.kyc_attest.decode,
  call: ([entry]) => ({
    functionName: "attest",
    args: [entry?.account, entry?.level, entry?.expiresAt, entry?.evidenceHash],
  }),
};

/** A revoked KYC case: revoke(account, reasonHash). Revoking what is not attested is already done. */
const kycRevoke: OutboxKind<KycRevocation> = {
  role: "kycOfficer",
  contract: "KycRegistry",
  batch: false,
  parse: PAYLOAD_CODECS.kyc_revoke.decode,
  call: ([entry]) => ({ functionName: "revoke", args: [entry?.account, entry?.reasonHash] }),
  alreadyDone: (revert) => (revert.name === "KycRegistryNotAttested" ? "nothing attested to revoke" : undefined),
};

/** Every kind the relayer executes, in the order a drain visits them (settlements before their refunds). */
const KINDS: { readonly [K in OutboxKindName]: OutboxKind<OutboxPayloads[K]> } = {
  settle_card: settleCard,
  record_card_refund: recordCardRefund,
  fulfill_token: fulfillToken,
  refund_token: refundToken,
  kyc_attest: kycAttest,
  kyc_revoke: kycRevoke,
  register_franchise: registerFranchise,
};

/** The kinds by name (rows carry the name as text), in the order a drain visits them. */
export const OUTBOX_KINDS: ReadonlyMap<string, OutboxKind<unknown>> = new Map(
  // Method parameters are bivariant: a kind of any payload type is a kind of unknown.
  Object.entries(KINDS as Record<string, OutboxKind<unknown>>),
);

/**
 * Reverts that may pass without any change to the entry (the contract is paused, the signer's
 * role is being granted): retried with backoff and counted. Any other decoded revert is permanent.
 */
export const TRANSIENT_REVERTS: ReadonlySet<string> = new Set([
  "EnforcedPause",
  "AccessControlUnauthorizedAccount",
  "",
]);
