import { useCallback } from "react";
import type { Abi, Address, ContractFunctionArgs, ContractFunctionName } from "viem";
import { writeContract } from "@lib/chain/writeContract";
import { ChainError } from "@lib/errors";
import type { WalletContextValue } from "../ehr/context";
import { useWallet } from "../ehr/useEhr";
import type { TaskStage } from "../components/stages";

/**
 * The write hook of one of our contracts (`useCoreWrite`, `useBookWrite`): a typed write through the
 * library's one write path (`writeContract`), simulated first so a call that would revert fails with
 * its catalogue sentence before the wallet asks, then signed and mined, reporting
 * "awaiting-signature" → "pending" → "confirmed".
 */
export function contractWriteHook<const abi extends Abi>(abi: abi, addressOf: (wallet: WalletContextValue) => Address) {
  return function useContractWrite() {
    const ehr = useWallet();
    const { publicClient, walletClient } = ehr;
    const address = addressOf(ehr);
    return useCallback(
      async <const name extends ContractFunctionName<abi, "nonpayable">>(
        functionName: name,
        args: ContractFunctionArgs<abi, "nonpayable", name>,
        action: string,
        report?: (stage: TaskStage) => void,
      ) => {
        if (!walletClient?.account) throw new ChainError("Connect your wallet on the right network first.");
        const write = { address, abi, functionName, args };
        return writeContract({ publicClient, walletClient }, write, action, (stage) => report?.(stage));
      },
      [publicClient, walletClient, address],
    );
  };
}
