import { useEffect, useRef, useState } from "react";
import { useConnect, useConnectors, type Connector } from "wagmi";
import { useEhr } from "../ehr/useEhr";
import { ConnectView } from "../firstScreen/ConnectView";
import { clearConnectRequest, peekConnectRequest, takeFocusedWallet } from "../firstScreen/handoff";
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

/**
 * "Connect your wallet" once wagmi has loaded. It replaces the first screen (../firstScreen), which
 * renders the same page before wagmi is there: a wallet clicked there is connected here as soon as
 * its connector exists, and the focused wallet button keeps the focus.
 */
export function ConnectScreen() {
  const connectors = visibleConnectors(useConnectors());
  const { mutateAsync: connect } = useConnect();
  const { showError, clearError } = useEhr();
  const [pending, setPending] = useState<string | undefined>();
  const buttons = useRef(new Map<string, HTMLButtonElement>());

  const onConnect = async (connector: Connector) => {
    clearError();
    setPending(connector.id);
    try {
      await connect({ connector });
    } catch (error) {
      showError(walletAnswer(error, { kind: "connect", walletName: connector.name }));
    } finally {
      setPending(undefined);
    }
  };
  const onConnectRef = useRef(onConnect);
  onConnectRef.current = onConnect;

  useEffect(() => {
    const focused = takeFocusedWallet();
    if (focused && document.activeElement === document.body) buttons.current.get(focused)?.focus();
  }, []);
  // The wallet clicked on the first screen, once wagmi has its connector.
  const requested = peekConnectRequest();
  const requestedConnector = requested === undefined ? undefined : connectors.find((c) => c.id === requested);
  const [, setGaveUp] = useState(false);
  useEffect(() => {
    if (requested === undefined) return;
    if (requestedConnector) {
      clearConnectRequest();
      void onConnectRef.current(requestedConnector);
      return;
    }
    // The wallet has not announced itself again to wagmi: the click is dropped, the list stands.
    const timer = setTimeout(() => {
      clearConnectRequest();
      setGaveUp(true);
    }, 3000);
    return () => clearTimeout(timer);
  }, [requested, requestedConnector]);

  return (
    <ConnectView
      wallets={connectors.map((c) => ({ id: c.id, name: c.name, icon: c.icon }))}
      pending={pending ?? requested}
      onConnect={(id) => {
        const connector = connectors.find((c) => c.id === id);
        if (connector) void onConnect(connector);
      }}
      buttonRef={(id) => (button) => {
        if (button) buttons.current.set(id, button);
        else buttons.current.delete(id);
      }}
    />
  );
}
