import { getAddress, isAddress } from "viem";
import { utf8 } from "../bytes";
import { FormatError } from "../errors";
import type { Hex, LockedUserKey } from "./types";

/** HKDF-SHA256 info: names what the derived key is for, so it can serve nothing else. */
const HKDF_INFO = utf8("patient-ehr/locked-user-key/v1/aes-256-gcm");

/**
 * The AES-256-GCM key that locks a user's private key: HKDF-SHA256 over the wallet signature's key
 * material, salted with the key's random salt. Not extractable.
 */
export async function deriveLockingKey(signatureKeyMaterial: Uint8Array, salt: Uint8Array): Promise<CryptoKey> {
  const ikm = await crypto.subtle.importKey("raw", signatureKeyMaterial as BufferSource, "HKDF", false, ["deriveKey"]);
  return crypto.subtle.deriveKey(
    { name: "HKDF", hash: "SHA-256", salt: salt as BufferSource, info: HKDF_INFO as BufferSource },
    ikm,
    { name: "AES-GCM", length: 256 },
    false,
    ["encrypt", "decrypt"],
  );
}

/** The GCM associated data: format version, account, chain id, contract and public key. */
export function lockedKeyAssociatedData(
  locked: Pick<LockedUserKey, "version" | "address" | "chainId" | "contract" | "publicKey">,
): Uint8Array {
  return utf8(
    ["ehr-locked-user-key", locked.version, locked.address, locked.chainId, locked.contract, locked.publicKey]
      .map((part) => String(part).toLowerCase())
      .join("|"),
  );
}

function invalid(field: string, what: string): FormatError {
  return new FormatError("The stored encryption key is damaged or of a version this app does not know.", {
    details: `${field}: ${what}`,
  });
}

function hexField(value: unknown, field: string, length: number): Hex {
  if (typeof value !== "string" || !/^0x[0-9a-fA-F]*$/.test(value) || value.length !== 2 + 2 * length) {
    throw invalid(field, `expected 0x and ${length} bytes of hex`);
  }
  return value.toLowerCase() as Hex;
}

/**
 * Checks the shape of a stored {@link LockedUserKey} (parsed JSON of unknown origin) and returns it
 * in canonical form. Throws FormatError naming the first bad field; whether it opens is for the
 * signature and GCM to decide.
 */
export function parseLockedUserKey(value: unknown): LockedUserKey {
  if (typeof value !== "object" || value === null) throw invalid("locked key", "expected an object");
  const v = value as Record<string, unknown>;
  if (v.version !== 1) throw invalid("version", "expected 1");
  if (typeof v.address !== "string" || !isAddress(v.address, { strict: false }))
    throw invalid("address", "expected an address");
  if (typeof v.contract !== "string" || !isAddress(v.contract, { strict: false })) {
    throw invalid("contract", "expected an address");
  }
  if (!Number.isSafeInteger(v.chainId) || (v.chainId as number) <= 0)
    throw invalid("chainId", "expected a positive safe integer");
  if (typeof v.domain !== "string") throw invalid("domain", "expected a string");
  if (v.appName !== undefined && typeof v.appName !== "string") throw invalid("appName", "expected a string");
  const locked: LockedUserKey = {
    version: 1,
    address: getAddress(v.address),
    chainId: v.chainId as number,
    contract: getAddress(v.contract),
    domain: v.domain,
    salt: hexField(v.salt, "salt", 32),
    iv: hexField(v.iv, "iv", 12),
    ciphertext: hexField(v.ciphertext, "ciphertext", 48),
    publicKey: hexField(v.publicKey, "publicKey", 64),
  };
  if (v.appName !== undefined) locked.appName = v.appName as string;
  return locked;
}
