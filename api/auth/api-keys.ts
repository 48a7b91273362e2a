/**
 * Point-of-sale API keys: each acts for one restaurant. A key is `hps_<id>_<secret>`; the id finds
 * the row, only the secret's sha256 is stored, and the secret is compared in constant time.
 * A key is issued under the restaurant's franchise owner of the moment (`owner_address`) and works
 * only while that address still owns the franchise NFT in the mirror, checked on every use (one
 * query): selling the franchise ends the seller's tills, refunds included. Revoking is immediate.
 */
import type { Database } from "../../lib/db/client.ts";
import { Unauthenticated } from "../errors.ts";
import type { ApiKeyPrincipal } from "./principal.ts";
import { randomSecret, sameDigest, sha256Hex } from "./secrets.ts";
import { isUuid } from "./users.ts";
import { currentOwnerSql, firstOwnerSql } from "../mirror/restaurants.ts";

export const API_KEY_PREFIX = "hps_";
const API_KEY = /^hps_([0-9a-f-]{36})_([A-Za-z0-9_-]{43})$/;

export interface ApiKeyRecord {
  readonly id: string;
  readonly restaurantId: bigint;
  readonly label: string;
  readonly createdBy: string;
  readonly createdAt: Date;
  readonly revokedAt: Date | null;
  /** The franchise owner the key was issued under (lower case); null when issued before the mint. */
  readonly ownerAddress: string | null;
}

export interface CreatedApiKey extends ApiKeyRecord {
  /** The full key, shown once. */
  readonly key: string;
}

export interface ApiKeyService {
  create(input: { restaurantId: bigint; label: string; createdBy: string }): Promise<CreatedApiKey>;
  /** Every key of the restaurant, newest first, revoked ones included (never a secret). */
  list(restaurantId: bigint): Promise<ApiKeyRecord[]>;
  /** False when the restaurant has no such key; revoking a revoked key is a no-op that returns true. */
  revoke(restaurantId: bigint, keyId: string): Promise<boolean>;
  /**
   * The key's principal; Unauthenticated when it is malformed, unknown, wrong, revoked, or issued
   * by an owner who no longer owns the franchise.
   */
  verify(key: string): Promise<ApiKeyPrincipal>;
}

interface ApiKeyRow {
  id: string;
  restaurant_id: string;
  label: string;
  created_by: string;
  created_at: Date;
  revoked_at: Date | null;
  owner_address: string | null;
}

const COLUMNS = "id, restaurant_id, label, created_by, created_at, revoked_at, owner_address";

const recordOf = (row: ApiKeyRow): ApiKeyRecord => ({
  id: row.id,
  restaurantId: BigInt(row.restaurant_id),
  label: row.label,
  createdBy: row.created_by,
  createdAt: row.created_at,
  revokedAt: row.revoked_at,
  ownerAddress: row.owner_address,
});

export function createApiKeyService(db: Database): ApiKeyService {
  return {
    async create({ restaurantId, label, createdBy }): Promise<CreatedApiKey> {
      const secret = randomSecret(32);
      // Issued under whoever owns the franchise now (none yet: the address it will be minted to).
      const { rows } = await db.pool.query<ApiKeyRow>(
        `INSERT INTO api_key (secret_hash, restaurant_id, label, created_by, owner_address)
         VALUES ($1, $2, $3, $4,
                 ${currentOwnerSql("$5")})
         RETURNING ${COLUMNS}`,
        [sha256Hex(secret), restaurantId.toString(), label, createdBy, restaurantId.toString()],
      );
      const row = rows[0];
      if (row === undefined) throw new Error("api_key insert returned no row");
      const record = recordOf(row);
      return { ...record, key: `${API_KEY_PREFIX}${record.id}_${secret}` };
    },

    async list(restaurantId: bigint): Promise<ApiKeyRecord[]> {
      const { rows } = await db.pool.query<ApiKeyRow>(
        `SELECT ${COLUMNS} FROM api_key WHERE restaurant_id = $1 ORDER BY created_at DESC, id`,
        [restaurantId.toString()],
      );
      return rows.map(recordOf);
    },

    async revoke(restaurantId: bigint, keyId: string): Promise<boolean> {
      if (!isUuid(keyId)) return false;
      const { rowCount } = await db.pool.query(
        "UPDATE api_key SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1 AND restaurant_id = $2",
        [keyId, restaurantId.toString()],
      );
      return rowCount === 1;
    },

    async verify(key: string): Promise<ApiKeyPrincipal> {
      const match = API_KEY.exec(key);
      const id = match?.[1];
      const secret = match?.[2];
      if (id === undefined || secret === undefined || !isUuid(id)) throw new Unauthenticated("malformed API key");
      const { rows } = await db.pool.query<{
        secret_hash: string;
        restaurant_id: string;
        revoked_at: Date | null;
        issuer: string | null;
        owner: string | null;
      }>(
        `SELECT k.secret_hash, k.restaurant_id, k.revoked_at,
                COALESCE(k.owner_address, ${firstOwnerSql("k.restaurant_id")}) AS issuer,
                ${currentOwnerSql("k.restaurant_id")} AS owner
           FROM api_key k WHERE k.id = $1`,
        [id],
      );
      const row = rows[0];
      if (row === undefined || !sameDigest(sha256Hex(secret), row.secret_hash))
        throw new Unauthenticated("invalid API key");
      if (row.revoked_at !== null) throw new Unauthenticated("API key revoked");
      if (row.issuer !== null && row.owner !== row.issuer) {
        throw new Unauthenticated(
          "API key no longer valid: the restaurant's franchise has changed hands since it was issued; its owner issues new keys",
        );
      }
      return { kind: "api_key", keyId: id, restaurantId: BigInt(row.restaurant_id) };
    },
  };
}
