import { useReadContract, type UseReadContractReturnType } from "wagmi";
import type { ContractFunctionArgs, ContractFunctionName } from "viem";
import { appointmentBookAbi } from "@deployments/contracts";
import { useEhr } from "../ehr/useEhr";

type ReadName = ContractFunctionName<typeof appointmentBookAbi, "view" | "pure">;

/** A typed read of the AppointmentBook, from the generated ABI. Disabled off the right network. */
export function useBookRead<const name extends ReadName>(
  functionName: name,
  args: ContractFunctionArgs<typeof appointmentBookAbi, "view" | "pure", name>,
  options: { enabled?: boolean } = {},
): UseReadContractReturnType<
  typeof appointmentBookAbi,
  name,
  ContractFunctionArgs<typeof appointmentBookAbi, "view" | "pure", name>
> {
  const { book, onRightChain, runtime } = useEhr();
  return useReadContract({
    address: book,
    abi: appointmentBookAbi,
    functionName,
    args,
    chainId: runtime.chainId,
    query: { enabled: onRightChain && (options.enabled ?? true) },
  } as never) as never;
}
