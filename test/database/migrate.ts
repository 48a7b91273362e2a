import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";

import { createDatabase } from "../../lib/db/client.ts";
import { migrate, MigrationError, MIGRATIONS_DIR } from "../../lib/db/migrate.ts";
import { openDatabase } from "../../lib/db/open.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/database.ts";

interface BookkeepingRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
  applied_steps_count: number;
}

async function bookkeeping(database: TestDatabase): Promise<BookkeepingRow[]> {
  const { rows } = await database.pool.query<BookkeepingRow>(
    `SELECT migration_name, checksum, finished_at, rolled_back_at, applied_steps_count
       FROM "_prisma_migrations" ORDER BY migration_name`,
  );
  return rows;
}

async function migrationFolders(): Promise<string[]> {
  const entries = await readdir(MIGRATIONS_DIR, { withFileTypes: true });
  return entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

describe("database migrations", () => {
  const databases: TestDatabase[] = [];
  let scratch: string;
  let folders: string[];

  async function freshDatabase(): Promise<TestDatabase> {
    const database = await createTestDatabase({ migrate: false });
    databases.push(database);
    return database;
  }

  before(async () => {
    scratch = await mkdtemp(path.join(tmpdir(), "hotpot-migrations-"));
    folders = await migrationFolders();
    assert.ok(folders.length > 0, "prisma/migrations has no migration folders");
  });

  after(async () => {
    await Promise.all(databases.map((database) => database.drop()));
    await rm(scratch, { recursive: true, force: true });
  });

  it("applies every migration once, and finds them all applied the second time", async () => {
    const database = await freshDatabase();
    const first = await migrate(database.pool);
    assert.deepEqual(first, { applied: folders, alreadyApplied: [] });
    const second = await migrate(database.pool);
    assert.deepEqual(second, { applied: [], alreadyApplied: folders });
    assert.equal((await bookkeeping(database)).length, folders.length);
  });

  it("records each migration as prisma migrate deploy does: folder name, sha256 of migration.sql, finished", async () => {
    const database = await freshDatabase();
    await migrate(database.pool);
    const expected = await Promise.all(
      folders.map(async (name) => ({
        migration_name: name,
        checksum: createHash("sha256")
          .update(await readFile(path.join(MIGRATIONS_DIR, name, "migration.sql")))
          .digest("hex"),
      })),
    );
    const rows = await bookkeeping(database);
    assert.deepEqual(
      rows.map(({ migration_name, checksum }) => ({ migration_name, checksum })),
      expected,
    );
    for (const row of rows) {
      assert.ok(row.finished_at instanceof Date, `${row.migration_name} has no finished_at`);
      assert.equal(row.rolled_back_at, null);
      assert.equal(row.applied_steps_count, 1);
    }
  });

  it("refuses to go on when an applied migration's file was edited afterwards", async () => {
    const database = await freshDatabase();
    const directory = path.join(scratch, "edited");
    await cp(MIGRATIONS_DIR, directory, { recursive: true });
    await migrate(database.pool, directory);

    const [first] = folders;
    assert.ok(first !== undefined);
    const file = path.join(directory, first, "migration.sql");
    await writeFile(file, `${await readFile(file, "utf8")}\n-- edited after it was applied\n`);
    await assert.rejects(migrate(database.pool, directory), (error: unknown) => {
      assert.ok(error instanceof MigrationError, `expected a MigrationError, got ${String(error)}`);
      assert.match(error.message, new RegExp(`migration ${first} was modified after it was applied`));
      return true;
    });
  });

  it("rolls a failing migration back whole and names it", async () => {
    const database = await freshDatabase();
    const directory = path.join(scratch, "failing");
    await cp(MIGRATIONS_DIR, directory, { recursive: true });
    const broken = "99990101000000_broken";
    await mkdir(path.join(directory, broken));
    await writeFile(
      path.join(directory, broken, "migration.sql"),
      `CREATE TABLE "half_done" ("id" INTEGER);\nALTER TABLE "no_such_table" ADD COLUMN "x" INTEGER;\n`,
    );
    await assert.rejects(migrate(database.pool, directory), (error: unknown) => {
      assert.ok(error instanceof MigrationError);
      assert.match(error.message, new RegExp(`migration ${broken} failed: relation "no_such_table" does not exist`));
      return true;
    });
    const { rows } = await database.pool.query<{ exists: boolean }>(
      `SELECT to_regclass('half_done') IS NOT NULL AS exists`,
    );
    assert.equal(rows[0]?.exists, false, "the failed migration's first statement was kept");
    assert.deepEqual(
      (await bookkeeping(database)).map((row) => row.migration_name),
      folders,
    );
  });

  it("openDatabase with a URL migrates that database and starts no server of its own", async () => {
    const database = await freshDatabase();
    const opened = await openDatabase({
      url: database.url,
      dataDir: path.join(scratch, "never-used"),
      port: 1,
    });
    try {
      assert.equal(opened.embedded, false);
      assert.equal(opened.url, database.url);
      assert.deepEqual(
        (await bookkeeping(database)).map((row) => row.migration_name),
        folders,
      );
    } finally {
      await opened.close();
    }
    await assert.rejects(readdir(path.join(scratch, "never-used")), { code: "ENOENT" });
  });

  it("applies each migration once when two processes migrate the same database at the same time", async () => {
    const database = await freshDatabase();
    const other = createDatabase(database.url, { max: 2 });
    try {
      const results = await Promise.all([migrate(database.pool), migrate(other.pool)]);
      const applied = results.flatMap((result) => result.applied).sort();
      assert.deepEqual(applied, folders, "every migration applied exactly once across both");
      for (const result of results) {
        assert.deepEqual([...result.applied, ...result.alreadyApplied].sort(), folders);
      }
      const rows = await bookkeeping(database);
      assert.deepEqual(
        rows.map((row) => row.migration_name),
        folders,
      );
    } finally {
      await other.close();
    }
  });
});
