import type { PublicClient, Address } from "viem";
import { ehrCoreAbi } from "../../deployments/contracts";
import { readOrFail } from "./readOrFail";

/** Whether `doctor`'s current grant from `patient` covers `category`. */
export async function isAuthorized(
  publicClient: PublicClient,
  core: Address,
  patient: Address,
  doctor: Address,
  category: number,
): Promise<boolean> {
  return readOrFail("check a grant", () =>
    publicClient.readContract({
      address: core,
      abi: ehrCoreAbi,
      functionName: "isAuthorized",
      args: [patient, doctor, category],
    }),
  );
}
