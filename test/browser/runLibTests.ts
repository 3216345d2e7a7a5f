/**
 * Runs the library's universal tests (lib/**\/*.test.ts, not *.node.test.ts) in a real Chromium:
 * bundles them for the browser with esbuild, serves a mocha page from 127.0.0.1 (a secure
 * context, so WebCrypto is there), opens it in headless Chromium through playwright-core and
 * streams each result to the terminal.
 *
 *   npm run test:browser                         every universal test file
 *   npm run test:browser -- lib/bytes.test.ts    only these files
 *   npm run test:browser -- --grep envelope      only tests whose full title matches
 *
 * Exits non-zero when a test fails, a file fails to load, nothing ran, the page throws outside a
 * test, or the run takes longer than BROWSER_TEST_TIMEOUT_MS (default 10 minutes).
 * CHROMIUM_PATH overrides /usr/bin/chromium.
 */
import { build, type BuildOptions, type Plugin } from "esbuild";
import type { Browser } from "playwright-core";
import { launchChromium } from "./chromium";
import { exitWith } from "./exitWith";
import { readFileSync, readdirSync, existsSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { builtinModules, SourceMap } from "node:module";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { LOAD_BINDING, REPORT_BINDING, type PageEvent } from "./page";

const ROOT = path.resolve(__dirname, "../..");
/** Globals injected for dependencies that expect Node's (see the file). */
const INJECT = path.join(__dirname, "nodeGlobals.ts");
const RUN_TIMEOUT_MS = Number(process.env.BROWSER_TEST_TIMEOUT_MS ?? 10 * 60_000);
/** Per test, as in .mocharc.lib.cjs. */
const TEST_TIMEOUT_MS = 180_000;

const color = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code: number) => (text: string) => (color ? `\x1b[${code}m${text}\x1b[0m` : text);
const green = paint(32);
const red = paint(31);
const cyan = paint(36);
const gray = paint(90);

/** Repository-relative, forward slashes: the name a test file is reported by. */
const rel = (file: string) => path.relative(ROOT, path.resolve(ROOT, file)).split(path.sep).join("/");

function parseArgs(argv: string[]): { files: string[]; grep?: string } {
  const files: string[] = [];
  let grep: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--grep" || argv[i] === "-g") grep = argv[++i];
    else if (argv[i].startsWith("--grep=")) grep = argv[i].slice("--grep=".length);
    else files.push(argv[i]);
  }
  return { files, grep };
}

/** The universal test files: the ones named, or every lib/**\/*.test.ts (and web/src/**\/*.test.ts) except *.node.test.ts. */
function testFiles(named: string[]): string[] {
  if (named.length > 0) {
    for (const f of named) {
      if (!existsSync(path.resolve(ROOT, f))) throw new Error(`no such test file: ${f}`);
      if (f.endsWith(".node.test.ts")) throw new Error(`${f} is a Node-only test (*.node.test.ts)`);
    }
    return named.map(rel);
  }
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
      d.isDirectory() ? walk(path.join(dir, d.name)) : [path.join(dir, d.name)],
    );
  // The dApp's own pure modules (web/src/**/*.test.ts, e.g. the emergency card's link) run here too.
  return [...walk(path.join(ROOT, "lib")), ...walk(path.join(ROOT, "web", "src"))]
    .map(rel)
    .filter((f) => f.endsWith(".test.ts") && !f.endsWith(".node.test.ts"))
    .sort();
}

/** Node's `Buffer` and `process` used as globals in source (not `BufferSource`, not in node_modules). */
const NODE_GLOBAL_USE = /(?<![\w.$])(?:Buffer|process)\s*[.[(]/;

/**
 * Library code must not reach Node on the browser path: say so plainly, naming the file.
 * Imports of Node built-ins from our own files fail the build; packages under node_modules
 * resolve as esbuild does, honouring their "browser" maps. Because the bundle injects a
 * `Buffer` for dependencies (see nodeGlobals.ts), our own files are also checked for using
 * Node's globals, which the injection would otherwise hide.
 */
const noNodeOnBrowserPath: Plugin = {
  name: "no-node-on-browser-path",
  setup(b) {
    b.onLoad({ filter: /\.[cm]?[jt]s$/ }, (args) => {
      if (args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
      const source = readFileSync(args.path, "utf8");
      const lines = source.split("\n");
      const at = lines.findIndex((l) => NODE_GLOBAL_USE.test(l.replace(/\/\/.*$/, "")));
      if (at < 0 || args.path === INJECT) return undefined;
      return {
        errors: [
          {
            text:
              `Node's ${lines[at].match(NODE_GLOBAL_USE)![0].replace(/\W+$/, "")} global is used on the browser path ` +
              "(the bundle injects Buffer for dependencies only; use Uint8Array and lib/bytes.ts).",
            location: { file: rel(args.path), line: at + 1, lineText: lines[at] },
          },
        ],
      };
    });
    const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
    b.onResolve({ filter: /.*/ }, (args) => {
      if (!builtins.has(args.path) && !args.path.startsWith("node:")) return undefined;
      if (args.importer.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
      return {
        errors: [
          {
            text:
              `"${args.path}" is a Node built-in, imported on the browser path by ${rel(args.importer)}. ` +
              "Use WebCrypto/TextEncoder/Uint8Array, or move Node-only code to a *.node.ts file.",
          },
        ],
      };
    });
  },
};

const BUNDLE_OPTIONS: BuildOptions = {
  bundle: true,
  write: false,
  platform: "browser",
  format: "iife",
  target: "chrome120",
  absWorkingDir: ROOT,
  logLevel: "silent",
  plugins: [noNodeOnBrowserPath],
  inject: [INJECT],
};

interface Bundle {
  js: string;
  map: SourceMap;
}

async function bundle(name: string, contents: string): Promise<Bundle> {
  const result = await build({
    ...BUNDLE_OPTIONS,
    stdin: { contents, resolveDir: ROOT, sourcefile: `${name}.entry.js`, loader: "js" },
    outfile: path.join(ROOT, `${name}.js`),
    // Inline for DevTools; the separate map lets Node translate stacks back to the sources.
    sourcemap: "both",
  });
  for (const w of result.warnings) console.warn(gray(`esbuild warning: ${w.text}`));
  const js = (result.outputFiles ?? []).find((f) => f.path.endsWith(".js"));
  const map = (result.outputFiles ?? []).find((f) => f.path.endsWith(".js.map"));
  if (!js || !map) throw new Error(`esbuild produced no ${name}.js`);
  return { js: js.text, map: new SourceMap(JSON.parse(map.text)) };
}

/** The two scripts after mocha.js: mocha's setup with the reporter bridge, then the test files. */
async function bundleAll(files: string[], grep?: string): Promise<{ setup: Bundle; tests: Bundle }> {
  const setup = `import { setupMocha } from "./test/browser/page";
setupMocha(${JSON.stringify({ timeout: TEST_TIMEOUT_MS, grep })});`;
  // require(), not import: each file is evaluated inside the loader, in order, one at a time.
  const tests = files
    .map((f) => `globalThis.${LOAD_BINDING}(${JSON.stringify(f)}, () => require(${JSON.stringify(`./${f}`)}));`)
    .join("\n");
  const [s, t] = await Promise.all([bundle("setup", setup), bundle("tests", tests)]);
  return { setup: s, tests: t };
}

const PAGE = `<!doctype html>
<html>
  <head>
    <meta charset="utf-8" />
    <title>lib tests</title>
    <link rel="stylesheet" href="/mocha.css" />
  </head>
  <body>
    <div id="mocha"></div>
    <script src="/mocha.js"></script>
    <script src="/setup.js"></script>
    <script src="/tests.js"></script>
    <script>mocha.run();</script>
  </body>
</html>
`;

function serve(routes: Record<string, { type: string; body: string }>): Promise<Server> {
  const server = createServer((req, res) => {
    const route = routes[new URL(req.url ?? "/", "http://127.0.0.1").pathname];
    if (!route) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": route.type, "cache-control": "no-store" }).end(route.body);
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve(server));
  });
}

/** Rewrites bundle positions in a stack (…/tests.js:L:C) to the original files. */
function mapStack(stack: string, bundles: Record<string, SourceMap>): string {
  // Mocha strips the page's address from stacks it reports; the page's own errors keep it.
  return stack
    .replace(/(?:https?:\/\/127\.0\.0\.1:\d+\/)?\b(setup|tests)\.js:(\d+):(\d+)/g, (_, name, line, column) => {
      const entry = bundles[name]?.findEntry(Number(line) - 1, Number(column) - 1) as {
        originalSource?: string;
        originalLine?: number;
        originalColumn?: number;
      };
      if (!entry?.originalSource) return `${name}.js:${line}:${column}`;
      return `${rel(entry.originalSource)}:${(entry.originalLine ?? 0) + 1}:${(entry.originalColumn ?? 0) + 1}`;
    })
    .replace(/https?:\/\/127\.0\.0\.1:\d+\//g, "");
}

/** The "    at ..." lines of an error's stack, mapped to the sources. */
function stackFrames(error: { stack?: string }, bundles: Record<string, SourceMap>): string {
  return mapStack(error.stack ?? "", bundles)
    .split("\n")
    .filter((l) => /^\s+at /.test(l))
    .join("\n");
}

/** "Name: message" and the mapped frames. */
function describeError(error: { name: string; message: string; stack?: string }, bundles: Record<string, SourceMap>) {
  const frames = stackFrames(error, bundles);
  return `${error.name}: ${error.message}${frames ? `\n${frames}` : ""}`;
}

function indent(text: string, by: string): string {
  return text
    .split("\n")
    .map((l) => by + l)
    .join("\n");
}

interface FileResult {
  passes: number;
  failures: number;
  pending: number;
  loadError?: string;
}

async function main(): Promise<number> {
  const started = Date.now();
  const { files: named, grep } = parseArgs(process.argv.slice(2));
  const files = testFiles(named);
  if (files.length === 0) {
    console.error(red("No universal test files (lib/**/*.test.ts) found."));
    return 1;
  }

  let bundles: { setup: Bundle; tests: Bundle };
  try {
    bundles = await bundleAll(files, grep);
  } catch (error) {
    const errors = (error as { errors?: { text: string; location?: { file: string; line: number } }[] }).errors;
    console.error(red("Bundling the tests for the browser failed:"));
    for (const e of errors ?? [{ text: String(error) }]) {
      console.error(`  ${e.location ? `${e.location.file}:${e.location.line}: ` : ""}${e.text}`);
    }
    return 1;
  }
  const maps = { setup: bundles.setup.map, tests: bundles.tests.map };
  const mochaDir = path.dirname(require.resolve("mocha/package.json"));
  const server = await serve({
    "/": { type: "text/html; charset=utf-8", body: PAGE },
    "/mocha.js": { type: "text/javascript", body: readFileSync(path.join(mochaDir, "mocha.js"), "utf8") },
    "/mocha.css": { type: "text/css", body: readFileSync(path.join(mochaDir, "mocha.css"), "utf8") },
    "/setup.js": { type: "text/javascript", body: bundles.setup.js },
    "/tests.js": { type: "text/javascript", body: bundles.tests.js },
    "/favicon.ico": { type: "image/x-icon", body: "" },
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;

  const results = new Map<string, FileResult>(files.map((f) => [f, { passes: 0, failures: 0, pending: 0 }]));
  const count = (file: string, what: "passes" | "failures" | "pending") => {
    const r = results.get(file);
    if (r) r[what]++;
  };
  const failures: string[] = [];
  const problems: string[] = [];
  let browser: Browser | undefined;
  let timer: NodeJS.Timeout | undefined;
  let end: Extract<PageEvent, { type: "end" }> | undefined;
  /** The test under way, named when the run times out. */
  let running: string | undefined;
  try {
    // launch() gives the browser a fresh, temporary user-data dir, removed on close.
    browser = await launchChromium();
    console.log(gray(`Chromium ${browser.version()} · ${files.length} test file(s) · ${url}`));
    const page = await browser.newPage();

    let finish!: () => void;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    const pad = (depth: number) => "  ".repeat(depth + 1);
    await page.exposeFunction(REPORT_BINDING, (event: PageEvent) => {
      switch (event.type) {
        case "load":
          if (event.error) {
            if (results.has(event.file)) results.get(event.file)!.loadError = event.error.message;
            const detail = describeError(event.error, maps);
            problems.push(`${event.file} failed to load\n${indent(detail, "      ")}`);
            console.log(red(`  ✖ ${event.file} failed to load: ${event.error.message}`));
          }
          break;
        case "start":
          console.log(gray(`  ${event.total} test(s)`));
          break;
        case "test":
          running = event.fullTitle;
          break;
        case "suite":
          console.log(`${pad(event.depth)}${event.title}`);
          break;
        case "pass":
          count(event.file, "passes");
          console.log(
            `${pad(event.depth)}${green("✔")} ${gray(event.title)}${event.duration > 100 ? gray(` (${event.duration}ms)`) : ""}`,
          );
          break;
        case "pending":
          count(event.file, "pending");
          console.log(`${pad(event.depth)}${cyan(`- ${event.title}`)}`);
          break;
        case "fail": {
          count(event.file, "failures");
          failures.push(
            `${failures.length + 1}) ${event.fullTitle}  ${gray(`(${event.file})`)}\n` +
              indent(red(`${event.error.name}: ${event.error.message}`), "     ") +
              "\n" +
              (event.error.expected !== undefined
                ? indent(
                    `${green("+ expected")} ${event.error.expected}\n${red("- actual")}   ${event.error.actual}`,
                    "     ",
                  ) + "\n"
                : "") +
              indent(gray(stackFrames(event.error, maps)), "   "),
          );
          console.log(red(`${pad(event.depth)}✖ ${failures.length}) ${event.title}`));
          break;
        }
        case "end":
          end = event;
          finish();
          break;
      }
    });
    page.on("pageerror", (error) => {
      problems.push(`page error\n${indent(describeError(error, maps), "      ")}`);
      console.log(red(`  ✖ page error: ${error.message}`));
    });
    page.on("crash", () => {
      problems.push("the page crashed");
      finish();
    });
    page.on("console", (message) => {
      if (message.type() === "error" || message.type() === "warning") {
        console.log(gray(`  [console.${message.type()}] ${message.text()}`));
      }
    });
    page.on("requestfailed", (request) => problems.push(`request failed: ${request.url()}`));
    page.on("response", (response) => {
      if (response.status() >= 400) problems.push(`HTTP ${response.status()} for ${response.url()}`);
    });

    const timedOut = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        problems.push(`timed out after ${RUN_TIMEOUT_MS / 1000} s${running ? ` in "${running}"` : ""}`);
        resolve();
      }, RUN_TIMEOUT_MS);
    });
    // Only wait for the navigation itself: the tests start before "load" and may keep it waiting.
    await page.goto(url, { waitUntil: "commit", timeout: RUN_TIMEOUT_MS });
    await Promise.race([finished, timedOut]);
  } catch (error) {
    problems.push(`could not run the page: ${(error as Error).message}`);
  } finally {
    clearTimeout(timer);
    await browser?.close().catch(() => undefined);
    server.close();
  }

  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log("");
  for (const [file, r] of results) {
    if (grep && !r.loadError && r.passes + r.failures + r.pending === 0) continue;
    const status = r.loadError || r.failures ? red("✖") : r.passes ? green("✔") : gray("·");
    const detail = r.loadError
      ? red("failed to load")
      : `${r.passes} passing${r.failures ? red(`, ${r.failures} failing`) : ""}${r.pending ? `, ${r.pending} pending` : ""}`;
    console.log(`  ${status} ${file}  ${gray(detail)}`);
  }
  const passes = end?.passes ?? 0;
  const failed = end?.failures ?? failures.length;
  console.log("");
  console.log(`  ${green(`${passes} passing`)} ${gray(`(${seconds}s, Chromium)`)}`);
  if (end?.pending) console.log(cyan(`  ${end.pending} pending`));
  if (failed) console.log(red(`  ${failed} failing`));
  if (failures.length) console.log(`\n${failures.join("\n\n")}`);
  if (!end && problems.length === 0) problems.push("the run did not finish");
  if (end && passes + failed === 0) problems.push("no tests ran");
  if (problems.length) console.log(`\n${red("Problems:")}\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  return failed || problems.length ? 1 : 0;
}

// Only when run directly: Hardhat's test task loads every file under test/.
if (require.main === module) exitWith(main);
