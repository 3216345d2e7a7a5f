/** `/v1/audit` (offchain-api/README.md, "Audit"): reads the service refused on a patient's records. */
import { z } from "zod";
import { addressField, cidField, isoTimeField } from "../wireFields";

/** `GET /v1/audit/refusals?patient=0x…&offset=0&limit=50`. */
export const refusalsQuerySchema = z.object({
  patient: addressField,
  /** @default 0 */
  offset: z.coerce.number().int().min(0).max(1_000_000_000).default(0),
  /** @default 50 */
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type RefusalsQuery = z.infer<typeof refusalsQuerySchema>;

/** One refused read: a key release or a blob download. */
export const refusalSchema = z.object({
  /** The latest time (repeats of the same refusal on one UTC day are one entry). */
  at: isoTimeField,
  /** The first time that day. */
  firstAt: isoTimeField.optional(),
  /** How many times it was refused that day. @default 1 */
  count: z.number().int().min(1).optional(),
  reader: addressField,
  patient: addressField,
  /** For a refused key release. */
  recordIndex: z.number().int().min(0).optional(),
  /** For a refused download. */
  cid: cidField.optional(),
  part: z.enum(["report", "summary"]).optional(),
  /** The plain sentence the reader was given. */
  reason: z.string(),
});
export type Refusal = z.infer<typeof refusalSchema>;

/** `GET /v1/audit/refusals` answer, newest first. */
export const refusalPageSchema = z.object({ refusals: z.array(refusalSchema), total: z.number().int().min(0) });
export type RefusalPage = z.infer<typeof refusalPageSchema>;
