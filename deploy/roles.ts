import { keccak256, toHex, type Hex } from "viem";

/** Role ids exactly as the contracts define them: keccak256 of the role's name. */
export const ROLES = {
  KYC_OFFICER: keccak256(toHex("KYC_OFFICER_ROLE")),
  MINTER: keccak256(toHex("MINTER_ROLE")),
  REDEEMER: keccak256(toHex("REDEEMER_ROLE")),
  PAUSER: keccak256(toHex("PAUSER_ROLE")),
  FRANCHISE_ADMIN: keccak256(toHex("FRANCHISE_ADMIN_ROLE")),
  SETTLER: keccak256(toHex("SETTLER_ROLE")),
} as const satisfies Record<string, Hex>;
