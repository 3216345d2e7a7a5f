import { toChainError } from "./toChainError";

/** Wraps any failure of a read into ChainError (reverts decoded by name). */
export async function readOrFail<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toChainError(error, what);
  }
}
