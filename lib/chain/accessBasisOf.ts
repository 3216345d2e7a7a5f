import type { PublicClient, Address } from "viem";
import { ehrCoreAbi, AccessBasisNames } from "../../deployments/contracts";
import { readOrFail } from "./readOrFail";

/** IAccessLog.AccessBasis, in declaration order. */
export const ACCESS_BASES = AccessBasisNames;
export type AccessBasisName = (typeof ACCESS_BASES)[number];

/** What `logAccess` would allow now, without logging. */
export async function accessBasisOf(
  publicClient: PublicClient,
  core: Address,
  patient: Address,
  reader: Address,
  index: number,
  summaryOnly: boolean,
): Promise<AccessBasisName> {
  const basis = await readOrFail("check access", () =>
    publicClient.readContract({
      address: core,
      abi: ehrCoreAbi,
      functionName: "accessBasis",
      args: [patient, reader, BigInt(index), summaryOnly],
    }),
  );
  return ACCESS_BASES[basis] ?? "None";
}
