import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, it } from "node:test";

import {
  CIPHERTEXT_VERSION,
  IntegrityError,
  decrypt,
  decryptDocument,
  decryptText,
  encrypt,
  encryptDocument,
  generateKey,
} from "./envelope.ts";

describe("envelope encryption", () => {
  const key = generateKey();

  it("round-trips text and bytes, with a versioned layout and a fresh nonce each time", () => {
    const first = encrypt(key, "Nino Beridze", "user-1/full_name");
    const second = encrypt(key, "Nino Beridze", "user-1/full_name");
    assert.equal(first[0], CIPHERTEXT_VERSION);
    assert.equal(first.length, 1 + 12 + Buffer.byteLength("Nino Beridze") + 16);
    assert.notDeepEqual(first, second);
    assert.equal(decryptText(key, first, "user-1/full_name"), "Nino Beridze");
    const bytes = randomBytes(100);
    assert.deepEqual(decrypt(key, encrypt(key, bytes, "ctx"), "ctx"), bytes);
    assert.equal(decryptText(key, encrypt(key, "", "ctx"), "ctx"), "");
  });

  it("does not contain the plaintext", () => {
    const ciphertext = encrypt(key, "MARKER-PLAINTEXT-12345", "ctx");
    assert.equal(ciphertext.includes("MARKER-PLAINTEXT-12345"), false);
  });

  it("detects tampering anywhere: nonce, body, tag, version, truncation", () => {
    const ciphertext = encrypt(key, "secret value", "ctx");
    for (const position of [1, 13, ciphertext.length - 1]) {
      const tampered = Buffer.from(ciphertext);
      tampered[position] = (tampered[position] ?? 0) ^ 0x01;
      assert.throws(() => decrypt(key, tampered, "ctx"), IntegrityError, `byte ${position}`);
    }
    const wrongVersion = Buffer.from(ciphertext);
    wrongVersion[0] = 99;
    assert.throws(() => decrypt(key, wrongVersion, "ctx"), /unknown ciphertext version 99/);
    assert.throws(() => decrypt(key, ciphertext.subarray(0, 20), "ctx"), /truncated/);
    assert.throws(() => decrypt(key, ciphertext.subarray(0, ciphertext.length - 1), "ctx"), IntegrityError);
  });

  it("refuses the wrong key and a mismatched AAD", () => {
    const ciphertext = encrypt(key, "secret value", "user-1/email");
    assert.throws(() => decrypt(generateKey(), ciphertext, "user-1/email"), IntegrityError);
    assert.throws(() => decrypt(key, ciphertext, "user-2/email"), IntegrityError);
    assert.throws(() => decrypt(key, ciphertext, "user-1/phone"), /failed authentication/);
  });

  it("rejects keys that are not 256 bits", () => {
    assert.throws(() => encrypt(randomBytes(16), "x", "ctx"), /32 bytes/);
    assert.throws(() => decrypt(randomBytes(31), Buffer.alloc(40), "ctx"), /32 bytes/);
  });

  it("encrypts large documents, domain-separated from fields", () => {
    const document = randomBytes(5 * 1024 * 1024);
    const ciphertext = encryptDocument(key, document, "user-1");
    assert.equal(ciphertext.length, document.length + 29);
    assert.deepEqual(decryptDocument(key, ciphertext, "user-1"), document);
    assert.throws(() => decrypt(key, ciphertext, "user-1"), IntegrityError);
    assert.throws(() => decryptDocument(key, encrypt(key, "field", "user-1"), "user-1"), IntegrityError);
    assert.throws(() => decryptDocument(key, ciphertext, "user-2"), IntegrityError);
  });
});
