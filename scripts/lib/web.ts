/**
 * The web dApp as `npm start` and the browser tests serve it: built once by Vite (web/vite.config.ts)
 * and served by a small static server that also answers `/config.json` (the dApp's runtime
 * settings: chain, RPC URL, service URL, contract addresses).
 */
import { readFile, stat } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { esmImport } from "../../lib/esmImport";

const ROOT = path.resolve(__dirname, "..", "..");

/** What the dApp reads from `/config.json` (web/src/config.ts). */
export interface WebRuntimeConfig {
  chainId: number;
  rpcUrl: string;
  apiUrl: string;
  core: string;
  book: string;
  webOrigin: string;
  chainName?: string;
  idleMinutes?: number;
}

export interface WebServer {
  server: Server;
  /** The origin, e.g. http://127.0.0.1:5173. */
  url: string;
  setConfig(config: WebRuntimeConfig): void;
  close(): Promise<void>;
}

/** Content types of the files a Vite build holds (also used by bench:web's server). */
export const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript",
  ".css": "text/css",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
};

/** Builds web/ with Vite into `outDir`. */
export async function buildWeb(outDir: string): Promise<void> {
  const vite = await esmImport<{ build(config: object): Promise<unknown> }>("vite");
  await vite.build({
    configFile: path.join(ROOT, "web", "vite.config.ts"),
    logLevel: "warn",
    build: { outDir, emptyOutDir: true },
  });
}

/**
 * Serves the built dApp from `dir` on `host:port` (0 picks a free port). Unknown paths are 404:
 * the dApp routes in the URL's hash, so it never needs a fallback page.
 */
export async function serveWeb(dir: string, options: { host?: string; port?: number } = {}): Promise<WebServer> {
  const root = path.resolve(dir);
  let config = "{}";
  const server = createServer((req, res) => {
    void (async () => {
      const pathname = decodeURIComponent(new URL(req.url ?? "/", "http://localhost").pathname);
      if (pathname === "/config.json") {
        res.writeHead(200, { "content-type": TYPES[".json"], "cache-control": "no-store" }).end(config);
        return;
      }
      const file = path.join(root, pathname === "/" ? "index.html" : pathname);
      if (!file.startsWith(root + path.sep) || !(await stat(file).catch(() => undefined))?.isFile()) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, {
        "content-type": TYPES[path.extname(file)] ?? "application/octet-stream",
        "x-content-type-options": "nosniff",
      });
      res.end(await readFile(file));
    })().catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, resolve);
  });
  const url = `http://${host}:${(server.address() as AddressInfo).port}`;
  return {
    server,
    url,
    setConfig: (c) => (config = JSON.stringify(c)),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
