import { bytesToHex, hexToBytes, type Address, type Hex } from "viem";
import type { UserKey } from "@lib/keys";

/**
 * Keeps this tab's unlocked key across a page reload without a new wallet signature, and never in
 * readable form at rest.
 *
 * Threat model. The key is wrapped (AES-256-GCM) under a wrapping key made by WebCrypto as
 * NON-EXTRACTABLE: no script, ours included, can read its bytes; it can only be used, by this
 * origin, through crypto.subtle. The wrapping key lives in IndexedDB, the ciphertext in this tab's
 * sessionStorage: neither alone opens anything, and the ciphertext ends with the tab. The
 * ciphertext is bound (GCM additional data) to the chain, the EhrCore contract and the account,
 * so it opens only for the same user of the same system. It is dropped, with its wrapping key,
 * on lock, on idle timeout (the last activity is kept with it, useIdleTimer.ts), on sign-out,
 * on an account or network change, and after KEPT_HOURS at most.
 * What it does not defend against: code running in this origin while the tab is open (an XSS)
 * could use the wrapping key, as it could read the key from memory anyway; someone with the
 * user's unlocked computer and browser profile inside the idle window, as with the open tab.
 * It does keep the key out of anything a copy of the disk or of storage shows in clear.
 */

/** Binds a kept key to one user of one system. */
export interface KeyBinding {
  chainId: number;
  /** The EhrCore address. */
  contract: Address;
  address: Address;
}

const DB_NAME = "ehr-session";
const STORE = "wrapping-keys";
const ENTRY = "ehr:session-key:v1";
/** A kept key is dropped after this, whatever the activity (the service session lasts as long). */
export const KEPT_HOURS = 12;

interface KeptEntry {
  id: string;
  chainId: number;
  contract: string;
  address: string;
  iv: Hex;
  ciphertext: Hex;
  /** Epoch ms. */
  expiresAt: number;
}

interface WrappingKeyRecord {
  id: string;
  key: CryptoKey;
  expiresAt: number;
}

function additionalData(b: KeyBinding): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(
    `ehr-session-key:v1:${b.chainId}:${b.contract.toLowerCase()}:${b.address.toLowerCase()}`,
  );
}

/** Hex to bytes over a plain ArrayBuffer (what WebCrypto takes). */
function bytes(hex: Hex): Uint8Array<ArrayBuffer> {
  return new Uint8Array(hexToBytes(hex));
}

function sameBinding(entry: KeptEntry, b: KeyBinding): boolean {
  return (
    entry.chainId === b.chainId &&
    entry.contract.toLowerCase() === b.contract.toLowerCase() &&
    entry.address.toLowerCase() === b.address.toLowerCase()
  );
}

function openDb(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: "id" });
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error("IndexedDB is unavailable"));
  });
}

/** Runs `body` in one transaction of the wrapping-key store; resolves when it commits. */
async function withStore<T>(mode: IDBTransactionMode, body: (store: IDBObjectStore) => IDBRequest<T> | void) {
  const db = await openDb();
  try {
    return await new Promise<T | undefined>((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const request = body(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(request ? request.result : undefined);
      tx.onerror = () => reject(tx.error ?? new Error("IndexedDB transaction failed"));
      tx.onabort = () => reject(tx.error ?? new Error("IndexedDB transaction aborted"));
    });
  } finally {
    db.close();
  }
}

function readEntry(): KeptEntry | undefined {
  try {
    const raw = sessionStorage.getItem(ENTRY);
    return raw ? (JSON.parse(raw) as KeptEntry) : undefined;
  } catch {
    return undefined;
  }
}

/** Deletes wrapping keys past their time (those of closed tabs, whose ciphertext is gone). */
async function sweep(now: number): Promise<void> {
  const all = (await withStore<WrappingKeyRecord[]>("readonly", (s) => s.getAll())) ?? [];
  const stale = all.filter((r) => !(r.expiresAt > now));
  if (stale.length) await withStore("readwrite", (s) => void stale.forEach((r) => s.delete(r.id)));
}

/** Wraps `key` for this tab; a failure (no IndexedDB, private mode) only means the next reload asks again. */
export async function keepSessionKey(key: UserKey, binding: KeyBinding): Promise<void> {
  await forgetSessionKey();
  const now = Date.now();
  const expiresAt = now + KEPT_HOURS * 3600_000;
  const wrappingKey = await crypto.subtle.generateKey({ name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"]);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const plaintext = new TextEncoder().encode(JSON.stringify({ privateKey: key.privateKey, publicKey: key.publicKey }));
  const ciphertext = new Uint8Array(
    await crypto.subtle.encrypt(
      { name: "AES-GCM", iv, additionalData: additionalData(binding) },
      wrappingKey,
      plaintext,
    ),
  );
  plaintext.fill(0);
  const id = crypto.randomUUID();
  await withStore("readwrite", (s) => s.put({ id, key: wrappingKey, expiresAt } satisfies WrappingKeyRecord));
  const entry: KeptEntry = {
    id,
    chainId: binding.chainId,
    contract: binding.contract,
    address: binding.address,
    iv: bytesToHex(iv),
    ciphertext: bytesToHex(ciphertext),
    expiresAt,
  };
  sessionStorage.setItem(ENTRY, JSON.stringify(entry));
  await sweep(now).catch(() => undefined);
}

/**
 * The key this tab kept for `binding`, or undefined. A kept key of another binding (another
 * account, chain or contract), an expired one or one that does not open is deleted.
 */
export async function restoreSessionKey(binding: KeyBinding): Promise<UserKey | undefined> {
  const entry = readEntry();
  if (!entry) return undefined;
  const now = Date.now();
  if (!sameBinding(entry, binding) || !(entry.expiresAt > now)) {
    await forgetSessionKey();
    return undefined;
  }
  try {
    const record = await withStore<WrappingKeyRecord | undefined>("readonly", (s) => s.get(entry.id));
    if (!record || !(record.expiresAt > now)) throw new Error("no wrapping key");
    const plaintext = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: bytes(entry.iv), additionalData: additionalData(binding) },
      record.key,
      bytes(entry.ciphertext),
    );
    const parsed = JSON.parse(new TextDecoder().decode(plaintext)) as { privateKey: Hex; publicKey: Hex };
    new Uint8Array(plaintext).fill(0);
    return { privateKey: parsed.privateKey, publicKey: parsed.publicKey };
  } catch {
    await forgetSessionKey();
    return undefined;
  }
}

/** Whether this tab holds a kept key (for anyone). */
export function hasSessionKey(): boolean {
  return readEntry() !== undefined;
}

/** Drops this tab's kept key and its wrapping key. */
export async function forgetSessionKey(): Promise<void> {
  const entry = readEntry();
  sessionStorage.removeItem(ENTRY);
  if (entry) await withStore("readwrite", (s) => void s.delete(entry.id)).catch(() => undefined);
}
