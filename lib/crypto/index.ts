export {
  CIPHERTEXT_VERSION,
  IntegrityError,
  KEY_BYTES,
  decrypt,
  decryptDocument,
  decryptText,
  encrypt,
  encryptDocument,
  generateKey,
} from "./envelope.ts";
export { UnknownMasterKeyError, createKeyring, keyringFromEnv, type Keyring, type WrappedKey } from "./keyring.ts";
export {
  blindIndexKeyFromEnv,
  deriveKeyId,
  masterKeysFromEnv,
  parseKeyBytes,
  parseMasterKey,
  type MasterKey,
  type MasterKeySet,
} from "./master-keys.ts";
export {
  InvalidLookupValueError,
  blindIndex,
  emailIndex,
  normaliseEmail,
  normalisePhone,
  phoneIndex,
  type BlindIndexKind,
} from "./blind-index.ts";
export { ensureLocalKeys, type LocalKeyVariable, type LocalKeys } from "./local-keys.ts";
