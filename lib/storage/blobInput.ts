import { concatBytes, equalBytes, fromHex, sha256 } from "../bytes";
import { FormatError, IntegrityError } from "../errors";
import type { Hex } from "viem";

/**
 * What every BlobStore checks before storing anything: bytes, a well-formed declared hash, and that
 * the bytes hash to it (IntegrityError otherwise: nothing may be stored). Returns the digest.
 * `digest`: the SHA-256 to use (the service passes one that hashes small blobs on the spot).
 */
export async function checkDeclaredHash(
  bytes: Uint8Array,
  declaredHash: Hex,
  digestOf: (bytes: Uint8Array) => Uint8Array | Promise<Uint8Array> = sha256,
): Promise<Uint8Array> {
  if (!(bytes instanceof Uint8Array)) throw new FormatError("Only bytes can be stored.");
  if (typeof declaredHash !== "string" || !/^0x[0-9a-fA-F]{64}$/.test(declaredHash)) {
    throw new FormatError("The declared hash is not valid.", { details: "expected 0x and 32 bytes of hex" });
  }
  const digest = await digestOf(bytes);
  if (!equalBytes(digest, fromHex(declaredHash))) {
    throw new IntegrityError("The file does not match its declared hash; nothing was stored.");
  }
  return digest;
}

/** All chunks of a stream in one buffer (no copy when there is one chunk). */
export async function collectBytes(chunks: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const chunk of chunks) parts.push(chunk);
  return parts.length === 1 ? parts[0] : concatBytes(...parts);
}
