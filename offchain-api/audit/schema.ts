import { z } from "zod";

export const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

/** `GET /v1/audit/refusals?patient=0x…&offset=0&limit=50`. */
export const refusalsQuery = z.object({
  patient: z.string().regex(ADDRESS, "must be an address"),
  /** @default 0 */
  offset: z.coerce.number().int().min(0).max(1_000_000_000).default(0),
  /** @default 50 */
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type RefusalsQuery = z.infer<typeof refusalsQuery>;
