import type { PublicClient } from "viem";
import { appointmentBookAbi, ehrCoreAbi } from "../../deployments/contracts";
import type { Address } from "viem";
import { decodeNotificationEvent, type DecodedLog } from "./decodeEvent";
import type { NotificationEvent } from "./types";

/** Which side of the events a user reads: a patient's, a doctor's, or (undefined) both. */
export type InboxSide = "patient" | "doctor";

/**
 * One log query per event and side, each filtered by an indexed address topic (see
 * contracts/interfaces), so the node returns only this user's logs. Only the side the event is
 * news to is queried: e.g. a patient's own AccessRequested are asked for by `patient`.
 */
const QUERIES = [
  { contract: "core", event: "AccessRequested", side: "patient" },
  { contract: "core", event: "RecordAdded", side: "patient" },
  { contract: "core", event: "EmergencyAccessOpened", side: "patient" },
  { contract: "core", event: "AccessRequestClosed", side: "doctor" },
  { contract: "core", event: "ConsentGranted", side: "doctor" },
  { contract: "core", event: "ConsentRevoked", side: "doctor" },
  { contract: "book", event: "AppointmentBooked", side: "doctor" },
  { contract: "book", event: "AppointmentStatusChanged", side: "patient" },
  { contract: "book", event: "AppointmentStatusChanged", side: "doctor" },
] as const;

export interface NotificationSource {
  publicClient: PublicClient;
  /** The EhrCore address. */
  core: Address;
  /** The AppointmentBook address. */
  book: Address;
}

export interface FetchedEvents {
  events: NotificationEvent[];
  /** The next call's `fromBlock`: one past the last block read. */
  nextBlock: bigint;
}

/**
 * Reads the events that may concern `address` in blocks `fromBlock`..latest. Call it again with
 * the returned `nextBlock` to read only what is new (polling), and append. `side` limits the
 * queries to a patient's or a doctor's events.
 */
export async function fetchNotificationEvents(
  source: NotificationSource,
  address: Address,
  fromBlock: bigint,
  side?: InboxSide,
): Promise<FetchedEvents> {
  const { publicClient } = source;
  const toBlock = await publicClient.getBlockNumber();
  if (toBlock < fromBlock) return { events: [], nextBlock: fromBlock };
  const queries = QUERIES.filter((q) => side === undefined || q.side === side);
  // Each query is typed by its own contract's ABI: the filter's topic and the decoded args come from it.
  const batches: DecodedLog[][] = await Promise.all(
    queries.map((q) => {
      const range = { fromBlock, toBlock, strict: true } as const;
      const args = q.side === "patient" ? { patient: address } : { doctor: address };
      return q.contract === "core"
        ? publicClient.getContractEvents({ address: source.core, abi: ehrCoreAbi, eventName: q.event, args, ...range })
        : publicClient.getContractEvents({
            address: source.book,
            abi: appointmentBookAbi,
            eventName: q.event,
            args,
            ...range,
          });
    }),
  );
  const times = new Map<bigint, Promise<number>>();
  const timeOf = (blockNumber: bigint) => {
    if (!times.has(blockNumber)) {
      times.set(
        blockNumber,
        publicClient.getBlock({ blockNumber }).then((b) => Number(b.timestamp) * 1000),
      );
    }
    return times.get(blockNumber)!;
  };
  const decoded = await Promise.all(
    batches.flat().map(async (log) => decodeNotificationEvent(log, await timeOf(log.blockNumber))),
  );
  return { events: decoded.filter((e) => e !== undefined), nextBlock: toBlock + 1n };
}
