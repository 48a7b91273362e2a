/**
 * The error classes every part shares. Retry policy follows the class: a RetryableError
 * (a node or database briefly unavailable, a rate limit) is retried with backoff (the indexer's
 * loop does so); anything else stops the operation and is reported.
 */
export class HotPotError extends Error {
  override readonly name: string = "HotPotError";
  /** Whether doing the same thing again later may succeed. */
  readonly retryable: boolean = false;
}

export class RetryableError extends HotPotError {
  override readonly name: string = "RetryableError";
  override readonly retryable = true;
}

/** A setting from the environment is missing or wrong; the message names the variable. */
export class ConfigError extends HotPotError {
  override readonly name = "ConfigError";
}

// SQLSTATE classes that mean "the server or connection, not the statement": 08 connection
// exceptions, 53 insufficient resources, 57P01-03 shutdown/cannot connect now, 40001/40P01 serialization.
const RETRYABLE_SQLSTATE = /^(08|53|57P0[1-3]|40001|40P01)/;
const RETRYABLE_NODE_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EAI_AGAIN"]);

/** Maps a database driver error onto the hierarchy. */
export function classifyDatabaseError(error: unknown): HotPotError {
  if (error instanceof HotPotError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (typeof code === "string" && (RETRYABLE_SQLSTATE.test(code) || RETRYABLE_NODE_CODES.has(code))) {
    return new RetryableError(`database unavailable: ${message}`, { cause: error });
  }
  if (/Connection terminated|timeout exceeded when trying to connect/i.test(message)) {
    return new RetryableError(`database unavailable: ${message}`, { cause: error });
  }
  return new HotPotError(`database error: ${message}`, { cause: error });
}

export function isRetryable(error: unknown): boolean {
  return error instanceof HotPotError && error.retryable;
}
