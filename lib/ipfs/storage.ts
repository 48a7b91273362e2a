import { HotPotError, RetryableError } from "../errors.ts";

/**
 * Content-addressed storage for receipts and other documents. Every backend returns the CIDv1
 * Kubo (`ipfs add --cid-version 1`) and Pinata give the same bytes, and never returns bytes that
 * do not hash to the CID asked for.
 */
export interface ContentStore {
  /** Stores `bytes`; `name` is a label for backends that keep one (Pinata), never part of the CID. */
  put(bytes: Uint8Array, options?: { name?: string }): Promise<{ cid: string; size: number }>;
  /** The content, verified against `cid`; null when the store does not have it. */
  get(cid: string): Promise<Uint8Array | null>;
  has(cid: string): Promise<boolean>;
  /**
   * Drops (unpins) content stored by `put` that nothing refers to, e.g. after the write it was for
   * failed. Removing what the store does not have is a no-op. Read-only stores may leave it out.
   */
  remove?(cid: string): Promise<void>;
}

/** A storage failure that doing the same thing again will not fix (bad request, bad credentials). */
export class ContentStoreError extends HotPotError {
  override readonly name: string = "ContentStoreError";
}

/** The storage service was unreachable, overloaded (5xx) or rate-limiting (429): try again later. */
export class ContentStoreUnavailableError extends RetryableError {
  override readonly name = "ContentStoreUnavailableError";
}

/** The service refused the credentials (401/403); the message names the setting to check. */
export class ContentStoreAuthError extends ContentStoreError {
  override readonly name = "ContentStoreAuthError";
}

/** Bytes did not match their CID: a corrupted block on disk or a gateway serving other content. */
export class ContentIntegrityError extends ContentStoreError {
  override readonly name = "ContentIntegrityError";
}

/** The string is not a CID this store can verify. */
export class InvalidCidError extends ContentStoreError {
  override readonly name = "InvalidCidError";
}

const RETRYABLE_NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
]);

/** Maps an HTTP status from a storage service onto the hierarchy. */
export function errorForStatus(status: number, message: string, cause?: unknown): HotPotError {
  if (status === 401 || status === 403) {
    return new ContentStoreAuthError(message, { cause });
  }
  if (status === 408 || status === 429 || status >= 500) {
    return new ContentStoreUnavailableError(message, { cause });
  }
  return new ContentStoreError(message, { cause });
}

/** Whether `error` (or one of its causes) is a connection-level failure worth retrying. */
export function isNetworkFailure(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current != null && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && RETRYABLE_NETWORK_CODES.has(code)) return true;
    // undici reports every connection failure as a TypeError "fetch failed" whose cause has the code
    if (current instanceof TypeError && current.message === "fetch failed") return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
