import type { NetworkConnection } from "hardhat/types/network";
import { encodePacked, keccak256, sha256, toHex, type Address, type Hex } from "viem";

import { signPermit as signTokenPermit, signQuote, type TokenOrderMessage } from "../../lib/typed-data.ts";
import { LOCAL_ACCOUNTS } from "../../deploy/accounts.ts";
import LocalHotPotSpotModule from "../../deploy/modules/LocalHotPotSpot.ts";

/** Named actors, by the account index the deployment modules give them. */
export const ACCOUNT = {
  ...LOCAL_ACCOUNTS,
  alice: 5,
  bob: 6,
  carol: 7,
  dave: 8,
  erin: 9,
  franchisee: 10,
  franchisee2: 11,
  stranger: 12,
} as const;

export const DAY = 86_400n;
export const YEAR = 365n * DAY;
/** Loyalty token wei per whole token. */
export const HOTPOT = 10n ** 18n;
/** Card reward rate deployed by default: 1 HOTPOT per GEL = 1e16 per tetri. */
export const CARD_REWARD_PER_TETRI = 10n ** 16n;
/** TestGEL rewards and discounts, as LocalHotPotSpot configures them. */
export const TOKEN_REWARD_PER_TETRI = 10n ** 16n;
export const POINTS_PER_DISCOUNT_TETRI = 10n ** 18n;
/** Franchise owners need KYC level 2 by default. */
export const FRANCHISE_KYC_LEVEL = 2;
/** The sha2-256 digest of a receipt JSON: its CIDv1 (raw codec) is this digest. */
export const RECEIPT_DIGEST: Hex = sha256(toHex(JSON.stringify({ order: "example", total: "25.00 GEL" })));

/** IOrderSettlement.OrderStatus, as numbered on chain. */
export const OrderStatus = {
  None: 0,
  Escrowed: 1,
  Fulfilled: 2,
  Refunded: 3,
  Reclaimed: 4,
  CardSettled: 5,
  CardRefunded: 6,
} as const;

/** An order id as the API derives it from its own order id. */
export function orderId(label: string): Hex {
  return keccak256(toHex(`order:${label}`));
}

export function evidence(label: string): Hex {
  return keccak256(encodePacked(["string"], [`evidence:${label}`]));
}

/** Deploys the local platform through the same Ignition module `npm start` uses. */
export async function deployPlatform(connection: NetworkConnection) {
  const { viem, ignition, networkHelpers } = connection;
  const wallets = await viem.getWalletClients();
  const wallet = (index: number) => {
    const client = wallets[index];
    if (client === undefined) throw new Error(`no wallet #${index}`);
    return client;
  };
  const deployed = await ignition.deploy(LocalHotPotSpotModule);
  const publicClient = await viem.getPublicClient();

  const asSigner = {
    kycOfficer: { account: wallet(ACCOUNT.kycOfficer).account },
    franchiseAdmin: { account: wallet(ACCOUNT.franchiseAdmin).account },
    settler: { account: wallet(ACCOUNT.settler).account },
  };

  /** KYC-verifies `account` at `level` for a year. */
  async function verify(account: Address, level = FRANCHISE_KYC_LEVEL): Promise<void> {
    const now = BigInt(await networkHelpers.time.latest());
    await deployed.kycRegistry.write.attest([account, level, now + YEAR, evidence(account)], asSigner.kycOfficer);
  }

  /** Registers restaurant `restaurantId` with a verified owner. */
  async function openRestaurant(restaurantId: bigint, owner: Address, feeBps = 1_000): Promise<void> {
    await verify(owner);
    await deployed.franchiseNFT.write.register(
      [owner, restaurantId, feeBps, `ipfs://bafkreirestaurant${restaurantId}`],
      asSigner.franchiseAdmin,
    );
  }

  return { ...deployed, publicClient, wallet, asSigner, verify, openRestaurant };
}

export type Platform = Awaited<ReturnType<typeof deployPlatform>>;

/** A token order description as the customer's app builds it. */
export type TokenOrder = TokenOrderMessage;

export async function tokenOrder(
  platform: Platform,
  connection: NetworkConnection,
  fields: { label: string; restaurantId: bigint; customer: Address; price: bigint; discount?: bigint },
): Promise<TokenOrder> {
  const now = await connection.networkHelpers.time.latest();
  const discount = fields.discount ?? 0n;
  return {
    orderId: orderId(fields.label),
    restaurantId: fields.restaurantId,
    customer: fields.customer,
    token: platform.testGel.address,
    price: fields.price,
    discount,
    pointsRedeemed: discount * POINTS_PER_DISCOUNT_TETRI,
    reclaimAfter: now + Number(DAY),
  };
}

/** The platform's quote for `order`: the settler's EIP-712 signature (`signer` may be another account). */
export async function quote(platform: Platform, order: TokenOrder, signer: number = ACCOUNT.settler): Promise<Hex> {
  const chainId = await platform.publicClient.getChainId();
  return signQuote(platform.wallet(signer), { address: platform.orderSettlement.address, chainId }, order);
}

/** The two-transaction path: the customer approves exactly the amount due, then places the quoted order. */
export async function placeApproved(platform: Platform, order: TokenOrder): Promise<void> {
  const account = { account: order.customer };
  await platform.testGel.write.approve([platform.orderSettlement.address, order.price - order.discount], account);
  await platform.orderSettlement.write.placeOrder([order, await quote(platform, order)], account);
}

/** Signs an EIP-2612 permit of `value` TestGEL from `owner` to the settlement contract. */
export async function signPermit(
  platform: Platform,
  ownerIndex: number,
  value: bigint,
  deadline: bigint,
): Promise<{ v: number; r: Hex; s: Hex }> {
  const owner = platform.wallet(ownerIndex);
  const [nonce, [, name, version, chainId]] = await Promise.all([
    platform.testGel.read.nonces([owner.account.address]),
    platform.testGel.read.eip712Domain(),
  ]);
  return signTokenPermit(
    owner,
    { address: platform.testGel.address, name, version, chainId: Number(chainId) },
    { spender: platform.orderSettlement.address, value, nonce, deadline },
  );
}

/** Anything with an ERC-20 `balanceOf` reader (TestGEL, HotPotToken). */
interface BalanceReader {
  read: { balanceOf: (args: readonly [Address]) => Promise<bigint> };
}

/**
 * Awaits `send` (a transaction) and asserts how it moved `token` balances: `deltas` maps each
 * address to its expected change (negative = paid out).
 */
export async function expectBalanceDeltas(
  platform: Platform,
  token: BalanceReader,
  send: () => Promise<Hex>,
  deltas: ReadonlyArray<readonly [Address, bigint]>,
): Promise<void> {
  const before = await Promise.all(deltas.map(([address]) => token.read.balanceOf([address])));
  const hash = await send();
  const receipt = await platform.publicClient.waitForTransactionReceipt({ hash });
  if (receipt.status !== "success") throw new Error(`transaction ${hash} reverted`);
  const after = await Promise.all(deltas.map(([address]) => token.read.balanceOf([address])));
  deltas.forEach(([address, expected], i) => {
    const actual = (after[i] ?? 0n) - (before[i] ?? 0n);
    if (actual !== expected) throw new Error(`balance of ${address} changed by ${actual}, expected ${expected}`);
  });
}

/** Case-insensitive address matcher for event-argument assertions. */
export function sameAddress(expected: Address): (actual: string) => boolean {
  return (actual) => actual.toLowerCase() === expected.toLowerCase();
}
