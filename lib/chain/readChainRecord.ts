import type { PublicClient, Address } from "viem";
import { ehrCoreAbi } from "../../deployments/contracts";
import { readOrFail } from "./readOrFail";
import { withEvent, type ChainRecord } from "./chainRecord";

/** One record with its event data. ChainError (RecordUnknown) past the end. */
export async function readChainRecord(
  publicClient: PublicClient,
  core: Address,
  patient: Address,
  index: number,
): Promise<ChainRecord> {
  const slot = await readOrFail("read the record", () =>
    publicClient.readContract({
      address: core,
      abi: ehrCoreAbi,
      functionName: "recordOf",
      args: [patient, BigInt(index)],
    }),
  );
  return withEvent(publicClient, core, patient, index, slot);
}
