import type { Address } from "viem";
import type { RecordRef } from "@lib/messages";

/**
 * What another page asks the messages page (or the Sharing form) to start with. Routes are plain
 * hash paths without parameters, so the page that links sets the wish here just before the hash
 * changes and the page it opens reads it (see {@link handoff}). Memory only: it holds addresses and
 * a record index, never content, and a reload drops it.
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

/**
 * A value one page leaves for the page at `target` (its route's hash), which it opens. The value is
 * read on that page however often the page renders or mounts (React may render a page and throw
 * the render away, e.g. when a lazy part suspends; a value taken once in such a render was lost),
 * and dropped as soon as the hash moves anywhere else: coming back to the page later starts afresh.
 */
export function handoff<T>(target: `#/${string}`) {
  let value: T | undefined;
  // The page's path: a query after it (`#/sharing?…`) is still the same page.
  const onTarget = () => window.location.hash.split("?")[0] === target;
  window.addEventListener("hashchange", () => {
    if (!onTarget()) value = undefined;
  });
  return {
    set(next: T): void {
      value = next;
    },
    read(): T | undefined {
      return onTarget() ? value : undefined;
    },
  };
}

const messageIntent = handoff<MessageIntent>("#/messages");
const grantPrefill = handoff<GrantPrefill>("#/sharing");

/** Sets what the messages page opens with (call it as its link is followed). */
export const setMessageIntent = messageIntent.set;

/** What the messages page opens with, while it stays open. */
export const readMessageIntent = messageIntent.read;

/** Sets what the Sharing page's grant form is filled with (call it as its link is followed). */
export const setGrantPrefill = grantPrefill.set;

/** What the grant form is filled with, while the Sharing page stays open. */
export const readGrantPrefill = grantPrefill.read;
