/**
 * The dApp's build. Root is web/; the shared library (../lib) and the generated deployment module
 * (../deployments) are imported through the `@lib` and `@deployments` aliases. eth-crypto calls
 * Node's global `Buffer` (see src/nodeGlobals.ts) and some dependencies read `global`: both are
 * provided for the browser here, as test/browser does for the library tests.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

const WEB = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(WEB, "..");
export default defineConfig({
  root: WEB,
  publicDir: path.join(WEB, "public"),
  plugins: [react()],
  resolve: {
    alias: [
      { find: "@lib", replacement: path.join(ROOT, "lib") },
      { find: "@deployments", replacement: path.join(ROOT, "deployments") },
      // The npm `buffer` package, not Node's module (which Vite would stub out for the browser).
      { find: /^buffer\/?$/, replacement: path.join(ROOT, "node_modules", "buffer", "index.js") },
    ],
  },
  define: { global: "globalThis" },
  server: { host: "127.0.0.1", port: 5173, fs: { allow: [ROOT] } },
  preview: { host: "127.0.0.1" },
  build: {
    outDir: path.join(WEB, "dist"),
    emptyOutDir: true,
    target: "es2022",
    chunkSizeWarningLimit: 2048,
    rolldownOptions: {
      output: {
        codeSplitting: {
          // The first screen is the entry (src/main.tsx: React and src/firstScreen); wagmi, viem,
          // react-query and the API client come with src/shell.tsx after it is painted, pages when
          // first shown (src/routes.tsx). React and ReactDOM go in one chunk: left to the default
          // split, React and its JSX runtime are two more scripts before the first screen.
          groups: [{ name: "react", test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/ }],
        },
      },
    },
  },
});
