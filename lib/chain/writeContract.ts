import type {
  Abi,
  Address,
  ContractFunctionArgs,
  ContractFunctionName,
  Hex,
  PublicClient,
  TransactionReceipt,
  WalletClient,
} from "viem";
import { ChainError } from "../errors";
import { toChainError } from "./toChainError";

/** What a write reports while it happens. */
export type WriteStage = "awaiting-signature" | "pending" | "confirmed";

/** One state-changing call of one of our contracts, typed by its ABI. */
export interface ContractWrite<abi extends Abi, name extends ContractFunctionName<abi, "nonpayable">> {
  address: Address;
  abi: abi;
  functionName: name;
  args: ContractFunctionArgs<abi, "nonpayable", name>;
}

/**
 * The one way every client writes to either contract (EhrCore or AppointmentBook): simulated first
 * at the pending block (a call that would revert fails with its catalogue sentence before the wallet
 * prompts), then signed ("awaiting-signature"), sent ("pending"), mined ("confirmed"). Every failure
 * comes out as the library's errors through `toChainError`: a wallet rejection, a decoded custom
 * error with its sentence from `errorCatalogue.ts`, or a ChainError naming `action` ("add the record").
 */
export async function writeContract<const abi extends Abi, const name extends ContractFunctionName<abi, "nonpayable">>(
  clients: { publicClient: PublicClient; walletClient: WalletClient },
  write: ContractWrite<abi, name>,
  action: string,
  onStage?: (stage: WriteStage, detail?: string) => void,
): Promise<{ txHash: Hex; receipt: TransactionReceipt }> {
  const { publicClient, walletClient } = clients;
  const account = walletClient.account;
  if (!account) throw new ChainError("No wallet account is connected.");
  // viem's parameter types are conditional on the ABI, which TypeScript cannot resolve for a generic
  // one: the call is typed at this function's boundary and widened once here.
  const call = { ...(write as ContractWrite<Abi, string>), account };
  let txHash: Hex;
  try {
    // At the pending block, the one the transaction will be mined in: its timestamp is the clock's
    // now, while the latest block's can be far older on a chain that mines only on demand (an
    // appointment that has started by the wall clock had not at the latest block).
    await publicClient.simulateContract({ ...call, blockTag: "pending" });
    onStage?.("awaiting-signature", action);
    txHash = await walletClient.writeContract({ ...call, chain: walletClient.chain ?? null });
  } catch (error) {
    throw toChainError(error, action);
  }
  onStage?.("pending", txHash);
  let receipt: TransactionReceipt;
  try {
    receipt = await publicClient.waitForTransactionReceipt({ hash: txHash });
  } catch (error) {
    throw toChainError(error, action);
  }
  if (receipt.status !== "success") {
    throw new ChainError(`The chain refused to ${action}.`, { details: `transaction ${txHash} reverted` });
  }
  onStage?.("confirmed", txHash);
  return { txHash, receipt };
}
