import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

/** The repository root (this file is scripts/lib/chain.ts). */
const ROOT = path.resolve(__dirname, "..", "..");

export const DEFAULT_CHAIN_ID = 31337;
export const DEFAULT_PORT = 8545;
export const DEFAULT_HOST = "127.0.0.1";
/** Seconds between state dumps while the chain runs (it also dumps on exit). */
export const DEFAULT_STATE_INTERVAL = 5;

export interface ChainOptions {
  /** The data folder; the state lives in `<dataDir>/chain/state.json`. @default defaultDataDir() */
  dataDir?: string;
  /** 0 picks a free port. @default 8545 */
  port?: number;
  /** @default 127.0.0.1 */
  host?: string;
  /** @default 31337 */
  chainId?: number;
  /** @default 5 */
  stateInterval?: number;
  /** Forward anvil's own output (its banner lists the well-known dev accounts). @default false */
  verbose?: boolean;
  /** Give up when anvil has not started after this many milliseconds. @default 30000 */
  startTimeoutMs?: number;
}

export interface Chain {
  /** The JSON-RPC URL. */
  url: string;
  port: number;
  chainId: number;
  stateFile: string;
  pid: number;
  /** Resolves with anvil's exit code once it has exited (on its own or after stop()). */
  exited: Promise<number | null>;
  /** SIGTERM, so anvil writes its state; waits for it to exit (SIGKILL after `timeoutMs`). */
  stop(timeoutMs?: number): Promise<void>;
}

/** The data folder: `EHR_DATA_DIR`, else `.data/` at the repository root. */
export function defaultDataDir(): string {
  return path.resolve(process.env.EHR_DATA_DIR ?? path.join(ROOT, ".data"));
}

/**
 * The anvil executable of `@foundry-rs/anvil`. The platform binary itself, not the Node wrapper in
 * node_modules/.bin, so that our signal reaches the process that writes the state.
 */
export function anvilBinary(): string {
  const arch = process.arch === "x64" ? "amd64" : process.arch;
  const exe = process.platform === "win32" ? "anvil.exe" : "anvil";
  try {
    return require.resolve(`@foundry-rs/anvil-${process.platform}-${arch}/bin/${exe}`);
  } catch {
    const wrapper = path.join(ROOT, "node_modules", ".bin", process.platform === "win32" ? "anvil.cmd" : "anvil");
    if (fs.existsSync(wrapper)) return wrapper;
    throw new Error("anvil is not installed; run `npm install` (package @foundry-rs/anvil).");
  }
}

/**
 * Starts anvil with its state in `<dataDir>/chain/state.json`: loaded at start, written every
 * `stateInterval` seconds and on exit, so the chain survives restarts.
 */
export async function startChain(options: ChainOptions = {}): Promise<Chain> {
  const host = options.host ?? DEFAULT_HOST;
  const chainId = options.chainId ?? DEFAULT_CHAIN_ID;
  const chainDir = path.join(path.resolve(options.dataDir ?? defaultDataDir()), "chain");
  const stateFile = path.join(chainDir, "state.json");
  fs.mkdirSync(chainDir, { recursive: true });
  // anvil rewrites the state file in place; keep the last good one in case a crash cuts a write short.
  if (fs.existsSync(stateFile) && fs.statSync(stateFile).size > 0) fs.copyFileSync(stateFile, `${stateFile}.bak`);

  const args = [
    "--host",
    host,
    "--port",
    String(options.port ?? DEFAULT_PORT),
    "--chain-id",
    String(chainId),
    "--state",
    stateFile,
    "--state-interval",
    String(options.stateInterval ?? DEFAULT_STATE_INTERVAL),
  ];
  const child = spawn(anvilBinary(), args, { stdio: ["ignore", "pipe", "pipe"] });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  // If this process ends without stop(), anvil still gets the signal that makes it save.
  const killOnExit = () => child.kill("SIGTERM");
  process.once("exit", killOnExit);
  void exited.then(() => process.removeListener("exit", killOnExit));

  let port: number;
  try {
    port = await waitForListening(child, exited, options.verbose ?? false, options.startTimeoutMs ?? 30_000);
  } catch (error) {
    child.kill("SIGKILL");
    await exited;
    throw error;
  }

  return {
    url: `http://${host}:${port}`,
    port,
    chainId,
    stateFile,
    pid: child.pid!,
    exited,
    async stop(timeoutMs = 15_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Resolves with the port once anvil prints "Listening on host:port"; rejects if it exits first. */
function waitForListening(
  child: ChildProcess,
  exited: Promise<number | null>,
  verbose: boolean,
  timeoutMs: number,
): Promise<number> {
  return new Promise((resolve, reject) => {
    let output = "";
    let done = false;
    const finish = (error: Error | undefined, port?: number) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (error) reject(error);
      else resolve(port!);
    };
    const onData = (chunk: Buffer) => {
      if (verbose) process.stdout.write(chunk);
      if (done) return;
      output += chunk.toString();
      const match = /Listening on [^\s]+:(\d+)/.exec(output);
      if (match) finish(undefined, Number(match[1]));
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("error", (error) => finish(new Error(`anvil could not be started: ${error.message}.`)));
    void exited.then((code) => {
      const last = output.trim().split("\n").slice(-3).join(" ").trim();
      finish(new Error(`anvil exited with code ${code} before listening${last ? `: ${last}` : "."}`));
    });
    const timer = setTimeout(
      () => finish(new Error(`anvil did not start listening within ${timeoutMs / 1000} s.`)),
      timeoutMs,
    );
  });
}
