/**
 * How the relayer reads a failure: a contract revert (decoded by custom error name), a node that
 * is briefly unreachable (RetryableError), or anything else.
 */
import {
  BaseError,
  ContractFunctionRevertedError,
  HttpRequestError,
  SocketClosedError,
  TimeoutError,
  TransactionReceiptNotFoundError,
  WebSocketRequestError,
} from "viem";

import { HotPotError, RetryableError } from "../../lib/errors.ts";

/** A decoded revert: the custom error's name and arguments; `name` is "" when the data was not decodable. */
export interface Revert {
  readonly name: string;
  readonly args: readonly unknown[];
}

/** The revert inside a viem contract error (estimateContractGas, readContract), if that is what failed. */
export function revertOf(error: unknown): Revert | undefined {
  if (!(error instanceof BaseError)) return undefined;
  const reverted = error.walk((cause) => cause instanceof ContractFunctionRevertedError);
  if (!(reverted instanceof ContractFunctionRevertedError)) return undefined;
  if (reverted.data !== undefined) return { name: reverted.data.errorName, args: reverted.data.args ?? [] };
  if (reverted.reason !== undefined) return { name: "Error", args: [reverted.reason] };
  return { name: "", args: [] };
}

/** `Name(arg, …)`, as stored in `outbox.last_error`. */
export function formatRevert(revert: Revert): string {
  if (revert.name === "") return "reverted without a decodable reason";
  const args = revert.args.map((arg) => (typeof arg === "bigint" ? arg.toString() : String(arg)));
  return `${revert.name}(${args.join(", ")})`;
}

/** Whether a receipt lookup failed only because the transaction is not mined (yet). */
export function isReceiptNotFound(error: unknown): boolean {
  return (
    error instanceof BaseError &&
    error.walk((cause) => cause instanceof TransactionReceiptNotFoundError) instanceof TransactionReceiptNotFoundError
  );
}

/** Broadcast answers that mean "the node has this transaction or its nonce is used": check the receipt. */
export function isKnownTransaction(error: unknown): boolean {
  const message = error instanceof BaseError ? `${error.shortMessage} ${error.details}` : String(error);
  return /already known|known transaction|nonce too low|already imported|nonce has already been used/i.test(message);
}

/**
 * Maps an RPC failure onto the shared hierarchy: an unreachable or overloaded node (connection
 * refused, timeout, HTTP 5xx/429) is a RetryableError; anything else a HotPotError. The message is
 * viem's short one, which never contains the RPC URL (it may carry an API key).
 */
export function classifyRpcError(error: unknown): HotPotError {
  if (error instanceof HotPotError) return error;
  if (error instanceof BaseError) {
    const transport = error.walk(
      (cause) =>
        cause instanceof HttpRequestError ||
        cause instanceof TimeoutError ||
        cause instanceof SocketClosedError ||
        cause instanceof WebSocketRequestError,
    );
    if (transport instanceof HttpRequestError) {
      const status = transport.status;
      if (status === undefined || status >= 500 || status === 429) {
        return new RetryableError(`node unavailable: ${transport.shortMessage}`, { cause: error });
      }
    } else if (transport instanceof BaseError) {
      return new RetryableError(`node unavailable: ${transport.shortMessage}`, { cause: error });
    }
    return new HotPotError(`rpc error: ${error.shortMessage}`, { cause: error });
  }
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "string" && /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|ENOTFOUND|EAI_AGAIN)$/.test(code)) {
    return new RetryableError(`node unavailable: ${code}`, { cause: error });
  }
  return new HotPotError(`rpc error: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
}
