/**
 * The browser's wallets as the first screen lists them, found without wagmi: EIP-6963 announcements
 * (each wallet answers an `eip6963:requestProvider` event with `eip6963:announceProvider`), and
 * `window.ethereum` for an older wallet that does not announce itself. The same list, in the same
 * order and with the same names and ids, as wagmi's connectors once the app is loaded
 * (`multiInjectedProviderDiscovery` makes one connector per announced wallet, its id the wallet's
 * rdns; the plain `injected()` connector is "Injected"): see ../components/ConnectScreen.tsx.
 */

/** A wallet the first screen offers: `id` is the id of the wagmi connector that will connect it. */
export interface WalletEntry {
  id: string;
  name: string;
  icon?: string;
}

interface Announcement {
  info?: { rdns?: unknown; name?: unknown; icon?: unknown };
}

/** The generic connector for a wallet that only sets `window.ethereum` (wagmi's `injected()`). */
export const LEGACY_WALLET: WalletEntry = { id: "injected", name: "Injected" };

/**
 * Listens for announcements and asks every wallet to announce itself; `onChange` gets the list
 * (announced wallets in order of arrival, one per rdns) on every new one. Returns the unsubscribe.
 */
export function watchAnnouncedWallets(onChange: (wallets: WalletEntry[]) => void): () => void {
  const wallets: WalletEntry[] = [];
  const onAnnounce = (event: Event) => {
    const info = (event as CustomEvent<Announcement>).detail?.info;
    if (!info || typeof info.rdns !== "string" || typeof info.name !== "string") return;
    if (wallets.some((w) => w.id === info.rdns)) return;
    wallets.push({ id: info.rdns, name: info.name, icon: typeof info.icon === "string" ? info.icon : undefined });
    onChange([...wallets]);
  };
  window.addEventListener("eip6963:announceProvider", onAnnounce);
  window.dispatchEvent(new Event("eip6963:requestProvider"));
  return () => window.removeEventListener("eip6963:announceProvider", onAnnounce);
}

/** Whether an older wallet set `window.ethereum` (offered as "Injected" when none announces itself). */
export function hasLegacyWallet(): boolean {
  return (globalThis as { ethereum?: unknown }).ethereum !== undefined;
}
