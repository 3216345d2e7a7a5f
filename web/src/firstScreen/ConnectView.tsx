import type { Ref } from "react";
import type { WalletEntry } from "./walletDiscovery";

/**
 * The connect screen's markup, shared by the first screen (./FirstScreen.tsx, before wagmi has
 * loaded) and the full app's ../components/ConnectScreen.tsx, so the two render the same page and
 * the hand-over between them cannot be seen. `pending` is the id of the wallet being connected.
 */
export function ConnectView({
  wallets,
  pending,
  onConnect,
  buttonRef,
}: {
  wallets: readonly WalletEntry[];
  pending: string | undefined;
  onConnect: (walletId: string) => void;
  /** Called with each wallet's button (for the focus hand-over). */
  buttonRef?: (walletId: string) => Ref<HTMLButtonElement>;
}) {
  return (
    <section className="card" aria-labelledby="connect-title">
      <h1 id="connect-title" tabIndex={-1}>
        Connect your wallet
      </h1>
      <p>
        Patient EHR keeps your health record encrypted; your wallet (MetaMask or another browser wallet) proves who you
        are and unlocks your key. Connecting is free and sends no transaction.
      </p>
      {wallets.length === 0 ? (
        <p role="status">
          No browser wallet was found. Install MetaMask (or another Ethereum wallet extension), then reload this page.
        </p>
      ) : (
        <ul className="wallet-list" aria-label="Wallets found in this browser">
          {wallets.map((wallet) => (
            <li key={wallet.id}>
              <button
                type="button"
                ref={buttonRef?.(wallet.id)}
                data-wallet={wallet.id}
                onClick={() => onConnect(wallet.id)}
                disabled={pending !== undefined}
                aria-busy={pending === wallet.id}
              >
                {wallet.icon ? <img src={wallet.icon} alt="" width={24} height={24} /> : null}
                {pending === wallet.id ? `Connecting to ${wallet.name}…` : `Connect ${wallet.name}`}
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
