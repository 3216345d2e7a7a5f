import type { PublicClient, Address, Hex } from "viem";
import { ehrCoreAbi } from "../../deployments/contracts";
import { readOrFail } from "./readOrFail";

/** The emergency custodian's compressed key, or undefined when not yet published. */
export async function custodianKey(publicClient: PublicClient, core: Address): Promise<Hex | undefined> {
  const [key] = await readOrFail("read the custodian key", () =>
    publicClient.readContract({ address: core, abi: ehrCoreAbi, functionName: "custodianKey" }),
  );
  return key === "0x" ? undefined : key;
}
