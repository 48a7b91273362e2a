/**
 * REST: the right to erasure (`DELETE /people/{id}`) and the access log for auditors
 * (`/audit/access-log`, `/audit/access-log/verify`).
 */
import * as z from "zod";

import { hasRole } from "../auth/principal.ts";
import { ApiError, forbidden, notFound } from "../rest/errors.ts";
import { defineRoute, type Route } from "../rest/route.ts";
import { Limit, Timestamp, Uuid } from "../rest/schemas.ts";
import type { AccessLog } from "./access-log.ts";
import { PersonNotFoundError } from "./errors.ts";
import type { PersonVault } from "./vault.ts";

const Entry = z
  .object({
    id: z.string().meta({ examples: ["42"] }),
    actor_id: Uuid.nullable(),
    actor_role: z.string().meta({ examples: ["kyc_officer"] }),
    subject_id: Uuid,
    action: z.string().meta({ examples: ["read"] }),
    reason: z.string().meta({ examples: ["KYC case 3f1c1a52 review"] }),
    at: Timestamp,
    prev_hash: z.string(),
    hash: z.string(),
  })
  .meta({ id: "AccessLogEntry" });

export function peopleRoutes(vault: PersonVault, accessLog: AccessLog): Route[] {
  return [
    defineRoute({
      method: "delete",
      path: "/people/{id}",
      operationId: "erasePerson",
      summary: "Erase a person's data (themselves or an admin): their data key is destroyed",
      description:
        "Crypto-shredding: the person's data key is deleted, so their details and their documents on IPFS can never " +
        "be decrypted again; the chain keeps only hashes. Orders and on-chain records stay, pseudonymous.",
      tags: ["people"],
      access: "user",
      params: z.object({ id: Uuid }),
      query: z.object({
        reason: z
          .string()
          .trim()
          .min(3)
          .max(500)
          .meta({ examples: ["the customer asked"] }),
      }),
      responses: { 204: { description: "Erased" } },
      errors: [403, 404],
      handle: async ({ principal, params, query }) => {
        const self = principal.userId === params.id;
        if (!self && !hasRole(principal, "admin")) throw forbidden("people erase their own data; admins anyone's");
        try {
          await vault.erase({ id: principal.userId, role: self ? "customer" : "admin" }, params.id, query.reason);
        } catch (error) {
          // No such user: the vault's row for them breaks the foreign key (23503).
          const unknownUser = (error as { code?: unknown }).code === "23503";
          if (error instanceof PersonNotFoundError || unknownUser) throw notFound(`person ${params.id}`);
          throw error;
        }
        return { status: 204 };
      },
    }),
    defineRoute({
      method: "get",
      path: "/audit/access-log",
      operationId: "listAccessLog",
      summary: "Who read or changed whose personal data, when and why (auditors, admins)",
      tags: ["audit"],
      access: "user",
      query: z.object({
        subject_id: Uuid.optional(),
        after: z
          .string()
          .regex(/^\d+$/)
          .optional()
          .meta({ examples: ["0"] }),
        limit: Limit,
      }),
      responses: { 200: { description: "Entries in order", schema: z.object({ entries: z.array(Entry) }) } },
      errors: [403],
      handle: async ({ principal, query }) => {
        if (!hasRole(principal, "auditor") && !hasRole(principal, "admin"))
          throw forbidden("auditors read the access log");
        const rows = await accessLog.list({ subjectId: query.subject_id, after: query.after, limit: query.limit });
        return {
          status: 200,
          body: {
            entries: rows.map((row) => ({
              id: row.id,
              actor_id: row.actorId,
              actor_role: row.actorRole,
              subject_id: row.subjectId,
              action: row.action,
              reason: row.reason,
              at: row.at.toISOString(),
              prev_hash: row.prevHash,
              hash: row.hash,
            })),
          },
        };
      },
    }),
    defineRoute({
      method: "get",
      path: "/audit/access-log/verify",
      operationId: "verifyAccessLog",
      summary: "Check the access log's chain of hashes (auditors, admins)",
      tags: ["audit"],
      access: "user",
      responses: {
        200: {
          description: "The chain is intact",
          schema: z.object({ ok: z.literal(true), count: z.number().int(), head_hash: z.string() }),
        },
      },
      errors: [403, 409],
      handle: async ({ principal }) => {
        if (!hasRole(principal, "auditor") && !hasRole(principal, "admin"))
          throw forbidden("auditors verify the access log");
        const result = await accessLog.verify();
        if (!result.ok) {
          throw new ApiError(
            409,
            "access_log_broken",
            `the access log is broken at entry ${result.brokenAt}: ${result.problem}`,
          );
        }
        return { status: 200, body: { ok: true, count: result.count, head_hash: result.headHash } };
      },
    }),
  ];
}
