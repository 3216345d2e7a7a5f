import { keccak256, toBytes } from "viem";
import { ChainError, FormatError, isUserRejection, toUserMessage } from "../errors";
import { coreEvents, RecordFlags } from "../chain/ehr";
import type { Address, Hex, RecordPart } from "../crypto/identity";
import type { UserKey } from "../keys/types";
import { writeWithProgress } from "./context";
import { allRecords } from "./listRecords";
import { readRecord, type ReadRecordResult } from "./readRecord";
import type { FlowContext } from "./types";

export interface EmergencyReadInput {
  patient: Address;
  /** A non-zero reason code (the UI's list). */
  reasonCode: number;
  /** The doctor's written justification: only its keccak256 goes on-chain. */
  justification: string;
  doctorKey: UserKey;
}

export interface EmergencyReadItem extends ReadRecordResult {
  index: number;
  part: RecordPart;
}

export interface EmergencyReadResult {
  emergencyId: number;
  txHash: Hex;
  /** The newest general-details record, read in full; undefined when none could be read. */
  generalDetails?: EmergencyReadItem;
  /** Summaries of the records that have one, newest first. */
  summaries: EmergencyReadItem[];
  /** Parts that could not be opened (e.g. no key wrapped to this doctor yet), with a plain reason. */
  unavailable: { index: number; part: RecordPart; reason: string }[];
}

/**
 * Break-glass: opens an emergency window (reason code + hash of the written justification), then
 * reads the newest general-details record in full and the summary of every record that has one,
 * each read logged on-chain. A part whose key the vault cannot release to this doctor is listed in
 * `unavailable` instead of failing the rest.
 *
 * Keys: the vault must release a key wrapped to this doctor. A plain ChainKeyVault holds only keys
 * wrapped to the doctor before (as author, or by a grant's re-wrap); a `CustodianRewrapper`
 * (lib/storage/custodian.node.ts) re-wraps the emergency custodian's keys to the doctor on demand
 * while the window is open, which is what the storage service will host.
 */
export async function openEmergencyAndRead(ctx: FlowContext, input: EmergencyReadInput): Promise<EmergencyReadResult> {
  if (!Number.isInteger(input.reasonCode) || input.reasonCode < 1 || input.reasonCode > 0xffff) {
    throw new FormatError("Choose a reason for emergency access.");
  }
  if (typeof input.justification !== "string" || input.justification.trim().length === 0) {
    throw new FormatError("Write a justification for emergency access.");
  }
  const justificationHash = keccak256(toBytes(input.justification));
  const { txHash, receipt } = await writeWithProgress(
    ctx,
    "openEmergencyAccess",
    [input.patient, input.reasonCode, justificationHash],
    "open emergency access",
  );
  const opened = coreEvents(receipt, ctx.core).find((log) => log.eventName === "EmergencyAccessOpened");
  if (!opened || opened.eventName !== "EmergencyAccessOpened") {
    throw new ChainError("Emergency access was not opened on the chain.");
  }

  return { emergencyId: Number(opened.args.id), txHash, ...(await readEmergencyRecords(ctx, input)) };
}

/**
 * The reads of {@link openEmergencyAndRead}, for a window that is already open (e.g. reopening
 * the page): the newest general details in full and every summary, newest first, each logged.
 */
export async function readEmergencyRecords(
  ctx: FlowContext,
  input: { patient: Address; doctorKey: UserKey },
): Promise<Omit<EmergencyReadResult, "emergencyId" | "txHash">> {
  const records = (await allRecords(ctx, input.patient)).reverse();
  const result: Omit<EmergencyReadResult, "emergencyId" | "txHash"> = { summaries: [], unavailable: [] };
  const attempt = async (index: number, part: RecordPart): Promise<EmergencyReadItem | undefined> => {
    try {
      const read = await readRecord(ctx, { patient: input.patient, index, part, readerKey: input.doctorKey });
      return { ...read, index, part };
    } catch (error) {
      if (isUserRejection(error)) throw error; // the doctor stopped: stop, do not list it
      result.unavailable.push({ index, part, reason: toUserMessage(error) });
      return undefined;
    }
  };
  const details = records.find((r) => r.category === 0);
  if (details) result.generalDetails = await attempt(details.index, "report");
  for (const record of records) {
    if (!(record.flags & RecordFlags.HasSummary)) continue;
    const item = await attempt(record.index, "summary");
    if (item) result.summaries.push(item);
  }
  return result;
}
