/** `/v1/custodian` (offchain-api/README.md, "Custodian"). */
import { z } from "zod";
import { hexField } from "../wireFields";

/** `GET /v1/custodian`: the emergency custodian's public key (64 bytes, x || y) and whether the chain holds it. */
export const custodianInfoSchema = z.object({
  publicKey: hexField(64),
  /** Whether the chain holds this key (otherwise emergency reads cannot be re-wrapped). */
  published: z.boolean(),
});
export type CustodianInfo = z.infer<typeof custodianInfoSchema>;
