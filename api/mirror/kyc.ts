/** KYC attestations in the mirror (`kyc_attestation`, versioned): the public side only, no personal data. */
import type { Database } from "../../lib/db/client.ts";
import type { KycAttestation as KycRow } from "../../lib/db/generated/client.ts";
import { atBlock, currentSql, type AtBlock } from "./blocks.ts";
import { loadAtBlock, type MirrorReader } from "./loader.ts";

export type KycNode = AtBlock<KycRow>;

export function loadKyc(reader: MirrorReader, block: bigint, account: string): Promise<KycNode | undefined> {
  return loadAtBlock(
    reader,
    "kyc",
    (at, accounts) =>
      reader.db.prisma.kycAttestation.findMany({ where: { AND: [atBlock(at), { account: { in: [...accounts] } }] } }),
    (row) => row.account,
    block,
    account,
  );
}

/**
 * SQL that is true when the mirror shows the lower-case address `account` (an SQL expression)
 * KYC-verified now at level `level` (an SQL expression): what FranchiseNFT asks of owners.
 */
export const verifiedOwnerSql = (account: string, level: string): string =>
  `EXISTS (
     SELECT 1 FROM kyc_attestation k
      WHERE k.account = ${account} AND ${currentSql("k")} AND NOT k.revoked AND k.expires_at > now()
        AND k.level >= ${level}
   )`;

/** Whether the mirror shows `account` KYC-verified at `level` now. */
export async function isVerifiedNow(db: Database, account: string, level: number | bigint): Promise<boolean> {
  const { rows } = await db.pool.query<{ verified: boolean }>(`SELECT ${verifiedOwnerSql("$1", "$2")} AS verified`, [
    account,
    level,
  ]);
  return rows[0]?.verified ?? false;
}

/**
 * The timestamp of `block` from the indexer's recent-block table, else the latest event at or before it
 * (a lower bound; older blocks without events are not stored); undefined when neither knows.
 */
export async function storedBlockTime(db: Database, chainId: number, block: bigint): Promise<Date | undefined> {
  const recent = await db.prisma.indexedBlock.findUnique({ where: { chainId_number: { chainId, number: block } } });
  if (recent !== null) return recent.timestamp;
  const event = await db.prisma.chainEvent.findFirst({
    where: { chainId, blockNumber: { lte: block } },
    orderBy: [{ blockNumber: "desc" }, { logIndex: "desc" }],
  });
  return event?.blockTimestamp;
}
