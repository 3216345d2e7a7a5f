import { IntegrityError } from "../errors";

/**
 * The AES-256-GCM step of envelopes (lib/crypto/envelope.ts), pluggable so Node can use
 * node:crypto (`useNodeCrypto()` in aesGcm.node.ts) while browsers keep WebCrypto, the default.
 * A backend only encrypts and decrypts: the envelope format, IVs and checks stay in envelope.ts,
 * so every backend writes and reads the same bytes. Tags are 16 bytes; keys 32.
 */
export interface AesGcmBackend {
  /** For benchmarks and logs: "webcrypto", "node". */
  readonly name: string;
  /**
   * true: `seal` encrypts each part in turn straight into `out`, so the caller need not first
   * copy the parts into one buffer. false: `seal` needs one contiguous input (it joins several),
   * so the caller should lay the plaintext out in `out`'s memory and pass it as one part.
   */
  readonly streamsParts: boolean;
  /**
   * Encrypt the concatenation of `parts` and write ciphertext || tag into `out`, which must be
   * exactly the parts' total length + 16. A part may lie in `out`'s memory only at the very
   * offset its ciphertext goes to (in place).
   */
  seal(key: Uint8Array, iv: Uint8Array, aad: Uint8Array, parts: Uint8Array[], out: Uint8Array): Promise<void>;
  /**
   * Decrypt ciphertext || tag into a new buffer (a plain Uint8Array owning its memory); rejects
   * with IntegrityError (see {@link decryptionFailed}) when it does not authenticate.
   */
  open(key: Uint8Array, iv: Uint8Array, aad: Uint8Array, ciphertextWithTag: Uint8Array): Promise<Uint8Array>;
}

export const AES_GCM_TAG_LENGTH = 16;

/** The one IntegrityError every backend gives when decryption fails (altered data or wrong key). */
export function decryptionFailed(cause?: unknown): IntegrityError {
  return new IntegrityError("This record cannot be decrypted: it was altered or the key is wrong.", { cause });
}

/** Throws a RangeError (a caller's bug, not bad data) unless `out` fits `parts` and a tag. */
export function checkSealOutput(parts: Uint8Array[], out: Uint8Array): void {
  const total = parts.reduce((sum, part) => sum + part.length, 0);
  if (out.length !== total + AES_GCM_TAG_LENGTH) {
    throw new RangeError(`AES-GCM output: expected ${total + AES_GCM_TAG_LENGTH} bytes, got ${out.length}`);
  }
}

function params(iv: Uint8Array, aad: Uint8Array): AesGcmParams {
  return { name: "AES-GCM", iv: iv as BufferSource, additionalData: aad as BufferSource, tagLength: 128 };
}

function importKey(key: Uint8Array, usage: "encrypt" | "decrypt"): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", key as BufferSource, { name: "AES-GCM" }, false, [usage]);
}

/** WebCrypto (`globalThis.crypto.subtle`): browsers and Node alike. */
export const webCryptoAesGcmBackend: AesGcmBackend = {
  name: "webcrypto",
  streamsParts: false,
  async seal(key, iv, aad, parts, out) {
    checkSealOutput(parts, out);
    let input: Uint8Array;
    if (parts.length === 1) input = parts[0];
    else {
      input = new Uint8Array(out.length - AES_GCM_TAG_LENGTH);
      let offset = 0;
      for (const part of parts) {
        input.set(part, offset);
        offset += part.length;
      }
    }
    // WebCrypto copies its inputs when called (WebCrypto spec, encrypt() step 2), so the
    // ciphertext may overwrite the plaintext region it was made from.
    const ciphertext = await crypto.subtle.encrypt(
      params(iv, aad),
      await importKey(key, "encrypt"),
      input as BufferSource,
    );
    out.set(new Uint8Array(ciphertext));
  },
  async open(key, iv, aad, ciphertextWithTag) {
    const cryptoKey = await importKey(key, "decrypt");
    try {
      return new Uint8Array(await crypto.subtle.decrypt(params(iv, aad), cryptoKey, ciphertextWithTag as BufferSource));
    } catch (error) {
      throw decryptionFailed(error);
    }
  },
};

let current: AesGcmBackend = webCryptoAesGcmBackend;

/** Use `backend` for every envelope sealed or opened from now on (process- or page-wide). */
export function setAesGcmBackend(backend: AesGcmBackend): void {
  if (
    typeof backend !== "object" ||
    backend === null ||
    typeof backend.seal !== "function" ||
    typeof backend.open !== "function"
  ) {
    throw new TypeError("setAesGcmBackend: expected an object with seal and open functions");
  }
  current = backend;
}

/** The backend envelopes use now: WebCrypto unless setAesGcmBackend (or useNodeCrypto) changed it. */
export function getAesGcmBackend(): AesGcmBackend {
  return current;
}
