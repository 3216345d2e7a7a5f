import { scryptAsync } from "@noble/hashes/scrypt.js";
import { getAddress, isAddress } from "viem";
import { equalBytes, fromHex, fromUtf8, randomBytes, sha256, toHex, utf8 } from "../bytes";
import { FormatError, IntegrityError, KeyUnlockError, WeakPassphraseError } from "../errors";
import type { Hex, KeyBackupMeta, UserKey } from "./types";
import { isValidPrivateKey, keyPairMatches, publicKeyOf } from "./userKeyPair";

export const KEY_BACKUP_FORMAT = "ehr-key-backup";
export const KEY_BACKUP_VERSION = 1;
/** Passphrases shorter than this (in characters, after NFKC) are refused at creation. */
export const MIN_PASSPHRASE_LENGTH = 12;

export interface ScryptParams {
  /** CPU/memory cost, a power of two. */
  N: number;
  /** Block size. */
  r: number;
  /** Parallelism. */
  p: number;
}

/**
 * scrypt N = 2^17, r = 8, p = 1: 128 MiB of memory (128 * N * r bytes) for each create or restore,
 * and about 1 s of one core (measured: 0.9 s in headless Chromium, 1.5 to 2 s in Node 20 on a loaded
 * 2-core machine; `npm run bench:keys` writes bench/results/keys.json). Each passphrase guess costs an
 * attacker the same memory and time.
 */
export const DEFAULT_SCRYPT: Readonly<ScryptParams> = Object.freeze({ N: 2 ** 17, r: 8, p: 1 });

/** Refuse parameters that are too weak to mean anything, or that would exhaust a browser tab's memory. */
const MIN_SCRYPT_N = 2 ** 10;
const MAX_SCRYPT_N = 2 ** 20;
const MAX_SCRYPT_MEMORY = 2 ** 28;
/** A backup is a few hundred bytes; anything much larger is not one. */
const MAX_FILE_BYTES = 64 * 1024;

/** The JSON inside a backup file, version 1. */
interface KeyBackupFileV1 {
  format: typeof KEY_BACKUP_FORMAT;
  version: 1;
  kdf: { name: "scrypt"; N: number; r: number; p: number; salt: Hex };
  cipher: { name: "AES-256-GCM"; iv: Hex };
  ciphertext: Hex;
  publicKey: Hex;
  meta: KeyBackupMeta;
}

function malformed(details: string): FormatError {
  return new FormatError("This is not a key backup file this app can read, or it is damaged.", { details });
}

function checkScrypt(params: ScryptParams, fail: (details: string) => Error): ScryptParams {
  const { N, r, p } = params ?? ({} as ScryptParams);
  if (!Number.isSafeInteger(N) || N < MIN_SCRYPT_N || N > MAX_SCRYPT_N || (N & (N - 1)) !== 0) {
    throw fail(`scrypt N: expected a power of two from 2^10 to 2^20`);
  }
  if (!Number.isSafeInteger(r) || r < 1 || r > 32) throw fail("scrypt r: expected 1 to 32");
  if (!Number.isSafeInteger(p) || p < 1 || p > 16) throw fail("scrypt p: expected 1 to 16");
  if (128 * r * (N + p) > MAX_SCRYPT_MEMORY) throw fail("scrypt: more than 256 MiB of memory");
  return { N, r, p };
}

function checkMeta(meta: unknown, fail: (details: string) => Error): KeyBackupMeta {
  if (typeof meta !== "object" || meta === null) throw fail("meta: expected an object");
  const m = meta as Record<string, unknown>;
  if (typeof m.address !== "string" || !isAddress(m.address, { strict: false }))
    throw fail("meta.address: expected an address");
  if (typeof m.contract !== "string" || !isAddress(m.contract, { strict: false })) {
    throw fail("meta.contract: expected an address");
  }
  if (!Number.isSafeInteger(m.chainId) || (m.chainId as number) <= 0)
    throw fail("meta.chainId: expected a positive safe integer");
  if (typeof m.createdAt !== "string" || m.createdAt.length > 64 || Number.isNaN(Date.parse(m.createdAt))) {
    throw fail("meta.createdAt: expected an ISO 8601 date-time");
  }
  return {
    address: getAddress(m.address),
    chainId: m.chainId as number,
    contract: getAddress(m.contract),
    createdAt: m.createdAt,
  };
}

function hexField(value: unknown, field: string, length: number): Hex {
  if (typeof value !== "string" || !/^0x[0-9a-fA-F]*$/.test(value) || value.length !== 2 + 2 * length) {
    throw malformed(`${field}: expected 0x and ${length} bytes of hex`);
  }
  return value.toLowerCase() as Hex;
}

/** Every field but the ciphertext, in a fixed order: the GCM associated data. */
function associatedData(file: Omit<KeyBackupFileV1, "ciphertext">): Uint8Array {
  const { kdf, cipher, meta } = file;
  return utf8(
    JSON.stringify([
      file.format,
      file.version,
      kdf.name,
      kdf.N,
      kdf.r,
      kdf.p,
      kdf.salt.toLowerCase(),
      cipher.name,
      cipher.iv.toLowerCase(),
      file.publicKey.toLowerCase(),
      meta.address.toLowerCase(),
      meta.chainId,
      meta.contract.toLowerCase(),
      meta.createdAt,
    ]),
  );
}

async function passphraseKey(passphrase: string, salt: Uint8Array, params: ScryptParams): Promise<CryptoKey> {
  const secret = utf8(passphrase.normalize("NFKC"));
  const raw = await scryptAsync(secret, salt, {
    ...params,
    dkLen: 32,
    maxmem: MAX_SCRYPT_MEMORY + 1024,
  });
  secret.fill(0);
  try {
    return await crypto.subtle.importKey("raw", raw as BufferSource, "AES-GCM", false, ["encrypt", "decrypt"]);
  } finally {
    raw.fill(0);
  }
}

export interface CreateKeyBackupOptions {
  /**
   * scrypt cost. Lower it only in tests: anything under the default makes each passphrase guess cheaper.
   * @default DEFAULT_SCRYPT (N = 2^17, r = 8, p = 1)
   */
  scrypt?: ScryptParams;
}

/**
 * Encrypts `key` for a backup file the user keeps (download, print, password manager): the private key
 * under AES-256-GCM with a key derived by scrypt from the passphrase (NFKC-normalised, at least 12
 * characters). Every other field (format, scrypt parameters and salt, IV, public key, meta) is bound in
 * as associated data. Returns the file's bytes: UTF-8 JSON, versioned. Its {@link keyBackupHash} is the
 * `keyBackup` registered on-chain.
 *
 * Errors: WeakPassphraseError, FormatError (key pair that does not match, invalid meta or scrypt parameters).
 */
export async function createKeyBackup(
  key: UserKey,
  passphrase: string,
  meta: KeyBackupMeta,
  options: CreateKeyBackupOptions = {},
): Promise<Uint8Array> {
  if (typeof passphrase !== "string" || [...passphrase.normalize("NFKC")].length < MIN_PASSPHRASE_LENGTH) {
    throw new WeakPassphraseError(
      `Please choose a passphrase of at least ${MIN_PASSPHRASE_LENGTH} characters: it is all that protects your key backup.`,
    );
  }
  const invalid = (details: string) =>
    new FormatError("The key backup cannot be made from these details.", { details });
  if (typeof key !== "object" || key === null || !keyPairMatches(key)) {
    throw invalid("key: the private key and public key do not form a pair");
  }
  const scrypt = checkScrypt(options.scrypt ?? DEFAULT_SCRYPT, invalid);
  const header: Omit<KeyBackupFileV1, "ciphertext"> = {
    format: KEY_BACKUP_FORMAT,
    version: KEY_BACKUP_VERSION,
    kdf: { name: "scrypt", ...scrypt, salt: toHex(randomBytes(32)) },
    cipher: { name: "AES-256-GCM", iv: toHex(randomBytes(12)) },
    publicKey: key.publicKey.toLowerCase() as Hex,
    meta: checkMeta(meta, invalid),
  };
  const aesKey = await passphraseKey(passphrase, fromHex(header.kdf.salt), scrypt);
  const privateKeyBytes = fromHex(key.privateKey);
  const ciphertext = new Uint8Array(
    await crypto.subtle.encrypt(
      {
        name: "AES-GCM",
        iv: fromHex(header.cipher.iv) as BufferSource,
        additionalData: associatedData(header) as BufferSource,
      },
      aesKey,
      privateKeyBytes as BufferSource,
    ),
  );
  privateKeyBytes.fill(0);
  const file: KeyBackupFileV1 = { ...header, ciphertext: toHex(ciphertext) };
  return utf8(`${JSON.stringify(file, null, 2)}\n`);
}

/** Parses and checks a backup file's JSON; FormatError for anything malformed or of an unknown version. */
function parseKeyBackup(file: Uint8Array): KeyBackupFileV1 {
  if (!(file instanceof Uint8Array)) throw malformed("expected the file's bytes");
  if (file.length > MAX_FILE_BYTES) throw malformed("larger than any key backup");
  let json: unknown;
  try {
    json = JSON.parse(fromUtf8(file));
  } catch {
    throw malformed("not UTF-8 JSON");
  }
  if (typeof json !== "object" || json === null) throw malformed("expected a JSON object");
  const v = json as Record<string, unknown>;
  if (v.format !== KEY_BACKUP_FORMAT) throw malformed("format: expected ehr-key-backup");
  if (v.version !== KEY_BACKUP_VERSION) {
    if (typeof v.version === "number" && v.version > KEY_BACKUP_VERSION) {
      throw new FormatError(
        "This key backup was made by a newer version of the app; please update the app to restore it.",
        {
          details: `version ${v.version}`,
        },
      );
    }
    throw malformed("version: expected 1");
  }
  const kdf = v.kdf as Record<string, unknown> | null;
  if (typeof kdf !== "object" || kdf === null || kdf.name !== "scrypt") throw malformed("kdf: expected scrypt");
  const cipher = v.cipher as Record<string, unknown> | null;
  if (typeof cipher !== "object" || cipher === null || cipher.name !== "AES-256-GCM") {
    throw malformed("cipher: expected AES-256-GCM");
  }
  const scrypt = checkScrypt(kdf as unknown as ScryptParams, malformed);
  return {
    format: KEY_BACKUP_FORMAT,
    version: 1,
    kdf: { name: "scrypt", ...scrypt, salt: hexField(kdf.salt, "kdf.salt", 32) },
    cipher: { name: "AES-256-GCM", iv: hexField(cipher.iv, "cipher.iv", 12) },
    ciphertext: hexField(v.ciphertext, "ciphertext", 48),
    publicKey: hexField(v.publicKey, "publicKey", 64),
    meta: checkMeta(v.meta, malformed),
  };
}

/**
 * The clear `meta` of a backup file (whose it is, for which chain and EhrCore), checked like a
 * restore checks it but without the passphrase: for the storage service, which stores a backup only
 * for its owner. FormatError when it is not a backup file.
 */
export function readKeyBackupMeta(file: Uint8Array): KeyBackupMeta {
  return parseKeyBackup(file).meta;
}

export interface RestoreKeyBackupOptions {
  /** The `keyBackup` hash registered on-chain: when given, a file with another SHA-256 is refused (IntegrityError). */
  expectedHash?: Hex;
}

/**
 * Restores a key from a file made by {@link createKeyBackup}. Errors: FormatError (not a backup, damaged
 * JSON, unknown version), IntegrityError (not the file registered on-chain, with `expectedHash`),
 * KeyUnlockError (wrong passphrase, or a file whose fields were changed: GCM cannot tell them apart).
 */
export async function restoreKeyBackup(
  file: Uint8Array,
  passphrase: string,
  options: RestoreKeyBackupOptions = {},
): Promise<{ key: UserKey; meta: KeyBackupMeta }> {
  if (options.expectedHash !== undefined) {
    const expected = typeof options.expectedHash === "string" ? options.expectedHash.toLowerCase() : "";
    if (!(file instanceof Uint8Array) || (await keyBackupHash(file)) !== expected) {
      throw new IntegrityError("This key backup file is not the one registered for your account.", {
        details: "SHA-256 differs from the on-chain keyBackup",
      });
    }
  }
  const backup = parseKeyBackup(file);
  if (typeof passphrase !== "string")
    throw new KeyUnlockError("Cannot unlock this key backup: the passphrase is wrong.");
  const aesKey = await passphraseKey(passphrase, fromHex(backup.kdf.salt), backup.kdf);
  let privateKeyBytes: Uint8Array;
  try {
    privateKeyBytes = new Uint8Array(
      await crypto.subtle.decrypt(
        {
          name: "AES-GCM",
          iv: fromHex(backup.cipher.iv) as BufferSource,
          additionalData: associatedData(backup) as BufferSource,
        },
        aesKey,
        fromHex(backup.ciphertext) as BufferSource,
      ),
    );
  } catch (error) {
    throw new KeyUnlockError("Cannot unlock this key backup: the passphrase is wrong, or the file was changed.", {
      cause: error,
      details: "AES-GCM authentication failed",
    });
  }
  try {
    const privateKey = toHex(privateKeyBytes);
    if (
      !isValidPrivateKey(privateKeyBytes) ||
      !equalBytes(fromHex(publicKeyOf(privateKey)), fromHex(backup.publicKey))
    ) {
      throw new KeyUnlockError("Cannot unlock this key backup: the key inside does not match its public key.", {
        details: "decrypted private key does not match publicKey",
      });
    }
    return { key: { privateKey, publicKey: backup.publicKey }, meta: backup.meta };
  } finally {
    privateKeyBytes.fill(0);
  }
}

/** SHA-256 of the file's bytes: the bytes32 `keyBackup` registered on-chain (and its IPFS raw CID digest). */
export async function keyBackupHash(file: Uint8Array): Promise<Hex> {
  return toHex(await sha256(file));
}
