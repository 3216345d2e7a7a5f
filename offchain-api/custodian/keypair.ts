import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { chmod, mkdir, readFile, rename, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { generateUserKey, keyPairMatches } from "../../lib/keys/userKeyPair";
import type { Hex } from "viem";
import { FormatError } from "../../lib/errors";

/** The emergency custodian's keypair (secp256k1, the same kind as a user's encryption key). */
export interface CustodianKey {
  /** Never logged, never in a response. */
  privateKey: Hex;
  /** 64 bytes x || y: what `setCustodianKey` publishes. */
  publicKey: Hex;
  /** Where it is kept (owner-only). */
  file: string;
  /** Whether the file holds the private key encrypted under a key-encryption key (version 2). */
  encrypted: boolean;
}

/** The key-encryption key: 32 bytes from outside the data folder (`EHR_CUSTODIAN_KEK` or `_FILE`). */
export type CustodianKek = Uint8Array;

/** Version 1: the private key in clear (before keys were encrypted at rest). */
interface PlainFile {
  version: 1;
  privateKey: Hex;
  publicKey: Hex;
}

/** Version 2: AES-256-GCM of the 32-byte private key under the KEK, bound to the public key. */
interface EncryptedFile {
  version: 2;
  publicKey: Hex;
  algorithm: "AES-256-GCM";
  iv: string;
  ciphertext: string;
  tag: string;
}

/** The additional data: a ciphertext moved next to another public key does not decrypt. */
const aad = (publicKey: Hex) => Buffer.from(`ehr-custodian-key/2:${publicKey.toLowerCase()}`, "utf8");

/**
 * Reads a key-encryption key given as 64 hex digits or base64 of 32 bytes (text, trimmed), or as
 * 32 raw bytes (a file). Errors name the source, never the value.
 */
export function parseKek(value: string | Uint8Array, source: string): CustodianKek {
  if (typeof value !== "string" && value.length === 32) return Uint8Array.from(value);
  const text = (typeof value === "string" ? value : Buffer.from(value).toString("utf8")).trim();
  const bytes = /^(0x)?[0-9a-fA-F]{64}$/.test(text)
    ? Buffer.from(text.replace(/^0x/, ""), "hex")
    : /^[A-Za-z0-9+/_-]{43}=?$/.test(text)
      ? Buffer.from(text, "base64")
      : undefined;
  if (bytes?.length !== 32) {
    throw new FormatError(`${source} must hold a 32-byte key: 64 hex digits or its base64.`);
  }
  return Uint8Array.from(bytes);
}

/** Reads the KEK file (it should be owner-only and outside the data folder). */
export async function readKekFile(file: string): Promise<CustodianKek> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch {
    throw new FormatError("The custodian key-encryption key file (EHR_CUSTODIAN_KEK_FILE) could not be read.", {
      details: file,
    });
  }
  return parseKek(bytes, "EHR_CUSTODIAN_KEK_FILE");
}

function encrypt(key: { privateKey: Hex; publicKey: Hex }, kek: CustodianKek): EncryptedFile {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", kek, iv);
  cipher.setAAD(aad(key.publicKey));
  const ciphertext = Buffer.concat([cipher.update(Buffer.from(key.privateKey.slice(2), "hex")), cipher.final()]);
  return {
    version: 2,
    publicKey: key.publicKey,
    algorithm: "AES-256-GCM",
    iv: iv.toString("base64"),
    ciphertext: ciphertext.toString("base64"),
    tag: cipher.getAuthTag().toString("base64"),
  };
}

function decrypt(file: EncryptedFile, kek: CustodianKek): Hex {
  try {
    const decipher = createDecipheriv("aes-256-gcm", kek, Buffer.from(file.iv, "base64"));
    decipher.setAAD(aad(file.publicKey));
    decipher.setAuthTag(Buffer.from(file.tag, "base64"));
    const bytes = Buffer.concat([decipher.update(Buffer.from(file.ciphertext, "base64")), decipher.final()]);
    return `0x${bytes.toString("hex")}` as Hex;
  } catch {
    // No detail: which byte failed says nothing useful and the message must not carry key material.
    throw new FormatError(
      "The emergency custodian key could not be decrypted: the key-encryption key (EHR_CUSTODIAN_KEK or EHR_CUSTODIAN_KEK_FILE) is not the one it was encrypted with.",
    );
  }
}

/** Replaces `file` whole (a crash leaves the old file or the new one, never half of one). */
async function writeAtomically(file: string, text: string): Promise<void> {
  const temporary = `${file}.${randomBytes(6).toString("hex")}.tmp`;
  await writeFile(temporary, text, { mode: 0o600, flag: "wx", flush: true });
  await rename(temporary, file);
}

/**
 * Loads the custodian keypair from `file`, or makes one on first start, mode 0600 in a 0700 folder.
 * With `kek` (from outside the data folder) the private key is kept encrypted (AES-256-GCM), and a
 * file still in clear from before is encrypted on this start; a wrong `kek` stops the service with
 * one sentence. Without one, an encrypted file cannot be opened (one sentence), and a new or clear
 * file stays in clear (development only: `npm start` always supplies one). A file readable by others
 * is tightened, a malformed one refused (the service would otherwise silently make a new key and
 * strand every emergency key wrapped to the old one). In production this key belongs in a KMS or
 * HSM (README, "Secrets at rest").
 */
export async function loadOrCreateCustodianKey(
  file: string,
  options: { kek?: CustodianKek } = {},
): Promise<CustodianKey> {
  const { kek } = options;
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  let text: string | undefined;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as { code?: string }).code !== "ENOENT") throw error;
  }
  if (text === undefined) {
    const key = generateUserKey();
    const stored: PlainFile | EncryptedFile = kek ? encrypt(key, kek) : { version: 1, ...key };
    try {
      await writeFile(file, JSON.stringify(stored), { mode: 0o600, flag: "wx", flush: true });
    } catch (error) {
      if ((error as { code?: string }).code !== "EEXIST") throw error;
      return loadOrCreateCustodianKey(file, options);
    }
    return { ...key, file, encrypted: Boolean(kek) };
  }
  if (((await stat(file)).mode & 0o077) !== 0) await chmod(file, 0o600);
  let parsed: Partial<PlainFile> | Partial<EncryptedFile>;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = {};
  }
  const damaged = () =>
    new FormatError("The emergency custodian key file is damaged; restore it from backup.", { details: file });
  if (parsed.version === 2) {
    const stored = parsed as EncryptedFile;
    if (typeof stored.iv !== "string" || typeof stored.ciphertext !== "string" || typeof stored.tag !== "string") {
      throw damaged();
    }
    if (!kek) {
      throw new FormatError(
        "The emergency custodian key is encrypted: supply its key-encryption key with EHR_CUSTODIAN_KEK_FILE or EHR_CUSTODIAN_KEK.",
      );
    }
    const key = { privateKey: decrypt(stored, kek), publicKey: stored.publicKey };
    if (!keyPairMatches(key)) throw damaged();
    return { ...key, file, encrypted: true };
  }
  const key = { privateKey: (parsed as PlainFile).privateKey, publicKey: (parsed as PlainFile).publicKey };
  if (parsed.version !== 1 || !keyPairMatches(key)) throw damaged();
  if (kek) {
    // The migration: the same keypair (the one on the chain), now encrypted.
    await writeAtomically(file, JSON.stringify(encrypt(key, kek)));
    return { ...key, file, encrypted: true };
  }
  return { ...key, file, encrypted: false };
}

/**
 * For `npm start` on one machine: the key-encryption key file at `file` (outside the data folder),
 * made on first use as 64 random hex digits, mode 0600 in a 0700 folder. Answers whether it was
 * made now (the caller says so once). A production service gets its key from the operator (README,
 * "Secrets at rest").
 */
export async function ensureLocalKekFile(file: string): Promise<boolean> {
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  try {
    await writeFile(file, `${randomBytes(32).toString("hex")}\n`, { mode: 0o600, flag: "wx", flush: true });
    return true;
  } catch (error) {
    if ((error as { code?: string }).code !== "EEXIST") throw error;
    if (((await stat(file)).mode & 0o077) !== 0) await chmod(file, 0o600);
    return false;
  }
}
