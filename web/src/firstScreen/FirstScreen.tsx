import { useEffect, useState } from "react";
import { ConnectView } from "./ConnectView";
import { noteFocusedWallet, requestConnect } from "./handoff";
import { hasLegacyWallet, LEGACY_WALLET, watchAnnouncedWallets, type WalletEntry } from "./walletDiscovery";

/**
 * Calls `then` once the browser has shown the first contentful paint (this screen): the paint
 * timing entry is reported after the frame was presented, so work started then cannot delay it.
 * Where paint timing is missing, after the next frame; in a hidden tab, which paints nothing,
 * after a second. Returns the cancel.
 */
function afterFirstPaint(then: () => void): () => void {
  let done = false;
  const once = () => {
    if (done) return;
    done = true;
    cleanup();
    then();
  };
  const timers: ReturnType<typeof setTimeout>[] = [setTimeout(once, 1000)];
  let observer: PerformanceObserver | undefined;
  let frame: number | undefined;
  if (PerformanceObserver.supportedEntryTypes?.includes("paint")) {
    observer = new PerformanceObserver((list) => {
      if (list.getEntriesByName("first-contentful-paint").length > 0) once();
    });
    observer.observe({ type: "paint", buffered: true });
  } else {
    frame = requestAnimationFrame(() => timers.push(setTimeout(once, 0)));
  }
  function cleanup() {
    observer?.disconnect();
    if (frame !== undefined) cancelAnimationFrame(frame);
    timers.forEach(clearTimeout);
  }
  return () => {
    done = true;
    cleanup();
  };
}

/**
 * What a new visitor sees first, rendered from the small entry chunk (React and this screen): the
 * app's header and "Connect your wallet" with the browser's wallets, found through EIP-6963 without
 * wagmi. The full app (wagmi, viem, the API client) loads right after this screen is painted
 * (`onPainted`) and replaces it with the same page (../main.tsx). A click on a wallet before then
 * shows "Connecting to …" at once and is handed over: the full app connects that wallet as soon
 * as it is there (./handoff.ts).
 */
export function FirstScreen({ onPainted, onConnect }: { onPainted: () => void; onConnect: () => void }) {
  const [announced, setAnnounced] = useState<WalletEntry[]>([]);
  const [pending, setPending] = useState<string | undefined>();

  useEffect(() => watchAnnouncedWallets(setAnnounced), []);
  useEffect(() => afterFirstPaint(onPainted), [onPainted]);
  useEffect(() => {
    const onFocus = () => noteFocusedWallet((document.activeElement as HTMLElement | null)?.dataset?.wallet);
    document.addEventListener("focusin", onFocus);
    return () => document.removeEventListener("focusin", onFocus);
  }, []);

  // As ../components/ConnectScreen.tsx lists wagmi's connectors: the generic entry only when no
  // wallet announces itself.
  const wallets = announced.length > 0 || !hasLegacyWallet() ? announced : [LEGACY_WALLET];

  return (
    <>
      <a
        className="skip-link"
        href="#main"
        onClick={(e) => (e.preventDefault(), document.getElementById("main")?.focus())}
      >
        Skip to main content
      </a>
      <header className="site-header">
        <p className="brand">Patient EHR</p>
      </header>
      <div className="shell">
        <main id="main" tabIndex={-1}>
          <ConnectView
            wallets={wallets}
            pending={pending}
            onConnect={(id) => {
              setPending(id);
              requestConnect(id);
              onConnect();
            }}
          />
        </main>
      </div>
    </>
  );
}
