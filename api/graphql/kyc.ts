import { loadKyc, storedBlockTime, type KycNode } from "../mirror/kyc.ts";
import { createBatchLoader } from "../mirror/loader.ts";
import { blockInt } from "./blocks.ts";
import type { GraphQLContext } from "./context.ts";
import { badInput, parseAddress } from "./inputs.ts";

export const typeDefs = /* GraphQL */ `
  "The public side of a KYC attestation: level, expiry and a hash of the evidence. No personal data is on chain or here."
  type KycStatus {
    account: String!
    "Verification level; franchise owners need the platform's required level."
    level: Int!
    expiresAt: DateTime!
    "Revoked by an officer (the chain then forgets the attestation)."
    revoked: Boolean!
    revokedAt: DateTime
    attestedAt: DateTime!
    "Hash committing to the evidence kept off chain."
    evidenceHash: String!
    "The KYC officer who attested."
    officer: String!
    "Expired at the time of the block the status was read at."
    expired: Boolean!
    """
    What KycRegistry.isVerified(account, minLevel) answered at the end of that block: not revoked,
    level at least minLevel (0 counts as 1) and not expired at the block's time.
    """
    verified(minLevel: Int = 1): Boolean!
    "The block this state began at."
    updatedBlock: Int!
  }

  extend type Query {
    "An account's KYC status at a block; null if it was never attested."
    kycStatus(account: String!, asOfBlock: Int): KycStatus
  }
`;

/**
 * The timestamp of `block`: the cursor's for the indexed head, else the indexer's recent-block table,
 * else the latest event at or before it (a lower bound; older blocks without events are not stored).
 */
async function blockTime(context: GraphQLContext, block: bigint): Promise<Date | undefined> {
  const loader = context.loader("blockTime", () =>
    createBatchLoader<bigint, Date>(
      (key) => key.toString(),
      async (blocks) => {
        const meta = await context.meta();
        const times = new Map<string, Date>();
        for (const at of new Set(blocks)) {
          const time =
            meta.blockNumber === at && meta.blockTimestamp !== null
              ? meta.blockTimestamp
              : await storedBlockTime(context.db, context.chainId, at);
          if (time !== undefined) times.set(at.toString(), time);
        }
        return times;
      },
    ),
  );
  return loader.load(block);
}

async function expiredAt(status: KycNode, context: GraphQLContext): Promise<boolean> {
  // An attestation's own row proves the chain had reached attestedAt; without a block time that is the best bound.
  const now = (await blockTime(context, status.asOf)) ?? status.attestedAt;
  return status.expiresAt.getTime() <= now.getTime();
}

export const resolvers = {
  Query: {
    async kycStatus(
      _root: unknown,
      args: { account: string; asOfBlock?: number | null },
      context: GraphQLContext,
    ): Promise<KycNode | undefined> {
      const account = parseAddress(args.account, "account");
      return loadKyc(context, await context.block(args.asOfBlock), account);
    },
  },
  KycStatus: {
    updatedBlock: (status: KycNode): number => blockInt(status.blockFrom),
    expired: (status: KycNode, _args: unknown, context: GraphQLContext): Promise<boolean> => expiredAt(status, context),
    async verified(status: KycNode, args: { minLevel?: number | null }, context: GraphQLContext): Promise<boolean> {
      const minLevel = args.minLevel ?? 1;
      if (!Number.isInteger(minLevel) || minLevel < 0 || minLevel > 255) {
        throw badInput("minLevel must be between 0 and 255");
      }
      if (status.revoked || status.level < Math.max(minLevel, 1)) return false;
      return !(await expiredAt(status, context));
    },
  },
};
