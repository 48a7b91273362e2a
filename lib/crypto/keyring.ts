/**
 * The keyring: master keys (current + previous) that wrap each person's data key.
 *
 * A data key is wrapped with AES-256-GCM under the current master key; the AAD binds the person's
 * id and the master key's id, so a wrapped key moved to another person (or relabelled with another
 * key id) does not unwrap. Unwrapping accepts any key in the ring, which is what lets
 * `rotateDataKeys` move everything to a new master key while the old one is still configured.
 */
import { ConfigError, HotPotError } from "../errors.ts";
import { decrypt, encrypt, generateKey } from "./envelope.ts";
import { masterKeysFromEnv, type MasterKey, type MasterKeySet } from "./master-keys.ts";

/** A wrapped data key names a master key this process does not have. */
export class UnknownMasterKeyError extends HotPotError {
  override readonly name = "UnknownMasterKeyError";
  readonly keyId: string;
  constructor(keyId: string) {
    super(
      `data key is wrapped under master key "${keyId}", which is neither ENCRYPTION_KEY nor in ENCRYPTION_PREVIOUS_KEYS`,
    );
    this.keyId = keyId;
  }
}

export interface WrappedKey {
  readonly masterKeyId: string;
  readonly wrappedKey: Buffer;
}

export interface Keyring {
  readonly currentKeyId: string;
  /** Every id this keyring can unwrap, the current one first. */
  readonly keyIds: readonly string[];
  hasKey(keyId: string): boolean;
  /** A new random AES-256 data key. */
  newDataKey(): Buffer;
  /** Wraps `dataKey` for `userId` under the current master key. */
  wrap(userId: string, dataKey: Uint8Array): WrappedKey;
  /** The data key; UnknownMasterKeyError or IntegrityError when it cannot be unwrapped. */
  unwrap(userId: string, wrapped: WrappedKey): Buffer;
}

const wrapAad = (userId: string, keyId: string): string => `hotpot/data-key/v1\0${userId}\0${keyId}`;

export function createKeyring(keys: MasterKeySet): Keyring {
  const byId = new Map<string, MasterKey>();
  for (const key of [keys.current, ...keys.previous]) {
    if (!byId.has(key.id)) byId.set(key.id, key);
  }
  const current = keys.current;
  return {
    currentKeyId: current.id,
    keyIds: [...byId.keys()],
    hasKey: (keyId) => byId.has(keyId),
    newDataKey: generateKey,
    wrap(userId, dataKey) {
      return { masterKeyId: current.id, wrappedKey: encrypt(current.key, dataKey, wrapAad(userId, current.id)) };
    },
    unwrap(userId, wrapped) {
      const master = byId.get(wrapped.masterKeyId);
      if (master === undefined) throw new UnknownMasterKeyError(wrapped.masterKeyId);
      return decrypt(master.key, wrapped.wrappedKey, wrapAad(userId, master.id));
    },
  };
}

/** The keyring ENCRYPTION_KEY / ENCRYPTION_PREVIOUS_KEYS describe; a ConfigError when unset. */
export function keyringFromEnv(env: Readonly<Record<string, string | undefined>>): Keyring {
  const keys = masterKeysFromEnv(env);
  if (keys === undefined) {
    throw new ConfigError(
      "ENCRYPTION_KEY is not set: personal data cannot be encrypted (32 bytes in base64, optionally id:base64)",
    );
  }
  return createKeyring(keys);
}
