import type { Logger } from "pino";
import type { AbiEvent, PublicClient } from "viem";
import { deploymentFor, ehrCoreAbi } from "../../deployments/contracts";
import { toChainError } from "../../lib/chain/ehr";
import type { Address, Hex } from "viem";
import type { ManagedBlobStore } from "../../lib/storage/types";
import type { UploadLedger } from "./quota";

/** The events that reference a blob: a record's envelope and summary, a registered key's backup. */
const REFERENCE_EVENTS = ehrCoreAbi.filter(
  (item) => item.type === "event" && ["RecordAdded", "PatientRegistered", "EncryptionKeySet"].includes(item.name),
) as unknown as AbiEvent[];
/** Blocks per `eth_getLogs` call (providers cap the range). */
const LOG_WINDOW = 10_000n;
/** Blobs looked at per sweep. */
const SWEEP_BATCH = 100;
const ZERO_HASH = `0x${"0".repeat(64)}`;

export interface BlobSweeperOptions {
  ledger: UploadLedger;
  blobs: Pick<ManagedBlobStore, "remove">;
  publicClient: PublicClient;
  core: Address;
  chainId: number;
  logger: Logger;
  /** How long an upload may stay unreferenced before it is removed, in milliseconds. */
  graceMs: number;
  /** How often the sweeper runs, in milliseconds. */
  intervalMs: number;
  /** What else goes with a removed blob (the wrapped keys of that envelope). */
  removed?: (sha256: Hex) => void;
}

/**
 * Removes the uploads that nothing on the chain references after their grace period (README,
 * "Blobs"). Two steps per run:
 *
 * 1. `catchUp`: reads the new `RecordAdded`, `PatientRegistered` and `EncryptionKeySet` logs from
 *    a block cursor kept in SQLite (never the whole history again) and marks the uploads they name
 *    referenced, which also frees their bytes from the uploader's quota.
 * 2. For each blob whose uploads are all unreferenced and older than the grace period, it asks the
 *    chain once more, for that blob's patient or owner only (the cursor starts where the ledger
 *    did, so a record made before that is found here), and then, holding the blob's lock so that
 *    an upload of the same bytes waits, unpins it and forgets its uploads.
 *
 * Blobs with no upload row (stored before the ledger) and legacy re-uploads are never removed.
 */
export class BlobSweeper {
  private timer: NodeJS.Timeout | undefined;
  private scanning: Promise<void> | undefined;
  private running: Promise<number> | undefined;
  private stopped = false;

  constructor(private readonly options: BlobSweeperOptions) {}

  /** Runs every `intervalMs` (the first run at once) until {@link stop}. */
  start(): void {
    const tick = () => {
      void this.runOnce()
        .catch((error: unknown) =>
          this.options.logger.warn({ err: { name: (error as Error).name } }, "blob sweep failed; retrying later"),
        )
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(tick, this.options.intervalMs).unref();
        });
    };
    tick();
  }

  /** Stops the timer and waits for a run in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** One run: catch up with the chain, then remove what expired (after a run in progress). Answers how many blobs were removed. */
  async runOnce(now = Date.now()): Promise<number> {
    while (this.running) await this.running.catch(() => undefined);
    const run = this.sweep(now).finally(() => (this.running = undefined));
    this.running = run;
    return run;
  }

  /** Reads the reference events since the cursor (one scan at a time; callers share a scan in progress). */
  catchUp(): Promise<void> {
    this.scanning ??= this.scan().finally(() => (this.scanning = undefined));
    return this.scanning;
  }

  private async scan(): Promise<void> {
    const { ledger, publicClient, core } = this.options;
    // Not viem's cached number: a record mined a moment ago must count now (the quota's retry).
    const head = await this.read("read the chain's head", () => publicClient.getBlockNumber({ cacheTime: 0 }));
    const cursor = ledger.nextBlock;
    // First run: the ledger starts now; anything older is confirmed per blob before removal.
    if (cursor === undefined) return ledger.advance(head + 1n, []);
    for (let from: bigint = cursor; from <= head;) {
      const to: bigint = from + LOG_WINDOW - 1n < head ? from + LOG_WINDOW - 1n : head;
      const logs = await this.read("read record and key events", () =>
        publicClient.getLogs({ address: core, events: REFERENCE_EVENTS, fromBlock: from, toBlock: to, strict: true }),
      );
      ledger.advance(
        to + 1n,
        logs.flatMap((log) => referencedHashes(log.args as Record<string, unknown>)),
      );
      from = to + 1n;
    }
  }

  private async sweep(now: number): Promise<number> {
    const { ledger, blobs, logger, graceMs } = this.options;
    await this.catchUp();
    const before = now - graceMs;
    let removed = 0;
    for (const blob of ledger.expired(before, SWEEP_BATCH)) {
      if (this.stopped) break;
      if (await this.referencedOnChain(blob.sha256, blob.kind, blob.subject)) {
        ledger.markReferenced([blob.sha256], now);
        continue;
      }
      const done = await ledger.exclusive(blob.sha256, async () => {
        // An upload of the same bytes may have come in while the chain was asked.
        if (!ledger.stillExpired(blob.sha256, before)) return false;
        // Its keys first: a removal that fails after them leaves a file no record names, never keys
        // of a file that is gone.
        this.options.removed?.(blob.sha256);
        await blobs.remove(blob.cid);
        ledger.forget(blob.sha256, before);
        return true;
      });
      if (done) {
        removed++;
        logger.info({ cid: blob.cid, kind: blob.kind }, "unreferenced upload removed");
      }
    }
    return removed;
  }

  /** Whether any event in the subject's history names `sha256` (the check before a removal). */
  private async referencedOnChain(sha256: Hex, kind: string, subject: Address): Promise<boolean> {
    const { publicClient, core, chainId } = this.options;
    const deployment = deploymentFor(chainId);
    const fromBlock =
      deployment && deployment.core.toLowerCase() === core.toLowerCase() ? BigInt(deployment.deployBlock) : 0n;
    const range = { address: core, abi: ehrCoreAbi, fromBlock, toBlock: "latest", strict: true } as const;
    const queries: (() => Promise<{ args: object }[]>)[] =
      kind === "envelope"
        ? [() => publicClient.getContractEvents({ ...range, eventName: "RecordAdded", args: { patient: subject } })]
        : [
            () =>
              publicClient.getContractEvents({ ...range, eventName: "PatientRegistered", args: { patient: subject } }),
            () =>
              publicClient.getContractEvents({ ...range, eventName: "EncryptionKeySet", args: { account: subject } }),
          ];
    for (const query of queries) {
      const logs = await this.read("read a patient's records", query);
      const hashes = logs.flatMap((log) => referencedHashes(log.args as Record<string, unknown>));
      if (hashes.includes(sha256.toLowerCase() as Hex)) return true;
    }
    return false;
  }

  private async read<T>(what: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw toChainError(error, what);
    }
  }
}

/** The blob hashes an event's arguments name (lowercase; the zero hash of "no summary" left out). */
function referencedHashes(args: Record<string, unknown>): Hex[] {
  return [args.envelopeHash, args.summaryHash, args.keyBackup]
    .filter((hash): hash is string => typeof hash === "string" && hash !== ZERO_HASH)
    .map((hash) => hash.toLowerCase() as Hex);
}
