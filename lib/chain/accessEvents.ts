import type { PublicClient } from "viem";
import { ehrCoreAbi } from "../../deployments/contracts";
import type { Address, Hex } from "viem";
import { ACCESS_BASES, type AccessBasisName } from "./ehr";
import { scanLogsBackward, type BackwardScanOptions } from "./logWindows";

/** One entry of the audit trail, from the chain's `RecordAccessed` / `EmergencyAccessOpened` events. */
export type AccessEvent =
  | {
      kind: "read";
      patient: Address;
      doctor: Address;
      index: number;
      summaryOnly: boolean;
      basis: AccessBasisName;
      at: Date;
      blockNumber: bigint;
      txHash: Hex;
      key: string;
    }
  | {
      kind: "emergency";
      patient: Address;
      doctor: Address;
      id: number;
      reasonCode: number;
      expiresAt: Date;
      at: Date;
      blockNumber: bigint;
      txHash: Hex;
      key: string;
    };

/** Whose trail: every access to one patient's records, or every access one doctor made. */
export type AccessEventFilter = { patient: Address } | { doctor: Address };

export interface AccessEventPageInput extends BackwardScanOptions {
  filter: AccessEventFilter;
}

export interface AccessEventPage {
  /** Newest first: every entry in blocks `scannedFrom`..`toBlock`. */
  events: AccessEvent[];
  /** The newest block the page read. */
  toBlock: bigint;
  /** The oldest block the page covers completely. */
  scannedFrom: bigint;
  /** `toBlock` for the next, older page; undefined once the floor block is covered. */
  older: bigint | undefined;
}

/** Pages the web shows at once: the size a patient's recent trail usually fits in. */
export const ACCESS_PAGE = 20;

/**
 * One page of the audit trail, newest first, read backwards from `toBlock` in windows of blocks
 * until `limit` entries are found, the floor block is reached, or `maxScan` blocks were read. The
 * contract keeps no per-patient index of its access log (logging stays under its gas budget), so
 * the cost follows the blocks scanned, not the chain's length: a patient with `limit` entries in
 * the recent blocks gets the first page from one or two small windows whatever the chain holds.
 * The limit, stated plainly: a trail with fewer entries than `limit` in the last `maxScan` blocks
 * costs `maxScan` blocks of log filtering (on few queries, the windows double), and reading it to
 * its very start costs the chain's whole length since deployment.
 */
export async function readAccessEventPage(
  publicClient: PublicClient,
  core: Address,
  input: AccessEventPageInput,
): Promise<AccessEventPage> {
  const head = input.toBlock ?? (await publicClient.getBlockNumber({ cacheTime: 0 }));
  const page = await scanLogsBackward(head, { ...input, limit: input.limit ?? ACCESS_PAGE }, (lo, hi) =>
    readWindow(publicClient, core, input.filter, lo, hi),
  );
  await stampTimes(publicClient, page.items);
  return { events: page.items, toBlock: page.toBlock, scannedFrom: page.scannedFrom, older: page.older };
}

type Stamped = AccessEvent & { logIndex: number };

/** Both event kinds of one block range, newest first within a block. */
async function readWindow(
  publicClient: PublicClient,
  core: Address,
  filter: AccessEventFilter,
  fromBlock: bigint,
  toBlock: bigint,
): Promise<AccessEvent[]> {
  const byPatient = "patient" in filter;
  const range = { address: core, abi: ehrCoreAbi, fromBlock, toBlock } as const;
  const [reads, emergencies] = await Promise.all([
    publicClient.getContractEvents({
      ...range,
      eventName: "RecordAccessed",
      args: byPatient ? { patient: filter.patient } : { reader: filter.doctor },
    }),
    publicClient.getContractEvents({
      ...range,
      eventName: "EmergencyAccessOpened",
      args: byPatient ? { patient: filter.patient } : { doctor: filter.doctor },
    }),
  ]);
  const placeholder = new Date(0);
  // Who read whose record (the doctor is the read's `reader`), and where the log stands in the chain.
  const common = (
    log: { args: { patient?: Address }; blockNumber: bigint; transactionHash: Hex; logIndex: number },
    doctor?: Address,
  ) => ({
    patient: log.args.patient!,
    doctor: doctor!,
    at: placeholder,
    blockNumber: log.blockNumber,
    txHash: log.transactionHash,
    key: `${log.transactionHash}:${log.logIndex}`,
    logIndex: log.logIndex,
  });
  const events: Stamped[] = [
    ...reads.map((log) => ({
      kind: "read" as const,
      ...common(log, log.args.reader),
      index: Number(log.args.index),
      summaryOnly: log.args.summaryOnly!,
      basis: ACCESS_BASES[log.args.basis!],
    })),
    ...emergencies.map((log) => ({
      kind: "emergency" as const,
      ...common(log, log.args.doctor),
      id: Number(log.args.id),
      reasonCode: log.args.reasonCode!,
      expiresAt: new Date(Number(log.args.expiresAt) * 1000),
    })),
  ];
  events.sort((a, b) =>
    a.blockNumber === b.blockNumber ? b.logIndex - a.logIndex : a.blockNumber > b.blockNumber ? -1 : 1,
  );
  return events.map(({ logIndex: _, ...e }) => e as AccessEvent);
}

/** Sets each entry's time from its block, fetching each block once. */
async function stampTimes(publicClient: PublicClient, events: AccessEvent[]): Promise<void> {
  const blocks = new Map<bigint, Promise<Date>>();
  for (const e of events) {
    if (!blocks.has(e.blockNumber)) {
      blocks.set(
        e.blockNumber,
        publicClient.getBlock({ blockNumber: e.blockNumber }).then((b) => new Date(Number(b.timestamp) * 1000)),
      );
    }
  }
  await Promise.all(events.map(async (e) => (e.at = await blocks.get(e.blockNumber)!)));
}
