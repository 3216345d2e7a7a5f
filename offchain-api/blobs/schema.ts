import { z } from "zod";
import { hash32Field } from "../../lib/api/wireFields";

/** `X-Content-SHA256`: the SHA-256 of the body, 0x and 64 hex digits. */
export const contentHashHeader = hash32Field.transform((hash) => hash.toLowerCase() as `0x${string}`);

/** `:cid`: a CIDv1 in base32 (what this service hands out); the store checks the rest. */
export const cidParams = z.object({ cid: z.string().regex(/^b[a-z2-7]{20,200}$/, "must be a CIDv1 in base32") });
