import type { Row, TableSpec, Value, VersionedTableSpec } from "./tables.ts";

/** One entity's state across a batch: the version current in the database before it, then new versions. */
interface Versions {
  readonly base: Row | null;
  readonly versions: Row[];
}

/**
 * The changes of one batch of blocks, built in memory and written in one transaction.
 * Versioned entities get one version per block in which they changed (the last change in a
 * block wins), so `asOfBlock` reads see each block's end state.
 */
export class Batch {
  private readonly entities = new Map<VersionedTableSpec, Map<string, Versions>>();
  private readonly facts = new Map<TableSpec, Row[]>();

  /** Registers what the database holds for these keys (rows with block_to NULL). */
  seed(table: VersionedTableSpec, rows: readonly Row[], requestedKeys: Iterable<string>): void {
    const map = this.table(table);
    for (const key of requestedKeys) if (!map.has(key)) map.set(key, { base: null, versions: [] });
    for (const row of rows) map.set(keyOf(table, row), { base: row, versions: [] });
  }

  /**
   * Seeds `keys` from the batch before this one, whose state is newer than the database's while
   * it is being written. Returns the keys it does not know, to be loaded from the database.
   * Rows are shared, never changed: `put` makes new ones.
   */
  inherit(previous: Batch, table: VersionedTableSpec, keys: Iterable<string>): string[] {
    const map = this.table(table);
    const known = previous.entities.get(table);
    const unknown: string[] = [];
    for (const key of keys) {
      const entry = known?.get(key);
      if (entry === undefined) unknown.push(key);
      else map.set(key, { base: entry.versions.at(-1) ?? entry.base, versions: [] });
    }
    return unknown;
  }

  /** The entity's latest state, or null if it never existed. */
  get(table: VersionedTableSpec, key: string): Row | null {
    const entry = this.table(table).get(key);
    if (entry === undefined) throw new Error(`${table.name} ${key} was not loaded before the batch`);
    return entry.versions.at(-1) ?? entry.base;
  }

  /** Sets the entity's state from `block` on. A state equal to the current one makes no new version. */
  put(table: VersionedTableSpec, key: string, block: bigint, row: Row): void {
    const entry = this.table(table).get(key);
    if (entry === undefined) throw new Error(`${table.name} ${key} was not loaded before the batch`);
    const current = entry.versions.at(-1) ?? entry.base;
    if (current !== null && sameState(table, current, row)) return;
    const next: Row = { ...row, [table.key]: row[table.key] ?? key, block_from: block, block_to: null };
    const last = entry.versions.at(-1);
    if (last !== undefined && last.block_from === block) entry.versions[entry.versions.length - 1] = next;
    else {
      if (last !== undefined) last.block_to = block;
      entry.versions.push(next);
    }
  }

  append(table: TableSpec, row: Row): void {
    let rows = this.facts.get(table);
    if (rows === undefined) this.facts.set(table, (rows = []));
    rows.push(row);
  }

  factRows(table: TableSpec): readonly Row[] {
    return this.facts.get(table) ?? [];
  }

  /** Versions closed in the database by this batch: [key, block_to] pairs. */
  closures(table: VersionedTableSpec): [string, bigint][] {
    const out: [string, bigint][] = [];
    for (const [key, entry] of this.table(table)) {
      const first = entry.versions[0];
      if (entry.base !== null && first !== undefined) out.push([key, first.block_from as bigint]);
    }
    return out;
  }

  newVersions(table: VersionedTableSpec): Row[] {
    const out: Row[] = [];
    for (const entry of this.table(table).values()) out.push(...entry.versions);
    return out;
  }

  /** Keys of entities that changed in this batch. */
  changedKeys(table: VersionedTableSpec): string[] {
    const out: string[] = [];
    for (const [key, entry] of this.table(table)) if (entry.versions.length > 0) out.push(key);
    return out;
  }

  private table(table: VersionedTableSpec): Map<string, Versions> {
    let map = this.entities.get(table);
    if (map === undefined) this.entities.set(table, (map = new Map<string, Versions>()));
    return map;
  }
}

const VERSION_COLUMNS = new Set(["block_from", "block_to"]);

function sameValue(a: Value | undefined, b: Value | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a === null || b === null) return (a ?? null) === (b ?? null);
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  // int8 and numeric columns hold bigints; a handler may write an int4-sized count as a number.
  if (typeof a === "bigint" || typeof b === "bigint") {
    return (typeof a === "bigint" || typeof a === "number") && (typeof b === "bigint" || typeof b === "number")
      ? BigInt(a) === BigInt(b)
      : false;
  }
  if (typeof a === "object" && typeof b === "object") {
    const json = (value: unknown): string =>
      JSON.stringify(value, (_key, item: unknown) => (typeof item === "bigint" ? item.toString() : item));
    return json(a) === json(b);
  }
  return false;
}

/** Whether `next` states what `current` already does (the key and block range aside). */
function sameState(table: VersionedTableSpec, current: Row, next: Row): boolean {
  for (const [name] of table.columns) {
    if (name === table.key || VERSION_COLUMNS.has(name)) continue;
    if (!sameValue(current[name], next[name])) return false;
  }
  return true;
}

export function keyOf(table: VersionedTableSpec, row: Row): string {
  const value = row[table.key];
  if (typeof value === "string") return value;
  if (typeof value === "bigint" || typeof value === "number") return value.toString();
  throw new Error(`${table.name} row has no usable ${table.key}`);
}
