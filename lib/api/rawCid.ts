/**
 * Raw-leaf CIDs (`bafkrei…`: CIDv1, raw codec, sha2-256, base32): a blob of at most 2 MiB − 256 bytes
 * is one raw block, so its CID is its SHA-256 (offchain-api/storage/blobLayout.ts). Decoding it here lets
 * a client check what a service sends without an IPFS library (multiformats is ESM-only and not
 * needed for this one layout).
 */
import type { Hex } from "viem";
import { fromHex, toHex } from "../bytes";

const ALPHABET = "abcdefghijklmnopqrstuvwxyz234567";
/** CIDv1, raw (0x55), sha2-256 (0x12), 32-byte digest: each a one-byte varint. */
const PREFIX = [0x01, 0x55, 0x12, 0x20];

function base32(bytes: Uint8Array): string {
  let out = "";
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(buffer << (5 - bits)) & 31];
  return out;
}

function fromBase32(text: string): Uint8Array | undefined {
  const out: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (const char of text) {
    const value = ALPHABET.indexOf(char);
    if (value < 0) return undefined;
    buffer = ((buffer << 5) | value) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      out.push((buffer >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return new Uint8Array(out);
}

/** The raw-leaf CID of a blob whose SHA-256 is `sha256` (what the service answers up to 2 MiB − 256 bytes). */
export function rawLeafCid(sha256: Hex): string {
  const digest = fromHex(sha256);
  if (digest.length !== 32) throw new TypeError("a SHA-256 digest is 32 bytes");
  return `b${base32(new Uint8Array([...PREFIX, ...digest]))}`;
}

/** The SHA-256 a raw-leaf CID names, or undefined for any other CID (a UnixFS DAG, another hash). */
export function rawLeafDigest(cid: string): Hex | undefined {
  if (!cid.startsWith("b")) return undefined;
  const bytes = fromBase32(cid.slice(1));
  if (!bytes || bytes.length !== 36 || PREFIX.some((b, i) => bytes[i] !== b)) return undefined;
  return toHex(bytes.subarray(4));
}
