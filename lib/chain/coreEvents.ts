import { parseEventLogs, type TransactionReceipt, type Address } from "viem";
import { ehrCoreAbi } from "../../deployments/contracts";

/** The decoded EhrCore events of a receipt. */
export function coreEvents(receipt: TransactionReceipt, core: Address) {
  return parseEventLogs({ abi: ehrCoreAbi, logs: receipt.logs }).filter(
    (log) => log.address.toLowerCase() === core.toLowerCase(),
  );
}
