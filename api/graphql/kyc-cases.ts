/**
 * The KYC workflow for the apps: your own status, and the officers' queue and decisions.
 * Documents are uploaded over REST (`POST /api/v1/kyc/submissions`, multipart).
 */
import { GraphQLError } from "graphql";
import * as z from "zod";

import type { KycCaseView, KycService } from "../kyc/service.ts";
import { Uuid } from "../rest/schemas.ts";
import type { GraphQLContext } from "./context.ts";
import { caller, parse, run } from "./writes.ts";

export const typeDefs = /* GraphQL */ `
  "A KYC case: submitted → in_review → approved | rejected; approved → expired | revoked. No personal data."
  type KycCase {
    id: ID!
    userId: ID!
    status: String!
    level: Int!
    provider: String!
    submittedAt: DateTime!
    decidedAt: DateTime
    expiresAt: DateTime
    "Why it was rejected or revoked."
    reason: String
    "Commits to the encrypted documents; the on-chain attestation records it."
    evidenceHash: String
    documents: Int!
  }

  type MyKyc {
    "not_started, submitted, in_review, approved, rejected, expired or revoked."
    status: String!
    case: KycCase
  }

  extend type Query {
    "Your own KYC status (signed in). Submit documents with POST /api/v1/kyc/submissions."
    myKyc: MyKyc!
    "Cases waiting for review, oldest first (KYC officers)."
    kycQueue(first: Int = 20): [KycCase!]!
  }

  extend type Mutation {
    "Approve (the attestation is written on chain) or reject a case with a reason (KYC officers)."
    decideKycCase(caseId: ID!, approve: Boolean!, reason: String!, level: Int): KycCase!
    "Revoke an approval; the attestation is revoked on chain (KYC officers)."
    revokeKycCase(caseId: ID!, reason: String!): KycCase!
  }
`;

const Reason = z.string().trim().min(3).max(500);

const caseNode = (view: KycCaseView) => ({
  id: view.id,
  userId: view.user_id,
  status: view.status,
  level: view.level,
  provider: view.provider,
  submittedAt: view.submitted_at,
  decidedAt: view.decided_at,
  expiresAt: view.expires_at,
  reason: view.reason,
  evidenceHash: view.evidence_hash,
  documents: view.documents,
});

function kycOf(context: GraphQLContext): KycService {
  const kyc = context.write?.kyc;
  if (kyc === undefined) throw new GraphQLError("KYC is not served here", { extensions: { code: "FORBIDDEN" } });
  return kyc;
}

type Resolver = (parent: unknown, args: never, context: GraphQLContext) => Promise<unknown>;

export const resolvers: { Query: Record<string, Resolver>; Mutation: Record<string, Resolver> } = {
  Query: {
    myKyc: (_: unknown, _args: Record<string, never>, context: GraphQLContext) =>
      run(async () => {
        const { principal } = await caller(context, true);
        if (principal.kind !== "user")
          throw new GraphQLError("sign in as a person", { extensions: { code: "FORBIDDEN" } });
        const status = await kycOf(context).status(principal);
        return { status: status.status, case: status.case === null ? null : caseNode(status.case) };
      }),
    kycQueue: (_: unknown, args: { first?: number | null }, context: GraphQLContext) =>
      run(async () => {
        const { principal } = await caller(context, true);
        const limit = parse(z.number().int().min(1).max(100), args.first ?? 20);
        return (await kycOf(context).queue(principal, limit)).map(caseNode);
      }),
  },
  Mutation: {
    decideKycCase: (
      _: unknown,
      args: { caseId: string; approve: boolean; reason: string; level?: number | null },
      context: GraphQLContext,
    ) =>
      run(async () => {
        const { principal } = await caller(context, true);
        const level = args.level == null ? undefined : parse(z.number().int().min(1).max(255), args.level);
        return caseNode(
          await kycOf(context).decide(principal, parse(Uuid, args.caseId), {
            approve: args.approve,
            reason: parse(Reason, args.reason),
            level,
          }),
        );
      }),
    revokeKycCase: (_: unknown, args: { caseId: string; reason: string }, context: GraphQLContext) =>
      run(async () => {
        const { principal } = await caller(context, true);
        return caseNode(await kycOf(context).revoke(principal, parse(Uuid, args.caseId), parse(Reason, args.reason)));
      }),
  },
};
