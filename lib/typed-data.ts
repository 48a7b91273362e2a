/**
 * EIP-712 typed data the platform signs or asks wallets to sign. Shared by the wallet example,
 * the tests, the benchmarks and (later) the API, so the contracts' type strings live in one place.
 */
import {
  parseSignature,
  type Account,
  type Address,
  type Chain,
  type Hex,
  type Transport,
  type WalletClient,
} from "viem";

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

/** A wallet that signs typed data with its own account (any viem wallet client with an account). */
export type TypedDataSigner = Pick<WalletClient<Transport, Chain | undefined, Account>, "account" | "signTypedData">;

/** The fields of IOrderSettlement.TokenOrder. */
export interface TokenOrderMessage {
  orderId: Hex;
  restaurantId: bigint;
  customer: Address;
  token: Address;
  price: bigint;
  discount: bigint;
  pointsRedeemed: bigint;
  reclaimAfter: number;
}

/** The platform's quote for `order`: `settler` signs it for the settlement contract on `chainId`. */
export async function signQuote(
  settler: TypedDataSigner,
  settlement: { address: Address; chainId: number },
  order: TokenOrderMessage,
): Promise<Hex> {
  return settler.signTypedData({
    account: settler.account,
    domain: { ...QUOTE_DOMAIN, chainId: settlement.chainId, verifyingContract: settlement.address },
    types: TOKEN_ORDER_TYPES,
    primaryType: "TokenOrder",
    message: order,
  });
}

/** An EIP-2612 permit from `owner`, split into the (v, r, s) that `permit` functions take. */
export async function signPermit(
  owner: TypedDataSigner,
  token: { address: Address; name: string; version: string; chainId: number },
  permit: { spender: Address; value: bigint; nonce: bigint; deadline: bigint },
): Promise<{ v: number; r: Hex; s: Hex }> {
  const signature = await owner.signTypedData({
    account: owner.account,
    domain: { name: token.name, version: token.version, chainId: token.chainId, verifyingContract: token.address },
    types: PERMIT_TYPES,
    primaryType: "Permit",
    message: { owner: owner.account.address, ...permit },
  });
  const { v, r, s, yParity } = parseSignature(signature);
  return { v: v === undefined ? yParity + 27 : Number(v), r, s };
}
