import { useState } from "react";
import { useConnect, useConnectors, type Connector } from "wagmi";
import { useEhr } from "../ehr/useEhr";
import { walletAnswer } from "../walletAnswer";

/**
 * The discovered wallets (EIP-6963 announcements) as buttons. The generic "Injected" entry is
 * shown only for an older wallet that sets `window.ethereum` without announcing itself.
 */
function visibleConnectors(connectors: readonly Connector[]): Connector[] {
  const announced = connectors.filter((c) => c.id !== "injected");
  const legacy = (globalThis as { ethereum?: unknown }).ethereum !== undefined;
  return announced.length > 0 || !legacy ? announced : [...connectors];
}

export function ConnectScreen() {
  const connectors = visibleConnectors(useConnectors());
  const { mutateAsync: connect } = useConnect();
  const { showError, clearError } = useEhr();
  const [pending, setPending] = useState<string | undefined>();

  const onConnect = async (connector: Connector) => {
    clearError();
    setPending(connector.uid);
    try {
      await connect({ connector });
    } catch (error) {
      showError(walletAnswer(error, { kind: "connect", walletName: connector.name }));
    } finally {
      setPending(undefined);
    }
  };

  return (
    <section className="card" aria-labelledby="connect-title">
      <h1 id="connect-title" tabIndex={-1}>
        Connect your wallet
      </h1>
      <p>
        Patient EHR keeps your health record encrypted; your wallet (MetaMask or another browser wallet) proves who you
        are and unlocks your key. Connecting is free and sends no transaction.
      </p>
      {connectors.length === 0 ? (
        <p role="status">
          No browser wallet was found. Install MetaMask (or another Ethereum wallet extension), then reload this page.
        </p>
      ) : (
        <ul className="wallet-list" aria-label="Wallets found in this browser">
          {connectors.map((connector) => (
            <li key={connector.uid}>
              <button
                type="button"
                onClick={() => void onConnect(connector)}
                disabled={pending !== undefined}
                aria-busy={pending === connector.uid}
              >
                {connector.icon ? <img src={connector.icon} alt="" width={24} height={24} /> : null}
                {pending === connector.uid ? `Connecting to ${connector.name}…` : `Connect ${connector.name}`}
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
