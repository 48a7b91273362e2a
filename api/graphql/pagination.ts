/**
 * Relay cursor connections over keyset pagination, one helper for every list.
 *
 * A list orders by one or more columns whose last ones make the order total (the entity id, or block
 * number and log index). A cursor is the ordering's name and the values of those columns for a row,
 * base64url-encoded: the next page is "rows strictly after these values", so rows inserted or rolled
 * back meanwhile never shift a page (no duplicates, no gaps), unlike offsets.
 */
import type { ListSource, SortOrder, Where } from "../mirror/blocks.ts";
import { badInput } from "./inputs.ts";

export type { ListSource, SortOrder, Where };

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export const typeDefs = /* GraphQL */ `
  enum OrderDirection {
    asc
    desc
  }

  "Where a page sits in its list (Relay cursor connections)."
  type PageInfo {
    hasNextPage: Boolean!
    hasPreviousPage: Boolean!
    "Cursor of the first edge of the page; null when the page is empty."
    startCursor: String
    "Cursor of the last edge of the page; null when the page is empty."
    endCursor: String
  }
`;

/** The connection and edge types of a list of `node`. */
export function connectionTypeDefs(node: string): string {
  return /* GraphQL */ `
    type ${node}Connection {
      edges: [${node}Edge!]!
      "The nodes of the edges, for callers that do not need each cursor."
      nodes: [${node}!]!
      pageInfo: PageInfo!
      "How many items match the filter in all pages; counted only when asked for."
      totalCount: Int!
    }

    type ${node}Edge {
      cursor: String!
      node: ${node}!
    }
  `;
}

/** The arguments of a list field: filter, ordering, page, and `asOfBlock` where the list reads state. */
export function listArguments(options: { where?: string; orderBy: string; asOfBlock?: boolean }): string {
  return [
    options.where === undefined ? "" : `where: ${options.where}`,
    `orderBy: ${options.orderBy}`,
    `"Default: asc." orderDirection: OrderDirection`,
    `"Page forward: at most this many items after \`after\` (default ${DEFAULT_PAGE_SIZE}, at most ${MAX_PAGE_SIZE})." first: Int`,
    `after: String`,
    `"Page backward: at most this many items before \`before\` (at most ${MAX_PAGE_SIZE})." last: Int`,
    `before: String`,
    options.asOfBlock === true
      ? `"Read the state at the end of this block (default: the indexed head)." asOfBlock: Int`
      : "",
  ]
    .filter((line) => line !== "")
    .join("\n");
}

/** How a key column's value travels in a cursor and comes back as a Prisma filter value. */
export type KeyCodec = "bigint" | "int" | "decimal" | "string" | "date";

export interface KeyColumn<Row> {
  readonly field: keyof Row & string;
  readonly codec: KeyCodec;
}

export function key<Row>(field: keyof Row & string, codec: KeyCodec): KeyColumn<Row> {
  return { field, codec };
}

export interface ListDefinition<Row, OrderBy extends string> {
  /** Key columns per `orderBy` value; the last columns must identify a row. */
  readonly orderings: Readonly<Record<OrderBy, readonly KeyColumn<Row>[]>>;
  readonly defaultOrderBy: OrderBy;
}

export interface PageArgs {
  readonly first?: number | null;
  readonly after?: string | null;
  readonly last?: number | null;
  readonly before?: string | null;
}

export interface ListArgs<OrderBy extends string> extends PageArgs {
  readonly orderBy?: OrderBy | null;
  readonly orderDirection?: SortOrder | null;
}

/** A value the GraphQL default resolver computes on demand: it calls functions it finds on the parent. */
type Lazy<T> = T | (() => Promise<T>);

export interface PageInfo {
  readonly hasNextPage: Lazy<boolean>;
  readonly hasPreviousPage: Lazy<boolean>;
  readonly startCursor: string | null;
  readonly endCursor: string | null;
}

export interface Connection<Node> {
  readonly edges: readonly { readonly cursor: string; readonly node: Node }[];
  readonly nodes: readonly Node[];
  readonly pageInfo: PageInfo;
  readonly totalCount: () => Promise<number>;
}

interface DecimalLike {
  toFixed(): string;
}

function encodeValue(value: unknown, codec: KeyCodec): string {
  switch (codec) {
    case "bigint":
    case "int":
    case "string":
      if (typeof value === "bigint" || typeof value === "number" || typeof value === "string") return value.toString();
      break;
    case "decimal":
      if (typeof value === "object" && value !== null && "toFixed" in value) return (value as DecimalLike).toFixed();
      break;
    case "date":
      if (value instanceof Date) return value.toISOString();
      break;
  }
  throw new TypeError(`cannot encode ${typeof value} as a ${codec} cursor value`);
}

const INTEGER = /^-?\d+$/;

function decodeValue(text: string, codec: KeyCodec): unknown {
  switch (codec) {
    case "bigint":
      return INTEGER.test(text) ? BigInt(text) : undefined;
    case "int":
      return INTEGER.test(text) && Number.isSafeInteger(Number(text)) ? Number(text) : undefined;
    case "decimal":
      return INTEGER.test(text) ? text : undefined;
    case "string":
      return text;
    case "date": {
      const date = new Date(text);
      return Number.isNaN(date.getTime()) ? undefined : date;
    }
  }
}

export function encodeCursor<Row>(orderBy: string, columns: readonly KeyColumn<Row>[], row: Row): string {
  const values = columns.map((column) => encodeValue(row[column.field], column.codec));
  return Buffer.from(JSON.stringify([orderBy, ...values])).toString("base64url");
}

export function decodeCursor<Row>(
  cursor: string,
  orderBy: string,
  columns: readonly KeyColumn<Row>[],
  argument: string,
): unknown[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    parsed = undefined;
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== columns.length + 1 ||
    !parsed.every((part): part is string => typeof part === "string")
  ) {
    throw badInput(`${argument} is not a cursor of this list`);
  }
  const [name, ...texts] = parsed as [string, ...string[]];
  if (name !== orderBy) throw badInput(`${argument} is a cursor for orderBy ${name}, not ${orderBy}`);
  return columns.map((column, index) => {
    const value = decodeValue(texts[index] ?? "", column.codec);
    if (value === undefined) throw badInput(`${argument} is not a cursor of this list`);
    return value;
  });
}

/** Rows strictly past `values` in `direction`: (a > x) or (a = x and b > y) or ... */
function pastKey<Row>(columns: readonly KeyColumn<Row>[], values: readonly unknown[], direction: SortOrder): Where {
  const operator = direction === "asc" ? "gt" : "lt";
  return {
    OR: columns.map((column, index) => ({
      AND: [
        ...columns.slice(0, index).map((previous, j) => ({ [previous.field]: values[j] })),
        { [column.field]: { [operator]: values[index] } },
      ],
    })),
  };
}

function flip(direction: SortOrder): SortOrder {
  return direction === "asc" ? "desc" : "asc";
}

function pageSize(args: PageArgs): number {
  if (args.first != null && args.last != null) {
    throw badInput("pass either first (with after) or last (with before), not both");
  }
  const size = args.first ?? args.last ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(size) || size < 0 || size > MAX_PAGE_SIZE) {
    throw badInput(`${args.first != null ? "first" : "last"} must be between 0 and ${MAX_PAGE_SIZE}`);
  }
  return size;
}

/**
 * One page of `source` under `where`, in the order and window `args` ask for. `hasPreviousPage` (when
 * paging forward from a cursor), `hasNextPage` (backward from a cursor) and `totalCount` are queried
 * only if the request selects them.
 */
export async function paginate<Row, OrderBy extends string, Node>(
  list: ListDefinition<Row, OrderBy>,
  source: ListSource<Row>,
  args: ListArgs<OrderBy>,
  where: Where,
  toNode: (row: Row) => Node,
): Promise<Connection<Node>> {
  const size = pageSize(args);
  const orderBy = args.orderBy ?? list.defaultOrderBy;
  const columns = list.orderings[orderBy];
  const direction = args.orderDirection ?? "asc";
  const after = args.after == null ? undefined : decodeCursor(args.after, orderBy, columns, "after");
  const before = args.before == null ? undefined : decodeCursor(args.before, orderBy, columns, "before");
  const backward = args.last != null;

  const bounds: Where[] = [where];
  if (after !== undefined) bounds.push(pastKey(columns, after, direction));
  if (before !== undefined) bounds.push(pastKey(columns, before, flip(direction)));
  const scan = backward ? flip(direction) : direction;
  const rows = await source.findMany({
    where: { AND: bounds },
    orderBy: columns.map((column) => ({ [column.field]: scan })),
    take: size + 1,
  });
  const more = rows.length > size;
  const page = rows.slice(0, size);
  if (backward) page.reverse();

  const exists = async (condition: Where): Promise<boolean> =>
    (await source.findMany({ where: { AND: [where, condition] }, orderBy: [], take: 1 })).length > 0;
  // Anything at or before the `after` cursor lies before this page (and symmetrically for `before`).
  const beforeAfter = after === undefined ? false : () => exists({ NOT: pastKey(columns, after, direction) });
  const pastBefore = before === undefined ? false : () => exists({ NOT: pastKey(columns, before, flip(direction)) });

  const edges = page.map((row) => ({ cursor: encodeCursor(orderBy, columns, row), node: toNode(row) }));
  return {
    edges,
    nodes: edges.map((edge) => edge.node),
    pageInfo: {
      hasNextPage: backward ? pastBefore : more,
      hasPreviousPage: backward ? more : beforeAfter,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    totalCount: () => source.count({ where }),
  };
}
