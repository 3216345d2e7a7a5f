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

/**
 * `writeCore` with the flow's progress callback. The wallet prompt and the wait for the receipt
 * follow "awaiting-signature" and "pending", so those stages get painted anyway; "confirmed" is
 * reported once the write is done and awaited, since what follows it may give the UI no chance to
 * show it.
 */
export async function writeWithProgress<const name extends ContractFunctionName<typeof ehrCoreAbi, "nonpayable">>(
  ctx: FlowContext,
  functionName: name,
  args: ContractFunctionArgs<typeof ehrCoreAbi, "nonpayable", name>,
  action: string,
) {
  const written = await writeCore(ctx, functionName, args, action, (stage, detail) => {
    if (stage !== "confirmed") void ctx.onProgress?.({ stage, detail });
  });
  await ctx.onProgress?.({ stage: "confirmed", detail: written.txHash });
  return written;
}

export function sameAddress(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

export { compressPublicKey } from "../crypto/publicKey";
