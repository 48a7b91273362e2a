/**
 * prisma/schema.prisma (what Prisma Client believes) against prisma/migrations (what the database has):
 * the migrations are applied to a fresh database and its catalog compared with Prisma's own parse of the
 * schema, the way `prisma migrate diff` would see it for the parts this project uses. Column defaults
 * are not compared.
 */
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";

import type pg from "pg";

import { readPrismaDatamodel, type DmmfDatamodel, type DmmfField, type DmmfModel } from "../../local/prisma-dmmf.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/database.ts";

const SCHEMA = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../prisma/schema.prisma");
const BOOKKEEPING_TABLE = "_prisma_migrations";
/** Postgres' NAMEDATALEN - 1: Prisma shortens default constraint names to fit. */
const MAX_IDENTIFIER_LENGTH = 63;

/** One table as both sides describe it; every entry is a comparable string. */
interface TableShape {
  /** column name -> `type` or `type NOT NULL`, as pg's format_type() spells the type. */
  readonly columns: Map<string, string>;
  primaryKey: string | undefined;
  /** `name [unique] method(col [DESC] [opclass], ...)` */
  readonly indexes: Set<string>;
  /** `name (cols) -> table(cols) on delete X on update Y` */
  readonly foreignKeys: Set<string>;
}

interface SchemaShape {
  readonly tables: Map<string, TableShape>;
  /** enum type name -> its labels in order */
  readonly enums: Map<string, string>;
}

function emptyTable(): TableShape {
  return { columns: new Map(), primaryKey: undefined, indexes: new Set(), foreignKeys: new Set() };
}

// ---------------------------------------------------------------------------------------------
// What Prisma expects, from the DMMF
// ---------------------------------------------------------------------------------------------

/** The Postgres type Prisma's migrations give a scalar type without @db. */
const DEFAULT_TYPES: Record<string, string> = {
  String: "text",
  Boolean: "boolean",
  Int: "integer",
  BigInt: "bigint",
  Float: "double precision",
  Decimal: "numeric(65,30)",
  DateTime: "timestamp(3) without time zone",
  Json: "jsonb",
  Bytes: "bytea",
};

/** @db.X as format_type() spells it, before any (precision). */
const NATIVE_TYPES: Record<string, string> = {
  Text: "text",
  Char: "character",
  VarChar: "character varying",
  Uuid: "uuid",
  Xml: "xml",
  Inet: "inet",
  Citext: "citext",
  Bit: "bit",
  VarBit: "bit varying",
  Boolean: "boolean",
  SmallInt: "smallint",
  Integer: "integer",
  BigInt: "bigint",
  Oid: "oid",
  Real: "real",
  DoublePrecision: "double precision",
  Decimal: "numeric",
  Money: "money",
  Date: "date",
  Json: "json",
  JsonB: "jsonb",
  ByteA: "bytea",
};

/** @db.Timestamptz(3) is timestamp(3) with time zone: the precision goes inside. */
const TIME_TYPES: Record<string, [string, string]> = {
  Timestamp: ["timestamp", " without time zone"],
  Timestamptz: ["timestamp", " with time zone"],
  Time: ["time", " without time zone"],
  Timetz: ["time", " with time zone"],
};

function nativeTypeName(name: string, args: readonly string[]): string {
  const precision = args.length > 0 ? `(${args.join(",")})` : "";
  const time = TIME_TYPES[name];
  if (time !== undefined) return `${time[0]}${precision}${time[1]}`;
  const base = NATIVE_TYPES[name];
  return base === undefined ? `<@db.${name}: unknown to this comparator, teach it>` : `${base}${precision}`;
}

function quoteIdentifier(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replaceAll('"', '""')}"`;
}

/** Prisma's default constraint and index names: `table_col1_col2_suffix`, shortened to fit. */
function defaultName(table: string, columns: readonly string[], suffix: string): string {
  const base = [table, ...columns].join("_");
  return `${base.slice(0, MAX_IDENTIFIER_LENGTH - suffix.length - 1)}_${suffix}`;
}

/** Prisma's operator class names (JsonbPathOps) in Postgres' spelling (jsonb_path_ops). */
function operatorClassName(prismaName: string): string {
  return prismaName
    .replaceAll("MinMax", "Minmax")
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .toLowerCase();
}

function indexSignature(
  name: string,
  unique: boolean,
  method: string,
  columns: readonly { column: string; descending: boolean; operatorClass?: string }[],
): string {
  const parts = columns.map(
    ({ column, descending, operatorClass }) =>
      `${column}${descending ? " DESC" : ""}${operatorClass === undefined ? "" : ` ${operatorClass}`}`,
  );
  return `${name} ${unique ? "unique " : ""}${method}(${parts.join(", ")})`;
}

function expectedShape(datamodel: DmmfDatamodel): SchemaShape {
  const tables = new Map<string, TableShape>();
  const models = new Map(datamodel.models.map((model) => [model.name, model]));
  const tableOf = (model: DmmfModel): string => model.dbName ?? model.name;
  const fieldOf = (model: DmmfModel, name: string): DmmfField => {
    const field = model.fields.find((candidate) => candidate.name === name);
    if (field === undefined) throw new Error(`${model.name} has no field ${name}`);
    return field;
  };
  const columnOf = (field: DmmfField): string => field.dbName ?? field.name;
  const enumType = new Map(
    datamodel.enums.map((definition) => [definition.name, definition.dbName ?? definition.name]),
  );

  for (const model of datamodel.models) {
    const table = emptyTable();
    const name = tableOf(model);
    tables.set(name, table);
    for (const field of model.fields) {
      if (field.kind === "object") continue;
      let type: string;
      if (field.kind === "enum") type = quoteIdentifier(enumType.get(field.type) ?? field.type);
      else if (field.nativeType != null) type = nativeTypeName(field.nativeType[0], field.nativeType[1]);
      else type = DEFAULT_TYPES[field.type] ?? `<${field.type}: unknown to this comparator, teach it>`;
      if (field.isList) type += "[]";
      // Prisma makes list columns nullable whatever the field says.
      table.columns.set(columnOf(field), field.isRequired && !field.isList ? `${type} NOT NULL` : type);
    }
    for (const field of model.fields) {
      const from = field.relationFromFields ?? [];
      if (field.kind !== "object" || from.length === 0) continue;
      const target = models.get(field.type);
      if (target === undefined) throw new Error(`${model.name}.${field.name} relates to unknown model ${field.type}`);
      const columns = from.map((fieldName) => columnOf(fieldOf(model, fieldName)));
      const references = (field.relationToFields ?? []).map((fieldName) => columnOf(fieldOf(target, fieldName)));
      const optional = from.some((fieldName) => !fieldOf(model, fieldName).isRequired);
      const onDelete = field.relationOnDelete ?? (optional ? "SetNull" : "Restrict");
      const onUpdate = field.relationOnUpdate ?? "Cascade";
      table.foreignKeys.add(
        `${defaultName(name, columns, "fkey")} (${columns.join(", ")}) -> ${tableOf(target)}(${references.join(", ")}) ` +
          `on delete ${onDelete} on update ${onUpdate}`,
      );
    }
  }

  for (const index of datamodel.indexes) {
    const model = models.get(index.model);
    if (model === undefined) throw new Error(`index on unknown model ${index.model}`);
    const table = tables.get(tableOf(model));
    assert.ok(table !== undefined);
    const columns = index.fields.map((entry) => ({
      column: columnOf(fieldOf(model, entry.name)),
      descending: entry.sortOrder === "desc",
      ...(entry.operatorClass === undefined ? {} : { operatorClass: operatorClassName(entry.operatorClass) }),
    }));
    const names = columns.map((entry) => entry.column);
    if (index.type === "id") {
      const constraint = index.dbName ?? defaultName(tableOf(model), [], "pkey");
      table.primaryKey = `${constraint} (${names.join(", ")})`;
    } else if (index.type === "normal" || index.type === "unique") {
      const unique = index.type === "unique";
      const indexName = index.dbName ?? defaultName(tableOf(model), names, unique ? "key" : "idx");
      table.indexes.add(indexSignature(indexName, unique, (index.algorithm ?? "BTree").toLowerCase(), columns));
    } else {
      table.indexes.add(`<${index.type} index on ${index.model}: unknown to this comparator, teach it>`);
    }
  }

  const enums = new Map(
    datamodel.enums.map((definition) => [
      definition.dbName ?? definition.name,
      definition.values.map((value) => value.dbName ?? value.name).join(", "),
    ]),
  );
  return { tables, enums };
}

// ---------------------------------------------------------------------------------------------
// What the database has, from pg_catalog
// ---------------------------------------------------------------------------------------------

const FOREIGN_KEY_ACTIONS: Record<string, string> = {
  a: "NoAction",
  r: "Restrict",
  c: "Cascade",
  n: "SetNull",
  d: "SetDefault",
};

async function actualShape(pool: pg.Pool): Promise<SchemaShape> {
  const tables = new Map<string, TableShape>();
  const tableNamed = (name: string): TableShape => {
    let table = tables.get(name);
    if (table === undefined) {
      table = emptyTable();
      tables.set(name, table);
    }
    return table;
  };
  const inSchema = `n.nspname = current_schema() AND t.relname <> '${BOOKKEEPING_TABLE}'`;

  const relations = await pool.query<{ table: string }>(
    `SELECT t.relname AS table FROM pg_class t JOIN pg_namespace n ON n.oid = t.relnamespace
      WHERE t.relkind IN ('r', 'p', 'v', 'm', 'f') AND ${inSchema}`,
  );
  for (const { table } of relations.rows) tableNamed(table);

  const columns = await pool.query<{ table: string; column: string; type: string; not_null: boolean }>(
    `SELECT t.relname AS table, a.attname AS column, format_type(a.atttypid, a.atttypmod) AS type,
            a.attnotnull AS not_null
       FROM pg_attribute a JOIN pg_class t ON t.oid = a.attrelid JOIN pg_namespace n ON n.oid = t.relnamespace
      WHERE a.attnum > 0 AND NOT a.attisdropped AND t.relkind IN ('r', 'p', 'v', 'm', 'f') AND ${inSchema}`,
  );
  for (const row of columns.rows) {
    tableNamed(row.table).columns.set(row.column, row.not_null ? `${row.type} NOT NULL` : row.type);
  }

  const indexes = await pool.query<{
    table: string;
    name: string;
    method: string;
    unique: boolean;
    primary: boolean;
    partial: boolean;
    columns: string[];
  }>(
    `SELECT t.relname AS table, i.relname AS name, am.amname AS method, x.indisunique AS unique,
            x.indisprimary AS primary, x.indpred IS NOT NULL AS partial,
            array(
              SELECT coalesce(a.attname, '<expression>')
                     || CASE WHEN (x.indoption[k.position - 1] & 1) = 1 THEN ' DESC' ELSE '' END
                     || CASE WHEN oc.opcdefault THEN '' ELSE ' ' || oc.opcname END
                FROM unnest(x.indkey::int2[]) WITH ORDINALITY AS k(attnum, position)
                LEFT JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.attnum
                LEFT JOIN pg_opclass oc ON oc.oid = x.indclass[k.position - 1]
               ORDER BY k.position
            )::text[] AS columns
       FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
       JOIN pg_am am ON am.oid = i.relam JOIN pg_namespace n ON n.oid = t.relnamespace
      WHERE ${inSchema}`,
  );
  for (const row of indexes.rows) {
    const table = tableNamed(row.table);
    if (row.primary) {
      table.primaryKey = `${row.name} (${row.columns.join(", ")})`;
      continue;
    }
    table.indexes.add(
      `${row.name} ${row.unique ? "unique " : ""}${row.method}(${row.columns.join(", ")})${row.partial ? " WHERE ..." : ""}`,
    );
  }

  const foreignKeys = await pool.query<{
    table: string;
    name: string;
    columns: string[];
    target: string;
    references: string[];
    on_delete: string;
    on_update: string;
  }>(
    `SELECT t.relname AS table, c.conname AS name, r.relname AS target,
            array(SELECT a.attname FROM unnest(c.conkey) WITH ORDINALITY AS k(attnum, position)
                    JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum
                   ORDER BY k.position)::text[] AS columns,
            array(SELECT a.attname FROM unnest(c.confkey) WITH ORDINALITY AS k(attnum, position)
                    JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum
                   ORDER BY k.position)::text[] AS references,
            c.confdeltype AS on_delete, c.confupdtype AS on_update
       FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid JOIN pg_class r ON r.oid = c.confrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace
      WHERE c.contype = 'f' AND ${inSchema}`,
  );
  for (const row of foreignKeys.rows) {
    tableNamed(row.table).foreignKeys.add(
      `${row.name} (${row.columns.join(", ")}) -> ${row.target}(${row.references.join(", ")}) ` +
        `on delete ${FOREIGN_KEY_ACTIONS[row.on_delete] ?? row.on_delete} ` +
        `on update ${FOREIGN_KEY_ACTIONS[row.on_update] ?? row.on_update}`,
    );
  }

  const enumRows = await pool.query<{ name: string; labels: string[] }>(
    `SELECT t.typname AS name, array_agg(e.enumlabel ORDER BY e.enumsortorder)::text[] AS labels
       FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace
      WHERE n.nspname = current_schema() GROUP BY t.typname`,
  );
  const enums = new Map(enumRows.rows.map((row) => [row.name, row.labels.join(", ")]));
  return { tables, enums };
}

// ---------------------------------------------------------------------------------------------
// The comparison
// ---------------------------------------------------------------------------------------------

/** Every way the database differs from the schema, one sentence each; empty when they agree. */
function schemaDifferences(expected: SchemaShape, actual: SchemaShape): string[] {
  const differences: string[] = [];
  for (const [name, table] of expected.tables) {
    const found = actual.tables.get(name);
    if (found === undefined) {
      differences.push(`table ${name}: missing from the database`);
      continue;
    }
    for (const [column, type] of table.columns) {
      const actualType = found.columns.get(column);
      if (actualType === undefined) differences.push(`table ${name}: column ${column} is missing (schema: ${type})`);
      else if (actualType !== type) {
        differences.push(`table ${name}: column ${column} is ${actualType} in the database, ${type} in the schema`);
      }
    }
    for (const [column, type] of found.columns) {
      if (!table.columns.has(column))
        differences.push(`table ${name}: extra column ${column} ${type}, not in the schema`);
    }
    if (table.primaryKey !== found.primaryKey) {
      differences.push(
        `table ${name}: primary key is ${found.primaryKey ?? "absent"} in the database, ${table.primaryKey ?? "absent"} in the schema`,
      );
    }
    for (const [kind, expectedSet, actualSet] of [
      ["index", table.indexes, found.indexes],
      ["foreign key", table.foreignKeys, found.foreignKeys],
    ] as const) {
      for (const entry of expectedSet) {
        if (!actualSet.has(entry)) differences.push(`table ${name}: ${kind} ${entry} is missing from the database`);
      }
      for (const entry of actualSet) {
        if (!expectedSet.has(entry)) differences.push(`table ${name}: extra ${kind} ${entry}, not in the schema`);
      }
    }
  }
  for (const name of actual.tables.keys()) {
    if (!expected.tables.has(name)) differences.push(`table ${name}: extra table, no model maps to it`);
  }
  for (const [name, labels] of expected.enums) {
    const found = actual.enums.get(name);
    if (found === undefined) differences.push(`enum ${name}: missing from the database`);
    else if (found !== labels)
      differences.push(`enum ${name}: values are ${found} in the database, ${labels} in the schema`);
  }
  for (const name of actual.enums.keys()) {
    if (!expected.enums.has(name)) differences.push(`enum ${name}: extra type, not in the schema`);
  }
  return differences;
}

// ---------------------------------------------------------------------------------------------

describe("schema drift: prisma/schema.prisma against prisma/migrations", () => {
  const databases: TestDatabase[] = [];
  let expected: SchemaShape;

  before(async () => {
    expected = expectedShape(await readPrismaDatamodel(await readFile(SCHEMA, "utf8")));
  });

  after(async () => {
    await Promise.all(databases.map((database) => database.drop()));
  });

  async function migratedDatabase(): Promise<TestDatabase> {
    const database = await createTestDatabase();
    databases.push(database);
    return database;
  }

  it("the migrated database has exactly the tables, columns, keys and indexes the schema describes", async () => {
    const database = await migratedDatabase();
    assert.ok(expected.tables.size > 0, "the schema has no models");
    assert.deepEqual(schemaDifferences(expected, await actualShape(database.pool)), []);
  });

  it("reports each kind of drift in a database that strays from the schema", async () => {
    const database = await migratedDatabase();
    await database.pool.query(`
      ALTER TABLE "chain_event" DROP COLUMN "tx_index";
      ALTER TABLE "chain_event" ADD COLUMN "gas_used" BIGINT;
      ALTER TABLE "account" ALTER COLUMN "balance" TYPE DECIMAL(40,0);
      ALTER TABLE "account" ALTER COLUMN "total_earned" DROP NOT NULL;
      ALTER TABLE "transfer" DROP CONSTRAINT "transfer_pkey";
      ALTER TABLE "transfer" ADD CONSTRAINT "transfer_pkey" PRIMARY KEY ("log_index", "block_number");
      DROP INDEX "chain_event_subjects_idx";
      CREATE INDEX "chain_event_subjects_idx" ON "chain_event"("subjects");
      DROP INDEX "reward_order_id_idx";
      CREATE UNIQUE INDEX "reward_tx_hash_key" ON "reward"("tx_hash");
      CREATE TABLE "stray" ("id" INTEGER);
      DROP TABLE "card_refund";
    `);
    const differences = schemaDifferences(expected, await actualShape(database.pool));
    const expectations = [
      "table chain_event: column tx_index is missing (schema: integer NOT NULL)",
      "table chain_event: extra column gas_used bigint, not in the schema",
      "table account: column balance is numeric(40,0) NOT NULL in the database, numeric(78,0) NOT NULL in the schema",
      "table account: column total_earned is numeric(78,0) in the database, numeric(78,0) NOT NULL in the schema",
      "table transfer: primary key is transfer_pkey (log_index, block_number) in the database, transfer_pkey (block_number, log_index) in the schema",
      "table chain_event: index chain_event_subjects_idx gin(subjects) is missing from the database",
      "table chain_event: extra index chain_event_subjects_idx btree(subjects), not in the schema",
      "table reward: index reward_order_id_idx btree(order_id) is missing from the database",
      "table reward: extra index reward_tx_hash_key unique btree(tx_hash), not in the schema",
      "table stray: extra table, no model maps to it",
      "table card_refund: missing from the database",
    ];
    assert.deepEqual([...differences].sort(), [...expectations].sort());
  });

  it("compares relations, enums, lists, @map names, sort orders and operator classes like Prisma", async () => {
    const schema = `
      datasource db {
        provider = "postgresql"
      }
      enum Colour {
        Red
        Blue @map("blue")
        @@map("colour")
      }
      model Parent {
        id       Int     @id @map("parent_id")
        label    String? @db.VarChar(40)
        document Json    @db.JsonB
        children Child[]
        @@index([label(sort: Desc)])
        @@index([document(ops: JsonbPathOps)], type: Gin)
        @@map("parent")
      }
      model Child {
        id       BigInt   @id
        parentId Int      @map("parent_of")
        parent   Parent   @relation(fields: [parentId], references: [id], onDelete: Cascade)
        colour   Colour
        tags     Colour[]
        born     DateTime
        @@unique([parentId, colour])
        @@map("child")
      }
    `;
    // What \`prisma migrate diff --from-empty --to-schema\` writes for it.
    const migration = `
      CREATE TYPE "colour" AS ENUM ('Red', 'blue');
      CREATE TABLE "parent" (
          "parent_id" INTEGER NOT NULL,
          "label" VARCHAR(40),
          "document" JSONB NOT NULL,
          CONSTRAINT "parent_pkey" PRIMARY KEY ("parent_id")
      );
      CREATE TABLE "child" (
          "id" BIGINT NOT NULL,
          "parent_of" INTEGER NOT NULL,
          "colour" "colour" NOT NULL,
          "tags" "colour"[],
          "born" TIMESTAMP(3) NOT NULL,
          CONSTRAINT "child_pkey" PRIMARY KEY ("id")
      );
      CREATE INDEX "parent_label_idx" ON "parent"("label" DESC);
      CREATE INDEX "parent_document_idx" ON "parent" USING GIN ("document" jsonb_path_ops);
      CREATE UNIQUE INDEX "child_parent_of_colour_key" ON "child"("parent_of", "colour");
      ALTER TABLE "child" ADD CONSTRAINT "child_parent_of_fkey" FOREIGN KEY ("parent_of")
          REFERENCES "parent"("parent_id") ON DELETE CASCADE ON UPDATE CASCADE;
    `;
    const database = await createTestDatabase({ migrate: false });
    databases.push(database);
    await database.pool.query(migration);
    const synthetic = expectedShape(await readPrismaDatamodel(schema));
    assert.deepEqual(schemaDifferences(synthetic, await actualShape(database.pool)), []);

    await database.pool.query(`
      ALTER TABLE "child" DROP CONSTRAINT "child_parent_of_fkey";
      ALTER TABLE "child" ADD CONSTRAINT "child_parent_of_fkey" FOREIGN KEY ("parent_of") REFERENCES "parent"("parent_id");
      ALTER TYPE "colour" ADD VALUE 'green';
    `);
    assert.deepEqual(schemaDifferences(synthetic, await actualShape(database.pool)).sort(), [
      "enum colour: values are Red, blue, green in the database, Red, blue in the schema",
      "table child: extra foreign key child_parent_of_fkey (parent_of) -> parent(parent_id) on delete NoAction on update NoAction, not in the schema",
      "table child: foreign key child_parent_of_fkey (parent_of) -> parent(parent_id) on delete Cascade on update Cascade is missing from the database",
    ]);
  });
});
