import type { PublicClient, Address } from "viem";
import { ehrCoreAbi } from "../../deployments/contracts";
import { readOrFail } from "./readOrFail";

/** Whether `doctor` has an open emergency window on `patient` now (the contract also requires an active doctor). */
export async function hasEmergencyAccess(
  publicClient: PublicClient,
  core: Address,
  patient: Address,
  doctor: Address,
): Promise<boolean> {
  return readOrFail("check emergency access", () =>
    publicClient.readContract({
      address: core,
      abi: ehrCoreAbi,
      functionName: "hasEmergencyAccess",
      args: [patient, doctor],
    }),
  );
}
