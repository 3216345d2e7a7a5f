import type { CheckResult, Readiness, ReadinessChecks } from "../../lib/api/wire/health";
import type { Caller } from "../http/validate";
import type { ApiServices } from "../services";

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

/** How long one readiness check answers every `GET /readyz` that comes, in ms. */
export const READINESS_REUSE_MS = 1000;

/**
 * `GET /readyz`: "ready" when the chain and the store answer, else "not-ready" (logged at warn; the
 * route answers it 503: take the instance out of the load balancer, do not restart it).
 *
 * The route is open to anyone and never rate-limited (a load balancer must always get through), and
 * each check writes and fsyncs a probe file and asks the chain for its block: so requests that come
 * while a check runs share it, and its answer stands for {@link READINESS_REUSE_MS} after it ends. A
 * flood of probes costs one check a second, and a probe sees a state at most a second old.
 */
export function readiness(
  services: Pick<ApiServices, "publicClient" | "blobs" | "logger">,
): (caller: Pick<Caller, "requestId">) => Promise<Readiness> {
  let running: Promise<Readiness> | undefined;
  let last: { answer: Readiness; at: number } | undefined;
  const check = async (requestId: string): Promise<Readiness> => {
    const checks = await checkReadiness(services);
    const ready = checks.chain === "ok" && checks.storage === "ok";
    if (!ready) services.logger.warn({ requestId, checks }, "not ready");
    return { status: ready ? "ready" : "not-ready", checks };
  };
  return (caller) => {
    if (last && performance.now() - last.at < READINESS_REUSE_MS) return Promise.resolve(last.answer);
    running ??= check(caller.requestId).then(
      (answer) => {
        last = { answer, at: performance.now() };
        running = undefined;
        return answer;
      },
      (error: unknown) => {
        running = undefined;
        throw error;
      },
    );
    return running;
  };
}
