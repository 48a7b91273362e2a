/**
 * GET /api/v1/config over HTTP against the whole write stack, in both card modes: what the web app
 * is told (the local form, or Stripe's Elements with the publishable key), without a credential,
 * and the Content-Security-Policy that lets Stripe.js run only when Stripe is configured.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import { startWriteStack, type WriteStack } from "../helpers/write-stack.ts";

const STRIPE_ORIGINS = ["https://js.stripe.com", "https://api.stripe.com", "https://hooks.stripe.com"];

/** The policy's directives by name, each with its sources. */
function directives(policy: string | null): Map<string, string[]> {
  assert.ok(policy !== null, "a Content-Security-Policy header");
  return new Map(
    policy
      .split(";")
      .map((part) => part.trim().split(/\s+/))
      .filter((words) => words[0] !== "")
      .map(([name = "", ...sources]) => [name, sources]),
  );
}

describe("GET /api/v1/config in local card mode", () => {
  let stack: WriteStack;
  before(async () => {
    stack = await startWriteStack();
  });
  after(async () => {
    await stack.stop();
  });

  it("tells anyone, signed in or not, to use the local card form", async () => {
    const reply = await stack.call("GET", "/api/v1/config");
    assert.equal(reply.status, 200);
    assert.deepEqual(reply.body, { card: { provider: "local" } });
    assert.equal(reply.headers.get("cache-control"), "no-cache");
    // A bad credential is still refused, as on every public route: the check is not skipped.
    const forged = await stack.call("GET", "/api/v1/config", { token: "not-a-token" });
    assert.equal(forged.status, 401);
  });

  it("allows none of Stripe's origins in the CSP", async () => {
    for (const route of ["/api/v1/config", "/"]) {
      const reply = await stack.call("GET", route);
      const policy = reply.headers.get("content-security-policy") ?? "";
      for (const origin of STRIPE_ORIGINS) assert.ok(!policy.includes(origin), `${route}: ${origin} in ${policy}`);
      assert.deepEqual(directives(policy).get("script-src"), ["'self'"], route);
    }
  });
});

describe("GET /api/v1/config with Stripe configured", () => {
  let stack: WriteStack;
  before(async () => {
    stack = await startWriteStack({ stripePublishableKey: "pk_test_hotpot0123456789" });
  });
  after(async () => {
    await stack.stop();
  });

  it("hands out the publishable key, and only it, without a credential", async () => {
    const reply = await stack.call("GET", "/api/v1/config");
    assert.equal(reply.status, 200);
    assert.deepEqual(reply.body, { card: { provider: "stripe", publishable_key: "pk_test_hotpot0123456789" } });
    // The secret and webhook keys never appear in what browsers are given.
    const text = JSON.stringify(reply.body);
    assert.ok(!text.includes(stack.cardProcessor.apiKey) && !text.includes(stack.cardProcessor.webhookSecret));
  });

  it("lets Stripe.js load, call Stripe's API and frame Elements and 3-D Secure, and nothing more", async () => {
    const policy = directives((await stack.call("GET", "/")).headers.get("content-security-policy"));
    assert.deepEqual(policy.get("script-src"), ["'self'", "https://js.stripe.com", "https://*.js.stripe.com"]);
    assert.deepEqual(policy.get("frame-src"), [
      "https://js.stripe.com",
      "https://*.js.stripe.com",
      "https://hooks.stripe.com",
    ]);
    assert.ok(policy.get("connect-src")?.includes("https://api.stripe.com"));
    assert.ok(policy.get("connect-src")?.includes("'self'"));
    // The rest of helmet's strict policy is unchanged.
    assert.deepEqual(policy.get("default-src"), ["'self'"]);
    assert.deepEqual(policy.get("object-src"), ["'none'"]);
    assert.deepEqual(policy.get("script-src-attr"), ["'none'"]);
  });
});
