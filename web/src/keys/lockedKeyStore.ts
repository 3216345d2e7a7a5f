import type { Address } from "viem";
import type { LockedUserKey } from "@lib/keys";

/**
 * Where this browser keeps a user's signature-locked key (lib/keys LockedUserKey): localStorage,
 * one entry per chain, contract and account. The entry is useless without that wallet's signature.
 */
function storageKey(chainId: number, core: Address, address: Address): string {
  return `ehr:locked-key:${chainId}:${core.toLowerCase()}:${address.toLowerCase()}`;
}

export function loadLockedKey(chainId: number, core: Address, address: Address): LockedUserKey | undefined {
  const raw = window.localStorage.getItem(storageKey(chainId, core, address));
  if (!raw) return undefined;
  try {
    return JSON.parse(raw) as LockedUserKey;
  } catch {
    return undefined;
  }
}

export function saveLockedKey(locked: LockedUserKey): void {
  window.localStorage.setItem(storageKey(locked.chainId, locked.contract, locked.address), JSON.stringify(locked));
}
