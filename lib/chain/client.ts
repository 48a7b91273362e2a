import { createPublicClient, http, type PublicClient } from "viem";

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
      // viem's default (10 MiB) holds only about 16,000 token-transfer logs: less than one batch
      // of the indexer's backfill (20,000 logs by default). A larger answer for a range makes the
      // indexer shrink the range, so this also bounds the memory one batch can take.
      maxResponseBodySize: 32 * 1024 * 1024,
    }),
  });
}

/** ws:// URL of the same node, for head subscriptions (Hardhat and most nodes serve both on one port). */
export function defaultWsUrl(rpcUrl: string): string {
  const url = new URL(rpcUrl);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  return url.toString();
}
