import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, it } from "node:test";

import { blindIndex, emailIndex, normaliseEmail, normalisePhone, phoneIndex } from "./blind-index.ts";

describe("blind index", () => {
  const key = randomBytes(32);

  it("normalises emails: trimmed, lower-case", () => {
    assert.equal(normaliseEmail("  Nino.Beridze@Example.GE \n"), "nino.beridze@example.ge");
    assert.throws(() => normaliseEmail("not an email"), /not an email/);
    assert.throws(() => normaliseEmail(""), /not an email/);
  });

  it("normalises phones: digits only with a leading +", () => {
    assert.equal(normalisePhone("+995 (555) 12-34-56"), "+995555123456");
    assert.equal(normalisePhone("995.555.123.456"), "+995555123456");
    assert.throws(() => normalisePhone("call me"), /4 to 15 digits/);
    assert.throws(() => normalisePhone("+1234567890123456"), /4 to 15 digits/);
  });

  it("gives equal indexes for equal normalised values only", () => {
    assert.equal(emailIndex(key, "A@B.ge"), emailIndex(key, " a@b.GE"));
    assert.notEqual(emailIndex(key, "a@b.ge"), emailIndex(key, "a@c.ge"));
    assert.equal(phoneIndex(key, "+995 555 123456"), phoneIndex(key, "995-555-123-456"));
    assert.match(emailIndex(key, "a@b.ge"), /^[0-9a-f]{64}$/);
  });

  it("depends on the key and separates kinds", () => {
    assert.notEqual(emailIndex(key, "a@b.ge"), emailIndex(randomBytes(32), "a@b.ge"));
    assert.notEqual(blindIndex(key, "email", "+995"), blindIndex(key, "phone", "+995"));
  });
});
