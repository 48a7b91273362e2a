/**
 * The error classes every part shares. Retry policy follows the class: a RetryableError
 * (a node or database briefly unavailable, a rate limit) is retried with backoff; anything
 * else stops the operation and is reported.
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

/** Runs `operation` until it succeeds, retrying only retryable errors, with capped exponential backoff. */
export async function withRetry<T>(
  operation: () => Promise<T>,
  options: {
    classify: (error: unknown) => HotPotError;
    retries?: number;
    baseDelayMs?: number;
    maxDelayMs?: number;
    signal?: AbortSignal;
    onRetry?: (error: HotPotError, attempt: number, delayMs: number) => void;
  },
): Promise<T> {
  const retries = options.retries ?? 8;
  const base = options.baseDelayMs ?? 100;
  const max = options.maxDelayMs ?? 5_000;
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (raw) {
      const error = options.classify(raw);
      if (!error.retryable || attempt > retries || options.signal?.aborted === true) throw error;
      const delay = Math.min(max, base * 2 ** (attempt - 1)) * (0.5 + Math.random() / 2);
      options.onRetry?.(error, attempt, delay);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
