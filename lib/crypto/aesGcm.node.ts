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
/**
 * Up to this size, sealing streams the parts slice by slice into the envelope and opening takes one
 * update (its output is the plaintext buffer itself, nothing copied: 7.9 GB/s at 1 MB here, 4.9 GB/s
 * in slices). Above it, both copy their input into the new buffer first and en/decrypt there slice
 * by slice: a new 50 MB buffer written by OpenSSL is faulted in page by page between cipher calls
 * (open in one update: 164 MB/s at 50 MB here, against 269-293 MB/s copied first and in slices).
 */
const ONE_UPDATE_MAX = 4 << 20;

export const nodeAesGcmBackend: AesGcmBackend = {
  name: "node",
  streamsParts: true,
  async seal(key, iv, aad, parts, out) {
    checkSealOutput(parts, out);
    const cipher = createCipheriv("aes-256-gcm", key, iv, { authTagLength: AES_GCM_TAG_LENGTH });
    cipher.setAAD(aad);
    const length = parts.reduce((sum, part) => sum + part.length, 0);
    let written = 0;
    if (length > ONE_UPDATE_MAX) {
      // Large: the parts copied into the envelope first (one pass that faults its new pages in),
      // then encrypted there slice by slice, each output chunk written back while warm.
      for (const part of parts) {
        out.set(part, written);
        written += part.length;
      }
      for (let i = 0; i < length; i += SLICE) {
        out.set(cipher.update(out.subarray(i, Math.min(i + SLICE, length))), i);
      }
    } else {
      for (const part of parts) {
        for (let i = 0; i < part.length; i += SLICE) {
          // GCM outputs exactly as many bytes as it is given, so in place is safe slice by slice.
          const chunk = cipher.update(part.subarray(i, i + SLICE));
          out.set(chunk, written);
          written += chunk.length;
        }
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
    let plaintext: Uint8Array | undefined;
    try {
      const decipher = createDecipheriv("aes-256-gcm", key, iv, { authTagLength: AES_GCM_TAG_LENGTH });
      decipher.setAAD(aad);
      decipher.setAuthTag(ciphertextWithTag.subarray(length));
      if (length <= ONE_UPDATE_MAX) {
        plaintext = decipher.update(ciphertextWithTag.subarray(0, length));
      } else {
        const inPlace = new Uint8Array(length);
        plaintext = inPlace;
        inPlace.set(ciphertextWithTag.subarray(0, length));
        // GCM outputs exactly as many bytes as it is given, so in place is safe slice by slice.
        for (let i = 0; i < length; i += SLICE) inPlace.set(decipher.update(inPlace.subarray(i, i + SLICE)), i);
      }
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
