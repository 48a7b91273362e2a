/**
 * Master-key rotation: rewraps every data key that is not under the keyring's current master key.
 * Only person_key changes (wrapped_key, master_key_id, rotated_at): profiles and documents are
 * encrypted under the data keys, which stay the same, so nothing else is touched. Batches of rows
 * are locked (FOR UPDATE SKIP LOCKED) and rewrapped in their own transaction, so a large table
 * does not hold one long transaction and a second run (or a concurrent one) just finds less to do.
 * Once it reports `remaining: 0`, the old keys can be removed from ENCRYPTION_PREVIOUS_KEYS.
 */
import type pg from "pg";

import { inTransaction } from "../../lib/db/client.ts";
import type { Keyring } from "../../lib/crypto/keyring.ts";

export interface RotationResult {
  /** Data keys rewrapped by this run. */
  readonly rotated: number;
  /** Rewrapped per old master key id. */
  readonly byPreviousKey: Readonly<Record<string, number>>;
  /** Data keys already under the current key when the run ended (including those just rotated). */
  readonly current: number;
  /** Data keys still under another key (wrapped by a key this keyring lacks; see `unknownKeyIds`). */
  readonly remaining: number;
  /** Master key ids found in the table that this keyring cannot unwrap. */
  readonly unknownKeyIds: readonly string[];
}

interface Row {
  user_id: string;
  master_key_id: string;
  wrapped_key: Buffer;
}

export async function rotateDataKeys(
  db: pg.Pool,
  keyring: Keyring,
  options: { batchSize?: number; onBatch?: (rotatedSoFar: number) => void } = {},
): Promise<RotationResult> {
  const batchSize = options.batchSize ?? 500;
  const known = keyring.keyIds.filter((id) => id !== keyring.currentKeyId);
  const byPreviousKey: Record<string, number> = {};
  let rotated = 0;
  let after = "00000000-0000-0000-0000-000000000000";
  for (;;) {
    const batch = await inTransaction(db, async (client) => {
      const { rows } = await client.query<Row>(
        `SELECT user_id::text AS user_id, master_key_id, wrapped_key FROM person_key
          WHERE master_key_id = ANY($1::text[]) AND user_id > $2::uuid
          ORDER BY user_id LIMIT $3 FOR UPDATE SKIP LOCKED`,
        [known, after, batchSize],
      );
      for (const row of rows) {
        const dataKey = keyring.unwrap(row.user_id, { masterKeyId: row.master_key_id, wrappedKey: row.wrapped_key });
        const wrapped = keyring.wrap(row.user_id, dataKey);
        dataKey.fill(0);
        await client.query(
          `UPDATE person_key SET wrapped_key = $2, master_key_id = $3, rotated_at = CURRENT_TIMESTAMP WHERE user_id = $1`,
          [row.user_id, wrapped.wrappedKey, wrapped.masterKeyId],
        );
        byPreviousKey[row.master_key_id] = (byPreviousKey[row.master_key_id] ?? 0) + 1;
      }
      return rows;
    });
    rotated += batch.length;
    if (batch.length > 0) options.onBatch?.(rotated);
    const last = batch.at(-1);
    if (last === undefined || batch.length < batchSize) break;
    after = last.user_id;
  }
  const { rows: counts } = await db.query<{ master_key_id: string; count: string }>(
    "SELECT master_key_id, count(*)::text AS count FROM person_key GROUP BY master_key_id",
  );
  let current = 0;
  let remaining = 0;
  const unknownKeyIds: string[] = [];
  for (const row of counts) {
    if (row.master_key_id === keyring.currentKeyId) current += Number(row.count);
    else {
      remaining += Number(row.count);
      if (!keyring.hasKey(row.master_key_id)) unknownKeyIds.push(row.master_key_id);
    }
  }
  return { rotated, byPreviousKey, current, remaining, unknownKeyIds: unknownKeyIds.sort() };
}
