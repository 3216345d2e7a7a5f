export type { Address, Eip1193Provider, Hex, KeyBackupMeta, KeyContext, LockedUserKey, UserKey } from "./types";
export { keySetupMessage, DEFAULT_APP_NAME, DEFAULT_DOMAIN } from "./keySetupMessage";
export { createUserKey, type CreateUserKeyOptions, type CreateUserKeyStage } from "./createUserKey";
export { lockUserKey, type LockUserKeyOptions, type LockUserKeyStage } from "./lockUserKey";
export { unlockUserKey } from "./unlockUserKey";
export {
  createKeyBackup,
  restoreKeyBackup,
  keyBackupHash,
  DEFAULT_SCRYPT,
  MIN_PASSPHRASE_LENGTH,
  type CreateKeyBackupOptions,
  type RestoreKeyBackupOptions,
  type ScryptParams,
} from "./keyBackup";
export { generateUserKey, publicKeyOf } from "./userKeyPair";
