// 9999-12-31T23:59:59Z: the last instant Postgres' timestamptz (and ISO-8601 with 4-digit years)
// represents. Contracts take any uint64/uint48 as a time, and "never expires" is often max.
const LAST_SECOND = 253_402_300_799n;

/** A contract's unix time as a Date, clamped to what the database can store. */
export function chainTime(seconds: bigint): Date {
  return new Date(Number(seconds > LAST_SECOND ? LAST_SECOND : seconds) * 1000);
}
