/**
 * What the scanners of `npm run security:scan` do not see (issue 16, seed 4.3), each tried against
 * the real stack: cross-site request forgery, forged and tampered session tokens (alg none, another
 * key, a changed payload, RS256/HS256 confusion), compression and upload bombs, and GraphQL batching
 * and alias abuse.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { gzipSync } from "node:zlib";

import { SignJWT } from "jose";

import { startWriteStack, type WriteStack } from "../helpers/write-stack.ts";

const API = "/api/v1";

interface GraphQLBody {
  data?: unknown;
  errors?: { message: string; extensions?: { code?: string } }[];
}

const base64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString("base64url");

describe("attacks the scanners do not see (issue 16)", () => {
  let stack: WriteStack;
  let customer: { token: string; userId: string };

  before(async () => {
    stack = await startWriteStack({
      rateLimits: { perCallerPerMinute: 1_000_000, anonymousPerMinute: 1_000_000, failedAuthPerMinute: 1_000_000 },
    });
    const created = await stack.call<{ token: string; user: { id: string } }>("POST", `${API}/auth/custodial`);
    assert.equal(created.status, 201, JSON.stringify(created.body));
    customer = { token: created.body.token, userId: created.body.user.id };
  });

  after(async () => {
    await stack.stop();
  });

  const me = (token: string) => stack.call<{ code?: string }>("GET", `${API}/auth/me`, { token });

  describe("cross-site request forgery", () => {
    it("never sets a cookie: credentials travel only in the Authorization header", async () => {
      const replies = [
        await stack.call("POST", `${API}/auth/custodial`),
        await stack.call("GET", `${API}/auth/nonce`),
        await me(customer.token),
        await stack.call("POST", "/graphql", { body: { query: "{ _meta { blockNumber } }" } }),
      ];
      for (const reply of replies) assert.equal(reply.headers.get("set-cookie"), null);
    });

    it("refuses a state change that carries only what a browser would attach on its own", async () => {
      const forged = await fetch(`${stack.url}${API}/orders`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: "https://evil.example", cookie: "session=x" },
        body: JSON.stringify({ restaurant_id: "1", items: [{ id: customer.userId, quantity: 1 }] }),
      });
      assert.equal(forged.status, 401);
    });

    it("gives another site's page no CORS permission to read or write", async () => {
      const preflight = await fetch(`${stack.url}${API}/orders`, {
        method: "OPTIONS",
        headers: {
          origin: "https://evil.example",
          "access-control-request-method": "POST",
          "access-control-request-headers": "authorization,content-type",
        },
      });
      assert.equal(preflight.headers.get("access-control-allow-origin"), null);
      const read = await fetch(`${stack.url}${API}/auth/me`, {
        headers: { origin: "https://evil.example", authorization: `Bearer ${customer.token}` },
      });
      assert.equal(read.headers.get("access-control-allow-origin"), null);
    });
  });

  describe("session tokens", () => {
    const parts = (): { header: Record<string, unknown>; payload: Record<string, unknown>; signature: string } => {
      const [encodedHeader = "", encodedPayload = "", signature = ""] = customer.token.split(".");
      return {
        header: JSON.parse(Buffer.from(encodedHeader, "base64url").toString()) as Record<string, unknown>,
        payload: JSON.parse(Buffer.from(encodedPayload, "base64url").toString()) as Record<string, unknown>,
        signature,
      };
    };

    it("accepts the token the API issued (the baseline the forgeries start from)", async () => {
      assert.equal((await me(customer.token)).status, 200);
    });

    it("refuses alg none, with or without a signature", async () => {
      const { payload } = parts();
      const unsigned = `${base64url({ alg: "none", typ: "JWT" })}.${base64url({ ...payload, roles: ["admin"] })}`;
      for (const token of [`${unsigned}.`, unsigned, `${unsigned}.${parts().signature}`]) {
        const reply = await me(token);
        assert.equal(reply.status, 401, token);
      }
    });

    it("refuses a payload changed under the original signature (roles raised to admin)", async () => {
      const { header, payload, signature } = parts();
      const tampered = `${base64url(header)}.${base64url({ ...payload, roles: ["admin"] })}.${signature}`;
      assert.equal((await me(tampered)).status, 401);
      const roles = await stack.call("PUT", `${API}/users/${customer.userId}/roles`, {
        token: tampered,
        body: { roles: ["admin"] },
      });
      assert.equal(roles.status, 401);
    });

    it("refuses a well-formed token signed with another key, and RS256/ES256 headers over an HMAC", async () => {
      const { payload } = parts();
      const otherKey = new TextEncoder().encode("an attacker's guess at the secret, long enough 0123456789");
      const sign = (alg: string): Promise<string> =>
        new SignJWT({ ...payload, roles: ["admin"] })
          .setProtectedHeader({ alg: "HS256", typ: "JWT" })
          .sign(otherKey)
          .then((token) => {
            const [, body = "", signature = ""] = token.split(".");
            return `${base64url({ alg, typ: "JWT" })}.${body}.${signature}`;
          });
      for (const alg of ["HS256", "RS256", "ES256", "HS512"])
        assert.equal((await me(await sign(alg))).status, 401, alg);
    });

    it("refuses an expired token and one for another audience, on GraphQL as on REST", async () => {
      const { header, payload, signature } = parts();
      const expired = `${base64url(header)}.${base64url({ ...payload, exp: 1 })}.${signature}`;
      const foreign = `${base64url(header)}.${base64url({ ...payload, aud: "someone-else" })}.${signature}`;
      for (const token of [expired, foreign]) {
        assert.equal((await me(token)).status, 401);
        const graphql = await stack.call<GraphQLBody>("POST", "/graphql", {
          token,
          body: { query: "{ myKyc { status } }" },
        });
        assert.equal(graphql.body.errors?.[0]?.extensions?.code, "UNAUTHENTICATED", JSON.stringify(graphql.body));
      }
    });
  });

  describe("bombs", () => {
    it("inflates a gzip body only up to the body limit: 413, and the API keeps answering", async () => {
      // 16 MiB of digits compress to 16 KiB (sent whole before the answer): the limit must count inflated bytes.
      const bomb = gzipSync(
        Buffer.concat([Buffer.from('{"name":"'), Buffer.alloc(16 * 1024 * 1024, 0x30), Buffer.from('"}')]),
      );
      const response = await fetch(`${stack.url}${API}/orders`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${customer.token}`,
          "content-type": "application/json",
          "content-encoding": "gzip",
        },
        body: bomb,
      });
      assert.equal(response.status, 413);
      assert.match(((await response.json()) as { error: string }).error, /large/);
      assert.equal((await fetch(`${stack.url}/health`)).status, 200);
    });

    const upload = (part: { name: string; type: string; bytes: Buffer }) => {
      const form = new FormData();
      form.append(part.name, new Blob([new Uint8Array(part.bytes)], { type: part.type }), `${part.name}.bin`);
      return fetch(`${stack.url}${API}/kyc/submissions`, {
        method: "POST",
        headers: { authorization: `Bearer ${customer.token}` },
        body: form,
      });
    };

    it("refuses a zip (or a zip bomb) where a document belongs, judged by its bytes: 415, nothing stored", async () => {
      const zip = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(2048)]);
      const response = await upload({ name: "passport", type: "image/png", bytes: zip });
      assert.ok([400, 415].includes(response.status), String(response.status));
      const status = await stack.call<{ status: string }>("GET", `${API}/kyc/status`, { token: customer.token });
      assert.equal(status.body.status, "not_started");
    });

    it("refuses a document over 10 MiB with 413 before reading it all, and stores nothing", async () => {
      const png = Buffer.concat([
        Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
        Buffer.alloc(10 * 1024 * 1024 + 1),
      ]);
      const response = await upload({ name: "passport", type: "image/png", bytes: png });
      assert.equal(response.status, 413);
      const status = await stack.call<{ status: string }>("GET", `${API}/kyc/status`, { token: customer.token });
      assert.equal(status.body.status, "not_started");
    });
  });

  describe("GraphQL abuse", () => {
    const post = (body: unknown) => stack.call<GraphQLBody | GraphQLBody[]>("POST", "/graphql", { body });

    it("does not execute batched operations (an array of queries multiplies work past the rate limit)", async () => {
      const reply = await post(Array.from({ length: 50 }, () => ({ query: "{ _meta { blockNumber } }" })));
      assert.ok(reply.status >= 400 && reply.status < 500, String(reply.status));
      assert.ok(!Array.isArray(reply.body), "a batch was executed");
    });

    it("refuses a query with more aliases than allowed, with a message", async () => {
      const aliases = Array.from({ length: 100 }, (_, index) => `a${String(index)}: _meta { blockNumber }`).join(" ");
      const reply = await post({ query: `{ ${aliases} }` });
      const body = reply.body as GraphQLBody;
      assert.equal(body.data ?? null, null);
      assert.match(body.errors?.[0]?.message ?? "", /alias/i);
    });

    it("refuses a query nested deeper than allowed", async () => {
      const deep =
        "restaurant { orders { nodes { restaurant { orders { nodes { restaurant { orders { nodes { orderId } } } } } } } } }";
      const reply = await post({ query: `{ orders { nodes { ${deep} } } }` });
      const body = reply.body as GraphQLBody;
      assert.equal(body.data ?? null, null);
      assert.match(body.errors?.[0]?.message ?? "", /depth|cost/i);
    });
  });
});
