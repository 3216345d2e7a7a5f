import { useReadContract, type UseReadContractReturnType } from "wagmi";
import type { Abi, Address, ContractFunctionArgs, ContractFunctionName } from "viem";
import type { WalletContextValue } from "../ehr/context";
import { useWallet } from "../ehr/useEhr";

type ReadName<abi extends Abi> = ContractFunctionName<abi, "view" | "pure">;
type ReadArgs<abi extends Abi, name extends ReadName<abi>> = ContractFunctionArgs<abi, "view" | "pure", name>;

/**
 * The read hook of one of our contracts (`useCoreRead`, `useBookRead`): names, arguments and result
 * types come from the generated ABI; a read is disabled until the wallet is on the right network.
 */
export function contractReadHook<const abi extends Abi>(abi: abi, addressOf: (wallet: WalletContextValue) => Address) {
  return function useContractRead<const name extends ReadName<abi>>(
    functionName: name,
    args: ReadArgs<abi, name>,
    options: { enabled?: boolean } = {},
  ): UseReadContractReturnType<abi, name, ReadArgs<abi, name>> {
    const ehr = useWallet();
    // wagmi's parameter types are conditional on the ABI, which TypeScript cannot resolve for a
    // generic one: the call is typed at this function's boundary and widened once here.
    return useReadContract({
      address: addressOf(ehr),
      abi,
      functionName,
      args,
      chainId: ehr.runtime.chainId,
      query: { enabled: ehr.onRightChain && (options.enabled ?? true) },
    } as never) as never;
  };
}
