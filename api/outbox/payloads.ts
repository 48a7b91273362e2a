/**
 * What each outbox kind carries: the payload type the API enqueues and the relayer executes, its
 * JSON spelling in `outbox.payload` (uints as decimal strings, bytes32 and addresses as lower-case
 * `0x` hex) and the parser the relayer reads it back with. One declaration per kind serves both
 * sides, so the writer and the reader cannot drift apart.
 */
import { getAddress, type Address, type Hex } from "viem";

import { HotPotError } from "../../lib/errors.ts";
import type { CardPayment, TokenOrderMessage } from "../../lib/typed-data.ts";

export type { CardPayment } from "../../lib/typed-data.ts";

/** recordCardRefund(orderId, amount, refundRef). */
export interface CardRefund {
  readonly orderId: Hex;
  readonly amount: bigint;
  readonly refundRef: Hex;
}

/** fulfill(order, receiptDigest). */
export interface TokenOrderFulfilment {
  readonly order: TokenOrderMessage;
  readonly receiptDigest: Hex;
}

/** refund(order). */
export interface TokenOrderRefund {
  readonly order: TokenOrderMessage;
}

/** FranchiseNFT.register(owner, restaurantId, feeBps, metadataURI). */
export interface FranchiseRegistration {
  readonly restaurantId: bigint;
  readonly owner: Address;
  readonly feeBps: number;
  readonly metadataURI: string;
}

/** KycRegistry.attest(account, level, expiresAt, evidenceHash). */
export interface KycAttestation {
  readonly account: Address;
  readonly level: number;
  readonly expiresAt: bigint;
  readonly evidenceHash: Hex;
}

/** KycRegistry.revoke(account, reasonHash). */
export interface KycRevocation {
  readonly account: Address;
  readonly reasonHash: Hex;
}

/** Every outbox kind and its payload. */
export interface OutboxPayloads {
  settle_card: CardPayment;
  record_card_refund: CardRefund;
  fulfill_token: TokenOrderFulfilment;
  refund_token: TokenOrderRefund;
  register_franchise: FranchiseRegistration;
  kyc_attest: KycAttestation;
  kyc_revoke: KycRevocation;
}

export type OutboxKindName = keyof OutboxPayloads;

type Json = string | { readonly [name: string]: Json };

export interface PayloadCodec<P> {
  /** The JSON stored in `outbox.payload`. */
  readonly encode: (payload: P) => Json;
  /** Validates a stored payload; throws a HotPotError (the relayer fails the row) when it is malformed. */
  readonly decode: (json: unknown) => P;
}

// ---------------------------------------------------------------------------------------------
// Fields
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

const hex = (value: Hex): string => value.toLowerCase();

// ---------------------------------------------------------------------------------------------
// Codecs
// ---------------------------------------------------------------------------------------------

const tokenOrder: PayloadCodec<TokenOrderMessage> = {
  encode: (order) => ({
    orderId: hex(order.orderId),
    restaurantId: order.restaurantId.toString(),
    customer: hex(order.customer),
    token: hex(order.token),
    price: order.price.toString(),
    discount: order.discount.toString(),
    pointsRedeemed: order.pointsRedeemed.toString(),
    reclaimAfter: String(order.reclaimAfter),
  }),
  decode: (order) => ({
    orderId: bytes32(order, "orderId"),
    restaurantId: uint(order, "restaurantId", 256),
    customer: address(order, "customer"),
    token: address(order, "token"),
    price: uint(order, "price", 96),
    discount: uint(order, "discount", 96),
    pointsRedeemed: uint(order, "pointsRedeemed", 256),
    reclaimAfter: Number(uint(order, "reclaimAfter", 48)),
  }),
};

/** Per kind, how its payload is written and read. */
export const PAYLOAD_CODECS: { readonly [K in OutboxKindName]: PayloadCodec<OutboxPayloads[K]> } = {
  settle_card: {
    encode: (payment) => ({
      orderId: hex(payment.orderId),
      restaurantId: payment.restaurantId.toString(),
      customer: hex(payment.customer),
      amount: payment.amount.toString(),
      paymentRef: hex(payment.paymentRef),
      receiptDigest: hex(payment.receiptDigest),
    }),
    decode: (json) => ({
      orderId: bytes32(json, "orderId"),
      restaurantId: uint(json, "restaurantId", 256),
      customer: address(json, "customer"),
      amount: uint(json, "amount", 64),
      paymentRef: bytes32(json, "paymentRef"),
      receiptDigest: bytes32(json, "receiptDigest"),
    }),
  },
  record_card_refund: {
    encode: (refund) => ({
      orderId: hex(refund.orderId),
      amount: refund.amount.toString(),
      refundRef: hex(refund.refundRef),
    }),
    decode: (json) => ({
      orderId: bytes32(json, "orderId"),
      amount: uint(json, "amount", 64),
      refundRef: bytes32(json, "refundRef"),
    }),
  },
  fulfill_token: {
    encode: (fulfilment) => ({
      order: tokenOrder.encode(fulfilment.order),
      receiptDigest: hex(fulfilment.receiptDigest),
    }),
    decode: (json) => ({
      order: tokenOrder.decode(field(json, "order")),
      receiptDigest: bytes32(json, "receiptDigest"),
    }),
  },
  refund_token: {
    encode: (refund) => ({ order: tokenOrder.encode(refund.order) }),
    decode: (json) => ({ order: tokenOrder.decode(field(json, "order")) }),
  },
  register_franchise: {
    encode: (registration) => ({
      restaurantId: registration.restaurantId.toString(),
      owner: hex(registration.owner),
      feeBps: String(registration.feeBps),
      metadataURI: registration.metadataURI,
    }),
    decode: (json) => ({
      restaurantId: uint(json, "restaurantId", 256),
      owner: address(json, "owner"),
      feeBps: Number(uint(json, "feeBps", 16)),
      metadataURI: text(json, "metadataURI"),
    }),
  },
  kyc_attest: {
    encode: (attestation) => ({
      account: hex(attestation.account),
      level: String(attestation.level),
      expiresAt: attestation.expiresAt.toString(),
      evidenceHash: hex(attestation.evidenceHash),
    }),
    decode: (json) => ({
      account: address(json, "account"),
      level: Number(uint(json, "level", 8)),
      expiresAt: uint(json, "expiresAt", 64),
      evidenceHash: bytes32(json, "evidenceHash"),
    }),
  },
  kyc_revoke: {
    encode: (revocation) => ({ account: hex(revocation.account), reasonHash: hex(revocation.reasonHash) }),
    decode: (json) => ({ account: address(json, "account"), reasonHash: bytes32(json, "reasonHash") }),
  },
};
