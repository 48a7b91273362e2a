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
    }),
  });
}

/** ws:// URL of the same node, for head subscriptions (Hardhat and most nodes serve both on one port). */
export function defaultWsUrl(rpcUrl: string): string {
  const url = new URL(rpcUrl);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  return url.toString();
}
