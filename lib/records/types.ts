import type { PublicClient, WalletClient } from "viem";
import type { Address } from "viem";
import type { BlobStore, KeyVault } from "../storage/types";

/** The steps a record flow reports, in the order they happen. */
export type FlowStage =
  | "encrypt"
  | "upload"
  | "awaiting-signature"
  | "pending"
  | "confirmed"
  | "download"
  | "verify"
  | "decrypt"
  | "access-log"
  | "rewrap";

export interface FlowProgress {
  stage: FlowStage;
  /** A short, non-sensitive note (a transaction hash, "record 2 of 5"); never content or keys. */
  detail?: string;
}

/** What every record flow runs over. The wallet's account is the acting user. */
export interface FlowContext {
  publicClient: PublicClient;
  walletClient: WalletClient;
  /** The EhrCore address. */
  core: Address;
  storage: BlobStore;
  vault: KeyVault;
  /**
   * Told each stage as it starts. A flow awaits what it returns before going on, so a UI can
   * return a promise that resolves once the stage is painted (long synchronous work, such as
   * decryption, would otherwise keep a stage from ever showing).
   */
  onProgress?: (progress: FlowProgress) => unknown;
}

/** Why a read was allowed: the patient's own record, a consent grant, or an emergency window. */
export type ReadBasis = "Patient" | "Grant" | "Emergency";
