/**
 * The access log: who (user, role) did what to whose personal data, when and why.
 *
 * Append-only (a trigger refuses UPDATE, DELETE and TRUNCATE) and tamper-evident: each row stores
 * the previous row's hash and its own,
 *   hash = sha256(prev_hash || canonical JSON of {id, actorId, actorRole, subjectId, action, reason, at})
 * so changing, removing or re-ordering any row breaks every link after it, and verify() names the
 * first broken one. Appends are serialised by a transaction-scoped advisory lock, so two writers
 * never both extend the same tail (the chain never forks). Deleting the newest rows is only
 * detectable against a head hash kept elsewhere: verify() returns it for that purpose.
 */
import { createHash } from "node:crypto";

import type pg from "pg";

import { inTransaction } from "../../lib/db/client.ts";
import { HotPotError } from "../../lib/errors.ts";

/** The prev_hash of the first row. */
export const GENESIS_HASH = "0".repeat(64);
/** pg_advisory_xact_lock key: "access_log" as a number (any constant works; this one is ours). */
const APPEND_LOCK = 0x61636c6f67; // "aclog"

export interface AccessLogEntry {
  /** The person or service acting; null for the system itself (e.g. a scheduled job). */
  readonly actorId: string | null;
  readonly actorRole: string;
  /** Whose data. */
  readonly subjectId: string;
  /** What: "read", "write", "read_document", "erase", ... */
  readonly action: string;
  /** Why: free text, required (a KYC case id, "support ticket 123", ...). Never personal data. */
  readonly reason: string;
}

export interface AccessLogRow extends AccessLogEntry {
  /** bigserial, as a string. */
  readonly id: string;
  readonly at: Date;
  readonly prevHash: string;
  readonly hash: string;
}

export type VerifyResult =
  | { readonly ok: true; readonly count: number; readonly headHash: string; readonly headId: string | null }
  | { readonly ok: false; readonly count: number; readonly brokenAt: string; readonly problem: string };

export interface AccessLog {
  /** Appends within `executor`'s transaction (a PoolClient inside BEGIN) or, given the pool, its own. */
  append(executor: pg.Pool | pg.PoolClient, entry: AccessLogEntry): Promise<AccessLogRow>;
  /** Walks the whole log in id order; the first row whose link or hash does not check out. */
  verify(): Promise<VerifyResult>;
  /** Rows in id order after the `after` id, optionally for one subject; limit 1..1000. */
  list(options: { subjectId?: string; after?: string; limit: number }): Promise<AccessLogRow[]>;
}

export class AccessLogError extends HotPotError {
  override readonly name = "AccessLogError";
}

function canonicalJson(value: Readonly<Record<string, string | null>>): string {
  const keys = Object.keys(value).sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${JSON.stringify(value[key] ?? null)}`).join(",")}}`;
}

/** The hash a row must carry. Exported for auditors' own tools and the tests. */
export function accessLogHash(prevHash: string, row: AccessLogEntry & { id: string; at: Date }): string {
  const body = canonicalJson({
    id: row.id,
    actorId: row.actorId,
    actorRole: row.actorRole,
    subjectId: row.subjectId,
    action: row.action,
    reason: row.reason,
    at: row.at.toISOString(),
  });
  return createHash("sha256").update(prevHash, "utf8").update(body, "utf8").digest("hex");
}

function checkEntry(entry: AccessLogEntry): void {
  for (const [name, value] of [
    ["actorRole", entry.actorRole],
    ["action", entry.action],
    ["reason", entry.reason],
  ] as const) {
    if (typeof value !== "string" || value.trim() === "") throw new AccessLogError(`access log entry needs a ${name}`);
  }
}

interface DbRow {
  id: string;
  actor_id: string | null;
  actor_role: string;
  subject_id: string;
  action: string;
  reason: string;
  at: Date;
  prev_hash: string;
  hash: string;
}

const fromDb = (row: DbRow): AccessLogRow => ({
  id: row.id,
  actorId: row.actor_id,
  actorRole: row.actor_role,
  subjectId: row.subject_id,
  action: row.action,
  reason: row.reason,
  at: row.at,
  prevHash: row.prev_hash,
  hash: row.hash,
});

// Careful: this selects id as text, so ORDER BY must name access_log.id (the alias would sort "10" before "2").
const COLUMNS = "id::text AS id, actor_id, actor_role, subject_id, action, reason, at, prev_hash, hash";

async function appendIn(client: pg.PoolClient, entry: AccessLogEntry): Promise<AccessLogRow> {
  // Fails outside a transaction ("SAVEPOINT can only be used in transaction blocks"): the advisory
  // lock below would be released at once and two appends could then share a tail.
  await client.query("SAVEPOINT access_log_append");
  await client.query("SELECT pg_advisory_xact_lock($1)", [APPEND_LOCK]);
  const { rows } = await client.query<{ id: string; at: Date; prev_hash: string | null }>(
    `SELECT nextval(pg_get_serial_sequence('access_log', 'id'))::text AS id,
            date_trunc('milliseconds', clock_timestamp()) AS at,
            (SELECT hash FROM access_log ORDER BY id DESC LIMIT 1) AS prev_hash`,
  );
  const head = rows[0];
  if (head === undefined) throw new AccessLogError("could not read the access log head");
  const prevHash = head.prev_hash ?? GENESIS_HASH;
  const row = { ...entry, id: head.id, at: head.at };
  const hash = accessLogHash(prevHash, row);
  await client.query(
    `INSERT INTO access_log (id, actor_id, actor_role, subject_id, action, reason, at, prev_hash, hash)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [row.id, entry.actorId, entry.actorRole, entry.subjectId, entry.action, entry.reason, row.at, prevHash, hash],
  );
  await client.query("RELEASE SAVEPOINT access_log_append");
  return { ...row, prevHash, hash };
}

const isPool = (executor: pg.Pool | pg.PoolClient): executor is pg.Pool => !("release" in executor);

export async function appendAccessLog(executor: pg.Pool | pg.PoolClient, entry: AccessLogEntry): Promise<AccessLogRow> {
  checkEntry(entry);
  return isPool(executor) ? inTransaction(executor, (client) => appendIn(client, entry)) : appendIn(executor, entry);
}

const VERIFY_BATCH = 1000;

export async function verifyAccessLog(pool: pg.Pool): Promise<VerifyResult> {
  let prevHash = GENESIS_HASH;
  let lastId: string | null = null;
  let count = 0;
  for (;;) {
    const { rows }: { rows: DbRow[] } = await pool.query<DbRow>(
      `SELECT ${COLUMNS} FROM access_log WHERE ($1::bigint IS NULL OR id > $1::bigint) ORDER BY access_log.id LIMIT $2`,
      [lastId, VERIFY_BATCH],
    );
    for (const raw of rows) {
      const row = fromDb(raw);
      if (row.prevHash !== prevHash) {
        return { ok: false, count, brokenAt: row.id, problem: "prev_hash does not match the previous row's hash" };
      }
      if (accessLogHash(prevHash, row) !== row.hash) {
        return { ok: false, count, brokenAt: row.id, problem: "hash does not match the row's contents" };
      }
      prevHash = row.hash;
      lastId = row.id;
      count += 1;
    }
    if (rows.length < VERIFY_BATCH) return { ok: true, count, headHash: prevHash, headId: lastId };
  }
}

export async function listAccessLog(
  pool: pg.Pool,
  options: { subjectId?: string; after?: string; limit: number },
): Promise<AccessLogRow[]> {
  const limit = Math.trunc(options.limit);
  if (!(limit >= 1 && limit <= 1000)) throw new AccessLogError("limit must be from 1 to 1000");
  if (options.after !== undefined && !/^\d+$/.test(options.after)) throw new AccessLogError("after must be a row id");
  const { rows } = await pool.query<DbRow>(
    `SELECT ${COLUMNS} FROM access_log
      WHERE ($1::uuid IS NULL OR subject_id = $1::uuid) AND ($2::bigint IS NULL OR id > $2::bigint)
      ORDER BY access_log.id LIMIT $3`,
    [options.subjectId ?? null, options.after ?? null, limit],
  );
  return rows.map(fromDb);
}

export function createAccessLog(pool: pg.Pool): AccessLog {
  return {
    append: appendAccessLog,
    verify: () => verifyAccessLog(pool),
    list: (options) => listAccessLog(pool, options),
  };
}
