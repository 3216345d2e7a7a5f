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
/** Packages every screen needs, the first included (measured with `npm run bench:web`). */
const FIRST_SCREEN_PACKAGES =
  /node_modules[\\/](react|react-dom|scheduler|wagmi|@wagmi[\\/]core|@tanstack|mipd|eventemitter3|use-sync-external-store)[\\/]/;

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
          // Pages load when first shown (src/routes.tsx). What the first screen needs from React,
          // wagmi and react-query goes in one chunk: left to the default split it arrives as ~10
          // small chunks, each a request before the first screen can render. viem stays out of
          // this group: most of it is used by the pages only, and the default split keeps it there.
          groups: [{ name: "first-screen", test: FIRST_SCREEN_PACKAGES }],
        },
      },
    },
  },
});
