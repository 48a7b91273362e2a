/**
 * Point-of-sale API keys: each acts for one restaurant. A key is `hps_<id>_<secret>`; the id finds
 * the row, only the secret's sha256 is stored, and the secret is compared in constant time.
 * Verified keys are remembered for a short while (default 30 s) so a busy till costs no database
 * round trip per request; revoking through this process forgets the key at once, other processes
 * within that interval.
 */
import type { Database } from "../../lib/db/client.ts";
import { unauthorized } from "../rest/errors.ts";
import type { ApiKeyPrincipal } from "./principal.ts";
import { randomSecret, sameDigest, sha256Hex } from "./secrets.ts";
import { isUuid } from "./users.ts";

export const API_KEY_PREFIX = "hps_";
const API_KEY = /^hps_([0-9a-f-]{36})_([A-Za-z0-9_-]{43})$/;

export interface ApiKeyRecord {
  readonly id: string;
  readonly restaurantId: bigint;
  readonly label: string;
  readonly createdBy: string;
  readonly createdAt: Date;
  readonly revokedAt: Date | null;
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
  /** The key's principal; an ApiError 401 when it is malformed, unknown, wrong or revoked. */
  verify(key: string): Promise<ApiKeyPrincipal>;
}

export interface ApiKeyServiceOptions {
  /** How long a verified key is trusted without asking the database (default 30 000 ms). */
  readonly cacheMs?: number;
  readonly cacheSize?: number;
}

interface ApiKeyRow {
  id: string;
  restaurant_id: string;
  label: string;
  created_by: string;
  created_at: Date;
  revoked_at: Date | null;
}

const COLUMNS = "id, restaurant_id, label, created_by, created_at, revoked_at";

const recordOf = (row: ApiKeyRow): ApiKeyRecord => ({
  id: row.id,
  restaurantId: BigInt(row.restaurant_id),
  label: row.label,
  createdBy: row.created_by,
  createdAt: row.created_at,
  revokedAt: row.revoked_at,
});

export function createApiKeyService(db: Database, options: ApiKeyServiceOptions = {}): ApiKeyService {
  const cacheMs = options.cacheMs ?? 30_000;
  const cacheSize = options.cacheSize ?? 10_000;
  const cache = new Map<string, { secretHash: string; principal: ApiKeyPrincipal; until: number }>();

  return {
    async create({ restaurantId, label, createdBy }): Promise<CreatedApiKey> {
      const secret = randomSecret(32);
      const { rows } = await db.pool.query<ApiKeyRow>(
        `INSERT INTO api_key (secret_hash, restaurant_id, label, created_by) VALUES ($1, $2, $3, $4)
         RETURNING ${COLUMNS}`,
        [sha256Hex(secret), restaurantId.toString(), label, createdBy],
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
      cache.delete(keyId.toLowerCase());
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
      if (id === undefined || secret === undefined || !isUuid(id)) throw unauthorized("malformed API key");
      const digest = sha256Hex(secret);
      const now = Date.now();
      const hit = cache.get(id);
      if (hit !== undefined && now < hit.until) {
        if (!sameDigest(digest, hit.secretHash)) throw unauthorized("invalid API key");
        return hit.principal;
      }
      const { rows } = await db.pool.query<{ secret_hash: string; restaurant_id: string; revoked_at: Date | null }>(
        "SELECT secret_hash, restaurant_id, revoked_at FROM api_key WHERE id = $1",
        [id],
      );
      const row = rows[0];
      if (row === undefined || !sameDigest(digest, row.secret_hash)) {
        cache.delete(id);
        throw unauthorized("invalid API key");
      }
      if (row.revoked_at !== null) {
        cache.delete(id);
        throw unauthorized("API key revoked");
      }
      const principal: ApiKeyPrincipal = { kind: "api_key", keyId: id, restaurantId: BigInt(row.restaurant_id) };
      if (cacheMs > 0 && cacheSize > 0) {
        cache.delete(id);
        while (cache.size >= cacheSize) cache.delete(cache.keys().next().value as string);
        cache.set(id, { secretHash: row.secret_hash, principal, until: now + cacheMs });
      }
      return principal;
    },
  };
}
