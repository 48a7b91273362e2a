/** Platform settings in the mirror (`platform_parameter`, versioned): treasury, KYC level, reward rate, currencies. */
import type { Database } from "../../lib/db/client.ts";
import type { PlatformParameter as ParameterRow, Prisma } from "../../lib/db/generated/client.ts";
import { atBlock, type ListSource } from "./blocks.ts";

export type { ParameterRow };

/** The parameters at the end of `block`, only those named in `keys` when given. */
export function parametersWhere(block: bigint, keys?: readonly string[]): Prisma.PlatformParameterWhereInput {
  return { AND: [atBlock(block), keys !== undefined ? { key: { in: [...keys] } } : {}] };
}

export function parameterRows(db: Database): ListSource<ParameterRow> {
  return {
    findMany: (args) => db.prisma.platformParameter.findMany(args),
    count: (args) => db.prisma.platformParameter.count(args),
  };
}

export function parameterAt(db: Database, block: bigint, key: string): Promise<ParameterRow | null> {
  return db.prisma.platformParameter.findFirst({ where: parametersWhere(block, [key]) });
}

/** The parameter's current value (the mirror's newest row), or null when the chain never set it. */
export async function currentParameter(db: Database, key: string): Promise<ParameterRow | null> {
  // Keys carry checksummed addresses (`currency:0xAbC…`); callers may hold them in another case.
  return db.prisma.platformParameter.findFirst({ where: { key: { equals: key, mode: "insensitive" }, blockTo: null } });
}
