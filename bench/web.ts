/**
 * `npm run bench:web [-- --runs 7] [--config <a checkout's web/vite.config.ts>]`: the dApp's first
 * load in headless Chromium beside a minimal Vite React page (bench/baseline-web: React and
 * ReactDOM rendering one heading), both built in this run by the same Vite with the same React
 * plugin and options, and served by the same static server code (below; one instance each, on
 * loopback): brotli or gzip as the browser asks, files compressed once as a deployment's build
 * step would, long-lived caching for the hashed assets.
 *
 * Each load is cold: a fresh browser context (empty cache, no service worker), 1366x768, no wallet
 * (so the dApp stops on its first screen, "Connect your wallet"). Loads alternate between the two
 * apps, after one warm-up load of each; medians over `--runs` (default 7). Two network profiles:
 *  - loopback: no throttling, so the figures are mostly parse, compile and render time;
 *  - slow-4g: Lighthouse's mobile throttling (150 ms round trip, 1.6 Mbps down, 750 kbps up), applied
 *    by Chromium's DevTools protocol per request, where the bytes sent weigh.
 *
 * Recorded per load: JS bytes (over the wire, i.e. compressed, and decoded) and requests started
 * before the first screen's heading was painted (the dApp loads the rest of itself in the
 * background after that: wagmi, viem, the API client; see web/src/main.tsx), the navigation's
 * DOMContentLoaded and load, first contentful paint, and "main text": when the first screen's
 * heading was painted, by Element Timing ("Connect your wallet" for the dApp, the
 * baseline's heading). Writes bench/results/web.json: both sets of medians, the dApp/baseline
 * ratio of each (the median of the per-run ratios), the scripts the dApp's first screen fetched,
 * and the machine.
 */
import { brotliCompressSync, constants as zlib, gzipSync } from "node:zlib";
import { mkdtemp, mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { cpus, loadavg, tmpdir } from "node:os";
import path from "node:path";
import type { Browser } from "playwright-core";
import { esmImport } from "../lib/esmImport";
import { launchChromium } from "../test/browser/chromium";
import { TYPES } from "../scripts/lib/web";

const ROOT = path.resolve(__dirname, "..");
const RESULTS = path.join(ROOT, "bench", "results", "web.json");
const BASELINE_SOURCE = path.join(ROOT, "bench", "baseline-web");
const GOAL = "dApp/baseline <= 1.5x for the time until the first screen's main text shows (loopback)";

/** The dApp's runtime settings: any chain; with no wallet the first screen reads nothing from it. */
const DAPP_CONFIG = JSON.stringify({
  chainId: 31337,
  rpcUrl: "http://127.0.0.1:9",
  apiUrl: "http://127.0.0.1:9",
  core: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
  book: "0xe7f1725E7734CE288F8367e1Dd143E5e180d2E4C",
});

interface App {
  name: "dapp" | "baseline";
  /** The first screen's heading. */
  mainText: string;
  url: string;
}

interface NetworkProfile {
  name: string;
  /** Chromium's Network.emulateNetworkConditions parameters, or none. */
  conditions?: { latency: number; downloadThroughput: number; uploadThroughput: number };
}

const PROFILES: NetworkProfile[] = [
  { name: "loopback" },
  {
    name: "slow-4g",
    // Lighthouse's mobile preset (its "slow 4G"), bytes per second.
    conditions: { latency: 150, downloadThroughput: (1.6 * 1024 * 1024) / 8, uploadThroughput: (750 * 1024) / 8 },
  },
];

interface ScriptLoad {
  file: string;
  /** Body bytes as sent (compressed). */
  encodedBytes: number;
  decodedBytes: number;
}

interface Load {
  jsEncodedBytes: number;
  jsDecodedBytes: number;
  requests: number;
  domContentLoadedMs: number;
  loadMs: number;
  firstContentfulPaintMs: number;
  mainTextMs: number;
  scripts: ScriptLoad[];
  /** The dApp only: when its full app (wagmi, viem, the API client) had replaced the first screen. */
  shellMs?: number;
}

type Figures = Omit<Load, "scripts" | "shellMs">;

const COMPRESSIBLE = new Set([".html", ".js", ".css", ".json", ".svg"]);

interface StaticFile {
  type: string;
  raw: Buffer;
  br?: Buffer;
  gzip?: Buffer;
  immutable: boolean;
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

/** Reads and compresses every file of a build once (brotli 11 and gzip 9, as a build step would). */
async function loadSite(dir: string, extra: Record<string, string> = {}): Promise<Map<string, StaticFile>> {
  const site = new Map<string, StaticFile>();
  const add = (urlPath: string, raw: Buffer) => {
    const ext = path.extname(urlPath);
    const compress = COMPRESSIBLE.has(ext) && raw.length > 512;
    site.set(urlPath, {
      type: TYPES[ext] ?? "application/octet-stream",
      raw,
      br: compress ? brotliCompressSync(raw, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11 } }) : undefined,
      gzip: compress ? gzipSync(raw, { level: 9 }) : undefined,
      immutable: urlPath.startsWith("/assets/"),
    });
  };
  for (const file of await filesUnder(dir))
    add("/" + path.relative(dir, file).split(path.sep).join("/"), await readFile(file));
  for (const [urlPath, body] of Object.entries(extra)) add(urlPath, Buffer.from(body));
  return site;
}

/** Serves one build from memory; both apps get their own instance of this same server. */
async function serve(site: Map<string, StaticFile>): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const { pathname } = new URL(req.url ?? "/", "http://localhost");
    const file = site.get(pathname === "/" ? "/index.html" : pathname);
    if (!file) {
      res.writeHead(404).end();
      return;
    }
    const accepts = String(req.headers["accept-encoding"] ?? "");
    const [encoding, body] =
      file.br && /\bbr\b/.test(accepts)
        ? ["br", file.br]
        : file.gzip && /\bgzip\b/.test(accepts)
          ? ["gzip", file.gzip]
          : [undefined, file.raw];
    res.writeHead(200, {
      "content-type": file.type,
      "content-length": body.length,
      "cache-control": file.immutable ? "public, max-age=31536000, immutable" : "no-cache",
      vary: "accept-encoding",
      ...(encoding && { "content-encoding": encoding }),
    });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server };
}

interface Vite {
  build(config: object): Promise<unknown>;
  version: string;
}

async function buildBoth(outDir: string, dappConfig: string): Promise<{ vite: Vite; dapp: string; baseline: string }> {
  const vite = await esmImport<Vite>("vite");
  const { default: react } = await esmImport<{ default: () => unknown }>("@vitejs/plugin-react");
  const dapp = path.join(outDir, "dapp");
  const baseline = path.join(outDir, "baseline");
  // One after the other: two builds at once on two cores would only slow each other.
  await vite.build({
    configFile: dappConfig,
    logLevel: "warn",
    build: { outDir: dapp, emptyOutDir: true },
  });
  await vite.build({
    configFile: false,
    root: BASELINE_SOURCE,
    plugins: [react()],
    logLevel: "warn",
    // The dApp's build options (web/vite.config.ts).
    build: { outDir: baseline, emptyOutDir: true, target: "es2022" },
  });
  return { vite, dapp, baseline };
}

/**
 * Runs in the page before its scripts: notes first contentful paint, and when the heading holding
 * the main text is painted. A MutationObserver callback runs before the next rendering, so marking
 * the heading with `elementtiming` there lets Chromium's Element Timing report its render time,
 * measured as FCP is (presentation of the frame that showed it).
 */
function observeFirstScreen(mainText: string): void {
  const marks: Record<string, number> = {};
  (window as unknown as { __bench: Record<string, number> }).__bench = marks;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) if (entry.name === "first-contentful-paint") marks.fcp = entry.startTime;
  }).observe({ type: "paint", buffered: true });
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries() as (PerformanceEntry & { identifier: string; renderTime: number })[])
      if (entry.identifier === "bench-main-text") marks.mainText = entry.renderTime || entry.startTime;
  }).observe({ type: "element", buffered: true });
  const observer = new MutationObserver(() => {
    const heading = Array.from(document.querySelectorAll("h1")).find((h) => h.textContent?.includes(mainText));
    if (!heading) return;
    observer.disconnect();
    heading.setAttribute("elementtiming", "bench-main-text");
  });
  observer.observe(document, { childList: true, subtree: true, characterData: true });
}

async function loadOnce(browser: Browser, app: App, profile: NetworkProfile): Promise<Load> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
  try {
    const page = await context.newPage();
    if (profile.conditions) {
      const cdp = await context.newCDPSession(page);
      await cdp.send("Network.enable");
      await cdp.send("Network.emulateNetworkConditions", { offline: false, ...profile.conditions });
    }
    page.on("requestfailed", (r) => console.warn(`${app.name}: ${r.url()} failed (${r.failure()?.errorText})`));
    await page.addInitScript(observeFirstScreen, app.mainText);
    await page.goto(app.url, { waitUntil: "load", timeout: 60_000 });
    await page.waitForFunction(
      () => {
        const marks = (window as unknown as { __bench: Record<string, number> }).__bench;
        return marks.mainText !== undefined && marks.fcp !== undefined;
      },
      undefined,
      { timeout: 60_000 },
    );
    // The dApp's full app, loaded after the first screen (a build from before that split, measured
    // with --config, marks nothing: its figure stays empty).
    if (app.name === "dapp")
      await page
        .waitForFunction(() => performance.getEntriesByName("ehr:app-shell").length > 0, undefined, {
          timeout: 15_000,
        })
        .catch(() => undefined);
    const figures = await page.evaluate(() => {
      const marks = (window as unknown as { __bench: Record<string, number> }).__bench;
      const nav = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming;
      // What the first screen needed: requests started before its heading was painted. The dApp
      // fetches the rest of itself (wagmi, viem, the API client) after that, in the background.
      const before = (performance.getEntriesByType("resource") as PerformanceResourceTiming[]).filter(
        (r) => r.startTime < marks.mainText,
      );
      const scripts = before
        .filter((r) => new URL(r.name).pathname.endsWith(".js"))
        .map((r) => ({
          file: new URL(r.name).pathname,
          encodedBytes: r.encodedBodySize,
          decodedBytes: r.decodedBodySize,
        }));
      return {
        domContentLoadedMs: nav.domContentLoadedEventEnd,
        loadMs: nav.loadEventEnd,
        firstContentfulPaintMs: marks.fcp,
        mainTextMs: marks.mainText,
        // The document itself, and what it fetched before the heading showed.
        requests: 1 + before.length,
        scripts,
        shellMs: performance.getEntriesByName("ehr:app-shell")[0]?.startTime,
      };
    });
    return {
      ...figures,
      jsEncodedBytes: figures.scripts.reduce((sum, s) => sum + s.encodedBytes, 0),
      jsDecodedBytes: figures.scripts.reduce((sum, s) => sum + s.decodedBytes, 0),
    };
  } finally {
    await context.close();
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function medians(loads: Load[]): Figures {
  const of = (key: keyof Figures) => Math.round(median(loads.map((l) => l[key])));
  return {
    jsEncodedBytes: of("jsEncodedBytes"),
    jsDecodedBytes: of("jsDecodedBytes"),
    requests: of("requests"),
    domContentLoadedMs: of("domContentLoadedMs"),
    loadMs: of("loadMs"),
    firstContentfulPaintMs: of("firstContentfulPaintMs"),
    mainTextMs: of("mainTextMs"),
  };
}

/**
 * dApp over baseline for each figure: the median of the per-run ratios (each dApp load over the
 * baseline load right after it), steadier than a ratio of medians when the machine's load drifts.
 */
function pairedRatios(dapp: Load[], baseline: Load[]): Record<keyof Figures, number> {
  const keys = Object.keys(medians(dapp)) as (keyof Figures)[];
  return Object.fromEntries(
    keys.map((k) => [k, Number(median(dapp.map((d, i) => d[k] / baseline[i][k])).toFixed(2))]),
  ) as Record<keyof Figures, number>;
}

async function buildSizes(dir: string): Promise<{ jsFiles: number; jsBytes: number; jsBrotliBytes: number }> {
  const js = (await filesUnder(dir)).filter((f) => f.endsWith(".js"));
  let jsBytes = 0;
  let jsBrotliBytes = 0;
  for (const file of js) {
    const raw = await readFile(file);
    jsBytes += raw.length;
    jsBrotliBytes += brotliCompressSync(raw, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11 } }).length;
  }
  return { jsFiles: js.length, jsBytes, jsBrotliBytes };
}

async function main(): Promise<void> {
  const runsArg = process.argv.indexOf("--runs");
  const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 7;
  // Another checkout's web/vite.config.ts, to measure an older build the same way (before/after).
  const configArg = process.argv.indexOf("--config");
  const dappConfig = path.resolve(
    configArg > 0 ? process.argv[configArg + 1] : path.join(ROOT, "web", "vite.config.ts"),
  );
  const loadAtStart = Number(loadavg()[0].toFixed(2));
  const outDir = await mkdtemp(path.join(tmpdir(), "ehr-bench-web-"));
  const servers: Server[] = [];
  let browser: Browser | undefined;
  try {
    const built = await buildBoth(outDir, dappConfig);
    const dappServer = await serve(await loadSite(built.dapp, { "/config.json": DAPP_CONFIG }));
    const baselineServer = await serve(await loadSite(built.baseline));
    servers.push(dappServer.server, baselineServer.server);
    const apps: App[] = [
      { name: "dapp", mainText: "Connect your wallet", url: dappServer.url },
      { name: "baseline", mainText: "Hello from the baseline", url: baselineServer.url },
    ];
    browser = await launchChromium();
    const profiles: Record<string, unknown> = {};
    let firstScreenScripts: ScriptLoad[] = [];
    for (const profile of PROFILES) {
      const loads: Record<App["name"], Load[]> = { dapp: [], baseline: [] };
      for (const app of apps) await loadOnce(browser, app, profile);
      // Interleaved, so that a busy moment on the shared machine falls on both alike.
      for (let run = 0; run < runs; run++) {
        for (const app of apps) loads[app.name].push(await loadOnce(browser, app, profile));
      }
      const dapp = medians(loads.dapp);
      const baseline = medians(loads.baseline);
      const dappFullAppMs = Math.round(median(loads.dapp.map((l) => l.shellMs ?? NaN)));
      profiles[profile.name] = {
        conditions: profile.conditions ?? null,
        dapp,
        baseline,
        ratio: pairedRatios(loads.dapp, loads.baseline),
        /** When the dApp's full app had loaded in the background and replaced the first screen. */
        dappFullAppMs,
      };
      if (profile.name === "loopback") firstScreenScripts = loads.dapp[0].scripts;
      console.log(`\n${profile.name} (median of ${runs})`);
      console.table({ dapp, baseline, "dapp/baseline": pairedRatios(loads.dapp, loads.baseline) });
      console.log(`the dApp's full app replaced the first screen after ${dappFullAppMs} ms`);
    }
    const result = {
      date: new Date().toISOString(),
      goal: GOAL,
      runs,
      dappConfig: path.relative(ROOT, dappConfig),
      machine: {
        node: process.version,
        chromium: browser.version(),
        vite: built.vite.version,
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model,
        /** The 1-minute load average when the bench started and ended (the machine is shared). */
        loadAverage1m: [loadAtStart, Number(loadavg()[0].toFixed(2))],
      },
      profiles,
      dappFirstScreenScripts: firstScreenScripts.map((s) => ({ ...s, file: path.posix.basename(s.file) })),
      build: { dapp: await buildSizes(built.dapp), baseline: await buildSizes(built.baseline) },
    };
    await mkdir(path.dirname(RESULTS), { recursive: true });
    await writeFile(RESULTS, JSON.stringify(result, null, 2) + "\n");
    console.log(
      `\nfirst screen scripts: ${firstScreenScripts.length}; load average ${result.machine.loadAverage1m.join(" to ")} on ` +
        `${result.machine.cpus} cores; written to ${path.relative(ROOT, RESULTS)}`,
    );
  } finally {
    await browser?.close().catch(() => undefined);
    for (const server of servers) {
      server.closeAllConnections();
      server.close();
    }
    await rm(outDir, { recursive: true, force: true });
  }
}

void main().catch((error) => {
  console.error(error);
  process.exit(1);
});
