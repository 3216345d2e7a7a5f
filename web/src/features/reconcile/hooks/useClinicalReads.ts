import { useState } from "react";
import type { Address } from "viem";
import { decodeReads, type DecodedReads } from "@lib/clinical/decodeReads";
import { readClinicalSources } from "@lib/clinical/readClinicalSources";
import { KeyUnlockError } from "@lib/errors";
import { useUserKey } from "../../../ehr/useEhr";
import { useTaskMutation } from "../../../hooks/useTaskMutation";

/**
 * A patient's newest general details and every summary as the signed-in user may read them, when
 * asked (readClinicalSources: a doctor's reads logged in one transaction), decoded; `shape` makes
 * what the page keeps of them (`result`, and what `read` resolves to).
 */
export function useClinicalReads<T>(patient: Address, shape: (decoded: DecodedReads) => T) {
  const { flowContext, userKey } = useUserKey();
  const task = useTaskMutation();
  const [result, setResult] = useState<T>();
  const read = () =>
    task.run(async (report) => {
      if (!userKey) throw new KeyUnlockError("Unlock your key to read the patient's records.");
      const sources = await readClinicalSources(
        flowContext((p) => report(p.stage)),
        { patient, readerKey: userKey },
      );
      const next = shape(decodeReads(sources));
      setResult(next);
      return next;
    });
  return { read, result, task };
}
