import { createConfig, http, injected } from "wagmi";
import { defineChain } from "viem";
import { pollingIntervalFor } from "@lib/chain/pollingInterval";
import type { RuntimeConfig } from "./config";

/**
 * The wagmi config for the one chain the system runs on. Wallets are discovered through EIP-6963
 * (`multiInjectedProviderDiscovery`, MetaMask and every modern wallet announce themselves); the
 * plain `injected()` connector covers an older wallet that only sets `window.ethereum`. Receipts
 * and blocks are polled at the chain's pace (`blockTimeMs` in config.json: 250 ms on the local
 * chain, 1 s on 2-second blocks), not viem's default 4 s, so a transaction's wait ends within half
 * a block of its block.
 */
export function createWagmiConfig(runtime: RuntimeConfig) {
  const chain = chainOf(runtime);
  return createConfig({
    chains: [chain],
    connectors: [injected()],
    multiInjectedProviderDiscovery: true,
    pollingInterval: pollingIntervalFor(runtime.blockTimeMs),
    transports: { [chain.id]: http(runtime.rpcUrl) },
  });
}

/**
 * The chain as config.json describes it (checked at start by parseRuntimeConfig against what
 * wallets accept): the one definition wagmi reads through and the wallet is offered when it must
 * add the network (wagmi's injected connector builds wallet_addEthereumChain from it).
 */
export function chainOf(runtime: RuntimeConfig) {
  return defineChain({
    id: runtime.chainId,
    name: runtime.chainName,
    nativeCurrency: {
      name: runtime.currencySymbol === "ETH" ? "Ether" : runtime.currencySymbol,
      symbol: runtime.currencySymbol,
      decimals: 18,
    },
    rpcUrls: { default: { http: [runtime.rpcUrl] } },
    ...(runtime.blockTimeMs > 0 && { blockTime: runtime.blockTimeMs }),
  });
}

declare module "wagmi" {
  interface Register {
    config: ReturnType<typeof createWagmiConfig>;
  }
}
