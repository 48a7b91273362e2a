/**
 * Paying with the stable token from the customer's wallet: the API quotes the order (the
 * platform's signature) and prepares the EIP-2612 permit; the wallet signs the permit and sends
 * the one transaction, `OrderSettlement.placeOrderWithPermit(order, quote, deadline, v, r, s)`.
 */
import {
  encodeFunctionData,
  getAddress,
  parseAbi,
  parseSignature,
  type Address,
  type Hex,
  type TypedDataDefinition,
} from "viem";

import type { Schemas } from "../api/rest.ts";

export type TokenPayment = Schemas["TokenPayment"];

const SETTLEMENT_ABI = parseAbi([
  "struct TokenOrder { bytes32 orderId; uint256 restaurantId; address customer; address token; uint96 price; uint96 discount; uint256 pointsRedeemed; uint48 reclaimAfter; }",
  "function placeOrderWithPermit(TokenOrder order, bytes quote, uint256 permitDeadline, uint8 v, bytes32 r, bytes32 s)",
]);

const PERMIT_TYPES = {
  Permit: [
    { name: "owner", type: "address" },
    { name: "spender", type: "address" },
    { name: "value", type: "uint256" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
} as const;

function field(record: Readonly<Record<string, string | number>>, name: string): string {
  const value = record[name];
  if (value === undefined) throw new Error(`the token payment lacks ${name}`);
  return String(value);
}

/** The permit exactly as the wallet signs it (eth_signTypedData_v4). */
export function permitTypedData(
  payment: TokenPayment,
): TypedDataDefinition<typeof PERMIT_TYPES, "Permit"> & { message: { owner: Address } } {
  const { domain, message } = payment.permit;
  return {
    domain: {
      name: field(domain, "name"),
      version: field(domain, "version"),
      chainId: Number(field(domain, "chainId")),
      verifyingContract: getAddress(field(domain, "verifyingContract")),
    },
    types: PERMIT_TYPES,
    primaryType: "Permit" as const,
    message: {
      owner: getAddress(field(message, "owner")),
      spender: getAddress(field(message, "spender")),
      value: BigInt(field(message, "value")),
      nonce: BigInt(field(message, "nonce")),
      deadline: BigInt(field(message, "deadline")),
    },
  };
}

/** The transaction the wallet sends: the quoted order, the platform's quote and the signed permit. */
export function placeOrderTransaction(payment: TokenPayment, permitSignature: Hex): { to: Address; data: Hex } {
  const { order } = payment;
  const { v, r, s, yParity } = parseSignature(permitSignature);
  const data = encodeFunctionData({
    abi: SETTLEMENT_ABI,
    functionName: "placeOrderWithPermit",
    args: [
      {
        orderId: field(order, "orderId") as Hex,
        restaurantId: BigInt(field(order, "restaurantId")),
        customer: getAddress(field(order, "customer")),
        token: getAddress(field(order, "token")),
        price: BigInt(field(order, "price")),
        discount: BigInt(field(order, "discount")),
        pointsRedeemed: BigInt(field(order, "pointsRedeemed")),
        reclaimAfter: Number(field(order, "reclaimAfter")),
      },
      payment.quote as Hex,
      BigInt(field(payment.permit.message, "deadline")),
      v === undefined ? yParity + 27 : Number(v),
      r,
      s,
    ],
  });
  return { to: getAddress(payment.settlement_contract), data };
}
