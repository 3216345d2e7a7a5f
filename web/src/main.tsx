import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { FirstScreen } from "./firstScreen/FirstScreen";
import { mayResumeSession } from "./firstScreen/handoff";
import "./styles.css";

/**
 * The entry: React and the first screen only. A new visitor's "Connect your wallet" renders from
 * this chunk (./firstScreen), and the full app (./shell.tsx: wagmi, viem, the API client, the
 * routes) is fetched right after that screen is painted, or at the first click on a wallet if that
 * comes sooner; it then replaces the first screen with the same page and connects the wallet
 * clicked. A load that may resume a session (wagmi reconnecting, a kept service session) loads the
 * full app at once, so a reload lands on the page it was on, never on the connect screen.
 */
const root = createRoot(document.getElementById("root")!);

let shell: Promise<void> | undefined;
function loadShell(): Promise<void> {
  shell ??= import("./shell")
    .then(({ renderShell }) => renderShell(root))
    .catch(() => {
      // The app's own scripts did not load (a new deployment replaced them, or the network
      // dropped): one sentence, and a reload fetches them again.
      shell = undefined;
      root.render(
        <main id="main">
          <h1>Patient EHR</h1>
          <p role="alert">The app could not load; check your connection and reload this page.</p>
        </main>,
      );
    });
  return shell;
}

const startShell = () => void loadShell();

if (mayResumeSession()) startShell();
else
  root.render(
    <StrictMode>
      <FirstScreen onPainted={startShell} onConnect={startShell} />
    </StrictMode>,
  );
