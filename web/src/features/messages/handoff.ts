import type { Address } from "viem";
import type { RecordRef } from "@lib/messages";

/**
 * What another page asks the messages page (or the Sharing form) to start with. Routes are plain
 * hash paths without parameters, so the page that links sets the wish here just before the hash
 * changes and the page it opens takes it once. Memory only: it holds addresses and a record
 * index, never content, and a reload drops it.
 */
export interface MessageIntent {
  /** The other party: the patient for a doctor; undefined lets the user choose. */
  counterpart?: Address;
  /** The record the new message is about. */
  record?: RecordRef;
}

/** What "Share access" after a data request fills the grant form with. */
export interface GrantPrefill {
  doctor: Address;
  /** The grant bitmask (lib/categories `categoryMask`); 0 leaves the choice to the patient. */
  categories: number;
}

/** A value one page leaves for the page it opens, which takes it once. */
function handoff<T>() {
  let value: T | undefined;
  return {
    set(next: T): void {
      value = next;
    },
    take(): T | undefined {
      const taken = value;
      value = undefined;
      return taken;
    },
  };
}

const messageIntent = handoff<MessageIntent>();
const grantPrefill = handoff<GrantPrefill>();

/** Sets what the messages page opens with. */
export const setMessageIntent = messageIntent.set;

/** What the messages page opens with, once. */
export const takeMessageIntent = messageIntent.take;

/** Sets what the Sharing page's grant form is filled with. */
export const setGrantPrefill = grantPrefill.set;

/** What the grant form is filled with, once. */
export const takeGrantPrefill = grantPrefill.take;
