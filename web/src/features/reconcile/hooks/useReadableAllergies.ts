import { summarySources } from "@lib/clinical/decodeReads";
import { reconcile, type ReconciledList } from "@lib/clinical/reconcile";
import type { Address } from "viem";
import { useClinicalReads } from "./useClinicalReads";

/** What the doctor could read of a patient's allergies, and how many parts stayed closed. */
export interface ReadableAllergies {
  list: ReconciledList;
  /** Parts the doctor could not open (no grant for their category, a malformed summary...). */
  unavailable: number;
}

/**
 * A patient's reconciled allergies as the signed-in doctor can read them, on demand: the newest
 * general details and every summary, the reads logged on-chain in one transaction (under the
 * doctor's grant or an open emergency window); what cannot be opened is counted, not fatal.
 */
export function useReadableAllergies(patient: Address) {
  return useClinicalReads(patient, (decoded): ReadableAllergies => ({
    list: reconcile({ details: decoded.details, summaries: summarySources(decoded) }),
    unavailable: decoded.unavailable.length,
  }));
}
