/**
 * A local stand-in for Onfido (API v3.6), speaking its wire format for what the platform uses, so
 * the real SDK (`@onfido/api`) can be tested without an account:
 *
 *   POST /v3.6/applicants         JSON ApplicantBuilder → Applicant (201)
 *   POST /v3.6/documents          multipart (applicant_id, type, file, …) → Document (201)
 *   POST /v3.6/live_photos        multipart (applicant_id, file) → LivePhoto (201)
 *   POST /v3.6/workflow_runs      JSON { workflow_id, applicant_id, … } → WorkflowRun (201, "processing")
 *   GET  /v3.6/workflow_runs/{id} → WorkflowRun
 *
 * Every request needs `Authorization: Token token=<api token>` (401 otherwise); validation
 * failures are 422 with Onfido's `{ error: { type: "validation_error", message, fields } }`.
 * `complete(runId, status)` finishes a run and POSTs Onfido's `workflow_run.completed` webhook to
 * the configured URL, signed with `X-SHA2-Signature` (hex HMAC-SHA256 of the raw body with the
 * webhook token). With `autoComplete` set, every new run completes that way on its own.
 */
import { createHmac, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export const ONFIDO_API_VERSION = "v3.6";

export type OnfidoVerdict = "approved" | "declined";

export interface FakeApplicant {
  readonly id: string;
  readonly created_at: string;
  readonly href: string;
  readonly first_name: string;
  readonly last_name: string;
  readonly email?: string;
  readonly dob?: string;
  readonly phone_number?: string;
  readonly address?: Record<string, unknown>;
  readonly sandbox: boolean;
}

export interface FakeDocument {
  readonly id: string;
  readonly created_at: string;
  readonly href: string;
  readonly download_href: string;
  readonly applicant_id: string;
  readonly type: string;
  readonly side?: string;
  readonly issuing_country?: string;
  readonly file_name: string;
  readonly file_type: string;
  readonly file_size: number;
  /** Not part of Onfido's answer: the bytes received, for tests. */
  readonly bytes: Uint8Array;
}

export interface FakeWorkflowRun {
  id: string;
  applicant_id: string;
  workflow_id: string;
  workflow_version_id: number;
  customer_user_id?: string;
  tags: string[] | null;
  status: string;
  created_at: string;
  updated_at: string;
  dashboard_url: string;
  output: object | null;
  reasons: string[];
}

export interface OnfidoFakeOptions {
  /** The API token clients must present (`Authorization: Token token=<apiToken>`). */
  readonly apiToken: string;
  /** Signs the webhooks (`X-SHA2-Signature`). */
  readonly webhookToken: string;
  /** Where webhooks go; can be set later with `setWebhookUrl`. */
  readonly webhookUrl?: string;
  /** Complete each new workflow run with this verdict right after it is created. */
  readonly autoComplete?: OnfidoVerdict;
  readonly port?: number;
}

export interface OnfidoFake {
  /** The SDK's `basePath`: `http://127.0.0.1:<port>/v3.6`. */
  readonly basePath: string;
  readonly applicants: ReadonlyMap<string, FakeApplicant>;
  readonly documents: readonly FakeDocument[];
  readonly livePhotos: readonly FakeDocument[];
  readonly workflowRuns: ReadonlyMap<string, FakeWorkflowRun>;
  /** Every request seen: method, path and whether it was authorized. */
  readonly requests: readonly { method: string; path: string; authorized: boolean }[];
  setWebhookUrl(url: string): void;
  /** Finishes a run and delivers the signed `workflow_run.completed` webhook; returns its delivery. */
  complete(runId: string, status: OnfidoVerdict): Promise<WebhookDelivery>;
  /** The webhook body and signature `complete` would send (to replay or tamper with in tests). */
  webhookFor(runId: string): { body: string; signature: string };
  stop(): Promise<void>;
}

export interface WebhookDelivery {
  readonly body: string;
  readonly signature: string;
  /** The receiver's HTTP status (undefined when no webhook URL is set). */
  readonly status: number | undefined;
}

/** Onfido's webhook signature: hex HMAC-SHA256 of the raw body with the webhook token. */
export function signOnfidoWebhook(body: string | Uint8Array, webhookToken: string): string {
  return createHmac("sha256", webhookToken).update(body).digest("hex");
}

class HttpError extends Error {
  readonly status: number;
  readonly type: string;
  readonly fields: Record<string, string[]> | undefined;
  constructor(status: number, type: string, message: string, fields?: Record<string, string[]>) {
    super(message);
    this.status = status;
    this.type = type;
    this.fields = fields;
  }
}

const validation = (fields: Record<string, string[]>): HttpError =>
  new HttpError(422, "validation_error", "There was a validation error on this request", fields);

async function readBody(request: IncomingMessage, limit = 20 * 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.byteLength;
    if (size > limit) throw new HttpError(413, "request_too_large", "The request is too large");
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

function json(body: Buffer): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(body.toString("utf8"));
    if (parsed !== null && typeof parsed === "object" && !Array.isArray(parsed))
      return parsed as Record<string, unknown>;
  } catch {
    // falls through
  }
  throw new HttpError(400, "bad_request", "The request body is not a JSON object");
}

async function multipart(request: IncomingMessage, body: Buffer): Promise<FormData> {
  const type = request.headers["content-type"] ?? "";
  if (!type.toLowerCase().startsWith("multipart/form-data"))
    throw new HttpError(415, "unsupported_media_type", "multipart/form-data expected");
  try {
    return await new Request("http://onfido.invalid/", {
      method: "POST",
      headers: { "content-type": type },
      body: new Uint8Array(body),
    }).formData();
  } catch {
    throw new HttpError(400, "bad_request", "The multipart body could not be read");
  }
}

const text = (value: unknown): string | undefined =>
  typeof value === "string" && value.trim() !== "" ? value : undefined;

const FILE_TYPES: Record<string, string> = { "application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png" };

function sniff(bytes: Uint8Array): string | undefined {
  if (bytes[0] === 0x25 && bytes[1] === 0x50 && bytes[2] === 0x44 && bytes[3] === 0x46) return "pdf";
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return "jpg";
  if (bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return "png";
  return undefined;
}

export async function startOnfidoFake(options: OnfidoFakeOptions): Promise<OnfidoFake> {
  const applicants = new Map<string, FakeApplicant>();
  const documents: FakeDocument[] = [];
  const livePhotos: FakeDocument[] = [];
  const workflowRuns = new Map<string, FakeWorkflowRun>();
  const requests: { method: string; path: string; authorized: boolean }[] = [];
  let webhookUrl = options.webhookUrl;
  let basePath = "";
  const prefix = `/${ONFIDO_API_VERSION}`;
  const pending = new Set<Promise<unknown>>();

  const now = (): string => new Date().toISOString();

  async function readFile(
    form: FormData,
  ): Promise<{ applicantId: string; file: File; bytes: Uint8Array; fileType: string }> {
    const applicantId = text(form.get("applicant_id"));
    const file = form.get("file");
    const fields: Record<string, string[]> = {};
    if (applicantId === undefined) fields.applicant_id = ["can't be blank"];
    else if (!applicants.has(applicantId)) fields.applicant_id = ["does not exist"];
    if (file === null || typeof file === "string") fields.file = ["can't be blank"];
    if (Object.keys(fields).length > 0) throw validation(fields);
    const upload = file as File;
    const bytes = new Uint8Array(await upload.arrayBuffer());
    const fileType = sniff(bytes) ?? FILE_TYPES[upload.type];
    if (fileType === undefined) throw validation({ file: ["is not a supported file type (jpg, png, pdf)"] });
    return { applicantId: applicantId as string, file: upload, bytes, fileType };
  }

  async function route(request: IncomingMessage): Promise<{ status: number; body: unknown }> {
    const url = new URL(request.url ?? "/", "http://onfido.invalid");
    const method = request.method ?? "GET";
    const authorized = request.headers.authorization === `Token token=${options.apiToken}`;
    requests.push({ method, path: url.pathname, authorized });
    if (!url.pathname.startsWith(`${prefix}/`)) throw new HttpError(404, "resource_not_found", "Not found");
    if (!authorized)
      throw new HttpError(401, "authorization_error", "Authorization error: please re-check your credentials");
    const path = url.pathname.slice(prefix.length);
    const body = await readBody(request);

    if (method === "POST" && path === "/applicants") {
      const input = json(body);
      const fields: Record<string, string[]> = {};
      if (text(input.first_name) === undefined) fields.first_name = ["can't be blank"];
      if (text(input.last_name) === undefined) fields.last_name = ["can't be blank"];
      if (input.dob !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(text(input.dob) ?? "")) fields.dob = ["is not a date"];
      if (input.email !== undefined && !/^[^@\s]+@[^@\s]+$/.test(text(input.email) ?? ""))
        fields.email = ["is invalid"];
      if (input.address !== undefined) {
        const address = input.address as Record<string, unknown>;
        if (text(address.postcode) === undefined) fields["address.postcode"] = ["can't be blank"];
        if (!/^[A-Z]{3}$/.test(text(address.country) ?? "")) fields["address.country"] = ["is not a valid country"];
      }
      if (Object.keys(fields).length > 0) throw validation(fields);
      const id = randomUUID();
      const applicant: FakeApplicant = {
        id,
        created_at: now(),
        href: `/${ONFIDO_API_VERSION}/applicants/${id}`,
        first_name: text(input.first_name) ?? "",
        last_name: text(input.last_name) ?? "",
        email: text(input.email),
        dob: text(input.dob),
        phone_number: text(input.phone_number),
        address: input.address as Record<string, unknown> | undefined,
        sandbox: true,
      };
      applicants.set(id, applicant);
      return { status: 201, body: applicant };
    }

    if (method === "POST" && path === "/documents") {
      const form = await multipart(request, body);
      const type = text(form.get("type"));
      if (type === undefined) throw validation({ type: ["can't be blank"] });
      const { applicantId, file, bytes, fileType } = await readFile(form);
      const id = randomUUID();
      const document: FakeDocument = {
        id,
        created_at: now(),
        href: `/${ONFIDO_API_VERSION}/documents/${id}`,
        download_href: `/${ONFIDO_API_VERSION}/documents/${id}/download`,
        applicant_id: applicantId,
        type,
        side: text(form.get("side")),
        issuing_country: text(form.get("issuing_country")),
        file_name: file.name,
        file_type: text(form.get("file_type")) ?? fileType,
        file_size: bytes.byteLength,
        bytes,
      };
      documents.push(document);
      return { status: 201, body: { ...document, bytes: undefined } };
    }

    if (method === "POST" && path === "/live_photos") {
      const form = await multipart(request, body);
      const { applicantId, file, bytes, fileType } = await readFile(form);
      const id = randomUUID();
      const photo: FakeDocument = {
        id,
        created_at: now(),
        href: `/${ONFIDO_API_VERSION}/live_photos/${id}`,
        download_href: `/${ONFIDO_API_VERSION}/live_photos/${id}/download`,
        applicant_id: applicantId,
        type: "live_photo",
        file_name: file.name,
        file_type: fileType,
        file_size: bytes.byteLength,
        bytes,
      };
      livePhotos.push(photo);
      // JSON.stringify leaves the undefined fields out.
      return { status: 201, body: { ...photo, bytes: undefined, type: undefined, applicant_id: undefined } };
    }

    if (method === "POST" && path === "/workflow_runs") {
      const input = json(body);
      const fields: Record<string, string[]> = {};
      const applicantId = text(input.applicant_id);
      const workflowId = text(input.workflow_id);
      if (applicantId === undefined) fields.applicant_id = ["can't be blank"];
      else if (!applicants.has(applicantId)) fields.applicant_id = ["does not exist"];
      if (workflowId === undefined) fields.workflow_id = ["can't be blank"];
      if (Object.keys(fields).length > 0) throw validation(fields);
      const id = randomUUID();
      const run: FakeWorkflowRun = {
        id,
        applicant_id: applicantId as string,
        workflow_id: workflowId as string,
        workflow_version_id: 1,
        customer_user_id: text(input.customer_user_id),
        tags: Array.isArray(input.tags) ? (input.tags as string[]) : null,
        status: "processing",
        created_at: now(),
        updated_at: now(),
        dashboard_url: `https://dashboard.onfido.com/results/${id}`,
        output: null,
        reasons: [],
      };
      workflowRuns.set(id, run);
      if (options.autoComplete !== undefined) {
        const verdict = options.autoComplete;
        const delivery = new Promise((resolve) => setTimeout(resolve, 50))
          .then(() => fake.complete(id, verdict))
          .catch(() => undefined)
          .finally(() => pending.delete(delivery));
        pending.add(delivery);
      }
      return { status: 201, body: run };
    }

    const runMatch = /^\/workflow_runs\/([^/]+)$/.exec(path);
    if (method === "GET" && runMatch !== null) {
      const run = workflowRuns.get(decodeURIComponent(runMatch[1] as string));
      if (run === undefined) throw new HttpError(404, "resource_not_found", "The requested resource was not found");
      return { status: 200, body: run };
    }

    throw new HttpError(404, "resource_not_found", "The requested resource was not found");
  }

  const handler = (request: IncomingMessage, response: ServerResponse): void => {
    route(request)
      .then(({ status, body }) => {
        response.writeHead(status, { "content-type": "application/json; charset=utf-8" }).end(JSON.stringify(body));
      })
      .catch((error: unknown) => {
        const failure =
          error instanceof HttpError ? error : new HttpError(500, "internal_server_error", "Something went wrong");
        response.writeHead(failure.status, { "content-type": "application/json; charset=utf-8" }).end(
          JSON.stringify({
            error: {
              type: failure.type,
              message: failure.message,
              ...(failure.fields ? { fields: failure.fields } : {}),
            },
          }),
        );
      });
  };

  const server: Server = createServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => {
      resolve();
    });
  });
  basePath = `http://127.0.0.1:${(server.address() as AddressInfo).port}${prefix}`;

  const webhookFor = (runId: string): { body: string; signature: string } => {
    const run = workflowRuns.get(runId);
    if (run === undefined) throw new Error(`no workflow run ${runId}`);
    const body = JSON.stringify({
      payload: {
        resource_type: "workflow_run",
        action: "workflow_run.completed",
        object: {
          id: run.id,
          status: run.status,
          completed_at_iso8601: run.updated_at,
          href: `${basePath}/workflow_runs/${run.id}`,
        },
      },
    });
    return { body, signature: signOnfidoWebhook(body, options.webhookToken) };
  };

  const fake: OnfidoFake = {
    basePath,
    applicants,
    documents,
    livePhotos,
    workflowRuns,
    requests,
    setWebhookUrl(url) {
      webhookUrl = url;
    },
    webhookFor,
    async complete(runId, status) {
      const run = workflowRuns.get(runId);
      if (run === undefined) throw new Error(`no workflow run ${runId}`);
      run.status = status;
      run.updated_at = now();
      run.output = { verdict: status };
      run.reasons = status === "declined" ? ["document_verification_failed"] : [];
      const { body, signature } = webhookFor(runId);
      if (webhookUrl === undefined) return { body, signature, status: undefined };
      const response = await fetch(webhookUrl, {
        method: "POST",
        headers: { "content-type": "application/json", "x-sha2-signature": signature, "user-agent": "Onfido/1.0" },
        body,
      });
      await response.arrayBuffer();
      return { body, signature, status: response.status };
    },
    async stop() {
      await Promise.allSettled([...pending]);
      server.closeAllConnections();
      await new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      });
    },
  };
  return fake;
}
