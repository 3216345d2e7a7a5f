/**
 * The general details and summaries a doctor read (lib/records/emergency.ts readEmergencyRecords,
 * under an emergency window or a grant), decoded: what is malformed is listed as unavailable
 * instead of failing the rest. Both the emergency card and the prescribing check read through it.
 */
import type { GeneralDetails } from "../fhir/generalDetails";
import type { EmergencyReadResult } from "../records/emergency";
import { parseGeneralDetails } from "../records/generalDetails";
import { parseStoredSummary, type StoredSummary } from "../summary/stored";
import type { SummarySource } from "./reconcile";

export interface DecodedReads {
  details?: GeneralDetails;
  summaries: { index: number; category: number; stored: StoredSummary }[];
  unavailable: EmergencyReadResult["unavailable"];
}

export function decodeReads(read: Omit<EmergencyReadResult, "emergencyId" | "txHash">): DecodedReads {
  const unavailable = [...read.unavailable];
  const summaries: DecodedReads["summaries"] = [];
  for (const item of read.summaries) {
    try {
      summaries.push({ index: item.index, category: item.category, stored: parseStoredSummary(item.plaintext) });
    } catch {
      unavailable.push({ index: item.index, part: "summary", reason: "The record's summary is malformed." });
    }
  }
  let details: GeneralDetails | undefined;
  if (read.generalDetails) {
    try {
      details = parseGeneralDetails(read.generalDetails.plaintext);
    } catch {
      unavailable.push({
        index: read.generalDetails.index,
        part: "report",
        reason: "The general details are malformed.",
      });
    }
  }
  return { details, summaries, unavailable };
}

/** The summaries as reconcile's sources, each named by its record as people see it, counted from 1 ("record 3"). */
export function summarySources(decoded: DecodedReads): SummarySource[] {
  return decoded.summaries.map((s) => ({ stored: s.stored, record: `record ${s.index + 1}` }));
}
