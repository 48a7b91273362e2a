/** REST: the KYC workflow (`/api/v1/kyc…`). Documents go up as multipart/form-data. */
import { findNul, NUL_MESSAGE } from "../http/nul.ts";
import * as z from "zod";

import { badRequest } from "../rest/errors.ts";
import { defineRoute, type Route } from "../rest/route.ts";
import { Limit, Timestamp, Uuid } from "../rest/schemas.ts";
import { PersonalDetailsSchema } from "./details.ts";
import { DOCUMENT_KINDS, MAX_DOCUMENT_BYTES, readKycUpload } from "./documents.ts";
import type { KycService } from "./service.ts";

const Status = z
  .enum(["not_started", "submitted", "in_review", "approved", "rejected", "expired", "revoked"])
  .meta({ examples: ["submitted"] });

const KycCase = z
  .object({
    id: Uuid,
    user_id: Uuid,
    status: Status,
    level: z
      .number()
      .int()
      .meta({ examples: [2] }),
    provider: z.string().meta({ examples: ["manual"] }),
    submitted_at: Timestamp,
    decided_at: Timestamp.nullable(),
    expires_at: Timestamp.nullable(),
    reason: z
      .string()
      .nullable()
      .meta({ examples: [null] }),
    evidence_hash: z.string().nullable().meta({ description: "Commits to the encrypted documents; recorded on chain" }),
    documents: z
      .number()
      .int()
      .meta({ examples: [2] }),
  })
  .meta({ id: "KycCase" });

const Document = z.object({
  id: Uuid,
  kind: z.enum(DOCUMENT_KINDS),
  content_type: z.string().meta({ examples: ["application/pdf"] }),
  size: z
    .number()
    .int()
    .meta({ examples: [48213] }),
  cid: z.string().meta({ description: "CID of the ciphertext on IPFS", examples: ["bafkreia…"] }),
});

const Reason = z
  .string()
  .trim()
  .min(3)
  .max(500)
  .meta({ examples: ["reviewing the submission"] });
const CasePath = z.object({ id: Uuid });

const Upload = PersonalDetailsSchema.extend(
  Object.fromEntries(
    DOCUMENT_KINDS.map((kind) => [
      kind,
      z
        .string()
        .optional()
        .meta({
          format: "binary",
          description: `${kind}: PDF, JPEG or PNG, at most ${MAX_DOCUMENT_BYTES / 2 ** 20} MiB`,
        }),
    ]),
  ),
);

export function kycRoutes(kyc: KycService): Route[] {
  return [
    defineRoute({
      method: "post",
      path: "/kyc/submissions",
      operationId: "submitKyc",
      summary: "Submit identity documents and personal details",
      description:
        "multipart/form-data: the personal details as text fields, each document as a file field named by its kind. " +
        "Documents are checked by content, encrypted before they are stored (ciphertext only, on IPFS), and the case " +
        "goes to review. A rejected case may be submitted again.",
      tags: ["kyc"],
      access: "user",
      streamedBody: { mediaType: "multipart/form-data", schema: Upload, description: "Details and documents" },
      responses: { 201: { description: "The case, waiting for review", schema: KycCase } },
      errors: [409, 413, 415],
      handle: async ({ principal, request }) => {
        const upload = await readKycUpload(request);
        const nul = findNul(upload.fields, "body");
        if (nul !== undefined)
          throw badRequest(NUL_MESSAGE, [{ path: nul, message: "contains a NUL character (\\u0000)" }]);
        const details = PersonalDetailsSchema.safeParse(upload.fields);
        if (!details.success) {
          throw badRequest(
            "invalid personal details",
            details.error.issues.map((issue) => ({
              path: ["body", ...issue.path.map(String)].join("."),
              message: issue.message,
            })),
          );
        }
        return {
          status: 201,
          body: await kyc.submit(principal, { details: details.data, documents: upload.documents }),
        };
      },
    }),
    defineRoute({
      method: "get",
      path: "/kyc/status",
      operationId: "getKycStatus",
      summary: "Your KYC status and latest case",
      tags: ["kyc"],
      access: "user",
      responses: {
        200: { description: "Status", schema: z.object({ status: Status, case: KycCase.nullable() }) },
      },
      handle: async ({ principal }) => ({ status: 200, body: await kyc.status(principal) }),
    }),
    defineRoute({
      method: "get",
      path: "/kyc/cases",
      operationId: "listKycQueue",
      summary: "Cases waiting for review, oldest first (KYC officers)",
      tags: ["kyc"],
      access: "user",
      query: z.object({ limit: Limit }),
      responses: { 200: { description: "The queue", schema: z.object({ cases: z.array(KycCase) }) } },
      errors: [403],
      handle: async ({ principal, query }) => ({
        status: 200,
        body: { cases: await kyc.queue(principal, query.limit) },
      }),
    }),
    defineRoute({
      method: "post",
      path: "/kyc/cases/{id}/open",
      operationId: "openKycCase",
      summary: "Open a case: the decrypted details and the document list (KYC officers; access-logged)",
      tags: ["kyc"],
      access: "user",
      params: CasePath,
      body: z.object({ reason: Reason }).meta({ id: "AccessReason" }),
      responses: {
        200: {
          description: "The case",
          schema: z.object({
            case: KycCase,
            details: z.record(z.string(), z.string().nullable()),
            documents: z.array(Document),
          }),
        },
      },
      errors: [403, 404, 410],
      handle: async ({ principal, params, body }) => ({
        status: 200,
        body: await kyc.open(principal, params.id, body.reason),
      }),
    }),
    defineRoute({
      method: "get",
      path: "/kyc/cases/{id}/documents/{document_id}",
      operationId: "getKycDocument",
      summary: "One decrypted document (KYC officers; access-logged)",
      tags: ["kyc"],
      access: "user",
      params: z.object({ id: Uuid, document_id: Uuid }),
      query: z.object({ reason: Reason }),
      responses: {
        200: {
          description: "The document's bytes, with its real content type (PDF, JPEG or PNG)",
          mediaType: "application/octet-stream",
          schema: z.string().meta({ format: "binary" }),
        },
      },
      errors: [403, 404, 410],
      handle: async ({ principal, params, query }) => {
        const document = await kyc.document(principal, params.id, params.document_id, query.reason);
        return {
          status: 200,
          body: document.bytes,
          headers: { "Content-Type": document.contentType, "Cache-Control": "no-store" },
        };
      },
    }),
    defineRoute({
      method: "post",
      path: "/kyc/cases/{id}/decision",
      operationId: "decideKycCase",
      summary: "Approve (attestation written on chain) or reject with a reason (KYC officers)",
      tags: ["kyc"],
      access: "user",
      params: CasePath,
      body: z
        .object({
          approve: z.boolean().meta({ examples: [true] }),
          reason: Reason.meta({ examples: ["documents match the details"] }),
          level: z
            .number()
            .int()
            .min(1)
            .max(255)
            .optional()
            .meta({ examples: [2] }),
        })
        .meta({ id: "KycDecision" }),
      responses: { 200: { description: "The decided case", schema: KycCase } },
      errors: [403, 404, 409],
      handle: async ({ principal, params, body }) => ({
        status: 200,
        body: await kyc.decide(principal, params.id, body),
      }),
    }),
    defineRoute({
      method: "post",
      path: "/kyc/cases/{id}/revoke",
      operationId: "revokeKycCase",
      summary: "Revoke an approval (KYC officers): the attestation is revoked on chain",
      tags: ["kyc"],
      access: "user",
      params: CasePath,
      body: z.object({ reason: Reason }).meta({ id: "RevokeReason" }),
      responses: { 200: { description: "The revoked case", schema: KycCase } },
      errors: [403, 404, 409],
      handle: async ({ principal, params, body }) => ({
        status: 200,
        body: await kyc.revoke(principal, params.id, body.reason),
      }),
    }),
  ];
}
