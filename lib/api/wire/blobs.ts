/** `/v1/blobs` (offchain-api/README.md, "Blobs"): ciphertext in, ciphertext out. */
import { z } from "zod";
import { cidField, hash32Field } from "../wireFields";

/** `X-Content-SHA256`: the SHA-256 of the body, 0x and 64 hex digits (sent lowercase). */
export const contentHashHeaderSchema = hash32Field;

/** `/v1/blobs/:cid`: a CIDv1 in base32 (what this service hands out); the store checks the rest. */
export const cidParamsSchema = z.object({ cid: cidField });

/** `POST /v1/blobs` answer (201): where the bytes are stored, and how many were. */
export const blobStoredSchema = z.object({ cid: cidField, size: z.number().int().min(0) });
export type BlobStored = z.infer<typeof blobStoredSchema>;
