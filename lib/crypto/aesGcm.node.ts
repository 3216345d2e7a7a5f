/**
 * Node-only AES-256-GCM backend for envelopes: node:crypto (OpenSSL) instead of WebCrypto, which in
 * Node copies inputs and outputs and runs on the thread pool, about twice the cost for 1 MB.
 * Same bytes either way: envelopes sealed by one backend open with the other. Never import this
 * file from universal code: Node servers and scripts call `useNodeCrypto()` once at start.
 */
import { createCipheriv, createDecipheriv } from "node:crypto";
import { AES_GCM_TAG_LENGTH, checkSealOutput, decryptionFailed, setAesGcmBackend } from "./aesGcm";
import type { AesGcmBackend } from "./aesGcm";

/**
 * Sealing feeds inputs in slices of this size: each output chunk is copied into the envelope while
 * warm, and a 50 MB report does not need a second 50 MB buffer for its ciphertext. 64 KiB, not
 * 1 MiB: node:crypto hands back a new buffer per update, and a 1 MiB one is memory mapped afresh
 * each time (every page faulted in on first write; on the bench machine that made a 1 MB seal 3x
 * slower), where 64 KiB ones come from the allocator's warm heap (bench/results/crypto.md).
 */
const SLICE = 64 << 10;

export const nodeAesGcmBackend: AesGcmBackend = {
  name: "node",
  streamsParts: true,
  async seal(key, iv, aad, parts, out) {
    checkSealOutput(parts, out);
    const cipher = createCipheriv("aes-256-gcm", key, iv, { authTagLength: AES_GCM_TAG_LENGTH });
    cipher.setAAD(aad);
    let written = 0;
    for (const part of parts) {
      for (let i = 0; i < part.length; i += SLICE) {
        // GCM outputs exactly as many bytes as it is given, so in place is safe slice by slice.
        const chunk = cipher.update(part.subarray(i, i + SLICE));
        out.set(chunk, written);
        written += chunk.length;
      }
    }
    const last = cipher.final();
    out.set(last, written);
    written += last.length;
    out.set(cipher.getAuthTag(), written);
  },
  async open(key, iv, aad, ciphertextWithTag) {
    const length = ciphertextWithTag.length - AES_GCM_TAG_LENGTH;
    if (length < 0) throw decryptionFailed();
    let plaintext: Buffer | undefined;
    try {
      const decipher = createDecipheriv("aes-256-gcm", key, iv, { authTagLength: AES_GCM_TAG_LENGTH });
      decipher.setAAD(aad);
      decipher.setAuthTag(ciphertextWithTag.subarray(length));
      // One update: its output is the plaintext buffer itself, so nothing is copied.
      plaintext = decipher.update(ciphertextWithTag.subarray(0, length));
      decipher.final(); // throws when the tag does not match
    } catch (error) {
      plaintext?.fill(0); // drop the unauthenticated plaintext
      throw decryptionFailed(error);
    }
    // Hand back a plain Uint8Array (Buffer's slice() is a view, its equality differs), and never a
    // view into memory shared with other buffers (Node's pool): copy in that case.
    if (plaintext.byteOffset === 0 && plaintext.buffer.byteLength === plaintext.length) {
      return new Uint8Array(plaintext.buffer, 0, plaintext.length);
    }
    const copy = new Uint8Array(plaintext);
    plaintext.fill(0);
    return copy;
  },
};

/** Seal and open envelopes with node:crypto from now on (process-wide). */
export function useNodeCrypto(): void {
  setAesGcmBackend(nodeAesGcmBackend);
}
