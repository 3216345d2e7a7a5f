import type { CreateUserKeyStage } from "@lib/keys";
import type { FlowStage } from "@lib/records/flows";

/** Every step long work reports: the record flows', key setup's, and the app's own. */
export type TaskStage =
  FlowStage | CreateUserKeyStage | "extract" | "summarize" | "backup" | "backup-upload" | "unlock" | "sign-in";

/** What each step is called on screen: what is happening, in the user's words. */
export const STAGE_LABELS: Record<TaskStage, string> = {
  encrypt: "Encrypting in your browser",
  upload: "Uploading the encrypted file",
  "awaiting-signature": "Confirm the transaction in your wallet",
  pending: "Waiting for the transaction to be recorded",
  confirmed: "Recorded on the chain",
  download: "Downloading",
  verify: "Checking it against the chain",
  decrypt: "Decrypting in your browser",
  "access-log": "Logging this access on the chain",
  rewrap: "Sharing the keys with the doctor",
  extract: "Reading the report's text",
  summarize: "Summarizing",
  "first-signature": "Sign the key message in your wallet (1 of 2)",
  "second-signature": "Sign it once more, to check your wallet (2 of 2)",
  encrypting: "Creating and locking your encryption key",
  backup: "Encrypting the backup file with your passphrase",
  "backup-upload": "Storing the encrypted backup",
  unlock: "Sign the key message in your wallet to unlock",
  "sign-in": "Sign the sign-in message in your wallet",
};

/** A transaction's steps, from the wallet's prompt to the block. */
export const WRITE_STAGES = ["awaiting-signature", "pending", "confirmed"] as const satisfies readonly TaskStage[];

/**
 * A doctor's read of a record (lib/records readRecord): the file fetched (the storage service serves
 * it or refuses) and checked, the access logged on the chain (a transaction), then decrypted.
 */
export const READ_STAGES: readonly TaskStage[] = ["download", "verify", "access-log", ...WRITE_STAGES, "decrypt"];

/**
 * A doctor's read of a patient's newest general details and every summary at once (lib/records
 * readPermittedCardParts): one transaction logs every read, then each part is fetched, checked and
 * decrypted.
 */
export const CARD_READ_STAGES: readonly TaskStage[] = [...WRITE_STAGES, "download", "verify", "decrypt"];
