import { useState } from "react";
import { useSwitchChain } from "wagmi";
import { useWallet, useErrorBanner } from "../ehr/useEhr";
import { checkRpcChainId } from "../config";
import { chainOf } from "../wagmi";
import { walletAnswer } from "../walletAnswer";

/**
 * Shown while the wallet is on another network. "Switch network" asks the wallet to switch
 * (wallet_switchEthereumChain); a wallet that does not know the chain (error 4902) is asked to add
 * it (wallet_addEthereumChain) with the configured chain (wagmi.ts chainOf), which wagmi's injected
 * connector does. Before the wallet is asked, the RPC URL it would be offered must answer the
 * configured chain id (a wallet refuses it otherwise); the wallet's answer is told as it is (walletAnswer).
 */
export function WrongNetworkBanner() {
  const { runtime, publicClient, chainId, onRightChain, address } = useWallet();
  const { showError, clearError } = useErrorBanner();
  const { mutateAsync: switchChain } = useSwitchChain();
  const [busy, setBusy] = useState(false);
  if (!address || onRightChain) return null;
  const onSwitch = async () => {
    clearError();
    setBusy(true);
    try {
      await checkRpcChainId(runtime, () => publicClient.getChainId());
    } catch (error) {
      showError(error);
      setBusy(false);
      return;
    }
    try {
      const chain = chainOf(runtime);
      await switchChain({
        chainId: chain.id,
        addEthereumChainParameter: {
          chainName: chain.name,
          rpcUrls: chain.rpcUrls.default.http,
          nativeCurrency: chain.nativeCurrency,
        },
      });
    } catch (error) {
      showError(walletAnswer(error, { kind: "switch", chainName: runtime.chainName, chainId: runtime.chainId }));
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
