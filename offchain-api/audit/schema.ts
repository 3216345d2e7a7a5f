import { z } from "zod";
import { addressField } from "../../lib/api/wireFields";

/** `GET /v1/audit/refusals?patient=0x…&offset=0&limit=50`. */
export const refusalsQuery = z.object({
  patient: addressField,
  /** @default 0 */
  offset: z.coerce.number().int().min(0).max(1_000_000_000).default(0),
  /** @default 50 */
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type RefusalsQuery = z.infer<typeof refusalsQuery>;
