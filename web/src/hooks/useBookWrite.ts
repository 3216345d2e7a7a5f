import { useCallback } from "react";
import type { ContractFunctionArgs, ContractFunctionName } from "viem";
import { appointmentBookAbi } from "@deployments/contracts";
import { writeContract } from "@lib/chain/writeContract";
import { ChainError } from "@lib/errors";
import { useEhr } from "../ehr/useEhr";
import type { TaskStage } from "../components/stages";

type WriteName = ContractFunctionName<typeof appointmentBookAbi, "nonpayable">;

/**
 * A typed AppointmentBook write through the library's one write path (`writeContract`): simulated
 * first, so a call that would revert fails with its catalogue sentence before the wallet asks,
 * then signed and mined, reporting "awaiting-signature" → "pending" → "confirmed".
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
      if (!walletClient?.account) throw new ChainError("Connect your wallet on the right network first.");
      const { receipt } = await writeContract(
        { publicClient, walletClient },
        { address: book, abi: appointmentBookAbi, functionName, args },
        action,
        (stage) => report?.(stage),
      );
      return receipt;
    },
    [publicClient, walletClient, book],
  );
}
