import { chmod, mkdir, readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { generateUserKey, keyPairMatches } from "../../lib/keys/userKeyPair";
import type { Hex } from "../../lib/crypto/identity";
import { FormatError } from "../../lib/errors";

/** The emergency custodian's keypair (secp256k1, the same kind as a user's encryption key). */
export interface CustodianKey {
  /** Never logged, never in a response. */
  privateKey: Hex;
  /** 64 bytes x || y: what `setCustodianKey` publishes. */
  publicKey: Hex;
  /** Where it is kept (owner-only). */
  file: string;
}

/**
 * Loads the custodian keypair from `file`, or makes one on first start and writes it with mode 0600
 * in a 0700 folder. A file readable by others is tightened, a malformed one refused (the service
 * would otherwise silently make a new key and strand every emergency key wrapped to the old one).
 * In production this key belongs in a KMS or HSM (README, "Emergency custodian").
 */
export async function loadOrCreateCustodianKey(file: string): Promise<CustodianKey> {
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  let text: string | undefined;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as { code?: string }).code !== "ENOENT") throw error;
  }
  if (text === undefined) {
    const key = generateUserKey();
    try {
      await writeFile(file, JSON.stringify({ version: 1, ...key }), { mode: 0o600, flag: "wx" });
    } catch (error) {
      if ((error as { code?: string }).code !== "EEXIST") throw error;
      return loadOrCreateCustodianKey(file);
    }
    return { ...key, file };
  }
  if (((await stat(file)).mode & 0o077) !== 0) await chmod(file, 0o600);
  let parsed: { version?: number; privateKey?: Hex; publicKey?: Hex };
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = {};
  }
  const key = { privateKey: parsed.privateKey as Hex, publicKey: parsed.publicKey as Hex };
  if (parsed.version !== 1 || !keyPairMatches(key)) {
    throw new FormatError("The emergency custodian key file is damaged; restore it from backup.", { details: file });
  }
  return { ...key, file };
}
