/** Test helper (universal): the error a call throws. */
import { expect } from "chai";

/**
 * Calls `run`, which must throw, checks the error's class and returns it. Fails the test when `run`
 * returns. (For a promise, see `rejection`.)
 */
export function thrown<T extends Error>(run: () => unknown, type: new (...args: never[]) => T): T {
  try {
    run();
  } catch (error) {
    expect(error, (error as Error)?.message).to.be.instanceOf(type);
    return error as T;
  }
  throw new Error(`expected a ${type.name}`);
}
