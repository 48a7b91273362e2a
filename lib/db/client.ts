import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";

import { PrismaClient } from "./generated/client.ts";

export type { PrismaClient } from "./generated/client.ts";

/** One connection pool to the mirror, shared by raw SQL (the indexer's bulk writes) and Prisma (reads). */
export interface Database {
  readonly url: string;
  readonly pool: pg.Pool;
  readonly prisma: PrismaClient;
  close(): Promise<void>;
}

// numeric(78,0) and bigint come back as strings from pg; the code converts where it needs numbers.
export function createDatabase(url: string, options: { max?: number; applicationName?: string } = {}): Database {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    application_name: options.applicationName ?? "hot-pot-spot",
  });
  // An idle client that loses its connection (database restarted) must not crash the process.
  pool.on("error", () => undefined);
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  let closed = false;
  return {
    url,
    pool,
    prisma,
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await prisma.$disconnect();
      await pool.end();
    },
  };
}

/** The one row a statement that always returns exactly one row returned. */
export function onlyRow<Row>(result: { rows: Row[] }): Row {
  const [row] = result.rows;
  if (row === undefined || result.rows.length !== 1) {
    throw new Error(`expected exactly one row, got ${result.rows.length}`);
  }
  return row;
}

/** Runs `work` in one transaction on one pooled connection: committed if it returns, rolled back if it throws. */
export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    const result = await work(client);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
