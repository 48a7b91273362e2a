import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";

import { verifyMessage, type Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { parseSiweMessage } from "viem/siwe";

import { createHttpClient, HttpStatusError } from "./http-client.ts";
import { inParallel, retryRateLimited, seedOrderBody, signInWithWallet } from "./hotpot.ts";

describe("seedOrderBody", () => {
  it("is the seed's two-line order", () => {
    assert.deepEqual(seedOrderBody("12", ["a", "b", "c"], "u-1"), {
      restaurant_id: "12",
      items: [
        { id: "a", quantity: 2 },
        { id: "b", quantity: 1 },
      ],
      customer_id: "u-1",
    });
    assert.deepEqual(seedOrderBody("12", ["a"], "u-1").items, [{ id: "a", quantity: 2 }]);
    assert.throws(() => seedOrderBody("12", [], "u-1"), /at least one/);
  });
});

describe("inParallel", () => {
  it("keeps order and never runs more than `concurrency` at once", async () => {
    let running = 0;
    let peak = 0;
    const results = await inParallel(20, 3, async (i) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, 2));
      running--;
      return i * i;
    });
    assert.deepEqual(
      results,
      Array.from({ length: 20 }, (_, i) => i * i),
    );
    assert.equal(peak, 3);
  });
});

describe("retryRateLimited", () => {
  const tooMany = new HttpStatusError("GET", "/x", { status: 429, body: "{}", headers: {} }, 200);

  it("retries 429 answers and passes other errors through", async () => {
    let calls = 0;
    assert.equal(
      await retryRateLimited(() => {
        calls++;
        return calls < 3 ? Promise.reject(tooMany) : Promise.resolve("ok");
      }),
      "ok",
    );
    assert.equal(calls, 3);
    await assert.rejects(
      retryRateLimited(() => Promise.reject(new Error("boom"))),
      /boom/,
    );
    await assert.rejects(
      retryRateLimited(() => Promise.reject(tooMany), 1),
      HttpStatusError,
    );
  });
});

describe("signInWithWallet", () => {
  // A fake of GET /auth/nonce and POST /auth/siwe that checks the message the way the API does.
  let server: Server;
  let url: string;
  before(async () => {
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        void (async () => {
          response.setHeader("content-type", "application/json");
          if (request.url === "/api/v1/auth/nonce") {
            response.end(
              JSON.stringify({
                nonce: "abcdefgh12345678",
                expires_at: new Date(Date.now() + 300_000).toISOString(),
                domain: "localhost:4000",
                uri: "http://localhost:4000",
                chain_id: 31337,
                statement: "Sign in to The Hot Pot Spot.",
              }),
            );
            return;
          }
          const { message, signature } = JSON.parse(Buffer.concat(chunks).toString()) as {
            message: string;
            signature: Hex;
          };
          const fields = parseSiweMessage(message);
          const valid =
            fields.address !== undefined &&
            fields.domain === "localhost:4000" &&
            fields.uri === "http://localhost:4000" &&
            fields.chainId === 31337 &&
            fields.nonce === "abcdefgh12345678" &&
            fields.version === "1" &&
            fields.statement === "Sign in to The Hot Pot Spot." &&
            (await verifyMessage({ address: fields.address, message, signature }));
          response.statusCode = valid ? 200 : 401;
          response.end(
            JSON.stringify(
              valid
                ? { token: "t0k", expires_at: "x", user: { id: "u-9", address: fields.address, roles: ["admin"] } }
                : { code: "invalid_siwe" },
            ),
          );
        })();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it("signs an EIP-4361 message with the challenge's fields", async () => {
    const client = createHttpClient(url);
    const account = privateKeyToAccount(generatePrivateKey());
    const session = await signInWithWallet(client, account);
    assert.deepEqual(session, { token: "t0k", userId: "u-9", address: account.address, roles: ["admin"] });
    client.close();
  });
});
