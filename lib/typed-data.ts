/**
 * EIP-712 typed data the platform signs or asks wallets to sign. Shared by the wallet example,
 * the tests, the benchmarks and (later) the API, so the contracts' type strings live in one place.
 */

/** EIP-2612 `Permit`: the same for every permit token (TestGEL, HotPotToken, real stablecoins). */
export const PERMIT_TYPES = {
  Permit: [
    { name: "owner", type: "address" },
    { name: "spender", type: "address" },
    { name: "value", type: "uint256" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
} as const;

/** The EIP-712 domain name and version of OrderSettlement's quotes. */
export const QUOTE_DOMAIN = { name: "Hot Pot Spot", version: "1" } as const;

/** A quoted token order, exactly as OrderSettlement.TOKEN_ORDER_TYPEHASH spells it. */
export const TOKEN_ORDER_TYPES = {
  TokenOrder: [
    { name: "orderId", type: "bytes32" },
    { name: "restaurantId", type: "uint256" },
    { name: "customer", type: "address" },
    { name: "token", type: "address" },
    { name: "price", type: "uint96" },
    { name: "discount", type: "uint96" },
    { name: "pointsRedeemed", type: "uint256" },
    { name: "reclaimAfter", type: "uint48" },
  ],
} as const;
