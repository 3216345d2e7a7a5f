import type { ApiServices } from "../services";

/** One dependency's state: "ok", "timeout" (no answer in time) or what failed. */
export type CheckResult = "ok" | "timeout" | "unreachable" | "unwritable";

export interface ReadinessChecks {
  /** The JSON-RPC endpoint answers `eth_blockNumber`. */
  chain: CheckResult;
  /** The blob store would accept a write now. */
  storage: CheckResult;
}

export interface ReadinessOptions {
  /** How long each probe may take before it counts as "timeout". @default 3000 */
  timeoutMs?: number;
}

const TIMED_OUT = Symbol("timeout");

/** `probe` settled into a check result within `timeoutMs`; a failure is `failed`. */
async function probe(run: () => Promise<unknown>, failed: CheckResult, timeoutMs: number): Promise<CheckResult> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), timeoutMs);
  });
  try {
    const outcome = await Promise.race([run(), deadline]);
    return outcome === TIMED_OUT ? "timeout" : "ok";
  } catch {
    return failed;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Probes the chain and the store in parallel, each bounded by a short timeout so a readiness probe
 * never hangs on a dead dependency. The block number is read uncached (viem caches it for a few
 * seconds, which would report a chain that just went away as fine).
 */
export async function checkReadiness(
  services: Pick<ApiServices, "publicClient" | "blobs">,
  options: ReadinessOptions = {},
): Promise<ReadinessChecks> {
  const timeoutMs = options.timeoutMs ?? 3000;
  const [chain, storage] = await Promise.all([
    probe(() => services.publicClient.getBlockNumber({ cacheTime: 0 }), "unreachable", timeoutMs),
    probe(() => services.blobs.checkWritable(), "unwritable", timeoutMs),
  ]);
  return { chain, storage };
}
