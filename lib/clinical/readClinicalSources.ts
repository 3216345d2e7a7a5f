/**
 * What the reconciled list is made of, for any reader: the patient's newest general details and
 * every summary, each part read on its own through readRecord (a doctor's read is logged with
 * `logAccess`, under a grant or an open emergency window; the patient's own reads are not logged).
 * A part the reader may not open is listed with a plain reason, not fatal. The emergency card reads
 * the same parts in one transaction (lib/records/emergency.ts); this serves the patient's own view
 * and the prescribing check under a grant.
 */
import { RecordFlags } from "../chain/ehr";
import type { RecordPart } from "../crypto/identity";
import type { Address } from "viem";
import { isUserRejection, toUserMessage } from "../errors";
import type { UserKey } from "../keys/types";
import type { EmergencyReadItem, EmergencyReadResult } from "../records/emergency";
import { allRecords, readRecord, type FlowContext } from "../records/flows";

export type ClinicalSources = Omit<EmergencyReadResult, "emergencyId" | "txHash">;

export async function readClinicalSources(
  ctx: FlowContext,
  input: { patient: Address; readerKey: UserKey },
): Promise<ClinicalSources> {
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
