/**
 * A lean HTTP/1.1 client on node:http with keep-alive connections, for virtual users: one
 * request at a time per caller, the response body read as text. No retries, no redirects.
 */
import { Agent, request as httpRequest, type OutgoingHttpHeaders } from "node:http";

export interface HttpResponse {
  readonly status: number;
  readonly body: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

export interface HttpClientOptions {
  /** Most connections open at once (default: unlimited, one per concurrent request). */
  readonly maxSockets?: number;
  /** A request not answered within this many ms fails with a timeout error (default 30 s). */
  readonly timeoutMs?: number;
  /** Idle keep-alive connections are closed after this many ms (default 4 s). */
  readonly idleTimeoutMs?: number;
}

export interface HttpClient {
  readonly baseUrl: URL;
  request(method: string, path: string, body?: unknown, headers?: OutgoingHttpHeaders): Promise<HttpResponse>;
  /** JSON in, JSON out; throws on a status other than `expect` with the response's body in the message. */
  json<T>(method: string, path: string, body?: unknown, headers?: OutgoingHttpHeaders, expect?: number): Promise<T>;
  /** Closes the idle keep-alive connections. */
  close(): void;
}

/** An HTTP error with the status and body of the response. */
export class HttpStatusError extends Error {
  readonly status: number;
  readonly body: string;
  constructor(method: string, path: string, response: HttpResponse, expected: number) {
    super(`${method} ${path}: HTTP ${response.status} (expected ${expected}): ${response.body.slice(0, 500)}`);
    this.status = response.status;
    this.body = response.body;
  }
}

export function createHttpClient(baseUrl: string, options: HttpClientOptions = {}): HttpClient {
  const base = new URL(baseUrl);
  if (base.protocol !== "http:") throw new Error(`only http:// is supported, got ${baseUrl}`);
  const agent = new Agent({
    keepAlive: true,
    maxSockets: options.maxSockets ?? Infinity,
    maxFreeSockets: options.maxSockets ?? 1_024,
    // Reuse the most recently used socket: fewer connections stay warm, as with a browser.
    scheduling: "lifo",
    // Idle connections are closed before a Node server's 5 s keep-alive timeout would close them
    // under a request being sent (requests themselves have their own timeout, below).
    timeout: options.idleTimeoutMs ?? 4_000,
  });
  const timeoutMs = options.timeoutMs ?? 30_000;
  const host = base.hostname;
  const port = base.port === "" ? 80 : Number(base.port);
  const prefix = base.pathname.replace(/\/$/, "");

  const send = (method: string, path: string, body?: unknown, headers?: OutgoingHttpHeaders): Promise<HttpResponse> =>
    new Promise<HttpResponse>((resolve, reject) => {
      const payload = body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body);
      const allHeaders: OutgoingHttpHeaders = { accept: "application/json", ...headers };
      if (payload !== undefined) {
        allHeaders["content-type"] ??= "application/json";
        allHeaders["content-length"] = Buffer.byteLength(payload);
      }
      const req = httpRequest({ agent, host, port, method, path: prefix + path, headers: allHeaders }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString("utf8"),
            headers: res.headers,
          });
        });
        res.on("error", reject);
      });
      req.setTimeout(timeoutMs, () => {
        req.destroy(new Error(`${method} ${path}: no response within ${timeoutMs} ms`));
      });
      req.on("error", reject);
      req.end(payload);
    });

  return {
    baseUrl: base,
    request: send,
    async json<T>(
      method: string,
      path: string,
      body?: unknown,
      headers?: OutgoingHttpHeaders,
      expect = 200,
    ): Promise<T> {
      const response = await send(method, path, body, headers);
      if (response.status !== expect) throw new HttpStatusError(method, path, response, expect);
      return JSON.parse(response.body) as T;
    },
    close(): void {
      agent.destroy();
    },
  };
}
