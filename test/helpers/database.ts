/**
 * A fresh database per test (file), on the server DATABASE_URL names: `npm test` starts an embedded
 * Postgres for the run and sets it; against a server of your own, set it yourself.
 */
import { randomBytes } from "node:crypto";

import pg from "pg";

import { createDatabase, type Database } from "../../lib/db/client.ts";
import { migrate } from "../../lib/db/migrate.ts";

export interface TestDatabase extends Database {
  readonly name: string;
  /** Closes the pool and drops the database. */
  drop(): Promise<void>;
}

export function testServerUrl(): string {
  const url = process.env.DATABASE_URL;
  if (url === undefined || url === "") {
    throw new Error(
      "DATABASE_URL is not set. Run the tests through `npm test`, which starts an embedded Postgres for the run, " +
        "or set DATABASE_URL to a Postgres server where this user may CREATE DATABASE " +
        "(e.g. postgresql://postgres@127.0.0.1:5432/postgres).",
    );
  }
  return url;
}

/** The same server and credentials, another database. */
export function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${encodeURIComponent(database)}`;
  return url.toString();
}

async function onServer<T>(serverUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl, application_name: "hot-pot-spot tests" });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  await onServer(serverUrl, async (client) => {
    const { rows } = await client.query<{ server_version_num: string }>("SHOW server_version_num");
    // FORCE (13+) ends connections a test leaked instead of failing the drop.
    const force = Number(rows[0]?.server_version_num) >= 130000 ? " WITH (FORCE)" : "";
    await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)}${force}`);
  });
}

/**
 * Creates `hotpot_test_<random>` on the DATABASE_URL server, migrated unless `migrate: false`.
 * Call drop() when done (in an `after` hook).
 */
export async function createTestDatabase(options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const serverUrl = testServerUrl();
  const name = `hotpot_test_${randomBytes(6).toString("hex")}`;
  await onServer(serverUrl, (client) => client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`));
  const database = createDatabase(databaseUrl(serverUrl, name), { max: 5, applicationName: "hot-pot-spot tests" });
  let dropped: Promise<void> | undefined;
  const drop = (): Promise<void> => {
    dropped ??= (async () => {
      await database.close();
      await dropDatabase(serverUrl, name);
    })();
    return dropped;
  };
  if (options.migrate !== false) {
    try {
      await migrate(database.pool);
    } catch (error) {
      await drop();
      throw error;
    }
  }
  return { url: database.url, pool: database.pool, prisma: database.prisma, close: () => database.close(), name, drop };
}
