import type { PublicClient, Address } from "viem";
import { ehrCoreAbi } from "../../deployments/contracts";
import { readOrFail } from "./readOrFail";

/** The number of records of `patient`. */
export async function recordCount(publicClient: PublicClient, core: Address, patient: Address): Promise<number> {
  const count = await readOrFail("count the records", () =>
    publicClient.readContract({ address: core, abi: ehrCoreAbi, functionName: "recordCount", args: [patient] }),
  );
  return Number(count);
}
