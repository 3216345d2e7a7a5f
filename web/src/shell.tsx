import "./nodeGlobals";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import type { Root } from "react-dom/client";
import { WagmiProvider } from "wagmi";
import { toUserMessage } from "@lib/errors";
import { App } from "./App";
import { loadRuntimeConfig } from "./config";
import { EhrProvider } from "./ehr/EhrProvider";
import { createWagmiConfig } from "./wagmi";

/**
 * The full app (wagmi, viem, react-query, the API client and the shell with its routes), loaded
 * by ./main.tsx after the first screen has been painted, or at once when a session may resume.
 * Loads /config.json, then renders the app into `root`, replacing the first screen; a broken config
 * is one sentence, not a blank page.
 */
export async function renderShell(root: Root): Promise<void> {
  try {
    const runtime = await loadRuntimeConfig();
    const queryClient = new QueryClient();
    root.render(
      <StrictMode>
        <WagmiProvider config={createWagmiConfig(runtime)}>
          <QueryClientProvider client={queryClient}>
            <EhrProvider runtime={runtime}>
              <App />
            </EhrProvider>
          </QueryClientProvider>
        </WagmiProvider>
      </StrictMode>,
    );
    // When the full app took over (measured by bench/web.ts beside the first screen's paint).
    requestAnimationFrame(() => performance.mark("ehr:app-shell"));
  } catch (error) {
    root.render(
      <main id="main">
        <h1>Patient EHR</h1>
        <p role="alert">{toUserMessage(error)}</p>
      </main>,
    );
  }
}
