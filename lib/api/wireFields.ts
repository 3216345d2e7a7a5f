import { isAddress, isHex } from "viem";
import { z } from "zod";

/**
 * The fields every wire schema is built from, written once for the client and the routers. Hex is
 * checked with viem's own helpers; an address accepts any case (the routers checksum it with
 * `getAddress` where they keep it).
 */
export const addressField = z.string().refine((value) => isAddress(value, { strict: false }), "must be an address");

/** `0x` and exactly `bytes` bytes of hex (either case). */
export function hexField(bytes: number) {
  return z
    .string()
    .refine(
      (value) => isHex(value, { strict: true }) && value.length === 2 + 2 * bytes,
      `must be 0x and ${bytes} bytes of hex`,
    );
}

/** A 32-byte hash: SHA-256 of an envelope, keccak256 of a thread, a transaction hash. */
export const hash32Field = hexField(32);
/** A record's random 16-byte id. */
export const recordIdField = hexField(16);
