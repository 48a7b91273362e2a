/**
 * Shared pieces of the benchmark scripts (scripts/bench/gas.ts and scripts/bench/chain.ts):
 * deterministic test data shaped like production data, and plain-text tables.
 */
import { LOCAL_ACCOUNTS } from "../../deploy/accounts.ts";
import type { ContractReturnType } from "@nomicfoundation/hardhat-viem/types";
import { getAddress, keccak256, slice, toHex, type Account, type Address, type Hex, sha256 } from "viem";

/** Hardhat's default accounts as the deployment modules use them, plus the benchmark's franchisees. */
export const ACCOUNT = {
  ...LOCAL_ACCOUNTS,
  /** Franchisees of the benchmark restaurants: accounts #10 upwards, one per restaurant. */
  firstFranchisee: 10,
} as const;

/** KYC level FranchiseNFT requires of owners (deploy/modules/FranchiseNFT.ts). */
export const FRANCHISEE_KYC_LEVEL = 2;

/** Platform fees of the benchmark restaurants 1..n (cycled), in basis points. */
export const RESTAURANT_FEES_BPS = [800, 1_000, 650, 1_200, 900] as const;

/** `arr[i]`, failing loudly instead of yielding undefined. */
export function at<T>(arr: readonly T[], i: number): T {
  const value = arr[i];
  if (value === undefined) throw new Error(`index ${i} out of range (length ${arr.length})`);
  return value;
}

/** A bytes32 id derived from a label, like the API's keccak256 of its own order id. */
export function id32(label: string): Hex {
  return keccak256(toHex(label));
}

/** keccak256 of a card processor payment id (e.g. a Stripe PaymentIntent id). */
export function paymentRefOf(label: string): Hex {
  return keccak256(toHex(`pi_${label}`));
}

/** The sha2-256 digest of a receipt JSON, which is what settlement records (see IOrderSettlement). */
export function receiptDigestOf(label: string): Hex {
  return sha256(toHex(`receipt:${label}`));
}

/** A deterministic address nobody holds a key for: a customer of a custodial wallet, say. */
export function pseudoAddress(label: string): Address {
  return getAddress(slice(keccak256(toHex(`customer:${label}`)), 12));
}

/** The `ipfs://` metadata URI of benchmark restaurant `restaurantId`. */
export function restaurantURI(restaurantId: number): string {
  return `ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi/restaurant-${restaurantId}.json`;
}

/** A plausible card payment in tetri (5.00 to 149.99 GEL), varying with `i`. */
export function cardAmountOf(i: number): bigint {
  return BigInt(500 + ((i * 7_919) % 14_500));
}

/** 12345678 -> "12,345,678". */
export function fmt(value: number | bigint, fractionDigits = 0): string {
  if (typeof value === "bigint") return value.toLocaleString("en-US");
  return value.toLocaleString("en-US", {
    minimumFractionDigits: fractionDigits,
    maximumFractionDigits: fractionDigits,
  });
}

/** A plain-text table: first column left-aligned, the others right-aligned. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => (row[column] ?? "").length)),
  );
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, column) => (column === 0 ? cell.padEnd(at(widths, column)) : cell.padStart(at(widths, column))))
      .join("  ");
  const rule = widths.map((width) => "-".repeat(width)).join("  ");
  return [line(headers), rule, ...rows.map(line)].join("\n");
}

/**
 * Opens restaurants 1..`count`: each franchisee (accounts #10 upwards) is KYC-attested by the
 * officer for a year from `now`, then gets the franchise NFT from the franchise admin.
 * `mined` waits for a transaction and fails when it reverted.
 */
export async function openRestaurants(
  contracts: { kycRegistry: ContractReturnType<"KycRegistry">; franchiseNFT: ContractReturnType<"FranchiseNFT"> },
  accountOf: (index: number) => Account,
  count: number,
  now: bigint,
  mined: (hash: Hex, what: string) => Promise<unknown>,
): Promise<void> {
  const kycExpiry = now + 365n * 24n * 3600n;
  for (let r = 1; r <= count; r++) {
    const franchisee = accountOf(ACCOUNT.firstFranchisee + r - 1).address;
    await mined(
      await contracts.kycRegistry.write.attest(
        [franchisee, FRANCHISEE_KYC_LEVEL, kycExpiry, id32(`kyc-evidence:${franchisee}`)],
        { account: accountOf(ACCOUNT.kycOfficer) },
      ),
      "attest",
    );
    await mined(
      await contracts.franchiseNFT.write.register(
        [franchisee, BigInt(r), at(RESTAURANT_FEES_BPS, (r - 1) % RESTAURANT_FEES_BPS.length), restaurantURI(r)],
        { account: accountOf(ACCOUNT.franchiseAdmin) },
      ),
      "register",
    );
  }
}
