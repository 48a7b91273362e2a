import { GraphQLScalarType, Kind, valueFromASTUntyped, type ValueNode } from "graphql";

import { badInput } from "./inputs.ts";

export const typeDefs = /* GraphQL */ `
  """
  An unsigned integer up to 2^256 - 1 (token amounts in wei, card amounts in tetri, restaurant ids), as a decimal string.
  Inputs may also be written as GraphQL integers.
  """
  scalar BigInt

  "A point in time as an ISO-8601 string in UTC with milliseconds, e.g. 2026-01-31T12:00:00.000Z."
  scalar DateTime

  "Any JSON value: decoded event arguments and platform parameters (integers inside are decimal strings)."
  scalar JSON
`;

const UINT256_MAX = 2n ** 256n - 1n;
const DECIMAL = /^\d+$/;

/** What Prisma and pg hand back for numeric(78,0): a decimal.js value, whose toFixed() prints every digit. */
interface DecimalLike {
  toFixed(): string;
}

function isDecimalLike(value: unknown): value is DecimalLike {
  return typeof value === "object" && value !== null && typeof (value as Partial<DecimalLike>).toFixed === "function";
}

function serializeBigInt(value: unknown): string {
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "number" && Number.isSafeInteger(value)) return value.toString();
  if (typeof value === "string" && DECIMAL.test(value)) return value;
  if (isDecimalLike(value)) return value.toFixed();
  throw new TypeError(`BigInt cannot represent ${typeof value}`);
}

function parseBigInt(value: unknown): bigint {
  let parsed: bigint | undefined;
  if (typeof value === "string" && DECIMAL.test(value)) parsed = BigInt(value);
  else if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) parsed = BigInt(value);
  if (parsed === undefined || parsed > UINT256_MAX) {
    throw badInput("BigInt must be an unsigned integer below 2^256, written in decimal");
  }
  return parsed;
}

function parseBigIntLiteral(node: ValueNode): bigint {
  if (node.kind === Kind.STRING) return parseBigInt(node.value);
  if (node.kind === Kind.INT && DECIMAL.test(node.value)) return parseBigInt(node.value);
  throw badInput("BigInt must be an unsigned integer below 2^256, written in decimal");
}

function parseDateTime(value: unknown): Date {
  const date = typeof value === "string" ? new Date(value) : undefined;
  if (date === undefined || Number.isNaN(date.getTime())) throw badInput("DateTime must be an ISO-8601 string");
  return date;
}

export const BigIntScalar = new GraphQLScalarType<bigint, string>({
  name: "BigInt",
  serialize: serializeBigInt,
  parseValue: parseBigInt,
  parseLiteral: parseBigIntLiteral,
});

export const DateTimeScalar = new GraphQLScalarType<Date, string>({
  name: "DateTime",
  serialize(value) {
    if (value instanceof Date) return value.toISOString();
    if (typeof value === "string") return parseDateTime(value).toISOString();
    throw new TypeError(`DateTime cannot represent ${typeof value}`);
  },
  parseValue: parseDateTime,
  parseLiteral(node) {
    if (node.kind !== Kind.STRING) throw badInput("DateTime must be an ISO-8601 string");
    return parseDateTime(node.value);
  },
});

export const JSONScalar = new GraphQLScalarType<unknown, unknown>({
  name: "JSON",
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral: (node, variables) => valueFromASTUntyped(node, variables),
});

export const resolvers = { BigInt: BigIntScalar, DateTime: DateTimeScalar, JSON: JSONScalar };
