import type { Address, Hex } from "viem";
import { fromHex, randomBytes, toHex } from "../bytes";
import { FormatError } from "../errors";

/** Which sealed part of a record: the full report, or its summary (own data key, own grants). */
export type RecordPart = "report" | "summary";

/** What a sealed part belongs to; bound into every envelope and wrapped key. */
export interface RecordIdentity {
  chainId: number;
  /** The EhrCore address. */
  contract: Address;
  patient: Address;
  /** 16 random bytes chosen by the writer before anything is on-chain ({@link newRecordId}). */
  recordId: Hex;
  /** 0..31, the bit of a consent grant's mask that covers it (see ../categories.ts). */
  category: number;
  part: RecordPart;
}

/** Bytes of {@link encodeIdentity}'s output. */
export const IDENTITY_LENGTH = 66;

const PART_CODES: Record<RecordPart, number> = { report: 0, summary: 1 };
const PARTS: readonly RecordPart[] = ["report", "summary"];

/** A fresh random record id: 16 bytes, 0x-prefixed lowercase hex. */
export function newRecordId(): Hex {
  return toHex(randomBytes(16));
}

function invalid(field: string, what: string): FormatError {
  return new FormatError("The record identity is not valid.", { details: `${field}: ${what}` });
}

function hexField(value: unknown, field: string, length: number): Uint8Array {
  if (typeof value !== "string" || !/^0x[0-9a-fA-F]*$/.test(value) || value.length !== 2 + 2 * length) {
    throw invalid(field, `expected 0x and ${length} bytes of hex`);
  }
  return fromHex(value);
}

/**
 * The canonical 66-byte encoding of an identity (big-endian, fixed width):
 * chainId u64 | contract 20 | patient 20 | recordId 16 | category u8 | part u8 (0 report, 1 summary).
 * Throws FormatError naming the first invalid field (never its value).
 */
export function encodeIdentity(identity: RecordIdentity): Uint8Array {
  if (typeof identity !== "object" || identity === null) throw invalid("identity", "expected an object");
  const { chainId, category, part } = identity;
  if (!Number.isSafeInteger(chainId) || chainId <= 0) throw invalid("chainId", "expected a positive safe integer");
  if (!Number.isInteger(category) || category < 0 || category > 31) throw invalid("category", "expected 0..31");
  if (!Object.prototype.hasOwnProperty.call(PART_CODES, part)) throw invalid("part", 'expected "report" or "summary"');
  const out = new Uint8Array(IDENTITY_LENGTH);
  const view = new DataView(out.buffer);
  view.setUint32(0, Math.floor(chainId / 2 ** 32));
  view.setUint32(4, chainId >>> 0);
  out.set(hexField(identity.contract, "contract", 20), 8);
  out.set(hexField(identity.patient, "patient", 20), 28);
  out.set(hexField(identity.recordId, "recordId", 16), 48);
  out[64] = category;
  out[65] = PART_CODES[part];
  return out;
}

/** The inverse of {@link encodeIdentity}; addresses and record id come back lowercase. */
export function decodeIdentity(bytes: Uint8Array): RecordIdentity {
  if (bytes.length !== IDENTITY_LENGTH) throw invalid("identity", `expected ${IDENTITY_LENGTH} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const chainId = view.getUint32(0) * 2 ** 32 + view.getUint32(4);
  if (!Number.isSafeInteger(chainId) || chainId <= 0) throw invalid("chainId", "expected a positive safe integer");
  if (bytes[64] > 31) throw invalid("category", "expected 0..31");
  const part = PARTS[bytes[65]];
  if (!part) throw invalid("part", "unknown part code");
  return {
    chainId,
    contract: toHex(bytes.subarray(8, 28)),
    patient: toHex(bytes.subarray(28, 48)),
    recordId: toHex(bytes.subarray(48, 64)),
    category: bytes[64],
    part,
  };
}

/**
 * The names of the fields in which two identities differ (addresses and ids compared without
 * regard to hex case). Empty when they are the same record part.
 */
export function identityDifferences(a: RecordIdentity, b: RecordIdentity): string[] {
  const differences: string[] = [];
  if (a.chainId !== b.chainId) differences.push("chainId");
  for (const field of ["contract", "patient", "recordId"] as const) {
    if (String(a[field]).toLowerCase() !== String(b[field]).toLowerCase()) differences.push(field);
  }
  if (a.category !== b.category) differences.push("category");
  if (a.part !== b.part) differences.push("part");
  return differences;
}
