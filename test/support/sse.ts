/** A GraphQL subscription over Server-Sent Events, read the way a browser's fetch would. */
import type { GraphQLResponse } from "./harness.ts";

export interface Subscription {
  /** The next event's payload; rejects after `timeoutMs`. */
  next<Data = Record<string, unknown>>(timeoutMs?: number): Promise<Omit<GraphQLResponse<Data>, "status">>;
  close(): Promise<void>;
}

export async function subscribe(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<Subscription> {
  const controller = new AbortController();
  const response = await fetch(`${url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "text/event-stream" },
    body: JSON.stringify({ query, variables }),
    signal: controller.signal,
  });
  if (!response.ok || response.body === null)
    throw new Error(`subscription failed with HTTP ${response.status.toString()}`);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  const events: string[] = [];

  async function nextEvent(): Promise<string> {
    for (;;) {
      const queued = events.shift();
      if (queued !== undefined) return queued;
      const { value, done } = await reader.read();
      if (done) throw new Error("the event stream ended");
      buffer += value;
      let end: number;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const lines = block.split("\n");
        if (!lines.includes("event: next")) continue;
        const data = lines
          .filter((line) => line.startsWith("data:"))
          .map((line) => line.slice(5).trim())
          .join("\n");
        events.push(data);
      }
    }
  }

  let pending: Promise<string> | undefined;
  return {
    async next<Data>(timeoutMs = 5000): Promise<Omit<GraphQLResponse<Data>, "status">> {
      // A read that timed out is still in flight; the next call continues it rather than racing it.
      pending ??= nextEvent();
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => {
          reject(new Error(`no subscription event within ${timeoutMs.toString()} ms`));
        }, timeoutMs);
      });
      try {
        const data = await Promise.race([pending, timeout]);
        pending = undefined;
        return JSON.parse(data) as Omit<GraphQLResponse<Data>, "status">;
      } finally {
        clearTimeout(timer);
      }
    },
    async close(): Promise<void> {
      controller.abort();
      await reader.cancel().catch(() => undefined);
    },
  };
}
