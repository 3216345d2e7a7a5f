import { BaseError, ContractFunctionRevertedError, decodeErrorResult, type Hex } from "viem";
import { appointmentBookAbi, ehrCoreAbi } from "../../deployments/contracts";
import { ChainError, ContractRevertedError, EhrError, UserRejectedError, isUserRejection } from "../errors";
import { sentenceFor } from "./errorCatalogue";

/**
 * Maps a failure of a chain call to the library's errors: a wallet rejection (4001) to
 * UserRejectedError, a revert to ContractRevertedError naming the custom error, anything else to
 * ChainError. Never includes call arguments.
 */
export function toChainError(error: unknown, action: string): EhrError {
  if (error instanceof EhrError) return error;
  if (isUserRejection(error))
    return new UserRejectedError("You declined the request in your wallet; nothing was changed.", { cause: error });
  if (error instanceof BaseError) {
    const revert = error.walk((e) => e instanceof ContractFunctionRevertedError);
    const errorName =
      revert instanceof ContractFunctionRevertedError
        ? (revert.data?.errorName ?? revert.reason ?? revertedErrorName(error) ?? "unknown")
        : revertedErrorName(error);
    if (errorName) {
      return new ContractRevertedError(sentenceFor(errorName) ?? `The chain refused to ${action}.`, errorName, {
        cause: error,
        details: `reverted with ${errorName}`,
      });
    }
    return new ChainError(`The chain could not ${action}.`, { cause: error, details: error.shortMessage });
  }
  return new ChainError(`The chain could not ${action}.`, { cause: error });
}

/**
 * The custom error's name from revert data anywhere in the cause chain: some providers (Hardhat's
 * in-process network) put it on the raw error, where viem does not look.
 */
function revertedErrorName(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 10; depth++) {
    const data = (e as { data?: unknown }).data;
    const candidates = [data, (data as { data?: unknown } | undefined)?.data];
    for (const candidate of candidates) {
      if (typeof candidate !== "string" || !/^0x[0-9a-fA-F]{8}/.test(candidate)) continue;
      try {
        return decodeErrorResult({ abi: [...ehrCoreAbi, ...appointmentBookAbi], data: candidate as Hex }).errorName;
      } catch {
        // not one of our contracts' errors
      }
    }
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}
