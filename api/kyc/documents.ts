/**
 * Identity documents as uploaded: a multipart/form-data body read with a hard size limit, each
 * file's type decided by its content (magic bytes), never by its name or declared type.
 */
import { Readable } from "node:stream";

import type { Request } from "express";

import { DomainError, InvalidInput, TooLarge, UnsupportedMedia } from "../errors.ts";

export const DOCUMENT_KINDS = ["passport", "id_card", "driving_licence", "selfie", "proof_of_address"] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

export interface UploadedDocument {
  readonly kind: DocumentKind;
  readonly contentType: "application/pdf" | "image/jpeg" | "image/png";
  readonly bytes: Uint8Array;
}

export interface KycUpload {
  /** The text fields of the form. */
  readonly fields: Readonly<Record<string, string>>;
  readonly documents: readonly UploadedDocument[];
}

/** Largest single document, and largest whole request. */
export const MAX_DOCUMENT_BYTES = 10 * 1024 * 1024;
export const MAX_UPLOAD_BYTES = 25 * 1024 * 1024;
export const MAX_DOCUMENTS = 5;

const startsWith = (bytes: Uint8Array, prefix: readonly number[]): boolean =>
  prefix.every((byte, index) => bytes[index] === byte);

/** The document's real type from its first bytes; undefined for anything else. */
export function sniffContentType(bytes: Uint8Array): UploadedDocument["contentType"] | undefined {
  if (startsWith(bytes, [0x25, 0x50, 0x44, 0x46, 0x2d])) return "application/pdf"; // %PDF-
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return "image/jpeg";
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return "image/png";
  return undefined;
}

/** The request body as a stream that fails once more than `limit` bytes arrive. */
function limited(request: Request, limit: number): ReadableStream<Uint8Array> {
  let seen = 0;
  const source = Readable.toWeb(request) as ReadableStream<Uint8Array>;
  return source.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        seen += chunk.byteLength;
        if (seen > limit) {
          controller.error(new TooLarge(`the upload is larger than ${limit / (1024 * 1024)} MiB`, "too_large"));
          return;
        }
        controller.enqueue(chunk);
      },
    }),
  );
}

/**
 * Reads a multipart/form-data KYC upload: text fields, and files in fields named after their
 * kind (`passport`, `selfie`, …). Everything wrong is a 4xx naming the field.
 */
export async function readKycUpload(request: Request): Promise<KycUpload> {
  const type = request.header("content-type") ?? "";
  if (!type.toLowerCase().startsWith("multipart/form-data")) {
    throw new UnsupportedMedia("send the documents as multipart/form-data", "unsupported_media_type");
  }
  const declared = Number(request.header("content-length") ?? "0");
  if (declared > MAX_UPLOAD_BYTES) {
    throw new TooLarge(`the upload is larger than ${MAX_UPLOAD_BYTES / (1024 * 1024)} MiB`, "too_large");
  }
  let form: FormData;
  try {
    // The platform's own multipart parser (undici), fed through the size limit.
    form = await new Request("http://upload.invalid/", {
      method: "POST",
      headers: { "content-type": type },
      body: limited(request, MAX_UPLOAD_BYTES),
      duplex: "half",
    } as RequestInit).formData();
  } catch (error) {
    if (error instanceof DomainError) throw error;
    const cause = (error as { cause?: unknown }).cause;
    if (cause instanceof DomainError) throw cause;
    throw new InvalidInput("the multipart body could not be read");
  }
  const fields: Record<string, string> = {};
  const documents: UploadedDocument[] = [];
  for (const [name, value] of form.entries()) {
    if (typeof value === "string") {
      fields[name] = value;
      continue;
    }
    if (!(DOCUMENT_KINDS as readonly string[]).includes(name)) {
      throw new InvalidInput("unknown document", [
        { path: `body.${name}`, message: `files go in one of: ${DOCUMENT_KINDS.join(", ")}` },
      ]);
    }
    const bytes = new Uint8Array(await value.arrayBuffer());
    if (bytes.byteLength === 0)
      throw new InvalidInput("empty document", [{ path: `body.${name}`, message: "the file is empty" }]);
    if (bytes.byteLength > MAX_DOCUMENT_BYTES) {
      throw new TooLarge(`${name} is larger than ${MAX_DOCUMENT_BYTES / (1024 * 1024)} MiB`, "too_large");
    }
    const contentType = sniffContentType(bytes);
    if (contentType === undefined) {
      throw new UnsupportedMedia(`${name} is not a PDF, JPEG or PNG (judged by its content)`, "unsupported_document");
    }
    documents.push({ kind: name as DocumentKind, contentType, bytes });
  }
  if (documents.length === 0)
    throw new InvalidInput("no documents", [{ path: "body", message: "attach at least one identity document" }]);
  if (documents.length > MAX_DOCUMENTS) throw new InvalidInput(`at most ${MAX_DOCUMENTS} documents per submission`);
  return { fields, documents };
}
