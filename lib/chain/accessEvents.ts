import type { PublicClient } from "viem";
import { ehrCoreAbi } from "../../deployments/contracts";
import { FormatError } from "../errors";
import type { Address, Hex } from "../crypto/identity";
import { ACCESS_BASES, type AccessBasisName } from "./ehr";

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

export interface AccessEventPageInput {
  filter: AccessEventFilter;
  /** The newest block to read (a page's `older` cursor). @default the chain's head */
  toBlock?: bigint;
  /** The oldest block there can be events in: the system's deployment block. @default 0n */
  floorBlock?: bigint;
  /** Entries wanted; a page may hold more, since it ends on a block boundary. @default 20 */
  limit?: number;
  /**
   * The first window's length in blocks; each window that leaves the page short doubles it, so a
   * small start costs a few round trips, not blocks. @default 64n
   */
  firstWindow?: bigint;
  /** The longest window in blocks (providers cap eth_getLogs ranges). @default 100_000n */
  maxWindow?: bigint;
  /**
   * Blocks one page may scan before it stops short of `limit`: what bounds the first page's cost
   * for a patient whose trail is quiet. @default 1_000_000n
   */
  maxScan?: bigint;
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
  const limit = input.limit ?? ACCESS_PAGE;
  if (!Number.isSafeInteger(limit) || limit < 1) throw new FormatError("The page size must be a positive integer.");
  const floor = input.floorBlock ?? 0n;
  const maxWindow = input.maxWindow ?? 100_000n;
  const maxScan = input.maxScan ?? 1_000_000n;
  const head = input.toBlock ?? (await publicClient.getBlockNumber({ cacheTime: 0 }));
  const found: AccessEvent[] = [];
  let window = input.firstWindow ?? 64n;
  let hi = head;
  let scannedFrom = head + 1n;
  while (hi >= floor && found.length < limit && head - hi < maxScan) {
    const lo = hi - window + 1n > floor ? hi - window + 1n : floor;
    found.push(...(await readWindow(publicClient, core, input.filter, lo, hi)));
    scannedFrom = lo;
    hi = lo - 1n;
    window = window * 2n > maxWindow ? maxWindow : window * 2n;
  }
  found.sort((a, b) => (a.blockNumber === b.blockNumber ? 0 : a.blockNumber > b.blockNumber ? -1 : 1));
  let events = found;
  if (found.length > limit) {
    // End on a block boundary: the next page starts below the last block shown, none lost or repeated.
    scannedFrom = found[limit - 1].blockNumber;
    events = found.filter((e) => e.blockNumber >= scannedFrom);
  }
  await stampTimes(publicClient, events);
  return { events, toBlock: head, scannedFrom, older: scannedFrom > floor ? scannedFrom - 1n : undefined };
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
  const [reads, emergencies] = await Promise.all([
    publicClient.getContractEvents({
      address: core,
      abi: ehrCoreAbi,
      eventName: "RecordAccessed",
      args: byPatient ? { patient: filter.patient } : { reader: filter.doctor },
      fromBlock,
      toBlock,
    }),
    publicClient.getContractEvents({
      address: core,
      abi: ehrCoreAbi,
      eventName: "EmergencyAccessOpened",
      args: byPatient ? { patient: filter.patient } : { doctor: filter.doctor },
      fromBlock,
      toBlock,
    }),
  ]);
  const placeholder = new Date(0);
  const events: Stamped[] = [
    ...reads.map((log) => ({
      kind: "read" as const,
      patient: log.args.patient!,
      doctor: log.args.reader!,
      index: Number(log.args.index),
      summaryOnly: log.args.summaryOnly!,
      basis: ACCESS_BASES[log.args.basis!],
      at: placeholder,
      blockNumber: log.blockNumber,
      txHash: log.transactionHash,
      key: `${log.transactionHash}:${log.logIndex}`,
      logIndex: log.logIndex,
    })),
    ...emergencies.map((log) => ({
      kind: "emergency" as const,
      patient: log.args.patient!,
      doctor: log.args.doctor!,
      id: Number(log.args.id),
      reasonCode: log.args.reasonCode!,
      expiresAt: new Date(Number(log.args.expiresAt) * 1000),
      at: placeholder,
      blockNumber: log.blockNumber,
      txHash: log.transactionHash,
      key: `${log.transactionHash}:${log.logIndex}`,
      logIndex: log.logIndex,
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
