/**
 * Object-level authorization every route uses. A franchisee is never stored: it is whoever owns
 * the restaurant's franchise NFT now, read from the indexer's mirror (api/mirror/restaurants.ts),
 * so a transfer on chain moves the rights with it once indexed.
 */
import type { Database } from "../../lib/db/client.ts";
import { Forbidden } from "../errors.ts";
import { hasRole, type GrantedRole, type Principal } from "./principal.ts";
import { franchisesOwnedBy, ownsFranchise } from "../mirror/restaurants.ts";

export interface AccessControl {
  /** Whether the address (any case) owns the restaurant's franchise NFT now (active or not). */
  ownsRestaurant(address: string, restaurantId: bigint): Promise<boolean>;
  /** Restaurant ids whose franchise NFT the address owns now, ascending. */
  restaurantsOwnedBy(address: string): Promise<bigint[]>;
  /** An admin, or the person owning the restaurant on chain. */
  canManageRestaurant(principal: Principal | undefined, restaurantId: bigint): Promise<boolean>;
  /** Those, or an API key of that restaurant. */
  canActForRestaurant(principal: Principal | undefined, restaurantId: bigint): Promise<boolean>;
  /** Throws new Forbidden() unless canManageRestaurant. */
  requireManageRestaurant(principal: Principal | undefined, restaurantId: bigint): Promise<void>;
  /** Throws new Forbidden() unless canActForRestaurant. */
  requireActForRestaurant(principal: Principal | undefined, restaurantId: bigint): Promise<void>;
  /** Throws new Forbidden() unless the caller is a person holding the role. */
  requireRole(principal: Principal | undefined, role: GrantedRole): void;
}

export function createAccessControl(db: Database): AccessControl {
  async function ownsRestaurant(address: string, restaurantId: bigint): Promise<boolean> {
    return ownsFranchise(db.pool, address.toLowerCase(), restaurantId);
  }

  async function canManageRestaurant(principal: Principal | undefined, restaurantId: bigint): Promise<boolean> {
    if (principal?.kind !== "user") return false;
    if (hasRole(principal, "admin")) return true;
    return ownsRestaurant(principal.address, restaurantId);
  }

  async function canActForRestaurant(principal: Principal | undefined, restaurantId: bigint): Promise<boolean> {
    if (principal?.kind === "api_key") return principal.restaurantId === restaurantId;
    return canManageRestaurant(principal, restaurantId);
  }

  return {
    ownsRestaurant,
    canManageRestaurant,
    canActForRestaurant,

    async restaurantsOwnedBy(address: string): Promise<bigint[]> {
      return franchisesOwnedBy(db.pool, address.toLowerCase());
    },

    async requireManageRestaurant(principal, restaurantId): Promise<void> {
      if (!(await canManageRestaurant(principal, restaurantId))) {
        throw new Forbidden(`only restaurant ${restaurantId}'s franchisee or an admin may do this`);
      }
    },

    async requireActForRestaurant(principal, restaurantId): Promise<void> {
      if (!(await canActForRestaurant(principal, restaurantId))) {
        throw new Forbidden(
          principal?.kind === "api_key"
            ? `this API key acts for restaurant ${principal.restaurantId}, not ${restaurantId}`
            : `only restaurant ${restaurantId}'s franchisee, its API keys or an admin may do this`,
        );
      }
    },

    requireRole(principal, role): void {
      if (!hasRole(principal, role)) throw new Forbidden(`only a person with the ${role} role may do this`);
    },
  };
}
