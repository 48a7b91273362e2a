import { GraphQLError } from "graphql";

/** The error for anything the caller can fix by changing the request. */
export function badInput(message: string, extensions: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { ...extensions, code: "BAD_USER_INPUT" } });
}

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const HASH = /^0x[0-9a-fA-F]{64}$/;

/** A 20-byte address, in the lower case the mirror stores. */
export function parseAddress(value: string, argument: string): string {
  if (!ADDRESS.test(value)) throw badInput(`${argument} must be an address: 0x followed by 40 hex digits`);
  return value.toLowerCase();
}

/** A 32-byte hash (transaction hash, order id, evidence hash), in lower case. */
export function parseHash(value: string, argument: string): string {
  if (!HASH.test(value)) throw badInput(`${argument} must be 0x followed by 64 hex digits`);
  return value.toLowerCase();
}

export function parseOptionalAddress(value: string | null | undefined, argument: string): string | undefined {
  return value === null || value === undefined ? undefined : parseAddress(value, argument);
}

export function parseOptionalHash(value: string | null | undefined, argument: string): string | undefined {
  return value === null || value === undefined ? undefined : parseHash(value, argument);
}

export function parseAddressList(values: readonly string[] | null | undefined, argument: string): string[] | undefined {
  return values === null || values === undefined ? undefined : values.map((value) => parseAddress(value, argument));
}

export function parseHashList(values: readonly string[] | null | undefined, argument: string): string[] | undefined {
  return values === null || values === undefined ? undefined : values.map((value) => parseHash(value, argument));
}

/** A block number argument (Int); negative numbers are always a mistake. */
export function parseBlockNumber(value: number | null | undefined, argument: string): bigint | undefined {
  if (value === null || value === undefined) return undefined;
  if (!Number.isSafeInteger(value) || value < 0) throw badInput(`${argument} must be a block number (0 or more)`);
  return BigInt(value);
}
