/**
 * Restaurants: an off-chain profile (name, location) owned by the API, and a franchise NFT on
 * chain (owner, fee, active) read from the mirror. Registering writes the profile, stores the
 * NFT's metadata on IPFS and queues the on-chain registration, in one transaction.
 */
import type { PoolClient } from "pg";
import { getAddress, type Address } from "viem";

import { inTransaction, onlyRow } from "../../lib/db/client.ts";
import type { Principal } from "../auth/principal.ts";
import { hasRole } from "../auth/principal.ts";
import { enqueue } from "../outbox/index.ts";
import type { Platform } from "../platform.ts";
import { Forbidden, NotFound, Conflict } from "../errors.ts";
import { isVerifiedNow } from "../mirror/kyc.ts";
import { CURRENT_FRANCHISES } from "../mirror/restaurants.ts";

export type RestaurantStatus = "registering" | "active" | "inactive";

export interface RestaurantView {
  readonly id: string;
  readonly name: string | null;
  readonly location: string | null;
  readonly status: RestaurantStatus;
  /** The franchise NFT's owner on chain; null until registered. */
  readonly owner: string | null;
  readonly fee_bps: number | null;
  readonly metadata_uri: string | null;
}

interface RestaurantRow {
  id: string;
  name: string | null;
  location: string | null;
  metadata_cid: string | null;
  owner: string | null;
  fee_bps: number | null;
  active: boolean | null;
  metadata_uri: string | null;
}

const SELECT_RESTAURANTS = `
  SELECT COALESCE(r.id, f.restaurant_id::bigint)::text AS id, r.name, r.location, r.metadata_cid,
         f.owner, f.fee_bps, f.active, f.metadata_uri
    FROM restaurant r
    FULL JOIN ${CURRENT_FRANCHISES} f ON f.restaurant_id = r.id`;

/** Where a restaurant stands from its franchise in the mirror: none yet (queued for the chain), active or not. */
export const restaurantStatus = (active: boolean | null): RestaurantStatus =>
  active === null ? "registering" : active ? "active" : "inactive";

function viewOf(row: RestaurantRow): RestaurantView {
  return {
    id: row.id,
    name: row.name,
    location: row.location,
    status: restaurantStatus(row.active),
    owner: row.owner,
    fee_bps: row.fee_bps,
    metadata_uri: row.metadata_uri ?? (row.metadata_cid === null ? null : `ipfs://${row.metadata_cid}`),
  };
}

export interface RegisterRestaurant {
  readonly name: string;
  readonly location: string;
  readonly owner: string;
  readonly feeBps: number;
}

/** Whether the mirror shows `account` KYC-verified at the franchise's required level now. */
async function isVerifiedOwner(platform: Platform, account: string): Promise<boolean> {
  return isVerifiedNow(platform.db, account, await platform.chain.requiredKycLevel());
}

/**
 * Work done in the registration's transaction once the restaurant row and its outbox row are
 * written (e.g. marking the application it came from approved); throwing undoes the registration.
 */
export type WithinRegistration = (client: PoolClient, restaurantId: string) => Promise<void>;

export async function registerRestaurant(
  platform: Platform,
  principal: Principal,
  input: RegisterRestaurant,
  within?: WithinRegistration,
): Promise<RestaurantView> {
  if (!hasRole(principal, "admin")) throw new Forbidden("only an admin registers restaurants");
  if (principal.kind !== "user") throw new Forbidden();
  const owner = input.owner.toLowerCase();
  if (!(await isVerifiedOwner(platform, owner))) {
    throw new Conflict(
      `the owner ${getAddress(owner)} is not KYC-verified on chain; franchises go to verified owners only`,
    );
  }
  // The NFT's metadata: what marketplaces and auditors read from tokenURI.
  const metadata = new TextEncoder().encode(
    JSON.stringify({ name: input.name, description: `The Hot Pot Spot, ${input.location}`, location: input.location }),
  );
  const { cid } = await platform.contentStore.put(metadata, { name: `restaurant-${input.name}.json` });

  let id: string;
  try {
    id = await insertRestaurant(platform, principal.userId, input, owner, cid, within);
  } catch (error) {
    await forgetMetadata(platform, cid);
    throw error;
  }
  platform.chain.wake();
  return {
    id,
    name: input.name,
    location: input.location,
    status: "registering",
    owner: null,
    fee_bps: null,
    metadata_uri: `ipfs://${cid}`,
  };
}

/**
 * After a refused registration: unpins the metadata stored for it, unless another restaurant's
 * profile names the same CID (the same name and location give the same content). A failure here is
 * logged, never the caller's error.
 */
async function forgetMetadata(platform: Platform, cid: string): Promise<void> {
  try {
    const { rowCount } = await platform.db.pool.query("SELECT 1 FROM restaurant WHERE metadata_cid = $1 LIMIT 1", [
      cid,
    ]);
    if (rowCount === 0) await platform.contentStore.remove?.(cid);
  } catch (error) {
    platform.logger.warn({ err: error, cid }, "could not remove the metadata of a refused restaurant registration");
  }
}

function insertRestaurant(
  platform: Platform,
  userId: string,
  input: RegisterRestaurant,
  owner: string,
  cid: string,
  within: WithinRegistration | undefined,
): Promise<string> {
  return inTransaction(platform.db.pool, async (client) => {
    // Restaurant ids are franchise NFT ids: one allocator, above every id the chain already has.
    await client.query("SELECT pg_advisory_xact_lock(hashtext('restaurant_id'))");
    const allocated = onlyRow(
      await client.query<{ id: string }>(
        `SELECT (GREATEST((SELECT COALESCE(MAX(id), 0) FROM restaurant),
                          (SELECT COALESCE(MAX(restaurant_id), 0) FROM franchise)) + 1)::text AS id`,
      ),
    ).id;
    await client.query(
      `INSERT INTO restaurant (id, name, location, metadata_cid, created_by) VALUES ($1, $2, $3, $4, $5)`,
      [allocated, input.name, input.location, cid, userId],
    );
    const registration = {
      restaurantId: BigInt(allocated),
      owner: owner as Address,
      feeBps: input.feeBps,
      metadataURI: `ipfs://${cid}`,
    };
    // The id was allocated above every restaurant and franchise: a row for it already there is a bug.
    if (!(await enqueue(client, "register_franchise", registration))) {
      throw new Error(`an outbox row registering restaurant ${allocated} exists already`);
    }
    await within?.(client, allocated);
    return allocated;
  });
}

export async function listRestaurants(
  platform: Platform,
  page: { after?: bigint; limit: number },
): Promise<RestaurantView[]> {
  const { rows } = await platform.db.pool.query<RestaurantRow>(
    `SELECT * FROM (${SELECT_RESTAURANTS}) x WHERE id::bigint > $1 ORDER BY id::bigint LIMIT $2`,
    [String(page.after ?? 0n), page.limit],
  );
  return rows.map(viewOf);
}

export async function getRestaurant(platform: Platform, id: bigint): Promise<RestaurantView> {
  const { rows } = await platform.db.pool.query<RestaurantRow>(
    `SELECT * FROM (${SELECT_RESTAURANTS}) x WHERE id::bigint = $1`,
    [String(id)],
  );
  if (rows[0] === undefined) throw new NotFound(`restaurant ${id}`);
  return viewOf(rows[0]);
}
