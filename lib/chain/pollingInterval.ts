/** The shortest receipt polling interval: a chain that mines on each transaction (anvil's automine). */
export const MIN_POLLING_MS = 250;
/** viem's own default, and the longest interval: a wait never adds more than this. */
export const MAX_POLLING_MS = 4_000;

/**
 * How often a client polls for receipts and new blocks on a chain whose blocks come every
 * `blockTimeMs` milliseconds (0: a block is mined on each transaction, as on the local anvil
 * chain): half a block, between {@link MIN_POLLING_MS} and {@link MAX_POLLING_MS}. A transaction
 * then waits at most its block plus half a block, instead of viem's default 4 s per wait.
 * Set it as `pollingInterval` on viem clients or the wagmi config.
 */
export function pollingIntervalFor(blockTimeMs: number): number {
  if (!Number.isFinite(blockTimeMs) || blockTimeMs <= 0) return MIN_POLLING_MS;
  return Math.min(MAX_POLLING_MS, Math.max(MIN_POLLING_MS, Math.floor(blockTimeMs / 2)));
}
