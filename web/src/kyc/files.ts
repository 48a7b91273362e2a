/**
 * What a KYC submission carries, and the checks the browser makes before sending it: the same the
 * API makes (api/kyc/documents.ts), so a file the server would refuse is refused here, beside its
 * field, without uploading megabytes first. Like the API, the type is judged by the file's first
 * bytes, not by its name or the type the browser guessed.
 */
import type { paths } from "../generated/openapi.ts";

type Submission = NonNullable<
  paths["/api/v1/kyc/submissions"]["post"]["requestBody"]
>["content"]["multipart/form-data"];

export const DOCUMENT_KINDS = [
  "passport",
  "id_card",
  "driving_licence",
  "selfie",
  "proof_of_address",
] as const satisfies readonly (keyof Submission)[];
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

export type DetailName = Exclude<keyof Submission, DocumentKind>;
// Every personal field the API takes, in the form's order: one it adds fails to compile here.
const DETAILS: Record<DetailName, true> = {
  full_name: true,
  email: true,
  phone: true,
  address: true,
  birth_date: true,
  nationality: true,
  document_number: true,
};
export const DETAIL_NAMES = Object.keys(DETAILS) as DetailName[];

/** The API's limits (api/kyc/documents.ts): each document, and the whole request. */
export const MAX_DOCUMENT_BYTES = 10 * 1024 * 1024;
export const MAX_UPLOAD_BYTES = 25 * 1024 * 1024;
/** Room left in the request for the text fields and multipart boundaries. */
const FORM_OVERHEAD_BYTES = 64 * 1024;

/** For the file picker: it only pre-filters; checkDocument decides. */
export const ACCEPT = "application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png";

export type DocumentProblem = "empty" | "tooLarge" | "type";
export type SelectionProblem = "none" | "total";

const SIGNATURES: readonly (readonly number[])[] = [
  [0x25, 0x50, 0x44, 0x46, 0x2d], // %PDF-
  [0xff, 0xd8, 0xff], // JPEG
  [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], // PNG
];

/** Why the API would refuse this file, or undefined when it would take it. */
export async function checkDocument(file: Blob): Promise<DocumentProblem | undefined> {
  if (file.size === 0) return "empty";
  if (file.size > MAX_DOCUMENT_BYTES) return "tooLarge";
  const head = new Uint8Array(await file.slice(0, 8).arrayBuffer());
  const known = SIGNATURES.some((signature) => signature.every((byte, index) => head[index] === byte));
  return known ? undefined : "type";
}

/** Why the chosen files together would be refused, or undefined. */
export function checkSelection(files: readonly Blob[]): SelectionProblem | undefined {
  if (files.length === 0) return "none";
  const total = files.reduce((sum, file) => sum + file.size, 0);
  return total + FORM_OVERHEAD_BYTES > MAX_UPLOAD_BYTES ? "total" : undefined;
}

/** Bytes as the person reads them: "348 KB", "2.4 MB" (binary multiples, as the limits are). */
export function formatSize(bytes: number, locale: string): string {
  const mega = bytes >= 1024 * 1024;
  return new Intl.NumberFormat(locale, {
    style: "unit",
    unit: mega ? "megabyte" : "kilobyte",
    unitDisplay: "short",
    maximumFractionDigits: mega ? 1 : 0,
  }).format(bytes / (mega ? 1024 * 1024 : 1024));
}
