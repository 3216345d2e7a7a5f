import { keccak256, sliceHex, toBytes } from "viem";
import { ChainError, FormatError, isUserRejection, toUserMessage } from "../errors";
import { ACCESS_BASES, accessBasisOf, coreEvents, RecordFlags, type ChainRecord } from "../chain/ehr";
import { Category } from "../categories";
import type { RecordPart } from "../crypto/identity";
import type { Address, Hex } from "viem";
import type { UserKey } from "../keys/types";
import { actingAccount, writeWithProgress } from "./context";
import { allRecords } from "./listRecords";
import { readRecord, type ReadRecordResult } from "./readRecord";
import type { FlowContext, ReadBasis } from "./types";

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
  /** The one transaction that opened the window and logged every read of the card. */
  txHash: Hex;
  /** The newest general-details record, read in full; undefined when none could be read. */
  generalDetails?: EmergencyReadItem;
  /** Summaries of the records that have one, newest first. */
  summaries: EmergencyReadItem[];
  /** Parts that could not be opened (e.g. no key wrapped to this doctor yet), with a plain reason. */
  unavailable: { index: number; part: RecordPart; reason: string }[];
}

/** keccak256 of the written justification: what goes on-chain (the text stays with the doctor). */
export function justificationHash(justification: string): Hex {
  return keccak256(toBytes(justification));
}

/**
 * Whether `justification` replays the previous opening's, whose tag (the first 9 bytes of its hash)
 * the chain keeps in the window: within the cool-down, a re-opening needs a different one, and
 * checking here says so before the doctor signs.
 */
export function repeatsJustification(justification: string, previousTag: Hex): boolean {
  return sliceHex(justificationHash(justification), 0, 9) === previousTag.toLowerCase();
}

/**
 * Break-glass in one transaction: `openEmergencyAccessAndLog` opens the emergency window (reason
 * code + hash of the written justification) and logs, in the same transaction, the reads of the
 * newest general-details record in full and of the summary of every record that has one; then
 * each part is downloaded, checked and opened, the vault releasing its key against that one
 * transaction. On a network with 2-second blocks the card waits for one block, not one per read.
 * A part whose key the vault cannot release to this doctor is listed in `unavailable` instead of
 * failing the rest. The break-glass policy (daily limit, second reason within the cool-down) is the
 * chain's: the write is simulated first, so a refusal comes with its sentence before any signature.
 *
 * Keys: the vault must release a key wrapped to this doctor. A plain ChainKeyVault holds only keys
 * wrapped to the doctor before (as author, or by a grant's re-wrap); a `CustodianRewrapper`
 * (offchain-api/keys/custodianRewrapper.ts) re-wraps the emergency custodian's keys to the doctor on demand
 * while the window is open, which is what the storage service hosts.
 */
export async function openEmergencyAndRead(ctx: FlowContext, input: EmergencyReadInput): Promise<EmergencyReadResult> {
  if (!Number.isInteger(input.reasonCode) || input.reasonCode < 1 || input.reasonCode > 0xffff) {
    throw new FormatError("Choose a reason for emergency access.");
  }
  if (typeof input.justification !== "string" || input.justification.trim().length === 0) {
    throw new FormatError("Write a justification for emergency access.");
  }
  const plan = planEmergencyReads(await allRecords(ctx, input.patient));
  const { txHash, receipt } = await writeWithProgress(
    ctx,
    "openEmergencyAccessAndLog",
    [input.patient, input.reasonCode, justificationHash(input.justification), plan.indexes],
    "open emergency access",
  );
  const opened = coreEvents(receipt, ctx.core).find((log) => log.eventName === "EmergencyAccessOpened");
  if (!opened || opened.eventName !== "EmergencyAccessOpened") {
    throw new ChainError("Emergency access was not opened on the chain.");
  }
  const reads = await readPlanned(ctx, input, plan, txHash, loggedBases(ctx, receipt));
  return { emergencyId: Number(opened.args.id), txHash, ...reads };
}

/**
 * The reads of {@link openEmergencyAndRead}, for a window that is already open (e.g. reopening
 * the page): the newest general details in full and every summary, newest first, logged together
 * in one `logEmergencyReads` transaction.
 */
export async function readEmergencyRecords(
  ctx: FlowContext,
  input: { patient: Address; doctorKey: UserKey },
): Promise<Omit<EmergencyReadResult, "emergencyId" | "txHash">> {
  const plan = planEmergencyReads(await allRecords(ctx, input.patient));
  if (plan.indexes.length === 0) return { summaries: [], unavailable: [] };
  const { txHash, receipt } = await writeWithProgress(
    ctx,
    "logEmergencyReads",
    [input.patient, plan.indexes],
    "log your emergency reads",
  );
  return readPlanned(ctx, input, plan, txHash, loggedBases(ctx, receipt));
}

/** Why a part the reader holds no access to was not read (a grant that does not cover its category). */
export const NOT_COVERED = "Your access does not cover this record.";

/**
 * The card's parts (the newest general details in full, every summary, newest first) as far as
 * what the doctor holds now allows (a grant's categories, an open emergency window), logged in one
 * `logEmergencyReads` transaction: one signature however many records, where a read each would
 * ask for one per record. A part the chain would not let them log (`accessBasis` None: outside the
 * grant) is listed in `unavailable` and never asked for, so it costs no refusal; with nothing
 * readable, no transaction is sent. Serves a chart's clinical summary and the prescribing check.
 */
export async function readPermittedCardParts(
  ctx: FlowContext,
  input: { patient: Address; doctorKey: UserKey },
): Promise<Omit<EmergencyReadResult, "emergencyId" | "txHash">> {
  const reader = actingAccount(ctx);
  const records = await allRecords(ctx, input.patient);
  const plan = planEmergencyReads(records);
  const byIndex = new Map(records.map((r) => [r.index, r]));
  const allowed = new Set<number>();
  await Promise.all(
    plan.indexes.map(async (index) => {
      const record = byIndex.get(Number(index))!;
      // As the contract logs a card read: a general-details record in full, any other's summary.
      const summaryOnly = record.category !== Category.GeneralDetails;
      const basis = await accessBasisOf(ctx.publicClient, ctx.core, input.patient, reader, record.index, summaryOnly);
      if (basis !== "None") allowed.add(record.index);
    }),
  );
  // Coverage goes by category, so the newest general details the doctor may read are the newest there are.
  const readable = planEmergencyReads(records.filter((r) => allowed.has(r.index)));
  const notCovered = (index: number, part: RecordPart) => ({ index, part, reason: NOT_COVERED });
  const unavailable: EmergencyReadResult["unavailable"] = [
    ...(plan.details && !allowed.has(plan.details.index) ? [notCovered(plan.details.index, "report")] : []),
    // The general details' own summary is not listed again: their report is.
    ...plan.withSummary
      .filter((r) => !allowed.has(r.index) && r.index !== plan.details?.index)
      .map((r) => notCovered(r.index, "summary")),
  ];
  if (readable.indexes.length === 0) return { summaries: [], unavailable };
  const { txHash, receipt } = await writeWithProgress(
    ctx,
    "logEmergencyReads",
    [input.patient, readable.indexes],
    "log your reads",
  );
  const read = await readPlanned(ctx, input, readable, txHash, loggedBases(ctx, receipt));
  return { ...read, unavailable: [...unavailable, ...read.unavailable] };
}

interface EmergencyPlan {
  /** The newest general-details record, read in full. */
  details?: ChainRecord;
  /** Records with a summary, newest first. */
  withSummary: ChainRecord[];
  /** What the transaction logs: each record once (the contract logs general details in full). */
  indexes: bigint[];
}

/** What the emergency card reads, from the patient's records (oldest first, as listed). */
function planEmergencyReads(records: ChainRecord[]): EmergencyPlan {
  const newestFirst = [...records].reverse();
  const details = newestFirst.find((r) => r.category === 0);
  const withSummary = newestFirst.filter((r) => r.flags & RecordFlags.HasSummary);
  const indexes = [...new Set([...(details ? [details.index] : []), ...withSummary.map((r) => r.index)])];
  return { details, withSummary, indexes: indexes.map(BigInt) };
}

/** The basis each `RecordAccessed` of the receipt logged, by record index. */
function loggedBases(ctx: FlowContext, receipt: Parameters<typeof coreEvents>[0]): Map<number, ReadBasis> {
  const bases = new Map<number, ReadBasis>();
  for (const log of coreEvents(receipt, ctx.core)) {
    if (log.eventName === "RecordAccessed") {
      bases.set(Number(log.args.index), ACCESS_BASES[log.args.basis] as ReadBasis);
    }
  }
  return bases;
}

/** Downloads and opens each planned part against the one transaction that logged them all. */
async function readPlanned(
  ctx: FlowContext,
  input: { patient: Address; doctorKey: UserKey },
  plan: EmergencyPlan,
  txHash: Hex,
  bases: Map<number, ReadBasis>,
): Promise<Omit<EmergencyReadResult, "emergencyId" | "txHash">> {
  const result: Omit<EmergencyReadResult, "emergencyId" | "txHash"> = { summaries: [], unavailable: [] };
  const attempt = async (index: number, part: RecordPart): Promise<EmergencyReadItem | undefined> => {
    const basis = bases.get(index);
    if (!basis) throw new ChainError("The emergency reads were not all logged on the chain.");
    try {
      const read = await readRecord(ctx, {
        patient: input.patient,
        index,
        part,
        readerKey: input.doctorKey,
        loggedBy: { txHash, basis },
      });
      return { ...read, index, part };
    } catch (error) {
      if (isUserRejection(error)) throw error; // the doctor stopped: stop, do not list it
      result.unavailable.push({ index, part, reason: toUserMessage(error) });
      return undefined;
    }
  };
  if (plan.details) result.generalDetails = await attempt(plan.details.index, "report");
  for (const record of plan.withSummary) {
    const item = await attempt(record.index, "summary");
    if (item) result.summaries.push(item);
  }
  return result;
}
