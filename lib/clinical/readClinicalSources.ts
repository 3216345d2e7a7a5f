/**
 * What the reconciled list is made of, for any reader: the patient's newest general details and
 * every summary. The patient reads each part on its own (their reads are not logged); a doctor
 * reads what their grant or an open emergency window covers, all logged in one transaction
 * (readPermittedCardParts: one signature, not one per record), and the rest is listed as not
 * covered without being asked for. A part that cannot be opened is listed with a plain reason,
 * not fatal. Serves the patient's own view, a chart's clinical summary and the prescribing check.
 */
import { RecordFlags } from "../chain/ehr";
import type { RecordPart } from "../crypto/identity";
import type { Address } from "viem";
import { isUserRejection, toUserMessage } from "../errors";
import type { UserKey } from "../keys/types";
import { actingAccount, sameAddress } from "../records/context";
import { readPermittedCardParts, type EmergencyReadItem, type EmergencyReadResult } from "../records/emergency";
import { allRecords, readRecord, type FlowContext } from "../records/flows";

export type ClinicalSources = Omit<EmergencyReadResult, "emergencyId" | "txHash">;

export async function readClinicalSources(
  ctx: FlowContext,
  input: { patient: Address; readerKey: UserKey },
): Promise<ClinicalSources> {
  if (!sameAddress(actingAccount(ctx), input.patient)) {
    return readPermittedCardParts(ctx, { patient: input.patient, doctorKey: input.readerKey });
  }
  const newestFirst = (await allRecords(ctx, input.patient)).reverse();
  const result: ClinicalSources = { summaries: [], unavailable: [] };
  const attempt = async (index: number, part: RecordPart): Promise<EmergencyReadItem | undefined> => {
    try {
      const read = await readRecord(ctx, { patient: input.patient, index, part, readerKey: input.readerKey });
      return { ...read, index, part };
    } catch (error) {
      if (isUserRejection(error)) throw error; // the reader stopped: stop, do not list it
      result.unavailable.push({ index, part, reason: toUserMessage(error) });
      return undefined;
    }
  };
  const details = newestFirst.find((r) => r.category === 0);
  if (details) result.generalDetails = await attempt(details.index, "report");
  for (const record of newestFirst) {
    if (!(record.flags & RecordFlags.HasSummary)) continue;
    const item = await attempt(record.index, "summary");
    if (item) result.summaries.push(item);
  }
  return result;
}
