/**
 * The dApp's build. Root is web/; the shared library (../lib) and the generated deployment module
 * (../deployments) are imported through the `@lib` and `@deployments` aliases. eth-crypto calls
 * Node's global `Buffer` (see src/nodeGlobals.ts) and some dependencies read `global`: both are
 * provided for the browser here, as test/browser does for the library tests.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig, type Plugin } from "vite";

const WEB = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(WEB, "..");
/**
 * The entry's stylesheet (src/styles.css, 6 KB) written into index.html: the first screen paints
 * without waiting for one more request. The file stays in the build for the scripts that name it
 * (a chunk loaded later may link it again; the same rules, in the same order).
 */
function inlineEntryCss(): Plugin {
  return {
    name: "ehr:inline-entry-css",
    apply: "build",
    transformIndexHtml: {
      order: "post",
      handler(html, { bundle }) {
        return html.replace(
          /<link rel="stylesheet" crossorigin href="\/(assets\/[^"]+\.css)">/g,
          (tag, file: string) => {
            const asset = bundle?.[file];
            return asset?.type === "asset" ? `<style>${String(asset.source)}</style>` : tag;
          },
        );
      },
    },
  };
}

export default defineConfig({
  root: WEB,
  publicDir: path.join(WEB, "public"),
  plugins: [react(), inlineEntryCss()],
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
