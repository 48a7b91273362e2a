/**
 * Master keys and the blind-index key from the environment.
 *
 *   ENCRYPTION_KEY            the current master key: 32 bytes in base64 (or base64url), optionally
 *                             prefixed with an id, `id:base64`. Without an id, the id is derived
 *                             from the key (a domain-separated sha256, 16 hex digits), so the same
 *                             key always gets the same id.
 *   ENCRYPTION_PREVIOUS_KEYS  comma-separated keys in the same format, still accepted for
 *                             unwrapping while `npm run keys:rotate` moves data keys to the current one.
 *   BLIND_INDEX_KEY           32 bytes in base64: the HMAC key of the email/phone lookup indexes.
 *                             Separate from the master keys, so that rotating those changes no index.
 *
 * Errors name the variable (and the entry's position in a list), never the value.
 */
import { createHash } from "node:crypto";

import { ConfigError } from "../errors.ts";
import { KEY_BYTES } from "./envelope.ts";

export interface MasterKey {
  /** Recorded beside every wrapped data key (person_key.master_key_id). */
  readonly id: string;
  readonly key: Buffer;
}

export interface MasterKeySet {
  readonly current: MasterKey;
  readonly previous: readonly MasterKey[];
}

type Env = Readonly<Record<string, string | undefined>>;

const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;
const BASE64 = /^(?:[A-Za-z0-9+/]+={0,2}|[A-Za-z0-9_-]+)$/;

/** The id a key without an explicit one gets. Reveals nothing usable about a 256-bit random key. */
export function deriveKeyId(key: Uint8Array): string {
  return createHash("sha256").update("hotpot/master-key-id\0").update(key).digest("hex").slice(0, 16);
}

/** 32 bytes from base64/base64url; `what` names the setting in the error. */
export function parseKeyBytes(encoded: string, what: string): Buffer {
  const trimmed = encoded.trim();
  if (!BASE64.test(trimmed)) {
    throw new ConfigError(`${what} must be ${KEY_BYTES} bytes in base64; it contains other characters`);
  }
  const key = Buffer.from(trimmed, trimmed.includes("-") || trimmed.includes("_") ? "base64url" : "base64");
  if (key.length !== KEY_BYTES) {
    throw new ConfigError(
      `${what} must be ${KEY_BYTES} bytes in base64, got ${key.length} bytes ` +
        `(generate one with: node -e "console.log(require('crypto').randomBytes(32).toString('base64'))")`,
    );
  }
  return key;
}

/** `base64` or `id:base64`. */
export function parseMasterKey(value: string, what: string): MasterKey {
  const trimmed = value.trim();
  const colon = trimmed.indexOf(":");
  if (colon === -1) {
    const key = parseKeyBytes(trimmed, what);
    return { id: deriveKeyId(key), key };
  }
  const id = trimmed.slice(0, colon).trim();
  if (!KEY_ID.test(id)) {
    throw new ConfigError(`${what}: the key id before ":" must be 1-64 letters, digits, ".", "_" or "-"`);
  }
  return { id, key: parseKeyBytes(trimmed.slice(colon + 1), what) };
}

function optional(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === "" ? undefined : value;
}

/**
 * The master keys the environment names, or undefined when ENCRYPTION_KEY is unset (the caller
 * decides: a local default, or a ConfigError in production). ENCRYPTION_PREVIOUS_KEYS without
 * ENCRYPTION_KEY is an error.
 */
export function masterKeysFromEnv(env: Env): MasterKeySet | undefined {
  const currentRaw = optional(env, "ENCRYPTION_KEY");
  const previousRaw = optional(env, "ENCRYPTION_PREVIOUS_KEYS");
  if (currentRaw === undefined) {
    if (previousRaw !== undefined) {
      throw new ConfigError("ENCRYPTION_PREVIOUS_KEYS is set but ENCRYPTION_KEY is not: set the current key too");
    }
    return undefined;
  }
  const current = parseMasterKey(currentRaw, "ENCRYPTION_KEY");
  const previous: MasterKey[] = [];
  const seen = new Map<string, Buffer>([[current.id, current.key]]);
  const entries = (previousRaw ?? "").split(",").map((entry) => entry.trim());
  entries.forEach((entry, index) => {
    if (entry === "") return;
    const what = `ENCRYPTION_PREVIOUS_KEYS entry ${index + 1}`;
    const key = parseMasterKey(entry, what);
    const known = seen.get(key.id);
    if (known !== undefined) {
      if (!known.equals(key.key)) throw new ConfigError(`${what} reuses key id "${key.id}" for a different key`);
      return; // the same key twice (e.g. the current one left in the list): harmless
    }
    seen.set(key.id, key.key);
    previous.push(key);
  });
  return { current, previous };
}

/** BLIND_INDEX_KEY, or undefined when unset. */
export function blindIndexKeyFromEnv(env: Env): Buffer | undefined {
  const raw = optional(env, "BLIND_INDEX_KEY");
  return raw === undefined ? undefined : parseKeyBytes(raw, "BLIND_INDEX_KEY");
}
