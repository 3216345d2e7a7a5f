import "./nodeGlobals";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { WagmiProvider } from "wagmi";
import { toUserMessage } from "@lib/errors";
import { App } from "./App";
import { loadRuntimeConfig } from "./config";
import { EhrProvider } from "./ehr/EhrProvider";
import { createWagmiConfig } from "./wagmi";
import "./styles.css";

/** Loads /config.json, then renders the app; a broken config is one sentence, not a blank page. */
async function start(): Promise<void> {
  const root = createRoot(document.getElementById("root")!);
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
  } catch (error) {
    root.render(
      <main id="main">
        <h1>Patient EHR</h1>
        <p role="alert">{toUserMessage(error)}</p>
      </main>,
    );
  }
}

void start();
