import type { PublicClient, Address } from "viem";
import { ehrCoreAbi } from "../../deployments/contracts";
import { readOrFail } from "./readOrFail";

/** Whether `patient` opted out of emergency access. */
export async function emergencyOptedOut(publicClient: PublicClient, core: Address, patient: Address): Promise<boolean> {
  const view = await readOrFail("read the patient", () =>
    publicClient.readContract({ address: core, abi: ehrCoreAbi, functionName: "patient", args: [patient] }),
  );
  return view.emergencyOptOut;
}
