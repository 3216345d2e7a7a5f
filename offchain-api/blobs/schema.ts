import { z } from "zod";

/** `X-Content-SHA256`: the SHA-256 of the body, 0x and 64 hex digits. */
export const contentHashHeader = z
  .string()
  .regex(/^0x[0-9a-fA-F]{64}$/, "must be 0x and 32 bytes of hex")
  .transform((hash) => hash.toLowerCase() as `0x${string}`);

/** `:cid`: a CIDv1 in base32 (what this service hands out); the store checks the rest. */
export const cidParams = z.object({ cid: z.string().regex(/^b[a-z2-7]{20,200}$/, "must be a CIDv1 in base32") });
