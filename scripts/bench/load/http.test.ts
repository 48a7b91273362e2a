import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";

import { runCapacity } from "./capacity.ts";
import { createHttpClient, HttpStatusError } from "./http-client.ts";

/** A tiny server: POST /echo answers 201 with the body and the authorization header; anything else 404. */
let server: Server;
let baseUrl: string;
const sockets = new Set<unknown>();

async function bodyOf(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

before(async () => {
  server = createServer((request, response) => {
    void bodyOf(request).then((body) => {
      if (request.method === "POST" && request.url === "/api/echo") {
        response.writeHead(201, { "content-type": "application/json" });
        const parsed: unknown = body === "" ? null : JSON.parse(body);
        response.end(JSON.stringify({ body: parsed, auth: request.headers.authorization }));
        return;
      }
      response.writeHead(404, { "content-type": "application/json" });
      response.end(JSON.stringify({ error: "not_found" }));
    });
  });
  server.on("connection", (socket) => sockets.add(socket));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe("createHttpClient", () => {
  it("sends JSON, reads JSON and reuses its connection", async () => {
    const before = sockets.size;
    const client = createHttpClient(`${baseUrl}/api`);
    for (let i = 0; i < 5; i++) {
      const answer = await client.json<{ body: unknown; auth: string }>(
        "POST",
        "/echo",
        { i },
        { authorization: "Bearer t" },
        201,
      );
      assert.deepEqual(answer, { body: { i }, auth: "Bearer t" });
    }
    assert.equal(sockets.size - before, 1, "one keep-alive connection for sequential requests");
    client.close();
  });

  it("reports an unexpected status with its body", async () => {
    const client = createHttpClient(baseUrl);
    const response = await client.request("GET", "/nope");
    assert.equal(response.status, 404);
    await assert.rejects(client.json("GET", "/nope"), (error: unknown) => {
      assert.ok(error instanceof HttpStatusError);
      assert.equal(error.status, 404);
      assert.match(error.message, /not_found/);
      return true;
    });
    client.close();
  });

  it("refuses https and other schemes", () => {
    assert.throws(() => createHttpClient("https://example.com"), /only http/);
  });
});

describe("runCapacity", () => {
  it("drives the server with per-request bodies and counts statuses", async () => {
    const seen = new Set<string>();
    const result = await runCapacity({
      url: baseUrl,
      connections: 4,
      durationS: 1,
      nextRequest: (i) => {
        seen.add(`token-${i % 3}`);
        return i % 10 === 9
          ? { method: "GET", path: "/missing" }
          : {
              method: "POST",
              path: "/api/echo",
              headers: { "content-type": "application/json", authorization: `Bearer token-${i % 3}` },
              body: JSON.stringify({ i }),
            };
      },
    });
    assert.ok(result.responses > 100, `only ${result.responses} responses`);
    assert.equal(result.errors, 0);
    const created = result.statuses["201"] ?? 0;
    const missing = result.statuses["404"] ?? 0;
    assert.equal(created + missing, result.responses);
    assert.equal(result.non2xx, missing);
    assert.ok(missing > 0 && missing < created);
    assert.equal(seen.size, 3);
    assert.ok(result.rps > 0 && result.latency.p99Ms >= result.latency.p50Ms);
  });
});
