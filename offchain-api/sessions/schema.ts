import { z } from "zod";

export const signInSchema = z.object({
  /** The EIP-4361 message exactly as signed. */
  message: z.string().min(1).max(4096),
  signature: z
    .string()
    .regex(/^0x[0-9a-fA-F]+$/, "must be 0x-prefixed hex")
    .max(20_000),
});
