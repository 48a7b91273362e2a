import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { SignJWT } from "jose";

import { ApiError, toApiError } from "../rest/errors.ts";
import { createTokenService } from "./tokens.ts";

const SECRET = "0123456789abcdef0123456789abcdef";
const SUBJECT = {
  userId: "3f1c2a9e-5b7d-4c1e-9a0b-2d4e6f8a1b3c",
  address: "0x9BF4beE5bfbEbb3a4b7060dAe40CA6fD49305D60",
  custodial: false,
  roles: ["kyc_officer", "admin"] as const,
};

async function rejects401(promise: Promise<unknown>, message: RegExp): Promise<void> {
  await assert.rejects(promise, (thrown: unknown) => {
    // As the REST edge answers it.
    const error = toApiError(thrown);
    assert.ok(error instanceof ApiError);
    assert.equal(error.status, 401);
    assert.match(error.message, message);
    return true;
  });
}

describe("access tokens", () => {
  it("round-trips the person: id, lower-case address, custodial flag, roles", async () => {
    const tokens = createTokenService({ secret: SECRET });
    const { token, expiresAt } = await tokens.issue(SUBJECT);
    const principal = await tokens.verify(token);
    assert.equal(principal.kind, "user");
    assert.equal(principal.userId, SUBJECT.userId);
    assert.equal(principal.address, SUBJECT.address.toLowerCase());
    assert.equal(principal.custodial, false);
    assert.deepEqual([...principal.roles].sort(), ["admin", "kyc_officer"]);
    const ttl = expiresAt.getTime() - Date.now();
    assert.ok(ttl > 890_000 && ttl <= 900_000, `default lifetime 900 s, got ${ttl} ms`);
  });

  it("refuses a secret shorter than 32 bytes", () => {
    assert.throws(() => createTokenService({ secret: "short" }), /at least 32 bytes/);
    assert.throws(() => createTokenService({ secret: new Uint8Array(31) }), /at least 32 bytes/);
  });

  it("says 'token expired' after the lifetime, also for a token it verified before", async () => {
    let now = Date.now();
    const tokens = createTokenService({ secret: SECRET, ttlSeconds: 60, now: () => now });
    const { token } = await tokens.issue(SUBJECT);
    await tokens.verify(token); // cached from here on
    now += 61_000;
    await rejects401(tokens.verify(token), /^token expired$/);
    // A fresh service (no cache) agrees.
    const other = createTokenService({ secret: SECRET, ttlSeconds: 60, now: () => now });
    await rejects401(other.verify(token), /^token expired$/);
  });

  it("refuses a tampered token", async () => {
    const tokens = createTokenService({ secret: SECRET });
    const { token } = await tokens.issue(SUBJECT);
    const [header, payload, signature] = token.split(".") as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString()) as Record<string, unknown>;
    claims.roles = ["admin", "auditor", "kyc_officer"];
    const forged = `${header}.${Buffer.from(JSON.stringify(claims)).toString("base64url")}.${signature}`;
    await rejects401(tokens.verify(forged), /^invalid token/);
    await rejects401(tokens.verify(`${token.slice(0, -2)}xx`), /^invalid token/);
    await rejects401(tokens.verify("not-a-token"), /^invalid token/);
  });

  it("refuses a token signed with another secret", async () => {
    const theirs = createTokenService({ secret: "another-secret-another-secret-12" });
    const { token } = await theirs.issue(SUBJECT);
    await rejects401(createTokenService({ secret: SECRET }).verify(token), /^invalid token/);
  });

  it("refuses the wrong issuer or audience, alg none and malformed claims", async () => {
    const tokens = createTokenService({ secret: SECRET });
    const key = new TextEncoder().encode(SECRET);
    const sign = (claims: Record<string, unknown>, issuer = "hotpot", audience = "hotpot"): Promise<string> =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: "HS256" })
        .setSubject(SUBJECT.userId)
        .setIssuer(issuer)
        .setAudience(audience)
        .setIssuedAt()
        .setExpirationTime("5m")
        .sign(key);
    const good = { addr: SUBJECT.address.toLowerCase(), custodial: false, roles: [] };
    await rejects401(tokens.verify(await sign(good, "someone-else")), /iss claim/);
    await rejects401(tokens.verify(await sign(good, "hotpot", "other-app")), /aud claim/);
    await rejects401(tokens.verify(await sign({ ...good, roles: ["superuser"] })), /malformed claims/);
    await rejects401(tokens.verify(await sign({ ...good, addr: "0xnot" })), /malformed claims/);
    const unsigned = `${Buffer.from('{"alg":"none"}').toString("base64url")}.${Buffer.from(
      JSON.stringify({ sub: SUBJECT.userId, ...good, iss: "hotpot", aud: "hotpot", exp: 9_999_999_999 }),
    ).toString("base64url")}.`;
    await rejects401(tokens.verify(unsigned), /^invalid token/);
  });

  it("keeps its cache bounded", async () => {
    const tokens = createTokenService({ secret: SECRET, cacheSize: 2 });
    const issued = await Promise.all([1, 2, 3].map((n) => tokens.issue({ ...SUBJECT, custodial: n === 2 })));
    for (const { token } of issued) await tokens.verify(token);
    for (const { token } of issued) assert.equal((await tokens.verify(token)).userId, SUBJECT.userId);
  });
});
