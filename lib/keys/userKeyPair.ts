import { privateKeyToAccount } from "viem/accounts";
import { fromHex, randomBytes, toHex } from "../bytes";
import type { Hex, UserKey } from "./types";

/** The order of secp256k1's group: a private key is an integer in [1, n - 1]. */
export const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

/** Whether `bytes` is a valid secp256k1 private key (32 bytes, 1 <= k < n). */
export function isValidPrivateKey(bytes: Uint8Array): boolean {
  if (bytes.length !== 32) return false;
  const k = BigInt(toHex(bytes));
  return k > 0n && k < SECP256K1_N;
}

/** The 64-byte public key (x || y, no 04 prefix) of a valid private key, lowercase hex. */
export function publicKeyOf(privateKey: Hex): Hex {
  // viem's account derives the uncompressed point (0x04 || x || y) with @noble/curves.
  return `0x${privateKeyToAccount(privateKey).publicKey.slice(4).toLowerCase()}`;
}

/** A fresh random keypair: 32 bytes from WebCrypto's CSPRNG, redrawn in the (2^-128) case it is out of range. */
export function generateUserKey(): UserKey {
  for (;;) {
    const bytes = randomBytes(32);
    if (!isValidPrivateKey(bytes)) continue;
    const privateKey = toHex(bytes);
    bytes.fill(0);
    return { privateKey, publicKey: publicKeyOf(privateKey) };
  }
}

/** Whether `key.publicKey` is the public key of `key.privateKey` (both well-formed). */
export function keyPairMatches(key: UserKey): boolean {
  try {
    if (!/^0x[0-9a-fA-F]{64}$/.test(key.privateKey) || !/^0x[0-9a-fA-F]{128}$/.test(key.publicKey)) return false;
    if (!isValidPrivateKey(fromHex(key.privateKey))) return false;
    return publicKeyOf(key.privateKey) === key.publicKey.toLowerCase();
  } catch {
    return false;
  }
}
