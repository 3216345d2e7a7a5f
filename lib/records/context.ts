import type { ContractFunctionArgs, ContractFunctionName } from "viem";
import { ehrCoreAbi } from "../../deployments/contracts";
import { ChainError } from "../errors";
import { writeCore } from "../chain/ehr";
import type { Address } from "viem";
import type { FlowContext } from "./types";

/** The acting account (the wallet's), lowercase-insensitive comparisons are the callers'. */
export function actingAccount(ctx: FlowContext): Address {
  const account = ctx.walletClient.account;
  if (!account) throw new ChainError("No wallet account is connected.");
  return account.address;
}

/** `writeCore` with the flow's progress callback. */
export function writeWithProgress<const name extends ContractFunctionName<typeof ehrCoreAbi, "nonpayable">>(
  ctx: FlowContext,
  functionName: name,
  args: ContractFunctionArgs<typeof ehrCoreAbi, "nonpayable", name>,
  action: string,
) {
  return writeCore(ctx, functionName, args, action, (stage, detail) => ctx.onProgress?.({ stage, detail }));
}

export function sameAddress(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

export { compressPublicKey } from "../crypto/publicKey";
