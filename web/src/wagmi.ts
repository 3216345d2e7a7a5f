import { createConfig, http, injected } from "wagmi";
import { defineChain } from "viem";
import type { RuntimeConfig } from "./config";

/**
 * The wagmi config for the one chain the system runs on. Wallets are discovered through EIP-6963
 * (`multiInjectedProviderDiscovery`, MetaMask and every modern wallet announce themselves); the
 * plain `injected()` connector covers an older wallet that only sets `window.ethereum`.
 */
export function createWagmiConfig(runtime: RuntimeConfig) {
  const chain = defineChain({
    id: runtime.chainId,
    name: runtime.chainName,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [runtime.rpcUrl] } },
  });
  return createConfig({
    chains: [chain],
    connectors: [injected()],
    multiInjectedProviderDiscovery: true,
    transports: { [chain.id]: http(runtime.rpcUrl) },
  });
}

declare module "wagmi" {
  interface Register {
    config: ReturnType<typeof createWagmiConfig>;
  }
}
