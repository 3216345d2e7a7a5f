import { useCallback } from "react";
import type { Abi, ContractFunctionArgs, ContractFunctionName } from "viem";
import { appointmentBookAbi } from "@deployments/contracts";
import { toChainError } from "@lib/chain/ehr";
import { ChainError, ContractRevertedError } from "@lib/errors";
import { useEhr } from "../ehr/useEhr";
import type { TaskStage } from "../components/stages";

type WriteName = ContractFunctionName<typeof appointmentBookAbi, "nonpayable">;

/** The AppointmentBook's reverts in the user's words (lib/chain/ehr.ts knows only the core's). */
const BOOK_MESSAGES: Record<string, string> = {
  AppointmentSlotTaken: "This slot was just taken; choose another one.",
  AppointmentSlotUnavailable: "The doctor does not offer this slot.",
  AppointmentSlotInvalid: "This slot is in the past or too far ahead to book.",
  AppointmentDoctorInactive: "This doctor is not taking appointments.",
  AppointmentCallerNotParty: "This is not your appointment.",
  AppointmentInvalidTransition: "This appointment can no longer change that way.",
  AppointmentNotStarted: "An appointment can only be completed once it has started.",
  AppointmentUnknown: "There is no appointment at this time.",
  AppointmentCallerNotPatient: "Only a registered patient can book.",
  AppointmentCallerNotDoctor: "Only an active doctor can do this.",
};

/**
 * A typed AppointmentBook write: simulated first (a call that would revert fails with its plain
 * reason before the wallet asks), then signed and mined, reporting
 * "awaiting-signature" → "pending" → "confirmed". The book's twin of useCoreWrite.
 */
export function useBookWrite() {
  const { publicClient, walletClient, book } = useEhr();
  return useCallback(
    async <const name extends WriteName>(
      functionName: name,
      args: ContractFunctionArgs<typeof appointmentBookAbi, "nonpayable", name>,
      action: string,
      report?: (stage: TaskStage) => void,
    ) => {
      const account = walletClient?.account;
      if (!walletClient || !account) throw new ChainError("Connect your wallet on the right network first.");
      const call = { address: book, abi: appointmentBookAbi as Abi, functionName, args, account } as const;
      try {
        await publicClient.simulateContract(call as never);
        report?.("awaiting-signature");
        const hash = await walletClient.writeContract({ ...call, chain: walletClient.chain ?? null } as never);
        report?.("pending");
        const receipt = await publicClient.waitForTransactionReceipt({ hash });
        if (receipt.status !== "success") throw new ChainError(`The chain refused to ${action}.`);
        report?.("confirmed");
        return receipt;
      } catch (error) {
        const mapped = toChainError(error, action);
        if (mapped instanceof ContractRevertedError && BOOK_MESSAGES[mapped.errorName]) {
          throw new ContractRevertedError(BOOK_MESSAGES[mapped.errorName], mapped.errorName, { cause: error });
        }
        throw mapped;
      }
    },
    [publicClient, walletClient, book],
  );
}
