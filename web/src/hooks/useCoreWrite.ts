import { useCallback } from "react";
import type { ContractFunctionArgs, ContractFunctionName } from "viem";
import type { ehrCoreAbi } from "@deployments/contracts";
import { writeCore } from "@lib/chain/ehr";
import { ChainError } from "@lib/errors";
import { useEhr } from "../ehr/useEhr";
import type { TaskStage } from "../components/stages";

type WriteName = ContractFunctionName<typeof ehrCoreAbi, "nonpayable">;

/**
 * A typed EhrCore write through lib/chain/ehr.ts writeCore: simulated first (a call that would
 * revert fails with its plain reason before the wallet asks), then signed and mined, reporting
 * "awaiting-signature" → "pending" → "confirmed".
 */
export function useCoreWrite() {
  const { publicClient, walletClient, core } = useEhr();
  return useCallback(
    async <const name extends WriteName>(
      functionName: name,
      args: ContractFunctionArgs<typeof ehrCoreAbi, "nonpayable", name>,
      action: string,
      report?: (stage: TaskStage) => void,
    ) => {
      if (!walletClient) throw new ChainError("Connect your wallet on the right network first.");
      return writeCore({ publicClient, walletClient, core }, functionName, args, action, (stage) => report?.(stage));
    },
    [publicClient, walletClient, core],
  );
}
