/**
 * What the first screen hands to the full app when it takes over (../main.tsx): the wallet the user
 * asked to connect before wagmi had loaded, and the wallet button that had the keyboard focus. The
 * full connect screen (../components/ConnectScreen.tsx) takes each once, so a click on the first
 * screen is acted on exactly once and the focus stays where it was.
 */
let connectRequest: string | undefined;
let focusedWallet: string | undefined;

export function requestConnect(walletId: string): void {
  connectRequest = walletId;
}

/** The wallet (connector id) the user clicked before the full app loaded, if any; cleared once taken. */
export function peekConnectRequest(): string | undefined {
  return connectRequest;
}

export function clearConnectRequest(): void {
  connectRequest = undefined;
}

export function noteFocusedWallet(walletId: string | undefined): void {
  focusedWallet = walletId;
}

export function takeFocusedWallet(): string | undefined {
  const id = focusedWallet;
  focusedWallet = undefined;
  return id;
}

/**
 * Whether this load may resume a session rather than start at "Connect your wallet": wagmi's
 * persisted state names a current connection (the last page was connected, so wagmi reconnects),
 * or this tab keeps a service session (../ehr/apiSession.ts). Then the full app loads at once and
 * says "Restoring your session…" while it reconnects. A wrong guess costs time, not correctness:
 * the first screen is replaced by the full app as soon as it has loaded, whatever the wallet says.
 */
export function mayResumeSession(): boolean {
  try {
    if (Object.keys(sessionStorage).some((k) => k.startsWith("ehr:api-session:"))) return true;
    const raw = localStorage.getItem("wagmi.store");
    if (!raw) return false;
    const state = (JSON.parse(raw) as { state?: { current?: unknown } }).state;
    return typeof state?.current === "string" && state.current !== "";
  } catch {
    return false; // storage blocked or unreadable: nothing to resume
  }
}
