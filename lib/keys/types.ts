import type { Address, Hex } from "viem";

export type { Address, Hex };

/** The one wallet call this module needs (EIP-1193: MetaMask's `window.ethereum`, viem, ethers). */
export interface Eip1193Provider {
  request(args: { method: string; params?: readonly unknown[] | object }): Promise<unknown>;
}

/** Where a user's key lives: the chain, the EhrCore contract it is registered with, and the wallet. */
export interface KeyContext {
  chainId: number;
  /** The EhrCore address. */
  contract: Address;
  /** The user's wallet address. */
  address: Address;
  /** Shown in the message the wallet signs. @default "Patient EHR" */
  appName?: string;
  /** The dApp's host (e.g. "ehr.example-hospital.org"), shown and bound in the message. @default "localhost" */
  domain?: string;
}

/** A user's encryption keypair. Never log it, never send the private key anywhere. */
export interface UserKey {
  privateKey: Hex;
  /** 64 bytes x || y, no 04 prefix: what EhrCore.registerPatient / setEncryptionKey take. */
  publicKey: Hex;
}

/**
 * A user's private key encrypted under a key derived from a wallet signature. JSON-safe; storing it
 * anywhere (localStorage, the storage service) reveals nothing without that wallet's signature.
 */
export interface LockedUserKey {
  version: 1;
  /** Checksummed. */
  address: Address;
  chainId: number;
  /** The EhrCore address, checksummed. */
  contract: Address;
  /** Lowercase host named in the signed message. */
  domain: string;
  /** 32 bytes: named in the signed message and the HKDF salt. */
  salt: Hex;
  /** 12 bytes, AES-GCM. */
  iv: Hex;
  /** 48 bytes: the encrypted 32-byte private key and the 16-byte GCM tag. */
  ciphertext: Hex;
  /** 64 bytes x || y. */
  publicKey: Hex;
  /** The app name named in the signed message. @default "Patient EHR" when absent */
  appName?: string;
}

/** Who a key backup belongs to; stored in clear in the file and authenticated with it. */
export interface KeyBackupMeta {
  address: Address;
  chainId: number;
  contract: Address;
  /** ISO 8601 date-time. */
  createdAt: string;
}
