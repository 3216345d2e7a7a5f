import type { RecordPart } from "../crypto/identity";
import type { Address, Hex } from "viem";

/**
 * Where encrypted envelopes live (IPFS through Helia on disk, later the storage service's HTTP API).
 * Only ciphertext ever reaches a BlobStore.
 */
export interface BlobStore {
  /**
   * Stores `bytes` after checking that their SHA-256 is `declaredHash` (IntegrityError otherwise,
   * and nothing is stored). Resolves once the bytes are durably stored and pinned.
   */
  put(bytes: Uint8Array, declaredHash: Hex): Promise<{ cid: string }>;
  /** The bytes under `cid`, re-hashed: StorageError when absent, IntegrityError when corrupt. */
  get(cid: string): Promise<Uint8Array>;
}

/** The first block of a blob (offchain-api/storage/blobLayout.ts `readFirstLeaf`), checked against its CID. */
export interface BlobStart {
  /** The whole blob when it is one raw block, else the first leaf of its DAG (at most 1 MiB). */
  bytes: Uint8Array;
  /** Whether `bytes` is the whole blob (no second read needed to serve it). */
  whole: boolean;
}

/** What a store the service runs on adds: reads that stop at the first block, and removal. */
export interface ManagedBlobStore extends BlobStore {
  /** As BlobStore.put; `alreadyStored` says the blob was stored and pinned here before this call. */
  put(bytes: Uint8Array, declaredHash: Hex): Promise<{ cid: string; alreadyStored: boolean }>;
  /**
   * The blob's first block only, so that who may read it is decided from its header before the
   * rest is read: the same cost for 1 KB and 50 MB. StorageError when absent.
   */
  readStart(cid: string): Promise<BlobStart>;
  /** Unpins the blob and frees the blocks no other pinned blob uses; nothing when it is not stored. */
  remove(cid: string): Promise<void>;
  /**
   * Whether the bytes whose SHA-256 is `sha256` are known, from memory and without I/O, to be
   * stored and pinned here (false when not known). Optional: a store that cannot say cheaply
   * leaves it out.
   */
  holds?(sha256: Hex): boolean;
}

/** A data key wrapped (lib/crypto/keyWrap.ts) to one reader for one record part. */
export interface WrappedKeyEntry {
  chainId: number;
  contract: Address;
  patient: Address;
  recordId: Hex;
  part: RecordPart;
  reader: Address;
  /**
   * The SHA-256 of the envelope this key opens (the record's `envelopeHash`, or `summaryHash` for
   * the summary): binds the entry to the on-chain record, so an access logged for one record
   * cannot release the key of another.
   */
  envelopeHash: Hex;
  wrapped: string;
}

/** A reader asks for their wrapped key of one record part. */
export interface KeyRequest {
  patient: Address;
  /** The record's index in the patient's on-chain list. */
  recordIndex: number;
  /** From the envelope header (the envelope is fetched through the record's CID). */
  recordId: Hex;
  part: RecordPart;
  reader: Address;
  /** The mined `logAccess` transaction; required unless the reader is the patient. */
  accessTx?: Hex;
}

/** Holds wrapped keys and releases them only under the on-chain access rules. */
export interface KeyVault {
  storeWrappedKeys(entries: WrappedKeyEntry[]): Promise<void>;
  /** The wrapped key, or AccessDeniedError (not allowed) / StorageError (no key for this reader). */
  fetchWrappedKey(request: KeyRequest): Promise<string>;
  /**
   * The envelope hashes of `patient`'s record parts whose key is held for `reader` (only the
   * patient may ask): how the patient's app finds records a granted doctor cannot open yet.
   */
  heldEnvelopeHashes?(patient: Address, reader: Address): Promise<Hex[]>;
}
