import { isAddress, isHex, type Address, type Hex } from "viem";
import { z } from "zod";

/**
 * The fields every wire schema (./wire/) is built from. Hex is checked with viem's own helpers and
 * typed as viem's `Address` / `Hex`; an address accepts any case (the services checksum it with
 * `getAddress` where they keep it).
 */
export const addressField = z
  .string()
  .refine((value): value is Address => isAddress(value, { strict: false }), "must be an address");

/** `0x` and exactly `bytes` bytes of hex (either case). */
export function hexField(bytes: number) {
  return z
    .string()
    .refine(
      (value): value is Hex => isHex(value, { strict: true }) && value.length === 2 + 2 * bytes,
      `must be 0x and ${bytes} bytes of hex`,
    );
}

/** `0x` and bytes of lowercase hex, as the library writes ids it makes itself (messages). */
export function lowerHexField(bytes: number) {
  const pattern = new RegExp(`^0x[0-9a-f]{${2 * bytes}}$`);
  return z
    .string()
    .refine((value): value is Hex => pattern.test(value), `must be 0x and ${bytes} bytes of lowercase hex`);
}

/** A 32-byte hash: SHA-256 of an envelope, keccak256 of a thread, a transaction hash. */
export const hash32Field = hexField(32);
/** A record's random 16-byte id. */
export const recordIdField = hexField(16);
/** An appointment's start in unix seconds, as the contract takes it (a `uint40`). */
export const appointmentStartField = z
  .number()
  .int()
  .min(0)
  .max(2 ** 40 - 1);
/** A time as the service writes it (`Date#toISOString`). */
export const isoTimeField = z.iso.datetime({ offset: true });
/** A CIDv1 in base32, what the service hands out for a blob. */
export const cidField = z.string().regex(/^b[a-z2-7]{20,200}$/, "must be a CIDv1 in base32");
