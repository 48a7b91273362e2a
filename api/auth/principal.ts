/**
 * Who is calling. A signed-in person (wallet or custodial address) or a restaurant's
 * point-of-sale API key. Roles a person holds beyond "customer" are granted by an admin;
 * "franchisee" is never granted: it is whoever owns the restaurant's franchise NFT on chain.
 */
export const GRANTED_ROLES = ["admin", "kyc_officer", "auditor"] as const;
export type GrantedRole = (typeof GRANTED_ROLES)[number];
export type Role = "customer" | "franchisee" | GrantedRole;

export interface UserPrincipal {
  readonly kind: "user";
  readonly userId: string;
  /** Lower-case 0x address: the person's wallet or their custodial address. */
  readonly address: string;
  readonly custodial: boolean;
  readonly roles: ReadonlySet<GrantedRole>;
}

export interface ApiKeyPrincipal {
  readonly kind: "api_key";
  readonly keyId: string;
  /** The one restaurant this point-of-sale key acts for. */
  readonly restaurantId: bigint;
}

export type Principal = UserPrincipal | ApiKeyPrincipal;

export function hasRole(principal: Principal | undefined, role: GrantedRole): boolean {
  return principal?.kind === "user" && principal.roles.has(role);
}

/** A stable key for per-caller limits and logs (never personal data). */
export function principalKey(principal: Principal): string {
  return principal.kind === "user" ? `user:${principal.userId}` : `key:${principal.keyId}`;
}
