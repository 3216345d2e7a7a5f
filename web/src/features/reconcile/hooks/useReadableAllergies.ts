import { useState } from "react";
import { decodeReads, summarySources } from "@lib/clinical/decodeReads";
import { readClinicalSources } from "@lib/clinical/readClinicalSources";
import { reconcile, type ReconciledList } from "@lib/clinical/reconcile";
import type { Address } from "viem";
import { KeyUnlockError } from "@lib/errors";
import { useUserKey } from "../../../ehr/useEhr";
import { useTaskMutation } from "../../../hooks/useTaskMutation";

/** What the doctor could read of a patient's allergies, and how many parts stayed closed. */
export interface ReadableAllergies {
  list: ReconciledList;
  /** Parts the doctor could not open (no grant for their category, a malformed summary...). */
  unavailable: number;
}

/**
 * A patient's reconciled allergies as the signed-in doctor can read them, on demand: the newest
 * general details and every summary, each read logged on-chain like any other read (under the
 * doctor's grant or an open emergency window); what cannot be opened is counted, not fatal.
 */
export function useReadableAllergies(patient: Address) {
  const { flowContext, userKey } = useUserKey();
  const task = useTaskMutation();
  const [result, setResult] = useState<ReadableAllergies>();
  const read = () =>
    task.run(async (report) => {
      if (!userKey) throw new KeyUnlockError("Unlock your key to read the patient's allergies.");
      const decoded = decodeReads(
        await readClinicalSources(
          flowContext((p) => report(p.stage)),
          { patient, readerKey: userKey },
        ),
      );
      const next = {
        list: reconcile({ details: decoded.details, summaries: summarySources(decoded) }),
        unavailable: decoded.unavailable.length,
      };
      setResult(next);
      return next;
    });
  return { read, result, task };
}
