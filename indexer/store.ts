import type pg from "pg";

import { encodeIndexedNotification, INDEXED_CHANNEL } from "../lib/db/indexed-channel.ts";
import { HotPotError } from "../lib/errors.ts";
import type { Batch } from "./batch.ts";
import type { DecodedEvent } from "./decode.ts";
import { argsToJson } from "./decode.ts";
import {
  CHAIN_EVENT,
  FACT_TABLES,
  ORDER,
  VERSIONED_TABLES,
  type ColumnType,
  type Row,
  type TableSpec,
  type Value,
  type VersionedTableSpec,
} from "./tables.ts";

/** The last block whose events are all in the database. */
export interface Cursor {
  readonly chainId: number;
  readonly startBlock: bigint;
  readonly startBlockHash: string;
  readonly blockNumber: bigint;
  readonly blockHash: string;
  readonly blockTimestamp: Date;
}

export interface BlockHeader {
  readonly number: bigint;
  readonly hash: string;
  readonly parentHash: string;
  readonly timestamp: Date;
}

/** The database moved under us: another writer, or a cursor that is not where the batch starts. */
export class CursorConflictError extends HotPotError {
  override readonly name = "CursorConflictError";
}

const q = (name: string): string => `"${name}"`;

function parse(type: ColumnType, value: unknown): Value {
  if (value === null) return null;
  switch (type) {
    case "int8":
    case "numeric":
      return BigInt(value as string);
    default:
      return value as Value;
  }
}

function serialize(type: ColumnType, value: Value | undefined): unknown {
  if (value === null || value === undefined) return null;
  switch (type) {
    case "int8":
    case "numeric":
      return (value as bigint | number | string).toString();
    case "timestamptz":
      return (value as Date).toISOString();
    case "jsonb":
      return JSON.stringify(value);
    case "text[]":
      return `{${(value as readonly string[]).map((item) => `"${item.replace(/["\\]/g, "\\$&")}"`).join(",")}}`;
    default:
      return value;
  }
}

const COPY_ESCAPES: Readonly<Record<string, string>> = { "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" };

/** One value in COPY's text format (NULL is \N; backslash, tab and line breaks escaped). */
function copyCell(type: ColumnType, value: Value | undefined): string {
  const serialized = serialize(type, value);
  if (serialized === null) return "\\N";
  if (typeof serialized === "boolean") return serialized ? "t" : "f";
  if (typeof serialized !== "string" && typeof serialized !== "number") {
    throw new Error(`a ${type} value of type ${typeof serialized} has no COPY form`);
  }
  const text = String(serialized);
  return /[\\\t\n\r]/.test(text) ? text.replace(/[\\\t\n\r]/g, (c) => COPY_ESCAPES[c] ?? c) : text;
}

/** What pg calls on a submitted query object; the subset a COPY FROM STDIN needs. */
interface CopyConnection {
  query(text: string): void;
  sendCopyFromChunk(chunk: Buffer): void;
  endCopyFrom(): void;
}

/**
 * COPY ... FROM STDIN through pg's submittable-query interface (the one pg-cursor and
 * pg-copy-streams build on). COPY skips building, sending and unnesting one array per column:
 * the cheapest way into Postgres for the thousands of rows a backfill batch writes.
 */
class CopyFrom {
  private readonly text: string;
  private readonly payload: Buffer;
  private readonly finish: (error: Error | null) => void;
  private settled = false;

  constructor(text: string, payload: Buffer, finish: (error: Error | null) => void) {
    this.text = text;
    this.payload = payload;
    this.finish = finish;
  }

  submit(connection: CopyConnection): void {
    connection.query(this.text);
  }

  handleCopyInResponse(connection: CopyConnection): void {
    connection.sendCopyFromChunk(this.payload);
    connection.endCopyFrom();
  }

  handleError(error: Error): void {
    this.settle(error);
  }

  handleReadyForQuery(): void {
    this.settle(null);
  }

  handleCommandComplete(): void {}
  handleRowDescription(): void {}
  handleDataRow(): void {}
  handleEmptyQuery(): void {}
  handleCopyData(): void {}
  handlePortalSuspended(): void {}

  private settle(error: Error | null): void {
    if (this.settled) return;
    this.settled = true;
    this.finish(error);
  }
}

/** Bulk insert by COPY: one round trip and no per-row statement for any number of rows. */
async function insertRows(client: pg.PoolClient, table: TableSpec, rows: readonly Row[]): Promise<void> {
  if (rows.length === 0) return;
  const columns = table.columns;
  const lines = rows.map((row) => columns.map(([name, type]) => copyCell(type, row[name])).join("\t"));
  const payload = Buffer.from(`${lines.join("\n")}\n`, "utf8");
  await new Promise<void>((resolve, reject) => {
    const copy = new CopyFrom(
      `COPY ${q(table.name)} (${columns.map(([name]) => q(name)).join(", ")}) FROM STDIN`,
      payload,
      (error) => {
        if (error === null) resolve();
        else reject(error);
      },
    );
    void client.query(copy as unknown as pg.QueryConfig);
  });
}

function keyType(table: VersionedTableSpec): ColumnType {
  const column = table.columns.find(([name]) => name === table.key);
  if (column === undefined) throw new Error(`${table.name} has no key column`);
  return column[1];
}

/** Current versions (block_to NULL) of the given entities. */
export async function loadCurrent(
  client: pg.PoolClient | pg.Pool,
  table: VersionedTableSpec,
  keys: readonly string[],
): Promise<Row[]> {
  if (keys.length === 0) return [];
  const result = await client.query<Record<string, unknown>>(
    `SELECT ${table.columns.map(([name]) => q(name)).join(", ")} FROM ${q(table.name)}
     WHERE ${q(table.key)} = ANY($1::${keyType(table)}[]) AND block_to IS NULL`,
    [keys],
  );
  return result.rows.map((raw) => {
    const row: Row = {};
    for (const [name, type] of table.columns) row[name] = parse(type, raw[name]);
    return row;
  });
}

export async function readCursor(client: pg.PoolClient | pg.Pool, chainId: number): Promise<Cursor | null> {
  const { rows } = await client.query<{
    start_block: string;
    start_block_hash: string;
    block_number: string;
    block_hash: string;
    block_timestamp: Date;
  }>(
    `SELECT start_block, start_block_hash, block_number, block_hash, block_timestamp FROM indexer_cursor WHERE chain_id = $1`,
    [chainId],
  );
  const row = rows[0];
  if (row === undefined) return null;
  return {
    chainId,
    startBlock: BigInt(row.start_block),
    startBlockHash: row.start_block_hash,
    blockNumber: BigInt(row.block_number),
    blockHash: row.block_hash,
    blockTimestamp: row.block_timestamp,
  };
}

async function insertBlocks(client: pg.PoolClient, chainId: number, blocks: readonly BlockHeader[]): Promise<void> {
  if (blocks.length === 0) return;
  await client.query(
    `INSERT INTO indexed_block (chain_id, number, hash, parent_hash, timestamp)
     SELECT $1, * FROM unnest($2::int8[], $3::text[], $4::text[], $5::timestamptz[])
     ON CONFLICT (chain_id, number) DO UPDATE SET hash = EXCLUDED.hash, parent_hash = EXCLUDED.parent_hash, timestamp = EXCLUDED.timestamp`,
    [
      chainId,
      blocks.map((block) => block.number.toString()),
      blocks.map((block) => block.hash),
      blocks.map((block) => block.parentHash),
      blocks.map((block) => block.timestamp.toISOString()),
    ],
  );
}

/** Starts a mirror: the cursor sits on the block before the deployment, which is remembered as a reorg anchor. */
export async function initCursor(client: pg.PoolClient, cursor: Cursor, anchor: BlockHeader): Promise<void> {
  await client.query("BEGIN");
  try {
    await client.query(
      `INSERT INTO indexer_cursor (chain_id, start_block, start_block_hash, block_number, block_hash, block_timestamp, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, now())`,
      [
        cursor.chainId,
        cursor.startBlock.toString(),
        cursor.startBlockHash,
        cursor.blockNumber.toString(),
        cursor.blockHash,
        cursor.blockTimestamp.toISOString(),
      ],
    );
    await insertBlocks(client, cursor.chainId, [anchor]);
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK");
    throw error;
  }
}

async function moveCursor(client: pg.PoolClient, from: Cursor, to: BlockHeader): Promise<void> {
  const result = await client.query(
    `UPDATE indexer_cursor SET block_number = $2, block_hash = $3, block_timestamp = $4, updated_at = now()
     WHERE chain_id = $1 AND block_number = $5 AND block_hash = $6`,
    [
      from.chainId,
      to.number.toString(),
      to.hash,
      to.timestamp.toISOString(),
      from.blockNumber.toString(),
      from.blockHash,
    ],
  );
  if (result.rowCount !== 1) {
    throw new CursorConflictError(
      `indexer cursor of chain ${from.chainId} is no longer at block ${from.blockNumber}: another writer changed the mirror`,
    );
  }
}

/**
 * Writes one batch (blocks cursor+1 .. to) in one transaction: raw events, facts, new entity
 * versions, the blocks to remember, the cursor, and the notification. Either all of it is
 * committed or none: a crash leaves the previous cursor and nothing after it.
 */
export async function writeBatch(
  client: pg.PoolClient,
  args: {
    cursor: Cursor;
    to: BlockHeader;
    events: readonly DecodedEvent[];
    timestampOf: (block: bigint) => Date;
    batch: Batch;
    blocks: readonly BlockHeader[];
    pruneBelow: bigint;
  },
): Promise<void> {
  const { cursor, batch } = args;
  await client.query("BEGIN");
  try {
    await moveCursor(client, cursor, args.to);
    await insertRows(
      client,
      CHAIN_EVENT,
      args.events.map((event) => ({
        chain_id: cursor.chainId,
        block_number: event.blockNumber,
        log_index: event.logIndex,
        block_timestamp: args.timestampOf(event.blockNumber),
        tx_hash: event.txHash,
        block_hash: event.blockHash,
        tx_index: event.txIndex,
        contract: event.contract,
        contract_name: event.contractName,
        event_name: event.eventName,
        args: argsToJson(event.args),
        subjects: event.subjects,
      })),
    );
    for (const table of FACT_TABLES) await insertRows(client, table, batch.factRows(table));
    for (const table of VERSIONED_TABLES) {
      const closures = batch.closures(table);
      if (closures.length > 0) {
        await client.query(
          `UPDATE ${q(table.name)} AS t SET block_to = c.block_to
           FROM unnest($1::${keyType(table)}[], $2::int8[]) AS c(key, block_to)
           WHERE t.${q(table.key)} = c.key AND t.block_to IS NULL`,
          [closures.map(([key]) => key), closures.map(([, block]) => block.toString())],
        );
      }
      await insertRows(client, table, batch.newVersions(table));
    }
    await insertBlocks(client, cursor.chainId, args.blocks);
    await client.query(`DELETE FROM indexed_block WHERE chain_id = $1 AND number < $2 AND number <> $3`, [
      cursor.chainId,
      args.pruneBelow.toString(),
      args.to.number.toString(),
    ]);
    await client.query(`SELECT pg_notify($1, $2)`, [
      INDEXED_CHANNEL,
      encodeIndexedNotification({
        chainId: cursor.chainId,
        fromBlock: cursor.blockNumber + 1n,
        toBlock: args.to.number,
        orders: batch.changedKeys(ORDER),
        reorg: false,
      }),
    ]);
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  }
}

/** Blocks remembered for reorg detection, newest first. */
export async function recentBlocks(client: pg.PoolClient, chainId: number, atOrBelow: bigint): Promise<BlockHeader[]> {
  const { rows } = await client.query<{ number: string; hash: string; parent_hash: string; timestamp: Date }>(
    `SELECT number, hash, parent_hash, timestamp FROM indexed_block WHERE chain_id = $1 AND number <= $2 ORDER BY number DESC`,
    [chainId, atOrBelow.toString()],
  );
  return rows.map((row) => ({
    number: BigInt(row.number),
    hash: row.hash,
    parentHash: row.parent_hash,
    timestamp: row.timestamp,
  }));
}

/**
 * Undoes everything after `ancestor`: facts and raw events after it are deleted, entity
 * versions born after it are deleted and the versions they replaced are current again.
 * Returns the ids of the orders whose state changed.
 */
export async function rollbackTo(client: pg.PoolClient, cursor: Cursor, ancestor: BlockHeader): Promise<string[]> {
  const after = ancestor.number.toString();
  await client.query("BEGIN");
  try {
    const { rows } = await client.query<{ order_id: string }>(
      `SELECT DISTINCT order_id FROM "order" WHERE block_from > $1 OR block_to > $1`,
      [after],
    );
    await client.query(`DELETE FROM chain_event WHERE chain_id = $1 AND block_number > $2`, [cursor.chainId, after]);
    for (const table of FACT_TABLES)
      await client.query(`DELETE FROM ${q(table.name)} WHERE block_number > $1`, [after]);
    for (const table of VERSIONED_TABLES) {
      await client.query(`DELETE FROM ${q(table.name)} WHERE block_from > $1`, [after]);
      await client.query(`UPDATE ${q(table.name)} SET block_to = NULL WHERE block_to > $1`, [after]);
    }
    await client.query(`DELETE FROM indexed_block WHERE chain_id = $1 AND number > $2`, [cursor.chainId, after]);
    await moveCursor(client, cursor, ancestor);
    const orders = rows.map((row) => row.order_id);
    await client.query(`SELECT pg_notify($1, $2)`, [
      INDEXED_CHANNEL,
      encodeIndexedNotification({
        chainId: cursor.chainId,
        fromBlock: ancestor.number + 1n,
        toBlock: cursor.blockNumber,
        orders,
        reorg: true,
      }),
    ]);
    await client.query("COMMIT");
    return orders;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  }
}

/** Forgets a mirror entirely (the chain it followed is gone, e.g. a restarted local node). */
export async function resetMirror(client: pg.PoolClient, chainId: number): Promise<void> {
  await client.query("BEGIN");
  try {
    await client.query(`DELETE FROM chain_event WHERE chain_id = $1`, [chainId]);
    for (const table of [...FACT_TABLES, ...VERSIONED_TABLES]) await client.query(`DELETE FROM ${q(table.name)}`);
    await client.query(`DELETE FROM indexed_block WHERE chain_id = $1`, [chainId]);
    await client.query(`DELETE FROM indexer_cursor WHERE chain_id = $1`, [chainId]);
    await client.query(`SELECT pg_notify($1, $2)`, [
      INDEXED_CHANNEL,
      encodeIndexedNotification({ chainId, fromBlock: 0n, toBlock: 0n, orders: [], reorg: true }),
    ]);
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  }
}
