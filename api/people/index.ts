export {
  GENESIS_HASH,
  accessLogHash,
  appendAccessLog,
  createAccessLog,
  listAccessLog,
  verifyAccessLog,
  AccessLogError,
  type AccessLog,
  type AccessLogEntry,
  type AccessLogRow,
  type VerifyResult,
} from "./access-log.ts";
export {
  EmailTakenError,
  InvalidPersonDataError,
  PersonDataError,
  PersonErasedError,
  PersonNotFoundError,
} from "./errors.ts";
export { rotateDataKeys, type RotationResult } from "./rotation.ts";
export {
  createPersonVault,
  type Actor,
  type PersonDetails,
  type PersonDetailsUpdate,
  type PersonVault,
  type PersonVaultOptions,
} from "./vault.ts";
