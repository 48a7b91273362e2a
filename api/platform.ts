/**
 * What the write side of the API needs from the rest of the process, gathered in one object so
 * routes, GraphQL mutations and background workers share the same services.
 */
import type { Logger } from "pino";
import type { Address, Hex } from "viem";

import type { Database } from "../lib/db/client.ts";
import type { ContentStore } from "../lib/ipfs/index.ts";
import type { TokenOrderMessage } from "../lib/typed-data.ts";
import type { Principal } from "./auth/principal.ts";
import type { RelayerHealthReport } from "./http/health.ts";
import type { CardProcessor } from "./payments/card-processor.ts";

/** The object-level checks of api/auth/access.ts. */
export interface AccessChecks {
  ownsRestaurant(address: string, restaurantId: bigint): Promise<boolean>;
  canManageRestaurant(principal: Principal | undefined, restaurantId: bigint): Promise<boolean>;
  canActForRestaurant(principal: Principal | undefined, restaurantId: bigint): Promise<boolean>;
}

/** The part of the relayer (api/relayer/) the request path uses: the only way to the chain. */
export interface ChainGateway {
  /** Drain the outbox soon: rows were just committed. */
  wake(): void;
  signQuote(order: TokenOrderMessage): Promise<Hex>;
  permitNonce(token: Address, owner: Address): Promise<bigint>;
  tokenInfo(token: Address): Promise<{ name: string; version: string; decimals: number }>;
  /** The KYC level FranchiseNFT requires of owners (its constructor sets it without an event). */
  requiredKycLevel(): Promise<number>;
  /** The latest block's timestamp (Unix seconds): the contracts check deadlines against it, not the wall clock. */
  chainTime(): Promise<number>;
  /** Whether the relayer keeps up, for /health. */
  readonly health: () => Promise<RelayerHealthReport>;
}

export interface Platform {
  readonly db: Database;
  readonly logger: Logger;
  readonly chainId: number;
  readonly contentStore: ContentStore;
  readonly chain: ChainGateway;
  readonly cards: CardProcessor;
  readonly access: AccessChecks;
  readonly contracts: {
    readonly orderSettlement: Address;
    /** The stable token token orders are paid in (TestGEL locally). */
    readonly paymentToken: Address;
  };
}
