import type { PublicClient, Address } from "viem";
import { ehrCoreAbi } from "../../deployments/contracts";
import { readOrFail } from "./readOrFail";
import { withEvent, type ChainRecord } from "./chainRecord";

/**
 * Up to `limit` records from `offset`, oldest first, each resolved from its block's `RecordAdded`
 * event (one log query per record: O(page), whatever the chain's length).
 */
export async function readRecordPage(
  publicClient: PublicClient,
  core: Address,
  patient: Address,
  offset: number,
  limit: number,
): Promise<ChainRecord[]> {
  const page = await readOrFail("read the record list", () =>
    publicClient.readContract({
      address: core,
      abi: ehrCoreAbi,
      functionName: "recordsPage",
      args: [patient, BigInt(offset), BigInt(limit)],
    }),
  );
  return Promise.all(page.map((slot, i) => withEvent(publicClient, core, patient, offset + i, slot)));
}
