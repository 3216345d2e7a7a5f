import { useCallback } from "react";
import type { Address } from "viem";
import { FormatError } from "@lib/errors";
import { rewrapGrantedRecords } from "@lib/records/flows";
import { WRITE_STAGES, type TaskStage } from "../../components/stages";
import { useUserKey } from "../../ehr/useEhr";
import { useConsents } from "../../hooks/useConsents";
import { useCoreWrite } from "../../hooks/useCoreWrite";

/** Approving a request: its transaction, then the covered records' keys shared with the doctor. */
export const APPROVE_STAGES = [...WRITE_STAGES, "rewrap"] as const;

/**
 * Answers a doctor's access request for the connected patient, wherever it is shown (Sharing, the
 * home page): `approve` grants it on the chain and shares the keys of the records it covers (needs
 * the unlocked key); `deny` closes it. Both re-read the patient's consents when done. Run them in
 * a useTaskMutation, which reports the stages and shows a failure.
 */
export function useAnswerRequest() {
  const { flowContext, userKey } = useUserKey();
  const consents = useConsents("patient");
  const write = useCoreWrite();
  const { refetch } = consents;

  const approve = useCallback(
    async (doctor: Address, categories: number, report: (stage: TaskStage) => void) => {
      if (!userKey) throw new FormatError("Unlock your key first.");
      await write("approveRequest", [doctor], "approve the request", report);
      await rewrapGrantedRecords(
        flowContext((p) => report(p.stage)),
        { doctor, categories, patientKey: userKey },
      );
      await refetch();
    },
    [userKey, write, flowContext, refetch],
  );
  const deny = useCallback(
    async (doctor: Address, report: (stage: TaskStage) => void) => {
      await write("denyRequest", [doctor], "deny the request", report);
      await refetch();
    },
    [write, refetch],
  );
  return { approve, deny };
}
