import type { PublicClient, Address, Hex } from "viem";
import { ehrCoreAbi } from "../../deployments/contracts";
import { readOrFail } from "./readOrFail";

/** The 33-byte compressed encryption key of `account`, or undefined when it has none. */
export async function encryptionKeyOf(
  publicClient: PublicClient,
  core: Address,
  account: Address,
): Promise<Hex | undefined> {
  const [key] = await readOrFail("read an encryption key", () =>
    publicClient.readContract({ address: core, abi: ehrCoreAbi, functionName: "encryptionKeyOf", args: [account] }),
  );
  return key === "0x" ? undefined : key;
}
