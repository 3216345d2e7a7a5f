import { equalBytes, fromHex, fromUtf8, randomBytes, sha256, toHex, utf8 } from "../bytes";
import { BindingError, FormatError, IntegrityError } from "../errors";
import { decryptionFailed, getAesGcmBackend } from "./aesGcm";
import { gunzip, gzip, OutputTooLargeError } from "./gzip";
import { decodeIdentity, encodeIdentity, identityDifferences, IDENTITY_LENGTH } from "./identity";
import type { RecordIdentity } from "./identity";
import type { Hex } from "viem";

/**
 * Sealed record parts ("envelopes"): AES-256-GCM under a per-part data key, the record identity
 * bound in as associated data. Layout (all integers big-endian; documented in ARCHITECTURE.md,
 * "Envelope and wrapped-key formats"):
 *
 *   offset  size  field
 *   0       4     magic "EHRE" (45 48 52 45)
 *   4       1     format version (1)
 *   5       1     flags: bit 0 = content gzip-compressed; other bits must be 0
 *   6       66    identity: chainId u64 | contract 20 | patient 20 | recordId 16 | category u8 | part u8
 *   72      12    IV (random)
 *   84      n+16  AES-256-GCM ciphertext and 16-byte tag; associated data = bytes 0..83
 *
 * The plaintext under the ciphertext: metadata length u32 | metadata JSON (UTF-8:
 * {"mediaType", "fileName"?}) | content (gzip stream when flag bit 0 is set).
 *
 * The AES-GCM step itself goes through the backend of ./aesGcm (WebCrypto by default; node:crypto
 * after `useNodeCrypto()` from ./aesGcm.node): the bytes are the same either way.
 */

export const ENVELOPE_MAGIC = new Uint8Array([0x45, 0x48, 0x52, 0x45]);
export const ENVELOPE_VERSION = 1;
export const FLAG_COMPRESSED = 0x01;
const KNOWN_FLAGS = FLAG_COMPRESSED;
const IDENTITY_OFFSET = 6;
const IV_OFFSET = IDENTITY_OFFSET + IDENTITY_LENGTH;
const IV_LENGTH = 12;
const TAG_LENGTH = 16;
/** Bytes before the ciphertext: the associated data. */
export const ENVELOPE_HEADER_LENGTH = IV_OFFSET + IV_LENGTH;
const DATA_KEY_LENGTH = 32;
const DEFAULT_MEDIA_TYPE = "application/octet-stream";
const DEFAULT_MAX_PLAINTEXT = 512 * 1024 * 1024;
/** "auto" first tries gzip on samples of inputs larger than this, to skip a hopeless full pass. */
const SAMPLE_ABOVE = 1 << 20;
const SAMPLE_SIZE = 64 * 1024;

export interface EnvelopeHeader {
  version: number;
  flags: number;
  /** Flag bit 0: the content was gzip-compressed before encryption. */
  compressed: boolean;
  /** Addresses and record id in lowercase hex. */
  identity: RecordIdentity;
  iv: Uint8Array;
  /** Ciphertext bytes including the 16-byte tag. */
  ciphertextLength: number;
}

export interface OpenOptions {
  /**
   * Refuse (FormatError) compressed content that would decompress to more than this many bytes,
   * so an envelope written to exhaust memory cannot. Uncompressed content is never larger than
   * the envelope itself. @default 536870912 (512 MiB)
   */
  maxPlaintextBytes?: number;
}

export interface SealOptions {
  /** Stored inside the ciphertext. @default "application/octet-stream" */
  mediaType?: string;
  /** Stored inside the ciphertext. @default undefined */
  fileName?: string;
  /**
   * "auto": gzip, and keep the result only if smaller (inputs over 1 MB are first tried on three
   * 64 KB samples; if those do not shrink, the full pass is skipped). "always": gzip even if larger.
   * "never": store as is. @default "auto"
   */
  compress?: "auto" | "always" | "never";
}

/** 32 random bytes: one data key per record part. */
export function generateDataKey(): Uint8Array {
  return randomBytes(DATA_KEY_LENGTH);
}

/** A random 96-bit AES-GCM IV (exported for the uniqueness test). */
export function generateIv(): Uint8Array {
  return randomBytes(IV_LENGTH);
}

function checkDataKey(dataKey: Uint8Array): void {
  if (!(dataKey instanceof Uint8Array) || dataKey.length !== DATA_KEY_LENGTH) {
    throw new FormatError("The data key is not valid.", { details: `expected ${DATA_KEY_LENGTH} bytes` });
  }
}

function metadataPrefix(options: SealOptions): Uint8Array {
  const { mediaType = DEFAULT_MEDIA_TYPE, fileName } = options;
  if (typeof mediaType !== "string" || mediaType.length === 0) {
    throw new FormatError("The seal options are not valid.", { details: "mediaType: expected a non-empty string" });
  }
  if (fileName !== undefined && typeof fileName !== "string") {
    throw new FormatError("The seal options are not valid.", { details: "fileName: expected a string" });
  }
  const json = utf8(JSON.stringify(fileName === undefined ? { mediaType } : { mediaType, fileName }));
  const prefix = new Uint8Array(4 + json.length);
  new DataView(prefix.buffer).setUint32(0, json.length);
  prefix.set(json, 4);
  return prefix;
}

async function worthCompressing(plaintext: Uint8Array): Promise<boolean> {
  if (plaintext.length <= SAMPLE_ABOVE) return true;
  const middle = Math.floor(plaintext.length / 2);
  const samples = [0, middle, plaintext.length - SAMPLE_SIZE].map((start) =>
    plaintext.subarray(start, start + SAMPLE_SIZE),
  );
  for (const sample of samples) {
    if ((await gzip(sample)).length < sample.length) return true;
  }
  return false;
}

/**
 * One buffer the size of the finished envelope, with the plaintext under the ciphertext
 * (metadata, then content, gzip or not) already in place after the header's room. Sealing then
 * encrypts that region and writes the ciphertext over it: one allocation the size of the
 * envelope, not one for the plaintext and another for the envelope. Uncompressed content for a
 * backend that `streamsParts` is not copied at all: the buffer is returned empty with `parts`.
 */
async function layOut(
  plaintext: Uint8Array,
  prefix: Uint8Array,
  mode: SealOptions["compress"],
  streamsParts: boolean,
): Promise<{ buffer: Uint8Array; compressed: boolean; parts?: Uint8Array[] }> {
  const room = { start: ENVELOPE_HEADER_LENGTH, prefix, end: TAG_LENGTH };
  if (mode !== "never" && (mode === "always" || (await worthCompressing(plaintext)))) {
    const buffer = await gzip(plaintext, room);
    if (mode === "always" || buffer.length < ENVELOPE_HEADER_LENGTH + prefix.length + plaintext.length + TAG_LENGTH) {
      return { buffer, compressed: true };
    }
  }
  const buffer = new Uint8Array(ENVELOPE_HEADER_LENGTH + prefix.length + plaintext.length + TAG_LENGTH);
  // A backend that encrypts part by part reads the metadata and the caller's content where they
  // are: no plaintext copy at all.
  if (streamsParts) return { buffer, compressed: false, parts: [prefix, plaintext] };
  buffer.set(prefix, ENVELOPE_HEADER_LENGTH);
  buffer.set(plaintext, ENVELOPE_HEADER_LENGTH + prefix.length);
  return { buffer, compressed: false };
}

/** Encrypt one record part under `dataKey`, bound to `identity`. */
export async function sealEnvelope(
  plaintext: Uint8Array,
  dataKey: Uint8Array,
  identity: RecordIdentity,
  options: SealOptions = {},
): Promise<Uint8Array> {
  if (!(plaintext instanceof Uint8Array)) throw new FormatError("The content to seal must be bytes.");
  const mode = options.compress ?? "auto";
  if (mode !== "auto" && mode !== "always" && mode !== "never") {
    throw new FormatError("The seal options are not valid.", {
      details: 'compress: expected "auto", "always" or "never"',
    });
  }
  const identityBytes = encodeIdentity(identity);
  checkDataKey(dataKey);
  const backend = getAesGcmBackend();
  const laidOut = await layOut(plaintext, metadataPrefix(options), mode, backend.streamsParts === true);
  const { buffer: envelope, compressed } = laidOut;

  const header = envelope.subarray(0, ENVELOPE_HEADER_LENGTH);
  header.set(ENVELOPE_MAGIC, 0);
  header[4] = ENVELOPE_VERSION;
  header[5] = compressed ? FLAG_COMPRESSED : 0;
  header.set(identityBytes, IDENTITY_OFFSET);
  const iv = generateIv();
  header.set(iv, IV_OFFSET);

  // Laid out: the ciphertext overwrites, in place, the plaintext region it is made from.
  const parts = laidOut.parts ?? [envelope.subarray(ENVELOPE_HEADER_LENGTH, envelope.length - TAG_LENGTH)];
  await backend.seal(dataKey, iv, header, parts, envelope.subarray(ENVELOPE_HEADER_LENGTH));
  return envelope;
}

/** The clear header: version, flags, identity, IV. Throws FormatError if it is not an envelope we know. */
export function readEnvelopeHeader(envelope: Uint8Array): EnvelopeHeader {
  if (!(envelope instanceof Uint8Array)) throw new FormatError("This is not an encrypted record: expected bytes.");
  if (envelope.length < ENVELOPE_MAGIC.length || ENVELOPE_MAGIC.some((b, i) => envelope[i] !== b)) {
    throw new FormatError("This is not an encrypted record (unknown file type).");
  }
  if (envelope.length < 5) throw new FormatError("This encrypted record is cut short.");
  const version = envelope[4];
  if (version !== ENVELOPE_VERSION) {
    throw new FormatError("This encrypted record uses a format version this app does not know.", {
      details: `envelope version ${version}, supported ${ENVELOPE_VERSION}`,
    });
  }
  if (envelope.length < ENVELOPE_HEADER_LENGTH + TAG_LENGTH)
    throw new FormatError("This encrypted record is cut short.");
  const flags = envelope[5];
  if ((flags & ~KNOWN_FLAGS) !== 0) {
    throw new FormatError("This encrypted record uses options this app does not know.", {
      details: `envelope flags 0x${flags.toString(16)}`,
    });
  }
  let identity: RecordIdentity;
  try {
    identity = decodeIdentity(envelope.subarray(IDENTITY_OFFSET, IV_OFFSET));
  } catch (error) {
    throw new FormatError("This encrypted record has a malformed header.", {
      cause: error,
      details: (error as FormatError).details,
    });
  }
  return {
    version,
    flags,
    compressed: (flags & FLAG_COMPRESSED) !== 0,
    identity,
    iv: envelope.slice(IV_OFFSET, ENVELOPE_HEADER_LENGTH),
    ciphertextLength: envelope.length - ENVELOPE_HEADER_LENGTH,
  };
}

/**
 * Decrypt an envelope sealed for `expected`. FormatError: not an envelope we know; BindingError:
 * sealed for another record part (checked before decrypting); IntegrityError: altered or wrong key.
 * The returned `plaintext` is a view into the decrypted buffer (no copy): use it, not `.buffer`.
 */
export async function openEnvelope(
  envelope: Uint8Array,
  dataKey: Uint8Array,
  expected: RecordIdentity,
  options: OpenOptions = {},
): Promise<{ plaintext: Uint8Array; mediaType: string; fileName?: string }> {
  const header = readEnvelopeHeader(envelope);
  encodeIdentity(expected); // a malformed expectation is the caller's FormatError, not a binding one
  const differences = identityDifferences(header.identity, expected);
  if (differences.length > 0) {
    throw new BindingError("This encrypted record belongs to another record, chain or contract.", {
      details: `envelope identity differs in: ${differences.join(", ")}`,
    });
  }
  checkDataKey(dataKey);
  let inner: Uint8Array;
  try {
    inner = await getAesGcmBackend().open(
      dataKey,
      envelope.subarray(IV_OFFSET, ENVELOPE_HEADER_LENGTH),
      envelope.subarray(0, ENVELOPE_HEADER_LENGTH),
      envelope.subarray(ENVELOPE_HEADER_LENGTH),
    );
  } catch (error) {
    throw error instanceof IntegrityError ? error : decryptionFailed(error);
  }
  return parseInner(inner, header.compressed, options.maxPlaintextBytes ?? DEFAULT_MAX_PLAINTEXT);
}

async function parseInner(
  inner: Uint8Array,
  compressed: boolean,
  maxPlaintextBytes: number,
): Promise<{ plaintext: Uint8Array; mediaType: string; fileName?: string }> {
  const malformed = (details: string, cause?: unknown) =>
    new FormatError("This encrypted record's content is malformed.", { details, cause });
  if (inner.length < 4) throw malformed("no metadata length");
  const metaLength = new DataView(inner.buffer, inner.byteOffset, inner.byteLength).getUint32(0);
  if (metaLength > inner.length - 4) throw malformed("metadata length beyond the content");
  let meta: { mediaType?: unknown; fileName?: unknown };
  try {
    meta = JSON.parse(fromUtf8(inner.subarray(4, 4 + metaLength)));
  } catch (error) {
    throw malformed("metadata is not UTF-8 JSON", error);
  }
  if (typeof meta !== "object" || meta === null || typeof meta.mediaType !== "string") {
    throw malformed("metadata has no mediaType");
  }
  if (meta.fileName !== undefined && typeof meta.fileName !== "string") throw malformed("fileName is not a string");
  let plaintext = inner.subarray(4 + metaLength);
  if (compressed) {
    try {
      plaintext = await gunzip(plaintext, maxPlaintextBytes);
    } catch (error) {
      if (error instanceof OutputTooLargeError) {
        throw new FormatError("This record is larger than this app accepts once decompressed.", {
          details: `over ${maxPlaintextBytes} bytes`,
          cause: error,
        });
      }
      throw malformed("content is not a valid gzip stream", error);
    }
  }
  return meta.fileName === undefined
    ? { plaintext, mediaType: meta.mediaType }
    : { plaintext, mediaType: meta.mediaType, fileName: meta.fileName };
}

/** SHA-256 of the whole envelope, as recorded on-chain (`envelopeHash`). */
export async function envelopeHash(envelope: Uint8Array): Promise<Hex> {
  return toHex(await sha256(envelope));
}

/** Throws IntegrityError unless `envelope` hashes to `expected` (the hash recorded on-chain). */
export async function verifyEnvelopeHash(envelope: Uint8Array, expected: Hex): Promise<void> {
  if (typeof expected !== "string" || !/^0x[0-9a-fA-F]{64}$/.test(expected)) {
    throw new FormatError("The recorded hash is not valid.", { details: "expected 0x and 32 bytes of hex" });
  }
  if (!equalBytes(await sha256(envelope), fromHex(expected))) {
    throw new IntegrityError(
      "This record does not match the hash recorded on-chain: it was altered or is the wrong file.",
    );
  }
}
