// The bench:web baseline (bench/web.ts): the smallest Vite React page, built with the dApp's Vite
// and React plugin and served by the same server. JSX rather than TSX so that the repository's
// TypeScript projects do not take it in; the plugin compiles both alike.
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";

createRoot(document.getElementById("root")).render(
  <StrictMode>
    <h1>Hello from the baseline</h1>
  </StrictMode>,
);
