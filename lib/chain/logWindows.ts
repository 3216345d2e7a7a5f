import { FormatError } from "../errors";

/** How far back a page of logs may read, and in which steps. */
export interface BackwardScanOptions {
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
   * for an account whose history is quiet. @default 1_000_000n
   */
  maxScan?: bigint;
}

export interface BackwardScanPage<T> {
  /** Newest first: every item in blocks `scannedFrom`..`toBlock`. */
  items: T[];
  /** The newest block the page read. */
  toBlock: bigint;
  /** The oldest block the page covers completely. */
  scannedFrom: bigint;
  /** `toBlock` for the next, older page; undefined once the floor block is covered. */
  older: bigint | undefined;
}

/**
 * One page of logs, newest first, read backwards from `toBlock` in windows of blocks until `limit`
 * entries are found (as `countOf` counts them), the floor block is reached, or `maxScan` blocks were
 * read. The page ends on a block boundary, so the next page (from `older`) loses and repeats
 * nothing. `readWindow` answers the items of blocks `fromBlock..toBlock`, newest first.
 * Serves the audit trail (accessEvents.ts) and the patient's appointments (appointmentEvents.ts).
 */
export async function scanLogsBackward<T extends { blockNumber: bigint }>(
  head: bigint,
  options: BackwardScanOptions,
  readWindow: (fromBlock: bigint, toBlock: bigint) => Promise<T[]>,
  countOf: (item: T) => boolean = () => true,
): Promise<BackwardScanPage<T>> {
  const limit = options.limit ?? 20;
  if (!Number.isSafeInteger(limit) || limit < 1) throw new FormatError("The page size must be a positive integer.");
  const floor = options.floorBlock ?? 0n;
  const maxWindow = options.maxWindow ?? 100_000n;
  const maxScan = options.maxScan ?? 1_000_000n;
  const found: T[] = [];
  let counted = 0;
  let window = options.firstWindow ?? 64n;
  let hi = head;
  let scannedFrom = head + 1n;
  while (hi >= floor && counted < limit && head - hi < maxScan) {
    const lo = hi - window + 1n > floor ? hi - window + 1n : floor;
    const items = await readWindow(lo, hi);
    found.push(...items);
    counted += items.filter(countOf).length;
    scannedFrom = lo;
    hi = lo - 1n;
    window = window * 2n > maxWindow ? maxWindow : window * 2n;
  }
  // Windows come newest first and each is sorted: `found` is newest first (a stable sort keeps it so).
  found.sort((a, b) => (a.blockNumber === b.blockNumber ? 0 : a.blockNumber > b.blockNumber ? -1 : 1));
  let items = found;
  if (counted > limit) {
    // End on a block boundary: the next page starts below the last block shown, none lost or repeated.
    let seen = 0;
    const last = found.find((item) => countOf(item) && ++seen === limit)!;
    scannedFrom = last.blockNumber;
    items = found.filter((item) => item.blockNumber >= scannedFrom);
  }
  return { items, toBlock: head, scannedFrom, older: scannedFrom > floor ? scannedFrom - 1n : undefined };
}
