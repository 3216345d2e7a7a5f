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

let messageIntent: MessageIntent | undefined;
let grantPrefill: GrantPrefill | undefined;

/** Sets what the messages page opens with. */
export function setMessageIntent(intent: MessageIntent): void {
  messageIntent = intent;
}

/** What the messages page opens with, once. */
export function takeMessageIntent(): MessageIntent | undefined {
  const intent = messageIntent;
  messageIntent = undefined;
  return intent;
}

/** Sets what the Sharing page's grant form is filled with. */
export function setGrantPrefill(prefill: GrantPrefill): void {
  grantPrefill = prefill;
}

/** What the grant form is filled with, once. */
export function takeGrantPrefill(): GrantPrefill | undefined {
  const prefill = grantPrefill;
  grantPrefill = undefined;
  return prefill;
}
