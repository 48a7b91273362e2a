/**
 * The KYC workflow (the seed's scenario: register → documents → verify → activate).
 *
 *   not_started → submitted → in_review → approved | rejected;  approved → expired | revoked
 *
 * Documents are encrypted under the person's data key before they leave this process and only
 * the ciphertext goes to IPFS; the case keeps their CIDs and `evidenceHash`, which commits to that
 * ciphertext. Approval writes the attestation to KycRegistry through the relayer (outbox, exactly
 * once); revocation likewise. The chain's answer, mirrored by the indexer, is what franchise
 * minting and transfers follow.
 */
import { randomUUID } from "node:crypto";

import { encodePacked, keccak256, toHex, type Hex } from "viem";

import { inTransaction } from "../../lib/db/client.ts";
import { hasRole, type Principal, type UserPrincipal } from "../auth/principal.ts";
import { enqueue } from "../outbox/index.ts";
import type { Platform } from "../platform.ts";
import { InvalidInput, Forbidden, NotFound, Gone, Conflict } from "../errors.ts";
import { EmailTakenError, InvalidPersonDataError, PersonErasedError, PersonNotFoundError } from "../people/errors.ts";
import type { Actor, PersonDetails, PersonVault } from "../people/vault.ts";
import type { PersonalDetails } from "./details.ts";
import type { KycUpload, UploadedDocument } from "./documents.ts";
import type { KycProvider } from "./provider.ts";

export type KycStatus = "not_started" | "submitted" | "in_review" | "approved" | "rejected" | "expired" | "revoked";

/** The API's snake_case details ↔ the vault's fields. */
function toVault(details: PersonalDetails): PersonDetails {
  return {
    fullName: details.full_name,
    email: details.email,
    phone: details.phone,
    address: details.address,
    birthDate: details.birth_date,
    nationality: details.nationality,
    documentNumber: details.document_number,
  };
}

function fromVault(details: PersonDetails): Partial<Record<keyof PersonalDetails, string | null>> {
  return {
    full_name: details.fullName,
    email: details.email,
    phone: details.phone,
    address: details.address,
    birth_date: details.birthDate,
    nationality: details.nationality,
    document_number: details.documentNumber,
  };
}

/** The vault's errors as HTTP answers. */
async function personal<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof EmailTakenError) throw new Conflict("this email address belongs to another account");
    if (error instanceof PersonErasedError) throw new Gone("this person's data was erased", "erased");
    if (error instanceof PersonNotFoundError) throw new NotFound("personal details");
    if (error instanceof InvalidPersonDataError) throw new InvalidInput(error.message);
    throw error;
  }
}

export interface KycCaseView {
  readonly id: string;
  readonly user_id: string;
  readonly status: KycStatus;
  readonly level: number;
  readonly provider: string;
  readonly submitted_at: string;
  readonly decided_at: string | null;
  readonly expires_at: string | null;
  /** Why it was rejected or revoked (written by the officer; no personal data). */
  readonly reason: string | null;
  readonly evidence_hash: string | null;
  readonly documents: number;
}

interface CaseRow {
  id: string;
  user_id: string;
  status: string;
  level: number;
  provider: string;
  provider_ref: string | null;
  evidence_hash: string | null;
  decision_reason: string | null;
  submitted_at: Date;
  decided_at: Date | null;
  expires_at: Date | null;
  documents: number;
}

const SELECT_CASE = `
  SELECT c.id, c.user_id, c.status, c.level, c.provider, c.provider_ref, c.evidence_hash, c.decision_reason,
         c.submitted_at, c.decided_at, c.expires_at,
         (SELECT count(*)::int FROM kyc_document d WHERE d.case_id = c.id) AS documents
    FROM kyc_case c`;

function statusOf(row: CaseRow, now = new Date()): KycStatus {
  if (row.status === "approved" && row.expires_at !== null && row.expires_at <= now) return "expired";
  return row.status as KycStatus;
}

function viewOf(row: CaseRow): KycCaseView {
  return {
    id: row.id,
    user_id: row.user_id,
    status: statusOf(row),
    level: row.level,
    provider: row.provider,
    submitted_at: row.submitted_at.toISOString(),
    decided_at: row.decided_at?.toISOString() ?? null,
    expires_at: row.expires_at?.toISOString() ?? null,
    reason: row.decision_reason,
    evidence_hash: row.evidence_hash,
    documents: row.documents,
  };
}

/** keccak256 over the case id and its documents' CIDs (ciphertext addresses), in order. */
export function evidenceHashOf(caseId: string, cids: readonly string[]): Hex {
  return keccak256(encodePacked(["string", "string"], [caseId, [...cids].sort().join(",")]));
}

export interface KycServiceOptions {
  readonly platform: Platform;
  readonly vault: PersonVault;
  readonly provider: KycProvider;
  /** The level an approval attests (FranchiseNFT requires 2 by default). */
  readonly level?: number;
  /** How long an approval holds. */
  readonly validityDays?: number;
}

export interface KycService {
  submit(
    principal: UserPrincipal,
    upload: { details: PersonalDetails; documents: KycUpload["documents"] },
  ): Promise<KycCaseView>;
  status(principal: UserPrincipal): Promise<{ status: KycStatus; case: KycCaseView | null }>;
  queue(principal: Principal, limit: number): Promise<KycCaseView[]>;
  open(
    principal: Principal,
    caseId: string,
    reason: string,
  ): Promise<{
    case: KycCaseView;
    details: Partial<Record<keyof PersonalDetails, string | null>>;
    documents: DocumentView[];
  }>;
  document(
    principal: Principal,
    caseId: string,
    documentId: string,
    reason: string,
  ): Promise<{ contentType: string; bytes: Uint8Array }>;
  decide(
    principal: Principal,
    caseId: string,
    decision: { approve: boolean; reason: string; level?: number },
  ): Promise<KycCaseView>;
  /** A vendor's verdict for the case it knows as `providerRef` (webhooks). */
  decideFromProvider(providerRef: string, approve: boolean, reason: string): Promise<KycCaseView | null>;
  revoke(principal: Principal, caseId: string, reason: string): Promise<KycCaseView>;
}

export interface DocumentView {
  readonly id: string;
  readonly kind: string;
  readonly content_type: string;
  readonly size: number;
  readonly cid: string;
}

function officer(principal: Principal): { actor: Actor; principal: UserPrincipal } {
  if (principal.kind !== "user" || !(hasRole(principal, "kyc_officer") || hasRole(principal, "admin"))) {
    throw new Forbidden("only KYC officers review identity cases");
  }
  return {
    actor: { id: principal.userId, role: hasRole(principal, "kyc_officer") ? "kyc_officer" : "admin" },
    principal,
  };
}

export function createKycService(options: KycServiceOptions): KycService {
  const { platform, vault, provider } = options;
  const { db } = platform;
  const level = options.level ?? 2;
  const validityMs = (options.validityDays ?? 365) * 86_400_000;

  async function findCase(caseId: string): Promise<CaseRow> {
    const { rows } = await db.pool.query<CaseRow>(`${SELECT_CASE} WHERE c.id = $1`, [caseId]);
    if (rows[0] === undefined) throw new NotFound(`KYC case ${caseId}`);
    return rows[0];
  }

  async function addressOf(userId: string): Promise<Hex> {
    const { rows } = await db.pool.query<{ address: Hex }>(`SELECT address FROM app_user WHERE id = $1`, [userId]);
    if (rows[0] === undefined) throw new NotFound(`user ${userId}`);
    return rows[0].address;
  }

  /** The submission's commitment to its documents (every submitted case has one). */
  function committedEvidence(row: CaseRow): Hex {
    if (row.evidence_hash === null) throw new Error(`KYC case ${row.id} has no evidence hash`);
    return row.evidence_hash as Hex;
  }

  /** Writes the decision and, for an approval, the attestation's outbox row, in one transaction. */
  async function applyDecision(
    row: CaseRow,
    decision: { approve: boolean; reason: string; level: number; reviewerId: string | null },
  ): Promise<KycCaseView> {
    const status = statusOf(row);
    if (status !== "submitted" && status !== "in_review")
      throw new Conflict(`the case is ${status}; it was decided already`);
    const expiresAt = new Date(Date.now() + validityMs);
    const account = await addressOf(row.user_id);
    await inTransaction(db.pool, async (client) => {
      const updated = await client.query(
        `UPDATE kyc_case SET status = $2, decision_reason = $3, reviewer_id = $4, decided_at = now(),
                level = $5, expires_at = $6, updated_at = now()
          WHERE id = $1 AND status IN ('submitted', 'in_review')`,
        [
          row.id,
          decision.approve ? "approved" : "rejected",
          decision.reason,
          decision.reviewerId,
          decision.level,
          decision.approve ? expiresAt : null,
        ],
      );
      if (updated.rowCount === 0) throw new Conflict("the case was decided meanwhile");
      if (decision.approve) {
        await enqueue(
          client,
          "kyc_attest",
          {
            account,
            level: decision.level,
            expiresAt: BigInt(Math.floor(expiresAt.getTime() / 1000)),
            evidenceHash: committedEvidence(row),
          },
          { caseId: row.id },
        );
      }
    });
    if (decision.approve) platform.chain.wake();
    return viewOf(await findCase(row.id));
  }

  return {
    async submit(principal, upload): Promise<KycCaseView> {
      const open = await db.pool.query<CaseRow>(
        `${SELECT_CASE} WHERE c.user_id = $1 ORDER BY c.submitted_at DESC LIMIT 1`,
        [principal.userId],
      );
      const latest = open.rows[0];
      if (latest !== undefined) {
        const status = statusOf(latest);
        if (status === "submitted" || status === "in_review") {
          throw new Conflict("a KYC case of yours is already waiting for review");
        }
        if (status === "approved") throw new Conflict("you are verified already");
      }
      const caseId = randomUUID();
      // Encrypt and store every document first: if any step fails nothing is recorded, and what
      // reached IPFS is ciphertext no one can read.
      const stored: { document: UploadedDocument; cid: string }[] = [];
      for (const document of upload.documents) {
        const ciphertext = await personal(() => vault.encryptDocument(principal.userId, document.bytes));
        const { cid } = await platform.contentStore.put(ciphertext, { name: `kyc-${caseId}-${document.kind}` });
        stored.push({ document, cid });
      }
      const evidenceHash = evidenceHashOf(
        caseId,
        stored.map((entry) => entry.cid),
      );
      await personal(() =>
        vault.saveDetails({ id: principal.userId, role: "customer" }, principal.userId, toVault(upload.details)),
      );
      const { providerRef } = await provider.start({
        caseId,
        userId: principal.userId,
        details: upload.details,
        documents: upload.documents,
      });
      await inTransaction(db.pool, async (client) => {
        await client.query(
          `INSERT INTO kyc_case (id, user_id, status, level, provider, provider_ref, evidence_hash)
           VALUES ($1, $2, $3, $4, $5, $6, $7)`,
          [
            caseId,
            principal.userId,
            providerRef === null ? "submitted" : "in_review",
            level,
            provider.name,
            providerRef,
            evidenceHash,
          ],
        );
        for (const { document, cid } of stored) {
          await client.query(
            `INSERT INTO kyc_document (case_id, kind, content_type, size, cid) VALUES ($1, $2, $3, $4, $5)`,
            [caseId, document.kind, document.contentType, document.bytes.byteLength, cid],
          );
        }
      });
      return viewOf(await findCase(caseId));
    },

    async status(principal) {
      const { rows } = await db.pool.query<CaseRow>(
        `${SELECT_CASE} WHERE c.user_id = $1 ORDER BY c.submitted_at DESC LIMIT 1`,
        [principal.userId],
      );
      const latest = rows[0];
      return latest === undefined
        ? { status: "not_started", case: null }
        : { status: statusOf(latest), case: viewOf(latest) };
    },

    async queue(principal, limit) {
      officer(principal);
      const { rows } = await db.pool.query<CaseRow>(
        `${SELECT_CASE} WHERE c.status IN ('submitted', 'in_review') ORDER BY c.submitted_at LIMIT $1`,
        [limit],
      );
      return rows.map(viewOf);
    },

    async open(principal, caseId, reason) {
      const { actor } = officer(principal);
      const row = await findCase(caseId);
      if (row.status === "submitted") {
        await db.pool.query(
          `UPDATE kyc_case SET status = 'in_review', reviewer_id = $2, updated_at = now() WHERE id = $1 AND status = 'submitted'`,
          [caseId, actor.id],
        );
      }
      const details = fromVault(await personal(() => vault.readDetails(actor, row.user_id, reason)));
      const { rows } = await db.pool.query<DocumentView>(
        `SELECT id, kind, content_type, size, cid FROM kyc_document WHERE case_id = $1 ORDER BY created_at, id`,
        [caseId],
      );
      return { case: viewOf(await findCase(caseId)), details, documents: rows };
    },

    async document(principal, caseId, documentId, reason) {
      const { actor } = officer(principal);
      const row = await findCase(caseId);
      const { rows } = await db.pool.query<{ cid: string; content_type: string }>(
        `SELECT cid, content_type FROM kyc_document WHERE case_id = $1 AND id = $2`,
        [caseId, documentId],
      );
      const document = rows[0];
      if (document === undefined) throw new NotFound(`document ${documentId} of case ${caseId}`);
      const ciphertext = await platform.contentStore.get(document.cid);
      if (ciphertext === null) throw new NotFound(`the stored document ${document.cid}`);
      const bytes = await personal(() => vault.decryptDocument(actor, row.user_id, ciphertext, reason));
      return { contentType: document.content_type, bytes };
    },

    async decide(principal, caseId, decision) {
      const { actor } = officer(principal);
      const row = await findCase(caseId);
      if (decision.approve && row.user_id === actor.id) throw new Forbidden("officers do not approve their own case");
      return applyDecision(row, {
        approve: decision.approve,
        reason: decision.reason,
        level: decision.level ?? row.level,
        reviewerId: actor.id,
      });
    },

    async decideFromProvider(providerRef, approve, reason) {
      const { rows } = await db.pool.query<CaseRow>(`${SELECT_CASE} WHERE c.provider = $1 AND c.provider_ref = $2`, [
        provider.name,
        providerRef,
      ]);
      const row = rows[0];
      if (row === undefined) return null;
      const status = statusOf(row);
      // A replayed or late verdict for a decided case changes nothing.
      if (status !== "submitted" && status !== "in_review") return viewOf(row);
      return applyDecision(row, { approve, reason, level: row.level, reviewerId: null });
    },

    async revoke(principal, caseId, reason) {
      const { actor } = officer(principal);
      const row = await findCase(caseId);
      if (statusOf(row) !== "approved")
        throw new Conflict(`only an approved case can be revoked; this one is ${statusOf(row)}`);
      const account = await addressOf(row.user_id);
      await inTransaction(db.pool, async (client) => {
        await client.query(
          `UPDATE kyc_case SET status = 'revoked', decision_reason = $2, reviewer_id = $3, updated_at = now() WHERE id = $1`,
          [caseId, reason, actor.id],
        );
        await enqueue(client, "kyc_revoke", { account, reasonHash: keccak256(toHex(reason)) }, { caseId });
      });
      platform.chain.wake();
      return viewOf(await findCase(caseId));
    },
  };
}
