import { fromBase64, toBase64 } from "../bytes";
import { BindingError, FormatError, IntegrityError } from "../errors";
import { loadEthCrypto } from "./ethCrypto";
import { encodeIdentity, identityDifferences } from "./identity";
import type { RecordIdentity, RecordPart } from "./identity";
import type { Address, Hex } from "viem";
import { isAddress } from "viem";

/**
 * Data keys wrapped to a reader's secp256k1 public key with eth-crypto's ECIES (AES-256-CBC +
 * HMAC-SHA256). ECIES binds nothing about the record, so the encrypted payload carries the full
 * binding and {@link unwrapDataKey} checks every field. Wrapped form:
 *
 *   "ehrwk1:" + eth-crypto cipher.stringify(...)   (lowercase hex: iv 16 | ephemeral key 33 | mac 32 | ciphertext)
 *
 * Payload (UTF-8 JSON, keys in this order): {"v":1,"key":"<base64 32 bytes>","chainId":n,
 * "contract":"0x..","patient":"0x..","recordId":"0x..","category":n,"part":"report"|"summary","reader":"0x.."}
 * (addresses and record id lowercase). A private key that does not open it, and a wrapped key
 * whose bytes were altered, are both IntegrityError: ECIES's MAC cannot tell them apart.
 */

/** Who may read which record part with the wrapped key. */
export interface WrapBinding extends RecordIdentity {
  reader: Address;
}

export const WRAPPED_KEY_PREFIX = "ehrwk1:";
const PAYLOAD_VERSION = 1;
/** iv 16 + compressed ephemeral key 33 + mac 32, before the ciphertext. */
const WRAPPED_OVERHEAD = 16 + 33 + 32;

/** The payload's length for these values: every other field is of fixed length (lowercase hex, base64 of 32 bytes). */
function payloadLength(chainId: number, category: number, part: RecordPart): number {
  const address = `0x${"0".repeat(40)}`;
  return JSON.stringify({
    v: PAYLOAD_VERSION,
    key: "A".repeat(44),
    chainId,
    contract: address,
    patient: address,
    recordId: `0x${"0".repeat(32)}`,
    category,
    part,
    reader: address,
  }).length;
}

/** AES-CBC with PKCS#7 padding: always at least one byte of padding, whole 16-byte blocks. */
const cbcLength = (plaintext: number) => (Math.floor(plaintext / 16) + 1) * 16;

/**
 * The sizes a wrapped key can have, in bytes: from the shortest payload (chain 1, category 0, a
 * report) to the longest (the largest safe chain id, category 31, a summary). 401 or 417 bytes today;
 * anything longer is not a wrapped key, and would only take room where the service keeps them.
 */
export const WRAPPED_KEY_BYTES = {
  min: WRAPPED_OVERHEAD + cbcLength(payloadLength(1, 0, "report")),
  max: WRAPPED_OVERHEAD + cbcLength(payloadLength(Number.MAX_SAFE_INTEGER, 31, "summary")),
} as const;

function invalidBinding(details: string): FormatError {
  return new FormatError("The key binding is not valid.", { details });
}

/** Checks a binding's fields, returning its canonical (lowercase) form. */
function canonicalBinding(binding: WrapBinding): WrapBinding {
  encodeIdentity(binding);
  if (typeof binding.reader !== "string" || !isAddress(binding.reader, { strict: false })) {
    throw invalidBinding("reader: expected 0x and 20 bytes of hex");
  }
  return {
    chainId: binding.chainId,
    contract: binding.contract.toLowerCase() as Address,
    patient: binding.patient.toLowerCase() as Address,
    recordId: binding.recordId.toLowerCase() as Hex,
    category: binding.category,
    part: binding.part,
    reader: binding.reader.toLowerCase() as Address,
  };
}

/** The public key as eth-crypto wants it: 64 bytes x||y in hex without 0x (also lib/messages). */
export async function uncompressedPublicKey(readerPublicKey: Hex): Promise<string> {
  const hex = typeof readerPublicKey === "string" ? readerPublicKey.replace(/^0x/, "").toLowerCase() : "";
  const valid =
    /^[0-9a-f]*$/.test(hex) &&
    ((hex.length === 66 && /^0[23]/.test(hex)) || hex.length === 128 || (hex.length === 130 && hex.startsWith("04")));
  if (!valid) {
    throw new FormatError("The reader's public key is not valid.", {
      details: "expected a 33-byte compressed or 64-byte (x||y) secp256k1 public key in hex",
    });
  }
  const { publicKey: ethPublicKey } = await loadEthCrypto();
  try {
    return ethPublicKey.decompress(hex.length === 130 ? hex.slice(2) : hex);
  } catch (error) {
    throw new FormatError("The reader's public key is not valid.", {
      cause: error,
      details: "not a point on secp256k1",
    });
  }
}

/** Wrap `dataKey` to the reader's public key, bound to `binding`. */
export async function wrapDataKey(dataKey: Uint8Array, readerPublicKey: Hex, binding: WrapBinding): Promise<string> {
  if (!(dataKey instanceof Uint8Array) || dataKey.length !== 32) {
    throw new FormatError("The data key is not valid.", { details: "expected 32 bytes" });
  }
  const canonical = canonicalBinding(binding);
  const publicKey = await uncompressedPublicKey(readerPublicKey);
  const payload = JSON.stringify({ v: PAYLOAD_VERSION, key: toBase64(dataKey), ...canonical });
  const { cipher, encryptWithPublicKey } = await loadEthCrypto();
  const encrypted = await encryptWithPublicKey(publicKey, payload);
  return WRAPPED_KEY_PREFIX + cipher.stringify(encrypted);
}

function malformed(details: string, cause?: unknown): FormatError {
  return new FormatError("This wrapped key is malformed.", { details, cause });
}

function parsePayload(text: string): { key: Uint8Array; binding: WrapBinding } {
  let payload: Record<string, unknown>;
  try {
    payload = JSON.parse(text);
  } catch (error) {
    throw malformed("payload is not JSON", error);
  }
  if (typeof payload !== "object" || payload === null) throw malformed("payload is not an object");
  if (payload.v !== PAYLOAD_VERSION) throw malformed(`payload version ${String(payload.v)} is not supported`);
  let key: Uint8Array;
  try {
    key = typeof payload.key === "string" ? fromBase64(payload.key) : new Uint8Array(0);
  } catch (error) {
    throw malformed("key is not base64", error);
  }
  if (key.length !== 32) throw malformed("key is not 32 bytes");
  const binding = {
    chainId: payload.chainId,
    contract: payload.contract,
    patient: payload.patient,
    recordId: payload.recordId,
    category: payload.category,
    part: payload.part as RecordPart,
    reader: payload.reader,
  } as WrapBinding;
  try {
    return { key, binding: canonicalBinding(binding) };
  } catch (error) {
    throw malformed(`payload binding: ${(error as FormatError).details ?? "invalid"}`, error);
  }
}

/**
 * What is wrong with the form of a wrapped key, or undefined if it could be one: the prefix,
 * lowercase hex, a compressed ephemeral key (02/03), whole AES blocks of a payload's length. Needs no private key, so the
 * storage service refuses junk at store time with the same rule {@link unwrapDataKey} applies.
 */
export function wrappedKeyShapeError(wrapped: unknown): string | undefined {
  if (typeof wrapped !== "string" || !wrapped.startsWith(WRAPPED_KEY_PREFIX)) {
    const version = typeof wrapped === "string" ? /^ehrwk(\d+):/.exec(wrapped)?.[1] : undefined;
    return version
      ? `wrapped key version ${version} is not supported`
      : `expected a string starting with "${WRAPPED_KEY_PREFIX}"`;
  }
  const body = wrapped.slice(WRAPPED_KEY_PREFIX.length);
  if (!/^[0-9a-f]*$/.test(body) || body.length % 2 !== 0) return "not lowercase hex";
  // AES-CBC: the ciphertext is whole 16-byte blocks, of a payload of known form.
  const bytes = body.length / 2;
  if (bytes < WRAPPED_KEY_BYTES.min || bytes > WRAPPED_KEY_BYTES.max || (bytes - WRAPPED_OVERHEAD) % 16 !== 0) {
    return "wrong length";
  }
  // eth-crypto's cipher.stringify compresses the ephemeral public key (after the 16-byte iv).
  if (!/^0[23]$/.test(body.slice(32, 34))) return "ephemeral public key is not compressed";
  return undefined;
}

/**
 * Open a wrapped key with the reader's private key and check it was wrapped for `expected`.
 * FormatError: malformed; IntegrityError: this private key does not open it, or it was altered;
 * BindingError: it was wrapped for another record, part, reader, chain or contract.
 */
export async function unwrapDataKey(
  wrapped: string,
  readerPrivateKey: Hex,
  expected: WrapBinding,
): Promise<Uint8Array> {
  const wanted = canonicalBinding(expected);
  if (typeof readerPrivateKey !== "string" || !/^(0x)?[0-9a-fA-F]{64}$/.test(readerPrivateKey)) {
    throw new FormatError("The private key is not valid.", { details: "expected 32 bytes of hex" });
  }
  const shape = wrappedKeyShapeError(wrapped);
  if (shape) throw malformed(shape);
  const body = wrapped.slice(WRAPPED_KEY_PREFIX.length);
  const { cipher, decryptWithPrivateKey } = await loadEthCrypto();
  let parsed: ReturnType<typeof cipher.parse>;
  try {
    parsed = cipher.parse(body);
  } catch (error) {
    // The ephemeral public key is not a point: the bytes were altered or never were a wrapped key.
    throw malformed("ephemeral public key is not valid", error);
  }
  let text: string;
  try {
    text = await decryptWithPrivateKey(readerPrivateKey.replace(/^0x/, ""), parsed);
  } catch (error) {
    throw new IntegrityError("This key cannot be unwrapped: it was altered or is meant for another key holder.", {
      cause: error,
    });
  }
  const { key, binding } = parsePayload(text);
  const differences = identityDifferences(binding, wanted);
  if (binding.reader !== wanted.reader) differences.push("reader");
  if (differences.length > 0) {
    throw new BindingError("This key was issued for another record, reader, chain or contract.", {
      details: `wrapped key binding differs in: ${differences.join(", ")}`,
    });
  }
  return key;
}
