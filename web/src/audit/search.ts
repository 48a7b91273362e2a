/**
 * What an auditor typed, read as the chain mirror's event filters: an address is an account, a
 * number a restaurant, and a 32-byte hex value either an order id or a transaction hash (the two
 * look alike, so both are asked and the one with events wins).
 */
export type AuditSearch =
  | { readonly kind: "account"; readonly account: string }
  | { readonly kind: "restaurant"; readonly restaurantId: string }
  | { readonly kind: "hash"; readonly hash: string };

export type AuditSearchError = "empty" | "unrecognised";

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const HASH = /^0x[0-9a-fA-F]{64}$/;
const RESTAURANT = /^[0-9]{1,30}$/;

export function parseAuditSearch(input: string): AuditSearch | AuditSearchError {
  const text = input.trim();
  if (text === "") return "empty";
  if (ADDRESS.test(text)) return { kind: "account", account: text.toLowerCase() };
  if (HASH.test(text)) return { kind: "hash", hash: text.toLowerCase() };
  if (RESTAURANT.test(text)) return { kind: "restaurant", restaurantId: BigInt(text).toString() };
  return "unrecognised";
}

/** The as-of block: empty means the indexed head; otherwise a block number the GraphQL Int can carry. */
export function parseAsOfBlock(input: string): number | undefined | "invalid" {
  const text = input.trim();
  if (text === "") return undefined;
  if (!/^[0-9]{1,10}$/.test(text)) return "invalid";
  const block = Number(text);
  return block <= 2_147_483_647 ? block : "invalid";
}

/** A decoded argument as text: integers already arrive as decimal strings; arrays and structs as JSON. */
export function formatArgument(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(value);
}
