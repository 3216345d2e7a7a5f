import type {
  ContractFunctionArgs,
  ContractFunctionName,
  PublicClient,
  TransactionReceipt,
  WalletClient,
  Address,
  Hex,
} from "viem";
import { ehrCoreAbi } from "../../deployments/contracts";
import { writeContract, type WriteStage } from "./writeContract";

type CoreWriteName = ContractFunctionName<typeof ehrCoreAbi, "nonpayable">;

/** `writeContract` on the EhrCore: simulate, sign, wait, decode a refusal through the error catalogue. */
export function writeCore<const name extends CoreWriteName>(
  clients: { publicClient: PublicClient; walletClient: WalletClient; core: Address },
  functionName: name,
  args: ContractFunctionArgs<typeof ehrCoreAbi, "nonpayable", name>,
  action: string,
  onStage?: (stage: WriteStage, detail?: string) => void,
): Promise<{ txHash: Hex; receipt: TransactionReceipt }> {
  return writeContract(clients, { address: clients.core, abi: ehrCoreAbi, functionName, args }, action, onStage);
}
