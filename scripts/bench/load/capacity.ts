/**
 * Closed-loop capacity run with autocannon: `connections` keep-alive connections, each sending
 * its next request as soon as the previous answer arrived, for `durationS` seconds. Every request
 * is built by `nextRequest` (e.g. rotating over several callers' tokens). Latencies and status
 * codes are collected from autocannon's per-response events so that percentiles are computed
 * exactly as for the virtual-user run (autocannon's own summary has no p95).
 */
import { createRequire } from "node:module";

import { Counter, LatencyRecorder, type LatencySummary } from "./stats.ts";

export interface CapacityRequest {
  readonly method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  readonly path: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

export interface CapacityOptions {
  readonly url: string;
  readonly connections: number;
  readonly durationS: number;
  /** Builds request `i` (0, 1, 2, ... across all connections). */
  readonly nextRequest: (i: number) => CapacityRequest;
  /** A request not answered within this many seconds counts as a timeout (default 10). */
  readonly timeoutS?: number;
  readonly signal?: AbortSignal;
}

export interface CapacityResult {
  readonly connections: number;
  readonly durationS: number;
  /** Responses received (any status). */
  readonly responses: number;
  readonly statuses: Record<string, number>;
  readonly non2xx: number;
  /** Connection errors and timeouts. */
  readonly errors: number;
  readonly timeouts: number;
  readonly rps: number;
  /** Latency of every response, any status. */
  readonly latency: LatencySummary;
}

// autocannon ships no types; this is the part of its API used here.
interface AutocannonRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
  setupRequest?: (request: AutocannonRequest) => AutocannonRequest;
}
interface AutocannonResult {
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
}
interface AutocannonInstance {
  on(event: "response", listener: (client: unknown, status: number, bytes: number, ms: number) => void): void;
  on(event: "done", listener: (result: AutocannonResult) => void): void;
  on(event: "error", listener: (error: Error) => void): void;
  stop(): void;
}
type Autocannon = (options: Record<string, unknown>) => AutocannonInstance;

const autocannon = createRequire(import.meta.url)("autocannon") as Autocannon;

export async function runCapacity(options: CapacityOptions): Promise<CapacityResult> {
  const latencies = new LatencyRecorder();
  const statuses = new Counter();
  let built = 0;
  const setupRequest = (request: AutocannonRequest): AutocannonRequest => {
    const next = options.nextRequest(built++);
    return {
      ...request,
      method: next.method,
      path: next.path,
      headers: { ...next.headers },
      ...(next.body === undefined ? {} : { body: next.body }),
    };
  };
  const instance = autocannon({
    url: options.url,
    connections: options.connections,
    pipelining: 1,
    duration: options.durationS,
    timeout: options.timeoutS ?? 10,
    requests: [{ method: "GET", path: "/", setupRequest }],
  });
  const onAbort = (): void => {
    instance.stop();
  };
  options.signal?.addEventListener("abort", onAbort, { once: true });
  instance.on("response", (_client, status, _bytes, ms) => {
    statuses.add(status);
    latencies.record(ms);
  });
  try {
    const result = await new Promise<AutocannonResult>((resolve, reject) => {
      instance.on("done", resolve);
      instance.on("error", reject);
    });
    const counts = statuses.toObject();
    let non2xx = 0;
    for (const [status, count] of Object.entries(counts)) if (!status.startsWith("2")) non2xx += count;
    // autocannon counts timeouts among its errors as well.
    const durationS = result.duration > 0 ? result.duration : options.durationS;
    return {
      connections: options.connections,
      durationS,
      responses: latencies.count,
      statuses: counts,
      non2xx,
      errors: result.errors,
      timeouts: result.timeouts,
      rps: latencies.count / durationS,
      latency: latencies.summary(),
    };
  } finally {
    options.signal?.removeEventListener("abort", onAbort);
  }
}
