import type { PublicClient } from "viem";
import { appointmentBookAbi } from "../../deployments/contracts";
import type { Address, Hex } from "viem";
import { scanLogsBackward, type BackwardScanOptions } from "./logWindows";

/** IAppointmentBook.AppointmentStatus, in declaration order. */
export const AppointmentStatus = {
  None: 0,
  Booked: 1,
  Confirmed: 2,
  Declined: 3,
  Cancelled: 4,
  Completed: 5,
} as const;

/** One booking a patient made, in the state its events (and, for a live one, the chain) give. */
export interface PatientAppointmentEntry {
  doctor: Address;
  /** The slot's start, in seconds. */
  start: number;
  /** Tells the bookings of one slot apart. */
  seq: number;
  /** IAppointmentBook.AppointmentStatus. */
  status: number;
  /** The outcome record's index plus one (0: none), from `AppointmentCompleted`. */
  outcomeRecord: number;
  /** The block of the booking. */
  blockNumber: bigint;
  txHash: Hex;
}

/** A book event that concerns a patient, as the fold below needs it. */
export type PatientAppointmentEvent =
  | { kind: "booked"; doctor: Address; start: number; seq: number; blockNumber: bigint; logIndex: number; txHash: Hex }
  | { kind: "status"; doctor: Address; start: number; status: number; blockNumber: bigint; logIndex: number }
  | { kind: "completed"; doctor: Address; start: number; outcomeRecord: number; blockNumber: bigint; logIndex: number };

export interface PatientAppointmentsPage {
  /** Newest booking first. */
  appointments: PatientAppointmentEntry[];
  /** The newest block the page read. */
  toBlock: bigint;
  /** `toBlock` for the next, older page; undefined once the floor block is covered. */
  older: bigint | undefined;
}

/** Bookings a page holds at least (it ends on a block boundary). */
export const APPOINTMENT_PAGE = 50;

/**
 * Folds one patient's book events (any order) into their bookings, newest first. A status change
 * or completion applies to the patient's latest booking of that slot before it: one patient's
 * bookings of a slot never overlap (a slot is booked again only once freed). Events of bookings
 * outside the events given (older than a page) are ignored.
 */
export function foldPatientAppointments(events: PatientAppointmentEvent[]): PatientAppointmentEntry[] {
  const ordered = [...events].sort((a, b) =>
    a.blockNumber === b.blockNumber ? a.logIndex - b.logIndex : a.blockNumber < b.blockNumber ? -1 : 1,
  );
  const bookings: PatientAppointmentEntry[] = [];
  const latest = new Map<string, PatientAppointmentEntry>();
  for (const e of ordered) {
    const slot = `${e.doctor.toLowerCase()}:${e.start}`;
    if (e.kind === "booked") {
      const entry: PatientAppointmentEntry = {
        doctor: e.doctor,
        start: e.start,
        seq: e.seq,
        status: AppointmentStatus.Booked,
        outcomeRecord: 0,
        blockNumber: e.blockNumber,
        txHash: e.txHash,
      };
      bookings.push(entry);
      latest.set(slot, entry);
      continue;
    }
    const entry = latest.get(slot);
    if (!entry) continue;
    if (e.kind === "status") entry.status = e.status;
    else entry.outcomeRecord = e.outcomeRecord;
  }
  return bookings.reverse();
}

/**
 * One page of a patient's appointments, newest first, from the events the book indexes by patient
 * (`AppointmentBooked`, `AppointmentStatusChanged`, `AppointmentCompleted`): the book keeps no
 * per-patient list on-chain, so booking costs one storage slot. The logs are read backwards from
 * the head in windows (lib/chain/logWindows.ts, as the audit trail is) until `limit` bookings are
 * found or the floor block (the deployment block) is reached. Every later move of a booking on the
 * page is newer than the booking, so it lies inside the blocks read: each status is exact.
 */
export async function readPatientAppointmentsPage(
  publicClient: PublicClient,
  book: Address,
  patient: Address,
  options: BackwardScanOptions = {},
): Promise<PatientAppointmentsPage> {
  const head = options.toBlock ?? (await publicClient.getBlockNumber({ cacheTime: 0 }));
  const page = await scanLogsBackward(
    head,
    { ...options, limit: options.limit ?? APPOINTMENT_PAGE },
    (fromBlock, toBlock) => readWindow(publicClient, book, patient, fromBlock, toBlock),
    (e) => e.kind === "booked",
  );
  return { appointments: foldPatientAppointments(page.items), toBlock: page.toBlock, older: page.older };
}

/** Every appointment of the patient, newest first: pages until the floor block. */
export async function readPatientAppointments(
  publicClient: PublicClient,
  book: Address,
  patient: Address,
  options: Omit<BackwardScanOptions, "toBlock"> = {},
): Promise<PatientAppointmentEntry[]> {
  const all: PatientAppointmentEntry[] = [];
  let toBlock: bigint | undefined;
  do {
    const page = await readPatientAppointmentsPage(publicClient, book, patient, { ...options, toBlock });
    all.push(...page.appointments);
    toBlock = page.older;
  } while (toBlock !== undefined);
  return all;
}

/** What every book event about a patient carries: the slot, and where its log stands in the chain. */
function slotOf(log: { args: { doctor?: Address; start?: number | bigint }; blockNumber: bigint; logIndex: number }) {
  return {
    doctor: log.args.doctor!,
    start: Number(log.args.start),
    blockNumber: log.blockNumber,
    logIndex: log.logIndex,
  };
}

async function readWindow(
  publicClient: PublicClient,
  book: Address,
  patient: Address,
  fromBlock: bigint,
  toBlock: bigint,
): Promise<PatientAppointmentEvent[]> {
  const range = { address: book, abi: appointmentBookAbi, args: { patient }, fromBlock, toBlock } as const;
  const [booked, changed, completed] = await Promise.all([
    publicClient.getContractEvents({ ...range, eventName: "AppointmentBooked" }),
    publicClient.getContractEvents({ ...range, eventName: "AppointmentStatusChanged" }),
    publicClient.getContractEvents({ ...range, eventName: "AppointmentCompleted" }),
  ]);
  const events: PatientAppointmentEvent[] = [
    ...booked.map((log) => ({
      kind: "booked" as const,
      ...slotOf(log),
      seq: log.args.seq!,
      txHash: log.transactionHash,
    })),
    ...changed.map((log) => ({ kind: "status" as const, ...slotOf(log), status: log.args.status! })),
    ...completed.map((log) => ({ kind: "completed" as const, ...slotOf(log), outcomeRecord: log.args.outcomeRecord! })),
  ];
  return events.sort((a, b) =>
    a.blockNumber === b.blockNumber ? b.logIndex - a.logIndex : a.blockNumber > b.blockNumber ? -1 : 1,
  );
}
