/**
 * The relayer's SQL: the outbox rows it claims and settles, and the relayer_tx write-ahead log of
 * every transaction it signed. All uint columns come back from pg as strings.
 */
import type pg from "pg";
import type { Address, Hex } from "viem";

import { inTransaction as inDatabaseTransaction } from "../../lib/db/client.ts";
import { RetryableError, classifyDatabaseError } from "../../lib/errors.ts";

export interface OutboxRow {
  readonly id: string;
  readonly kind: string;
  readonly payload: unknown;
  readonly attempts: number;
}

export interface SignedTx {
  readonly id: string;
  readonly nonce: bigint;
  readonly hash: Hex;
  readonly raw: Hex;
}

/** What happens to one outbox row. `pending` rows wait `delayMs`, or an exponential backoff when `attempt` counts. */
export type RowOutcome =
  | { readonly id: string; readonly status: "done"; readonly note?: string }
  | { readonly id: string; readonly status: "failed"; readonly error: string }
  | {
      readonly id: string;
      readonly status: "pending";
      readonly error?: string;
      /** Counts as a failed attempt (backoff, failed after maxAttempts); otherwise waits `delayMs`. */
      readonly attempt: boolean;
      readonly delayMs?: number;
    };

export interface Backoff {
  readonly baseMs: number;
  readonly maxMs: number;
  readonly maxAttempts: number;
}

type Queryable = Pick<pg.Pool | pg.PoolClient, "query">;

async function guarded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw classifyDatabaseError(error);
  }
}

async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  return guarded(() => inDatabaseTransaction(pool, work));
}

/** Pending rows of `kind` that are due, oldest first. */
export async function duePending(pool: pg.Pool, kind: string, limit: number): Promise<OutboxRow[]> {
  return guarded(async () => {
    const { rows } = await pool.query<OutboxRow>(
      `SELECT id, kind, payload, attempts FROM outbox
        WHERE status = 'pending' AND kind = $1 AND not_before <= now()
        ORDER BY id LIMIT $2`,
      [kind, limit],
    );
    return rows;
  });
}

async function applyOutcome(
  db: Queryable,
  outcome: RowOutcome,
  backoff: Backoff,
  fromStatus: string,
): Promise<boolean> {
  let result: pg.QueryResult;
  if (outcome.status === "done") {
    result = await db.query(
      `UPDATE outbox SET status = 'done', last_error = $2, updated_at = now() WHERE id = $1 AND status = $3`,
      [outcome.id, outcome.note ?? null, fromStatus],
    );
  } else if (outcome.status === "failed") {
    result = await db.query(
      `UPDATE outbox SET status = 'failed', last_error = $2, attempts = attempts + 1, updated_at = now()
        WHERE id = $1 AND status = $3`,
      [outcome.id, outcome.error, fromStatus],
    );
  } else {
    const step = outcome.attempt ? 1 : 0;
    result = await db.query(
      `UPDATE outbox SET
          attempts = attempts + $2,
          status = CASE WHEN $2 = 1 AND attempts + 1 >= $5 THEN 'failed' ELSE 'pending' END,
          last_error = COALESCE($3, last_error),
          tx_id = NULL,
          not_before = now() + make_interval(secs => (CASE WHEN $2 = 1
              THEN least($6::float8, $7::float8 * power(2, attempts)) ELSE $4::float8 END) / 1000.0),
          updated_at = now()
        WHERE id = $1 AND status = $8`,
      [
        outcome.id,
        step,
        outcome.error ?? null,
        outcome.delayMs ?? 0,
        backoff.maxAttempts,
        backoff.maxMs,
        backoff.baseMs,
        fromStatus,
      ],
    );
  }
  return result.rowCount === 1;
}

/**
 * Settles rows that were never sent (bad payload, not ready, gas estimation reverted, node down);
 * returns the outcomes applied (rows no longer pending are left alone).
 */
export async function settleUnsent(
  pool: pg.Pool,
  outcomes: readonly RowOutcome[],
  backoff: Backoff,
): Promise<RowOutcome[]> {
  if (outcomes.length === 0) return [];
  return inTransaction(pool, async (client) => {
    const applied: RowOutcome[] = [];
    for (const outcome of outcomes) {
      if (await applyOutcome(client, outcome, backoff, "pending")) applied.push(outcome);
    }
    return applied;
  });
}

/** The next nonce the database knows of for `sender`: one past the highest it ever signed. */
export async function nextRecordedNonce(pool: pg.Pool, chainId: number, sender: Address): Promise<bigint> {
  return guarded(async () => {
    const { rows } = await pool.query<{ nonce: string | null }>(
      "SELECT max(nonce)::text AS nonce FROM relayer_tx WHERE chain_id = $1 AND sender = $2",
      [chainId, sender.toLowerCase()],
    );
    const max = rows[0]?.nonce;
    return max === null || max === undefined ? 0n : BigInt(max) + 1n;
  });
}

/**
 * The write-ahead record: the signed transaction and its outbox rows marked `sent`, in one
 * transaction. Only after this commits may the raw bytes be broadcast.
 */
export async function recordSigned(
  pool: pg.Pool,
  tx: { chainId: number; sender: Address; nonce: bigint; hash: Hex; raw: Hex },
  rowIds: readonly string[],
  lockPid: number,
): Promise<string> {
  return inTransaction(pool, async (client) => {
    // The sender lock's session must still be alive: if its connection died, another relayer may
    // hold the lock now and choose the same nonce.
    const { rows: holding } = await client.query<{ held: boolean }>(
      "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted AND pid = $1) AS held",
      [lockPid],
    );
    if (holding[0]?.held !== true) throw new RetryableError("the relayer's sender lock is gone; not signing");
    const { rows } = await client.query<{ id: string }>(
      `INSERT INTO relayer_tx (chain_id, sender, nonce, hash, raw, status) VALUES ($1, $2, $3, $4, $5, 'signed') RETURNING id`,
      [tx.chainId, tx.sender.toLowerCase(), tx.nonce.toString(), tx.hash, tx.raw],
    );
    const txId = rows[0]?.id;
    if (txId === undefined) throw new Error("relayer_tx insert returned no id");
    const updated = await client.query(
      `UPDATE outbox SET status = 'sent', tx_id = $1, updated_at = now() WHERE id = ANY($2::bigint[]) AND status = 'pending'`,
      [txId, rowIds],
    );
    if (updated.rowCount !== rowIds.length) {
      throw new Error(`outbox rows changed under the relayer (${updated.rowCount} of ${rowIds.length} still pending)`);
    }
    return txId;
  });
}

/** Transactions of `sender` signed but not yet seen mined, lowest nonce first. */
export async function signedTransactions(pool: pg.Pool, chainId: number, sender: Address): Promise<SignedTx[]> {
  return guarded(async () => {
    const { rows } = await pool.query<{ id: string; nonce: string; hash: Hex; raw: Hex }>(
      `SELECT id, nonce::text AS nonce, hash, raw FROM relayer_tx
        WHERE chain_id = $1 AND sender = $2 AND status = 'signed' ORDER BY nonce, id`,
      [chainId, sender.toLowerCase()],
    );
    return rows.map((row) => ({ id: row.id, nonce: BigInt(row.nonce), hash: row.hash, raw: row.raw }));
  });
}

/** The outbox rows a transaction carries, in id order. */
export async function rowsOfTransaction(pool: pg.Pool, txId: string): Promise<OutboxRow[]> {
  return guarded(async () => {
    const { rows } = await pool.query<OutboxRow>(
      `SELECT id, kind, payload, attempts FROM outbox WHERE tx_id = $1 AND status = 'sent' ORDER BY id`,
      [txId],
    );
    return rows;
  });
}

/** A transaction's final state (mined, reverted, dropped) and what became of its rows, in one transaction. */
export async function finishTransaction(
  pool: pg.Pool,
  txId: string,
  status: "mined" | "reverted" | "dropped",
  blockNumber: bigint | null,
  outcomes: readonly RowOutcome[],
  backoff: Backoff,
): Promise<void> {
  await inTransaction(pool, async (client) => {
    await client.query(`UPDATE relayer_tx SET status = $2, block_number = $3, updated_at = now() WHERE id = $1`, [
      txId,
      status,
      blockNumber?.toString() ?? null,
    ]);
    for (const outcome of outcomes) await applyOutcome(client, outcome, backoff, "sent");
  });
}

/** Row counts by status, for the gauge. */
export async function countByStatus(pool: pg.Pool): Promise<Map<string, number>> {
  return guarded(async () => {
    const { rows } = await pool.query<{ status: string; count: string }>(
      "SELECT status, count(*)::text AS count FROM outbox GROUP BY status",
    );
    return new Map(rows.map((row) => [row.status, Number(row.count)]));
  });
}
