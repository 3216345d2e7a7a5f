/** Test helper (universal): the error a promise rejects with. */
import { expect } from "chai";

/**
 * Awaits `promise`, which must reject, and returns its error; with `type`, also checks the error's
 * class. Fails the test when the promise resolves.
 */
export async function rejection(promise: Promise<unknown>): Promise<Error>;
export async function rejection<T extends Error>(
  promise: Promise<unknown>,
  type: new (...args: never[]) => T,
): Promise<T>;
export async function rejection(promise: Promise<unknown>, type?: new (...args: never[]) => Error): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    if (type) expect(error, (error as Error)?.message).to.be.instanceOf(type);
    return error as Error;
  }
  throw new Error(type ? `expected a ${type.name}` : "expected a rejection");
}
