import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { createSiweMessage } from "viem/siwe";

import type { Database } from "../../lib/db/client.ts";
import { ApiError, toApiError } from "../rest/errors.ts";
import { createSiweService } from "./siwe.ts";
import { createTokenService } from "./tokens.ts";

const DOMAIN = "app.hotpot.test";
const URI = "https://app.hotpot.test";
const CHAIN_ID = 31337;
const NOW = new Date("2026-11-26T12:00:00.000Z");

/** Just enough of a pg pool: nonces in a map, app_user upserts echoed back. */
function fakeDatabase(): { db: Database; nonces: Map<string, Date>; upserts: unknown[][] } {
  const nonces = new Map<string, Date>();
  const upserts: unknown[][] = [];
  const query = (sql: string, values: unknown[] = []): Promise<{ rowCount: number; rows: unknown[] }> => {
    if (sql.startsWith("INSERT INTO siwe_nonce")) {
      nonces.set(values[0] as string, values[1] as Date);
      return Promise.resolve({ rowCount: 1, rows: [] });
    }
    if (sql.startsWith("DELETE FROM siwe_nonce WHERE nonce")) {
      const expiry = nonces.get(values[0] as string);
      if (expiry === undefined || expiry <= (values[1] as Date)) return Promise.resolve({ rowCount: 0, rows: [] });
      nonces.delete(values[0] as string);
      return Promise.resolve({ rowCount: 1, rows: [{ nonce: values[0] }] });
    }
    if (sql.startsWith("DELETE FROM siwe_nonce")) return Promise.resolve({ rowCount: 0, rows: [] });
    if (sql.startsWith("INSERT INTO app_user")) {
      upserts.push(values);
      const row = {
        id: "3f1c2a9e-5b7d-4c1e-9a0b-2d4e6f8a1b3c",
        address: values[0],
        custodial: false,
        custodial_index: null,
        roles: values[1] === true ? ["admin"] : [],
        created_at: NOW,
      };
      return Promise.resolve({ rowCount: 1, rows: [row] });
    }
    throw new Error(`unexpected query ${sql}`);
  };
  return { db: { pool: { query } } as unknown as Database, nonces, upserts };
}

function setup(options: { admin?: boolean } = {}) {
  const fake = fakeDatabase();
  const account = privateKeyToAccount(generatePrivateKey());
  const adminAddresses = options.admin === true ? [account.address.toUpperCase().replace("0X", "0x")] : [];
  const tokens = createTokenService({ secret: "0123456789abcdef0123456789abcdef", now: () => NOW.getTime() });
  const siwe = createSiweService(fake.db, tokens, {
    domain: DOMAIN,
    uri: URI,
    chainId: CHAIN_ID,
    adminAddresses,
    now: () => NOW,
  });
  async function signed(overrides: Partial<Parameters<typeof createSiweMessage>[0]> = {}) {
    const challenge = await siwe.issueNonce();
    const message = createSiweMessage({
      address: account.address,
      domain: challenge.domain,
      uri: challenge.uri,
      chainId: challenge.chainId,
      nonce: challenge.nonce,
      version: "1",
      statement: challenge.statement,
      issuedAt: NOW,
      ...overrides,
    });
    return { message, signature: await account.signMessage({ message }) };
  }
  return { ...fake, siwe, tokens, account, signed };
}

async function refused(promise: Promise<unknown>, status: number, message: RegExp): Promise<void> {
  await assert.rejects(promise, (thrown: unknown) => {
    // As the REST edge answers it.
    const error = toApiError(thrown);
    assert.ok(error instanceof ApiError, String(error));
    assert.equal(error.status, status);
    assert.match(error.message, message);
    return true;
  });
}

describe("SIWE sign-in", () => {
  it("issues a nonce with what the wallet needs", async () => {
    const { siwe, nonces } = setup();
    const challenge = await siwe.issueNonce();
    assert.match(challenge.nonce, /^[A-Za-z0-9]{8,}$/);
    assert.equal(challenge.domain, DOMAIN);
    assert.equal(challenge.uri, URI);
    assert.equal(challenge.chainId, CHAIN_ID);
    assert.equal(challenge.expiresAt.getTime(), NOW.getTime() + 300_000);
    assert.ok(nonces.has(challenge.nonce));
  });

  it("signs in a correctly signed message once, as a lower-case non-custodial user", async () => {
    const { siwe, tokens, account, signed, upserts } = setup();
    const input = await signed();
    const session = await siwe.signIn(input);
    assert.equal(session.user.address, account.address.toLowerCase());
    assert.equal((await tokens.verify(session.token)).address, account.address.toLowerCase());
    assert.deepEqual(upserts, [[account.address.toLowerCase(), false]]);
    await refused(siwe.signIn(input), 401, /unknown or expired nonce/);
  });

  it("grants admin to configured addresses, in any letter case", async () => {
    const admin = setup({ admin: true });
    assert.deepEqual((await admin.siwe.signIn(await admin.signed())).user.roles, ["admin"]);
    assert.deepEqual(admin.upserts, [[admin.account.address.toLowerCase(), true]]);
    const customer = setup();
    assert.deepEqual((await customer.siwe.signIn(await customer.signed())).user.roles, []);
  });

  it("refuses the wrong domain, chain, URI origin or scheme", async () => {
    const { siwe, signed } = setup();
    await refused(siwe.signIn(await signed({ domain: "evil.example" })), 401, /domain evil.example is not/);
    await refused(siwe.signIn(await signed({ chainId: 1 })), 401, /chain id 1 is not 31337/);
    await refused(siwe.signIn(await signed({ uri: "https://evil.example/login" })), 401, /URI must be on/);
    await refused(siwe.signIn(await signed({ uri: "http://app.hotpot.test" })), 401, /URI must be on/);
    await refused(siwe.signIn(await signed({ scheme: "http" })), 401, /scheme http/);
  });

  it("accepts any path on the app's origin", async () => {
    const { siwe, signed } = setup();
    await siwe.signIn(await signed({ uri: `${URI}/sign-in?next=/orders` }));
  });

  it("checks expiration, not-before and issued-at with a small skew", async () => {
    const { siwe, signed } = setup();
    const at = (seconds: number): Date => new Date(NOW.getTime() + seconds * 1000);
    await refused(siwe.signIn(await signed({ expirationTime: at(-1) })), 401, /^message expired$/);
    await refused(siwe.signIn(await signed({ expirationTime: NOW })), 401, /^message expired$/);
    await refused(siwe.signIn(await signed({ notBefore: at(120) })), 401, /not valid yet/);
    await refused(siwe.signIn(await signed({ issuedAt: at(120) })), 401, /issued in the future/);
    await siwe.signIn(await signed({ issuedAt: at(30), notBefore: at(30), expirationTime: at(1) }));
  });

  it("refuses a bad signature and a message signed by someone else", async () => {
    const { siwe, signed } = setup();
    const input = await signed();
    await refused(siwe.signIn({ ...input, signature: "0x1234" }), 401, /signature does not match/);
    const flipped = `${input.signature.slice(0, 10)}${input.signature[10] === "0" ? "1" : "0"}${input.signature.slice(11)}`;
    await refused(siwe.signIn({ ...input, signature: flipped }), 401, /signature does not match/);
    const other = privateKeyToAccount(generatePrivateKey());
    await refused(
      siwe.signIn({ ...input, signature: await other.signMessage({ message: input.message }) }),
      401,
      /signature does not match/,
    );
    // The nonce survives failed attempts: the correct signature still signs in.
    await siwe.signIn(input);
  });

  it("refuses an unknown or expired nonce", async () => {
    const { siwe, signed, nonces } = setup();
    await refused(siwe.signIn(await signed({ nonce: "neverIssued123" })), 401, /unknown or expired nonce/);
    const input = await signed();
    for (const nonce of nonces.keys()) nonces.set(nonce, NOW);
    await refused(siwe.signIn(input), 401, /unknown or expired nonce/);
  });

  it("answers 400 for something that is not an EIP-4361 message", async () => {
    const { siwe } = setup();
    await refused(siwe.signIn({ message: "hello", signature: "0x00" }), 400, /not an EIP-4361 message/);
    const { signed } = setup();
    const input = await signed();
    const noIssuedAt = input.message.replace(/\nIssued At: .*/, "");
    await refused(siwe.signIn({ message: noIssuedAt, signature: input.signature }), 400, /not an EIP-4361 message/);
  });
});
