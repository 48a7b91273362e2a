/** Block numbers are GraphQL Ints (2^31 blocks is centuries away on any chain we serve). */
export function blockInt(block: bigint): number {
  return Number(block);
}
