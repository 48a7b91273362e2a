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

export type TxPurpose = "outbox" | "nonce_filler";

export interface SignedTx {
  readonly id: string;
  readonly nonce: bigint;
  readonly hash: Hex;
  readonly raw: Hex;
}

/** A transaction the relayer saw in a block (mined or reverted). */
export interface IncludedTx extends SignedTx {
  readonly status: "mined" | "reverted";
  readonly blockNumber: bigint;
  /** Null for transactions recorded before block hashes were kept. */
  readonly blockHash: Hex | null;
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

/**
 * The lowest nonce of `sender` at or above `minedNonce` (the chain's count) that none of its
 * transactions still waiting for a receipt holds. Transactions mined, dropped or lost do not hold
 * one: after the chain lost blocks, their nonces are free again and are used before any higher one.
 */
export async function nextFreeNonce(
  pool: pg.Pool,
  chainId: number,
  sender: Address,
  minedNonce: bigint,
): Promise<bigint> {
  return guarded(async () => {
    const { rows } = await pool.query<{ nonce: string }>(
      `SELECT nonce::text AS nonce FROM relayer_tx
        WHERE chain_id = $1 AND sender = $2 AND status = 'signed' AND nonce >= $3 ORDER BY nonce`,
      [chainId, sender.toLowerCase(), minedNonce.toString()],
    );
    let next = minedNonce;
    for (const row of rows) {
      const nonce = BigInt(row.nonce);
      if (nonce > next) break;
      if (nonce === next) next++;
    }
    return next;
  });
}

/**
 * The write-ahead record: the signed transaction and its outbox rows marked `sent`, in one
 * transaction. Only after this commits may the raw bytes be broadcast.
 */
export async function recordSigned(
  pool: pg.Pool,
  tx: { chainId: number; sender: Address; nonce: bigint; hash: Hex; raw: Hex; purpose?: TxPurpose },
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
      `INSERT INTO relayer_tx (chain_id, sender, nonce, hash, raw, status, purpose)
       VALUES ($1, $2, $3, $4, $5, 'signed', $6) RETURNING id`,
      [tx.chainId, tx.sender.toLowerCase(), tx.nonce.toString(), tx.hash, tx.raw, tx.purpose ?? "outbox"],
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
  block: { readonly number: bigint; readonly hash: Hex } | null,
  outcomes: readonly RowOutcome[],
  backoff: Backoff,
): Promise<void> {
  await inTransaction(pool, async (client) => {
    await client.query(
      `UPDATE relayer_tx SET status = $2, block_number = $3, block_hash = $4, updated_at = now() WHERE id = $1`,
      [txId, status, block?.number.toString() ?? null, block?.hash ?? null],
    );
    for (const outcome of outcomes) await applyOutcome(client, outcome, backoff, "sent");
  });
}

/** Included transactions of `sender`, newest block first, below `before` (block, id) when given. */
export async function includedTransactions(
  pool: pg.Pool,
  chainId: number,
  sender: Address,
  limit: number,
  before?: { readonly blockNumber: bigint; readonly id: string },
): Promise<IncludedTx[]> {
  return guarded(async () => {
    const { rows } = await pool.query<{
      id: string;
      nonce: string;
      hash: Hex;
      raw: Hex;
      status: "mined" | "reverted";
      block_number: string;
      block_hash: Hex | null;
    }>(
      `SELECT id, nonce::text AS nonce, hash, raw, status, block_number::text AS block_number, block_hash
         FROM relayer_tx
        WHERE chain_id = $1 AND sender = $2 AND status IN ('mined', 'reverted')
          AND ($4::bigint IS NULL OR (block_number, id) < ($4::bigint, $5::bigint))
        ORDER BY block_number DESC, id DESC LIMIT $3`,
      [chainId, sender.toLowerCase(), limit, before?.blockNumber.toString() ?? null, before?.id ?? null],
    );
    return rows.map((row) => ({
      id: row.id,
      nonce: BigInt(row.nonce),
      hash: row.hash,
      raw: row.raw,
      status: row.status,
      blockNumber: BigInt(row.block_number),
      blockHash: row.block_hash,
    }));
  });
}

/** An included transaction is still in the chain, in `block` (the same one, or another after a reorganisation). */
export async function confirmIncluded(
  pool: pg.Pool,
  txId: string,
  block: { number: bigint; hash: Hex },
): Promise<void> {
  await guarded(() =>
    pool.query(`UPDATE relayer_tx SET block_number = $2, block_hash = $3, updated_at = now() WHERE id = $1`, [
      txId,
      block.number.toString(),
      block.hash,
    ]),
  );
}

/**
 * A transaction's block left the chain and the transaction with it. A mined one goes back to
 * `signed` and its rows back to `sent`: the next reconcile sends the same bytes again (its nonce is
 * free again), or finds the nonce taken and frees the rows. A reverted one changed nothing and its
 * rows were already settled: it is `dropped`, its nonce free for the next transaction.
 */
export async function markLost(pool: pg.Pool, tx: IncludedTx): Promise<void> {
  await inTransaction(pool, async (client) => {
    const status = tx.status === "mined" ? "signed" : "dropped";
    await client.query(
      `UPDATE relayer_tx SET status = $2, block_number = NULL, block_hash = NULL, updated_at = now() WHERE id = $1`,
      [tx.id, status],
    );
    if (tx.status === "mined") {
      await client.query(
        `UPDATE outbox SET status = 'sent', last_error = NULL, updated_at = now() WHERE tx_id = $1 AND status = 'done'`,
        [tx.id],
      );
    }
  });
}

/** How much work waits and for how long: what tells a stuck relayer from a busy one. */
export interface Backlog {
  /** Outbox rows of the given kinds not finished (pending or sent). */
  readonly unfinishedRows: number;
  /** Age of the oldest of them, in seconds (null when none). */
  readonly oldestRowSeconds: number | null;
  /** Seconds since the oldest transaction still waiting for its receipt was signed or sent again. */
  readonly oldestUnminedSeconds: number | null;
}

export async function backlog(
  pool: pg.Pool,
  kinds: readonly string[],
  chainId: number,
  senders: readonly Address[],
): Promise<Backlog> {
  return guarded(async () => {
    const { rows } = await pool.query<{ rows: string; oldest_row: number | null; oldest_tx: number | null }>(
      `SELECT
         (SELECT count(*) FROM outbox WHERE status IN ('pending', 'sent') AND kind = ANY($1))::text AS rows,
         (SELECT extract(epoch FROM now() - min(created_at))::float8
            FROM outbox WHERE status IN ('pending', 'sent') AND kind = ANY($1)) AS oldest_row,
         (SELECT extract(epoch FROM now() - min(updated_at))::float8
            FROM relayer_tx WHERE status = 'signed' AND chain_id = $2 AND sender = ANY($3)) AS oldest_tx`,
      [kinds, chainId, senders.map((sender) => sender.toLowerCase())],
    );
    const row = rows[0];
    return {
      unfinishedRows: Number(row?.rows ?? 0),
      oldestRowSeconds: row?.oldest_row ?? null,
      oldestUnminedSeconds: row?.oldest_tx ?? null,
    };
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
