import { createHash } from "node:crypto";
import { sha256 } from "../../lib/bytes";

/**
 * Blocks up to this size are hashed on the spot (a 64 KiB SHA-256 is tens of microseconds), larger
 * ones off the event loop (WebCrypto's digest runs on the thread pool): a 1 KB download no longer
 * waits for a thread-pool turn to hash its block, nor a 1 KB upload to check its declared hash.
 */
const HASH_ON_THE_SPOT_BYTES = 64 * 1024;

/** The SHA-256 of `bytes`: on the spot when small, on the thread pool otherwise. */
export function digestOf(bytes: Uint8Array): Uint8Array | Promise<Uint8Array> {
  return bytes.length <= HASH_ON_THE_SPOT_BYTES ? createHash("sha256").update(bytes).digest() : sha256(bytes);
}
