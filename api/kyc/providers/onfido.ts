/**
 * Onfido as the KYC verifier, through its official SDK (`@onfido/api`, API v3.6).
 *
 * `start` creates an applicant from the submitted details, uploads every document (identity
 * documents to /documents, the selfie to /live_photos) and starts a workflow run of the configured
 * workflow; the run's id is the case's `provider_ref`. Onfido reports the verdict by webhook:
 * `onfidoWebhook` checks `X-SHA2-Signature` (HMAC-SHA256 of the raw body with the webhook token,
 * with the SDK's WebhookEventVerifier), handles each event once (`webhook_event`, source 'onfido')
 * and decides the case: `workflow_run.completed` approved → approved (attested on chain),
 * declined → rejected. Other statuses (review, abandoned, error) leave the case with the officers.
 *
 * Errors from Onfido are rethrown without the request (which carries personal data), so nothing
 * personal reaches the logs.
 */
import {
  Configuration,
  DefaultApi,
  FileTransfer,
  WebhookEventVerifier,
  type ApplicantBuilder,
  type DocumentTypes,
  type WebhookEvent,
} from "@onfido/api";
import express, { type Request, type RequestHandler, type Response } from "express";
import type { Logger } from "pino";

import type { Database } from "../../../lib/db/client.ts";
import { markSignatureRejected } from "../../http/metrics.ts";
import { UpstreamFailed } from "../../errors.ts";
import type { PersonalDetails } from "../details.ts";
import type { DocumentKind, UploadedDocument } from "../documents.ts";
import type { KycProvider, ProviderSubmission } from "../provider.ts";
import type { KycService } from "../service.ts";

export const ONFIDO_WEBHOOK_PATH = "/webhooks/onfido";

export interface OnfidoProviderOptions {
  readonly apiToken: string;
  /** The API's base path; default Onfido's EU region (`https://api.eu.onfido.com/v3.6`). */
  readonly basePath?: string;
  /** The Onfido Studio workflow each case runs through. */
  readonly workflowId: string;
}

/** Our document kinds → Onfido's document types; the selfie is a live photo instead. */
const DOCUMENT_TYPES: Record<Exclude<DocumentKind, "selfie">, DocumentTypes> = {
  passport: "passport",
  id_card: "national_identity_card",
  driving_licence: "driving_licence",
  proof_of_address: "utility_bill",
};

const FILE_EXTENSIONS: Record<UploadedDocument["contentType"], string> = {
  "application/pdf": "pdf",
  "image/jpeg": "jpg",
  "image/png": "png",
};

/** The applicant Onfido gets: the name split into first and last, the date of birth, contacts. */
export function applicantFrom(details: PersonalDetails): ApplicantBuilder {
  const words = details.full_name.trim().split(/\s+/);
  const last = words.length > 1 ? (words.pop() as string) : (words[0] as string);
  return {
    first_name: words.join(" "),
    last_name: last,
    email: details.email,
    dob: details.birth_date,
    phone_number: details.phone.replace(/[\s()-]/g, ""),
  };
}

/** An SDK (axios) failure as an error without the request: its body holds personal data. */
function vendorFailure(operation: string, error: unknown): UpstreamFailed {
  const response = (error as { response?: { status?: number; data?: { error?: { type?: unknown } } } }).response;
  const detail =
    response === undefined
      ? "no answer"
      : `HTTP ${String(response.status)}${typeof response.data?.error?.type === "string" ? ` ${response.data.error.type}` : ""}`;
  return new UpstreamFailed(`Onfido could not ${operation} (${detail})`, "verification_provider_failed");
}

async function call<T>(operation: string, work: () => Promise<{ data: T }>): Promise<T> {
  try {
    return (await work()).data;
  } catch (error) {
    throw vendorFailure(operation, error);
  }
}

export function createOnfidoProvider(options: OnfidoProviderOptions): KycProvider & { readonly api: DefaultApi } {
  const api = new DefaultApi(
    new Configuration({
      apiToken: options.apiToken,
      ...(options.basePath === undefined ? {} : { basePath: options.basePath.replace(/\/+$/, "") }),
    }),
  );
  return {
    name: "onfido",
    api,
    async start(submission: ProviderSubmission) {
      const applicant = await call("create the applicant", () =>
        api.createApplicant(applicantFrom(submission.details)),
      );
      for (const [index, document] of submission.documents.entries()) {
        const file = new FileTransfer(
          Buffer.from(document.bytes),
          `${document.kind}-${index + 1}.${FILE_EXTENSIONS[document.contentType]}`,
        );
        if (document.kind === "selfie") {
          await call("upload the selfie", () => api.uploadLivePhoto(applicant.id, file));
        } else {
          const type = DOCUMENT_TYPES[document.kind];
          await call(`upload the ${document.kind}`, () =>
            api.uploadDocument(type, applicant.id, file, FILE_EXTENSIONS[document.contentType]),
          );
        }
      }
      const run = await call("start the workflow run", () =>
        api.createWorkflowRun({
          workflow_id: options.workflowId,
          applicant_id: applicant.id,
          customer_user_id: submission.userId,
          tags: [`case:${submission.caseId}`],
        }),
      );
      return { providerRef: run.id };
    },
  };
}

/**
 * The event in a webhook body when `signature` (the `X-SHA2-Signature` header) is the hex
 * HMAC-SHA256 of exactly these bytes with `webhookToken`; undefined when it is not (or missing,
 * malformed, or the body is not JSON). Compared in constant time by the SDK's verifier.
 */
export function verifyOnfidoWebhook(
  rawBody: Buffer,
  signature: string | undefined,
  webhookToken: string,
): WebhookEvent | undefined {
  if (signature === undefined || !/^[0-9a-f]{64}$/i.test(signature.trim())) return undefined;
  try {
    return new WebhookEventVerifier(webhookToken).readPayload(rawBody, signature.trim());
  } catch {
    // OnfidoInvalidSignatureError, or a SyntaxError for a signed body that is not JSON.
    return undefined;
  }
}

export interface OnfidoWebhookOptions {
  readonly kyc: KycService;
  readonly db: Database;
  readonly webhookToken: string;
  readonly logger?: Logger;
}

export function onfidoWebhook(options: OnfidoWebhookOptions): RequestHandler[] {
  const { kyc, db, webhookToken, logger } = options;

  async function handle(request: Request, response: Response): Promise<void> {
    const raw: unknown = request.body;
    const body = Buffer.isBuffer(raw) ? raw : Buffer.alloc(0);
    const event = verifyOnfidoWebhook(body, request.header("x-sha2-signature"), webhookToken);
    if (event === undefined) {
      logger?.warn("Onfido webhook refused: bad or missing X-SHA2-Signature");
      markSignatureRejected(response, "onfido");
      response.status(400).json({ error: { code: "bad_signature", message: "the X-SHA2-Signature does not match" } });
      return;
    }
    const payload = event.payload;
    const object = payload?.object;
    if (payload === undefined || object === undefined || typeof object.id !== "string") {
      response.status(400).json({ error: { code: "bad_request", message: "the event has no payload object" } });
      return;
    }
    const action = payload.action ?? "unknown";
    if (payload.resource_type !== "workflow_run" || action !== "workflow_run.completed") {
      logger?.info({ resource_type: payload.resource_type, action }, "Onfido webhook ignored");
      response.status(200).json({ received: true });
      return;
    }
    const dedupeId = `onfido:${object.id}:${action}`;
    const inserted = await db.pool.query(
      "INSERT INTO webhook_event (id, source, type) VALUES ($1, 'onfido', $2) ON CONFLICT (id) DO NOTHING",
      [dedupeId, action],
    );
    if (inserted.rowCount !== 1) {
      response.status(200).json({ received: true, duplicate: true });
      return;
    }
    try {
      const status = object.status;
      if (status === "approved" || status === "declined") {
        const decided = await kyc.decideFromProvider(
          object.id,
          status === "approved",
          status === "approved" ? "Onfido: approved" : "Onfido: declined",
        );
        if (decided === null) logger?.warn({ run: object.id }, "Onfido verdict for no known case; ignored");
        else logger?.info({ case: decided.id, status: decided.status }, "Onfido verdict applied");
      } else {
        logger?.info({ run: object.id, status }, "Onfido workflow run ended without a verdict; left for review");
      }
    } catch (error) {
      // Forget the event so Onfido's retry is processed.
      await db.pool.query("DELETE FROM webhook_event WHERE id = $1", [dedupeId]).catch(() => undefined);
      throw error;
    }
    response.status(200).json({ received: true });
  }

  return [
    express.raw({ type: "*/*", limit: "64kb" }),
    (request, response, next) => {
      handle(request, response).catch(next);
    },
  ];
}
