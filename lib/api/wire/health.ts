/** `/healthz` and `/readyz` (offchain-api/README.md, "Health"). */
import { z } from "zod";

/** `GET /healthz`: the process serves (liveness). */
export const livenessSchema = z.object({ status: z.literal("ok") });
export type Liveness = z.infer<typeof livenessSchema>;

/** One dependency's state: "ok", "timeout" (no answer in time) or what failed. */
export const checkResultSchema = z.enum(["ok", "timeout", "unreachable", "unwritable"]);
export type CheckResult = z.infer<typeof checkResultSchema>;

export const readinessChecksSchema = z.object({
  /** The JSON-RPC endpoint answers `eth_blockNumber`. */
  chain: checkResultSchema,
  /** The blob store would accept a write now. */
  storage: checkResultSchema,
});
export type ReadinessChecks = z.infer<typeof readinessChecksSchema>;

/** `GET /readyz`: 200 "ready" when the chain and the store answer, else 503 "not-ready". */
export const readinessSchema = z.object({ status: z.enum(["ready", "not-ready"]), checks: readinessChecksSchema });
export type Readiness = z.infer<typeof readinessSchema>;
