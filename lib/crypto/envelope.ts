/**
 * Authenticated encryption of fields, documents and data keys: AES-256-GCM from node:crypto.
 *
 * Every ciphertext is self-describing and versioned:
 *   version (1 byte) | nonce (12 bytes, random) | ciphertext | tag (16 bytes)
 * The additional authenticated data (AAD) is not stored: the caller supplies the same context
 * (whose field, which person, which key) to decrypt, so a ciphertext copied to another row,
 * column or person fails authentication instead of decrypting in the wrong place.
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

import { HotPotError } from "../errors.ts";

export const CIPHERTEXT_VERSION = 1;
export const KEY_BYTES = 32;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = 1 + NONCE_BYTES;
const ALGORITHM = "aes-256-gcm";

/** A ciphertext failed authentication: tampered with, truncated, the wrong key or the wrong context. */
export class IntegrityError extends HotPotError {
  override readonly name = "IntegrityError";
}

export type Bytes = Uint8Array;

function toBytes(value: Bytes | string): Buffer {
  return typeof value === "string"
    ? Buffer.from(value, "utf8")
    : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}

function checkKey(key: Bytes): void {
  if (key.byteLength !== KEY_BYTES)
    throw new HotPotError(`an AES-256 key has ${KEY_BYTES} bytes, got ${key.byteLength}`);
}

/** A fresh random 256-bit key (a person's data key). */
export function generateKey(): Buffer {
  return randomBytes(KEY_BYTES);
}

/** Encrypts `plaintext` (UTF-8 when a string) under `key`, binding `aad`; returns the versioned bytes. */
export function encrypt(key: Bytes, plaintext: Bytes | string, aad: Bytes | string): Buffer {
  checkKey(key);
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(toBytes(aad));
  const body = Buffer.concat([cipher.update(toBytes(plaintext)), cipher.final()]);
  return Buffer.concat([Buffer.from([CIPHERTEXT_VERSION]), nonce, body, cipher.getAuthTag()]);
}

/** Decrypts what encrypt() returned; any change to the bytes, key or `aad` throws an IntegrityError. */
export function decrypt(key: Bytes, ciphertext: Bytes, aad: Bytes | string): Buffer {
  checkKey(key);
  const bytes = toBytes(ciphertext);
  if (bytes.length < HEADER_BYTES + TAG_BYTES) {
    throw new IntegrityError("ciphertext is truncated (shorter than its header and tag)");
  }
  const version = bytes[0];
  if (version !== CIPHERTEXT_VERSION) {
    throw new IntegrityError(`unknown ciphertext version ${String(version)} (expected ${CIPHERTEXT_VERSION})`);
  }
  const nonce = bytes.subarray(1, HEADER_BYTES);
  const tag = bytes.subarray(bytes.length - TAG_BYTES);
  const body = bytes.subarray(HEADER_BYTES, bytes.length - TAG_BYTES);
  const decipher = createDecipheriv(ALGORITHM, key, nonce, { authTagLength: TAG_BYTES });
  decipher.setAAD(toBytes(aad));
  decipher.setAuthTag(tag);
  const plaintext = decipher.update(body);
  try {
    return Buffer.concat([plaintext, decipher.final()]);
  } catch (error) {
    plaintext.fill(0);
    throw new IntegrityError("ciphertext failed authentication: tampered with, or the wrong key or context", {
      cause: error,
    });
  }
}

/** Same as decrypt(), as UTF-8 text. */
export function decryptText(key: Bytes, ciphertext: Bytes, aad: Bytes | string): string {
  return decrypt(key, ciphertext, aad).toString("utf8");
}

// Documents use the same format; their AAD is domain-separated so a field ciphertext can never be
// passed off as a document or the other way round.
const documentAad = (aad: Bytes | string): Buffer => Buffer.concat([Buffer.from("hotpot/document\0"), toBytes(aad)]);

/** Encrypts a (possibly large) document buffer: one GCM pass, the same versioned layout. */
export function encryptDocument(key: Bytes, document: Bytes, aad: Bytes | string): Buffer {
  return encrypt(key, document, documentAad(aad));
}

export function decryptDocument(key: Bytes, ciphertext: Bytes, aad: Bytes | string): Buffer {
  return decrypt(key, ciphertext, documentAad(aad));
}
