import { useState } from "react";
import { useSwitchChain } from "wagmi";
import { useEhr } from "../ehr/useEhr";

/**
 * Shown while the wallet is on another network. "Switch network" asks the wallet to switch
 * (wallet_switchEthereumChain); a wallet that does not know the chain (error 4902) is asked to add
 * it (wallet_addEthereumChain) with the configured RPC URL, which wagmi's injected connector does.
 */
export function WrongNetworkBanner() {
  const { runtime, chainId, onRightChain, address, showError, clearError } = useEhr();
  const { mutateAsync: switchChain } = useSwitchChain();
  const [busy, setBusy] = useState(false);
  if (!address || onRightChain) return null;
  const onSwitch = async () => {
    clearError();
    setBusy(true);
    try {
      await switchChain({
        chainId: runtime.chainId,
        addEthereumChainParameter: {
          chainName: runtime.chainName,
          rpcUrls: [runtime.rpcUrl],
          nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
        },
      });
    } catch (error) {
      showError(error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="banner banner-warning" role="region" aria-label="Wrong network" data-testid="wrong-network">
      <p>
        Your wallet is on another network (chain id {chainId ?? "unknown"}). Patient EHR runs on {runtime.chainName}{" "}
        (chain id {runtime.chainId}).
      </p>
      <button type="button" onClick={onSwitch} disabled={busy} aria-busy={busy}>
        {busy ? "Switching…" : "Switch network"}
      </button>
    </div>
  );
}
