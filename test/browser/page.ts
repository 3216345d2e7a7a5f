/**
 * The in-page half of the Chromium test run: bundled by runLibTests.ts into the page's setup
 * script, after mocha's browser build. It sets mocha up with the `bdd` UI and a reporter that
 * forwards every event to the Node side (a function Playwright exposes on `window`).
 *
 * Side-effect free when imported: Hardhat's test task loads every file under test/.
 */

/** What the page tells the Node side, in order. */
export type PageEvent =
  | { type: "load"; file: string; error?: ErrorInfo }
  | { type: "start"; total: number }
  | { type: "suite"; title: string; depth: number }
  | { type: "test"; fullTitle: string }
  | { type: "pass"; title: string; file: string; depth: number; duration: number }
  | { type: "fail"; title: string; fullTitle: string; file: string; depth: number; error: ErrorInfo }
  | { type: "pending"; title: string; file: string; depth: number }
  | { type: "end"; passes: number; failures: number; pending: number };

export interface ErrorInfo {
  name: string;
  message: string;
  stack: string;
  /** An assertion's values, as mocha's Node reporter would diff them (shortened). */
  expected?: string;
  actual?: string;
}

/** The name of the function Playwright exposes for {@link PageEvent}s. */
export const REPORT_BINDING = "__ehrReport";
/** The name of the function each test file is loaded through (see runLibTests.ts). */
export const LOAD_BINDING = "__ehrLoadTestFile";

type Report = (event: PageEvent) => void;

/** A value for a failure report: mocha's canonical form, short, and never a whole large buffer. */
function show(value: unknown): string {
  if (ArrayBuffer.isView(value) && value.byteLength > 256) {
    return `${value.constructor.name}(${value.byteLength} bytes)`;
  }
  let text: string;
  try {
    text = Mocha.utils.stringify(value);
  } catch {
    text = String(value);
  }
  return text.length > 2000 ? `${text.slice(0, 2000)}… (${text.length} characters)` : text;
}

function errorInfo(error: unknown): ErrorInfo {
  if (!(error instanceof Error)) return { name: "Error", message: String(error), stack: "" };
  const info: ErrorInfo = { name: error.name, message: error.message, stack: error.stack ?? "" };
  const e = error as Error & { showDiff?: boolean; expected?: unknown; actual?: unknown };
  if (e.showDiff !== false && "expected" in e && "actual" in e) {
    info.expected = show(e.expected);
    info.actual = show(e.actual);
  }
  return info;
}

/** The test file a runnable came from: set on top-level suites when each file loads. */
function fileOf(runnable: Mocha.Runnable | Mocha.Suite): string {
  for (let s: Mocha.Runnable | Mocha.Suite | undefined = runnable; s; s = s.parent) {
    if (s.file) return s.file;
  }
  return "(unknown file)";
}

function depthOf(runnable: Mocha.Runnable | Mocha.Suite): number {
  let depth = 0;
  for (let s = runnable.parent; s && !s.root; s = s.parent) depth++;
  return depth;
}

/** Sets mocha up (call once, before loading test files). */
export function setupMocha(options: { timeout: number; grep?: string }): void {
  const global = window as unknown as Record<string, unknown>;
  const report = (event: PageEvent) => void (global[REPORT_BINDING] as Report)(event);

  // Mocha collects runner.stats itself; a reporter only has to listen.
  class BridgeReporter {
    constructor(runner: Mocha.Runner) {
      runner.on("start", () => report({ type: "start", total: runner.total }));
      runner.on("suite", (suite: Mocha.Suite) => {
        if (!suite.root) report({ type: "suite", title: suite.title, depth: depthOf(suite) });
      });
      runner.on("test", (test: Mocha.Test) => report({ type: "test", fullTitle: test.fullTitle() }));
      runner.on("pass", (test: Mocha.Test) =>
        report({
          type: "pass",
          title: test.title,
          file: fileOf(test),
          depth: depthOf(test),
          duration: test.duration ?? 0,
        }),
      );
      runner.on("pending", (test: Mocha.Test) =>
        report({ type: "pending", title: test.title, file: fileOf(test), depth: depthOf(test) }),
      );
      runner.on("fail", (test: Mocha.Runnable, error: unknown) =>
        report({
          type: "fail",
          title: test.title,
          fullTitle: test.fullTitle(),
          file: fileOf(test),
          depth: depthOf(test),
          error: errorInfo(error),
        }),
      );
      runner.once("end", () => {
        const stats = runner.stats ?? { passes: 0, failures: 0, pending: 0 };
        report({ type: "end", passes: stats.passes, failures: stats.failures, pending: stats.pending });
      });
    }
  }

  mocha.setup({
    ui: "bdd",
    timeout: options.timeout,
    reporter: BridgeReporter as unknown as Mocha.ReporterConstructor,
    ...(options.grep ? { grep: options.grep } : {}),
  });

  // A describe() callback that throws would leave mocha's stack of open suites unbalanced, and
  // every later file would nest inside that suite: catch it, and report it as a load error.
  let describeError: unknown;
  const guard = (fn: unknown) =>
    typeof fn !== "function"
      ? fn
      : function (this: unknown, ...args: unknown[]) {
          try {
            return fn.apply(this, args);
          } catch (e) {
            describeError ??= e;
          }
        };
  type Describe = ((title: string, fn?: unknown) => unknown) & { only?: Describe; skip?: Describe };
  for (const name of ["describe", "context", "xdescribe", "xcontext"]) {
    const original = global[name] as Describe | undefined;
    if (!original) continue;
    const wrapped: Describe = (title, fn) => original(title, guard(fn));
    if (original.only) wrapped.only = (title, fn) => original.only!(title, guard(fn));
    if (original.skip) wrapped.skip = (title, fn) => original.skip!(title, guard(fn));
    global[name] = wrapped;
  }

  // Each test file is loaded through this, so results can name their file and a file that
  // fails to load (say, a Node-only API on the browser path) is reported as such.
  global[LOAD_BINDING] = (file: string, load: () => void) => {
    describeError = undefined;
    let error: ErrorInfo | undefined;
    try {
      load();
    } catch (e) {
      error = errorInfo(e);
    }
    if (!error && describeError !== undefined) error = errorInfo(describeError);
    // Everything registered since the last file, at any depth, is this file's.
    const mark = (suite: Mocha.Suite) => {
      for (const t of suite.tests) t.file ??= file;
      for (const child of suite.suites) {
        child.file ??= file;
        mark(child);
      }
    };
    mark(mocha.suite);
    report({ type: "load", file, error });
  };
}
