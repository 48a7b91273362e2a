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

/** The fields of IOrderSettlement.CardPayment (what `settleCardPayment(s)` takes; not signed, but
 * the relayer, the gas bench and the tests all send it, so it is declared beside its sibling). */
export interface CardPayment {
  orderId: Hex;
  restaurantId: bigint;
  customer: Address;
  amount: bigint;
  paymentRef: Hex;
  receiptDigest: Hex;
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

/** What `POST /api/v1/orders/{id}/pay {method: "token"}` answers (the parts a wallet needs). */
export interface TokenPaymentQuote {
  readonly order: Readonly<Record<string, string | number>>;
  readonly quote: Hex;
  readonly permit: {
    readonly domain: Readonly<Record<string, string | number>>;
    readonly message: Readonly<Record<string, string>>;
  };
}

/** The wallet's side of a token payment: signs the permit the API prepared and returns the
 * arguments of `OrderSettlement.placeOrderWithPermit(order, quote, deadline, v, r, s)`. */
export async function placeOrderWithPermitArgs(
  wallet: Pick<Account, "address"> & { signTypedData: NonNullable<Account["signTypedData"]> },
  payment: TokenPaymentQuote,
): Promise<readonly [TokenOrderMessage, Hex, bigint, number, Hex, Hex]> {
  const { domain, message } = payment.permit;
  const field = (record: Readonly<Record<string, string | number>>, name: string): string => {
    const value = record[name];
    if (value === undefined) throw new Error(`the token payment lacks ${name}`);
    return String(value);
  };
  const signature = await wallet.signTypedData({
    domain: {
      name: field(domain, "name"),
      version: field(domain, "version"),
      chainId: Number(field(domain, "chainId")),
      verifyingContract: field(domain, "verifyingContract") as Address,
    },
    types: PERMIT_TYPES,
    primaryType: "Permit",
    message: {
      owner: field(message, "owner") as Address,
      spender: field(message, "spender") as Address,
      value: BigInt(field(message, "value")),
      nonce: BigInt(field(message, "nonce")),
      deadline: BigInt(field(message, "deadline")),
    },
  });
  const { v, r, s, yParity } = parseSignature(signature);
  const { order } = payment;
  return [
    {
      orderId: field(order, "orderId") as Hex,
      restaurantId: BigInt(field(order, "restaurantId")),
      customer: field(order, "customer") as Address,
      token: field(order, "token") as Address,
      price: BigInt(field(order, "price")),
      discount: BigInt(field(order, "discount")),
      pointsRedeemed: BigInt(field(order, "pointsRedeemed")),
      reclaimAfter: Number(field(order, "reclaimAfter")),
    },
    payment.quote,
    BigInt(field(message, "deadline")),
    v === undefined ? yParity + 27 : Number(v),
    r,
    s,
  ];
}
