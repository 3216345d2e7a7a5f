import { useReadContract, type UseReadContractReturnType } from "wagmi";
import type { ContractFunctionArgs, ContractFunctionName } from "viem";
import { ehrCoreAbi } from "@deployments/contracts";
import { useEhr } from "../ehr/useEhr";

type ReadName = ContractFunctionName<typeof ehrCoreAbi, "view" | "pure">;

/**
 * A typed read of the EhrCore (names, arguments and result types come from the generated ABI).
 * Disabled until the wallet is on the right network.
 */
export function useCoreRead<const name extends ReadName>(
  functionName: name,
  args: ContractFunctionArgs<typeof ehrCoreAbi, "view" | "pure", name>,
  options: { enabled?: boolean } = {},
): UseReadContractReturnType<typeof ehrCoreAbi, name, ContractFunctionArgs<typeof ehrCoreAbi, "view" | "pure", name>> {
  const { core, onRightChain, runtime } = useEhr();
  return useReadContract({
    address: core,
    abi: ehrCoreAbi,
    functionName,
    args,
    chainId: runtime.chainId,
    query: { enabled: onRightChain && (options.enabled ?? true) },
  } as never) as never;
}
