import { createPublicClient, http, type PublicClient } from "viem";

const MAX_RESPONSE_BYTES = 10 * 1024 * 1024;

/**
 * The read-only JSON-RPC client every part shares. Requests issued in the same tick go out as
 * one JSON-RPC batch (headers of many blocks cost one round trip).
 */
export function createChainClient(rpcUrl: string, options: { timeoutMs?: number } = {}): PublicClient {
  return createPublicClient({
    transport: http(rpcUrl, {
      batch: { batchSize: 500, wait: 0 },
      timeout: options.timeoutMs ?? 30_000,
      retryCount: 0,
      // About 16,000 token-transfer logs, above one batch of the indexer's backfill (INDEXER_BATCH_LOGS,
      // at most 15,000). A range that grew into a denser stretch of the chain answers with more, and the
      // indexer shrinks it: this bounds what one answer costs in memory (its parsed logs take ~7x its size).
      maxResponseBodySize: MAX_RESPONSE_BYTES,
    }),
  });
}

/** ws:// URL of the same node, for head subscriptions (Hardhat and most nodes serve both on one port). */
export function defaultWsUrl(rpcUrl: string): string {
  const url = new URL(rpcUrl);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  return url.toString();
}
