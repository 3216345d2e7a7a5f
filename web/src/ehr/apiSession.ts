import type { Address } from "viem";

/**
 * The storage service's session token, kept in this tab's sessionStorage so that a reload does not
 * ask for a new sign-in signature: tab-scoped (another tab, or this one once closed, signs in
 * again), bound to the chain, the EhrCore contract and the account, dropped at its expiry, on
 * sign-out and on an account change. The provider checks it with the service before using it.
 */
const ENTRY = "ehr:api-session:v1";

export interface KeptApiSession {
  token: string;
  address: Address;
  chainId: number;
  core: Address;
  /** ISO 8601, the service's expiry. */
  expiresAt: string;
}

/** The kept session for this account on this chain and contract, or undefined (a mismatched or expired one is dropped). */
export function loadApiSession(binding: {
  address: Address;
  chainId: number;
  core: Address;
}): KeptApiSession | undefined {
  let kept: KeptApiSession | undefined;
  try {
    const raw = sessionStorage.getItem(ENTRY);
    kept = raw ? (JSON.parse(raw) as KeptApiSession) : undefined;
  } catch {
    kept = undefined;
  }
  if (!kept) return undefined;
  const matches =
    typeof kept.token === "string" &&
    kept.address?.toLowerCase() === binding.address.toLowerCase() &&
    kept.chainId === binding.chainId &&
    kept.core?.toLowerCase() === binding.core.toLowerCase() &&
    Date.parse(kept.expiresAt) > Date.now();
  return matches ? kept : undefined;
}

/** The kept session whatever its account (to end it on the service when another account shows up). */
export function peekApiSession(): KeptApiSession | undefined {
  try {
    const raw = sessionStorage.getItem(ENTRY);
    return raw ? (JSON.parse(raw) as KeptApiSession) : undefined;
  } catch {
    return undefined;
  }
}

export function keepApiSession(session: KeptApiSession): void {
  try {
    sessionStorage.setItem(ENTRY, JSON.stringify(session));
  } catch {
    // Storage full or disabled: the next reload signs in again.
  }
}

export function forgetApiSession(): void {
  sessionStorage.removeItem(ENTRY);
}
