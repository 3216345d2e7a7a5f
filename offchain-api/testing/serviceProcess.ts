/**
 * The off-chain service as a real child process (`node -r ts-node/register/transpile-only
 * offchain-api/main.ts`), for the tests that signal it, kill it or starve it of disk: the process
 * tests (index.test.ts) and the fault tests (test/faults).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import path from "node:path";

const ROOT = path.resolve(__dirname, "..", "..");

/** The custodian key-encryption key the test services run with (README, "Secrets at rest"): tests only. */
export const TEST_CUSTODIAN_KEK = "7e57".repeat(16);

export interface RunningProcess {
  child: ChildProcess;
  /** Parsed stdout lines (pino JSON) so far. */
  lines: Record<string, unknown>[];
  stderr: () => string;
  exited: Promise<number | null>;
  /** The first log line whose `msg` matches. */
  waitFor(msg: RegExp): Promise<Record<string, unknown>>;
}

export interface RunServiceOptions {
  /**
   * `ulimit -f` for the service, in 512-byte blocks: a write past it fails with EFBIG (Node ignores
   * SIGXFSZ), which stands in for a full disk where no small file system can be mounted.
   * @default no limit
   */
  fileSizeLimitBlocks?: number;
  /**
   * Run the compiled service (`node dist/api/bin.js`, what `npm run api` runs; built at install by
   * `npm run build:api`) instead of the TypeScript sources.
   * @default false
   */
  compiled?: boolean;
  /** Node options before the script (`--cpu-prof`...). @default [] */
  nodeArgs?: string[];
}

/** `node -r ts-node/register/transpile-only offchain-api/main.ts` with `env` on top of a clean one. */
export function runService(env: NodeJS.ProcessEnv, options: RunServiceOptions = {}): RunningProcess {
  const nodeArgs = options.nodeArgs ?? [];
  const node = options.compiled
    ? [process.execPath, ...nodeArgs, "dist/api/bin.js"]
    : [process.execPath, ...nodeArgs, "-r", "ts-node/register/transpile-only", "offchain-api/main.ts"];
  const spawnEnv: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, ...env };
  // The service encrypts its custodian key under a key from outside its data folder; a test that
  // does not give one gets the test stack's.
  if (!spawnEnv.EHR_CUSTODIAN_KEK && !spawnEnv.EHR_CUSTODIAN_KEK_FILE) spawnEnv.EHR_CUSTODIAN_KEK = TEST_CUSTODIAN_KEK;
  // ts-node's compile cache writes files past a small limit, and reads them back cut short.
  if (options.fileSizeLimitBlocks !== undefined) spawnEnv.DISABLE_V8_COMPILE_CACHE = "1";
  const spawnOptions = { cwd: ROOT, env: spawnEnv, stdio: ["ignore", "pipe", "pipe"] as ["ignore", "pipe", "pipe"] };
  const child =
    options.fileSizeLimitBlocks === undefined
      ? spawn(node[0], node.slice(1), spawnOptions)
      : // `exec` keeps one process: the pid the tests signal is the service's.
        spawn("/bin/sh", ["-c", `ulimit -f ${options.fileSizeLimitBlocks} && exec "$@"`, "sh", ...node], spawnOptions);
  const lines: Record<string, unknown>[] = [];
  let stderr = "";
  let buffered = "";
  const waiters: { msg: RegExp; resolve: (line: Record<string, unknown>) => void }[] = [];
  child.stdout!.on("data", (chunk) => {
    buffered += chunk;
    const parts = buffered.split("\n");
    buffered = parts.pop()!;
    for (const part of parts.filter(Boolean)) {
      const line = JSON.parse(part);
      lines.push(line);
      for (const waiter of waiters.filter((w) => w.msg.test(String(line.msg)))) waiter.resolve(line);
    }
  });
  child.stderr!.on("data", (chunk) => (stderr += chunk));
  const exited = once(child, "exit").then(([code]) => code as number | null);
  return {
    child,
    lines,
    stderr: () => stderr,
    exited,
    waitFor(msg) {
      const seen = lines.find((line) => msg.test(String(line.msg)));
      if (seen) return Promise.resolve(seen);
      return Promise.race([
        new Promise<Record<string, unknown>>((resolve) => waiters.push({ msg, resolve })),
        exited.then((code) => {
          throw new Error(`the service exited (${code}) before logging ${msg}: ${stderr}`);
        }),
      ]);
    },
  };
}

/** Stops `running` with SIGKILL if it still runs, and waits for it to be gone. */
export async function killService(running: RunningProcess | undefined): Promise<void> {
  if (!running) return;
  if (running.child.exitCode === null && running.child.signalCode === null) running.child.kill("SIGKILL");
  await running.exited;
}
