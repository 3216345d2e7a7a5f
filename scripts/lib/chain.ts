import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { ChainJournal, writeFileDurably } from "./chainJournal";
import { replayJournal, startFront, stateSeq, type ChainFront, type ReplayReport } from "./chainFront";

/** The repository root (this file is scripts/lib/chain.ts). */
const ROOT = path.resolve(__dirname, "..", "..");

export const DEFAULT_CHAIN_ID = 31337;
export const DEFAULT_PORT = 8545;
export const DEFAULT_HOST = "127.0.0.1";
/** Seconds between state dumps while the chain runs (also on a clean stop); the journal covers the rest. */
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
  /** Seconds between state dumps (each lets the journal drop what it holds). @default 5 */
  stateInterval?: number;
  /** Forward anvil's own output (its banner lists the well-known dev accounts). @default false */
  verbose?: boolean;
  /** Give up when anvil has not started after this many milliseconds. @default 30000 */
  startTimeoutMs?: number;
  /**
   * Let clients make development calls (anvil_*, evm_*, eth_sendTransaction with anvil's dev
   * accounts...): test stacks and benchmarks. Off, the front takes reads and signed transactions only.
   * @default false
   */
  developmentCalls?: boolean;
  /** The web origins whose pages may read the chain's answers (CORS), or "*". @default ["http://127.0.0.1:5173", "http://localhost:5173"] */
  origins?: readonly string[] | "*";
}

export interface Chain {
  /** The JSON-RPC URL (the journaling front). */
  url: string;
  port: number;
  chainId: number;
  stateFile: string;
  /** The fsync'd journal of changes since the last state dump. */
  journalFile: string;
  /** anvil's own URL on its internal port: for measurements only, a change sent there is not journaled. */
  upstreamUrl: string;
  /** What the start replayed from the journal (all zero after a clean stop). */
  replay: ReplayReport;
  /** anvil's process id. */
  pid: number;
  /** Resolves with anvil's exit code once it has exited (on its own or after stop()). */
  exited: Promise<number | null>;
  /** Writes a state dump now (if anything changed) and lets the journal drop what it holds. */
  save(): Promise<void>;
  /** Dumps the state, stops the front and anvil (SIGTERM; SIGKILL after `timeoutMs`). */
  stop(timeoutMs?: number): Promise<void>;
}

/**
 * `EHR_CHAIN_DEV_CALLS`: 1 lets every client of `npm start` / `npm run chain` make development calls
 * (a local experiment); unset or 0, the front takes reads and signed transactions only.
 */
export function developmentCallsFromEnv(value = process.env.EHR_CHAIN_DEV_CALLS): boolean {
  if (value === undefined || value === "" || value === "0") return false;
  if (value === "1") return true;
  throw new Error(`EHR_CHAIN_DEV_CALLS "${value}" must be 1 (allow development calls) or 0.`);
}

/** The data folder: `EHR_DATA_DIR`, else `.data/` at the repository root. */
export function defaultDataDir(): string {
  return path.resolve(process.env.EHR_DATA_DIR ?? path.join(ROOT, ".data"));
}

/**
 * The anvil executable of `@foundry-rs/anvil`. The platform binary itself, not the Node wrapper in
 * node_modules/.bin, so that our signal reaches the process that holds the chain.
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

/** Chain folders this process has open (a second start on one of them is refused). */
const openChainDirs = new Set<string>();

/**
 * Starts the persistent local chain: anvil on an internal port, loaded from
 * `<dataDir>/chain/state.json`, behind a journaling JSON-RPC front on `port` (scripts/lib/chainFront.ts).
 * Every change a client was answered for is in `journal.jsonl` (fsync'd) before the answer, and a
 * start replays what the last state dump lacks, so a confirmed transaction survives kill -9 of
 * anvil, of this process, or of both. The folders are 0700 and the files 0600.
 */
export async function startChain(options: ChainOptions = {}): Promise<Chain> {
  const host = options.host ?? DEFAULT_HOST;
  const chainId = options.chainId ?? DEFAULT_CHAIN_ID;
  const dataDir = path.resolve(options.dataDir ?? defaultDataDir());
  const chainDir = path.join(dataDir, "chain");
  const stateFile = path.join(chainDir, "state.json");
  const journalFile = path.join(chainDir, "journal.jsonl");
  const ownerFile = path.join(chainDir, "owner.json");
  // Patients' records and the service's keys live under the data folder: its owner only.
  for (const dir of [dataDir, chainDir]) {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    fs.chmodSync(dir, 0o700);
  }
  // Files written by earlier versions (anvil wrote state.json itself, with the umask's 0644).
  for (const file of [stateFile, `${stateFile}.bak`, journalFile]) if (fs.existsSync(file)) fs.chmodSync(file, 0o600);
  await claim(chainDir, ownerFile);
  openChainDirs.add(chainDir);

  const loads = fs.existsSync(stateFile) && fs.statSync(stateFile).size > 0;
  const args = ["--host", DEFAULT_HOST, "--port", "0", "--chain-id", String(chainId)];
  // The cache path names this chain folder on anvil's command line, so a later start can tell its
  // own orphaned anvil from anyone else's.
  args.push("--cache-path", path.join(chainDir, "cache"));
  if (loads) args.push("--load-state", stateFile);
  const child = spawn(anvilBinary(), args, { stdio: ["ignore", "pipe", "pipe"] });
  const anvilExited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  // If this process ends without stop(), anvil ends too (the journal holds what the dump lacks).
  const killOnExit = () => child.kill("SIGTERM");
  process.once("exit", killOnExit);
  void anvilExited.then(() => process.removeListener("exit", killOnExit));

  let journal: ChainJournal | undefined;
  let front: ChainFront | undefined;
  try {
    const internalPort = await waitForListening(
      child,
      anvilExited,
      options.verbose ?? false,
      options.startTimeoutMs ?? 30_000,
    );
    writeFileDurably(ownerFile, JSON.stringify({ front: process.pid, anvil: child.pid }));
    const upstreamUrl = `http://${DEFAULT_HOST}:${internalPort}`;
    const covered = stateSeq(stateFile);
    journal = new ChainJournal(journalFile, covered);
    // Past the dump's position, and before it the transactions a dump found still in anvil's pool
    // (their entries were kept; one the dump holds after all is skipped).
    const entries = journal.entries().filter((entry) => entry.seq > covered || entry.raw !== undefined);
    const replay = await replayJournal(upstreamUrl, entries);
    for (const line of replay.diverged) console.warn(`Chain replay: ${line}`);
    const openJournal = journal;
    front = await startFront({
      host,
      port: options.port ?? DEFAULT_PORT,
      upstream: upstreamUrl,
      journal,
      stateFile,
      covered,
      unmined: entries.filter((entry) => entry.hash !== undefined),
      developmentCalls: options.developmentCalls ?? false,
      origins: options.origins,
      onJournalFailure(error) {
        // Fail-stop: a chain that runs ahead of its journal would lose what it answered on the next crash.
        console.error(
          `The chain journal could not be written (${error instanceof Error ? error.message : error}); stopping the chain.`,
        );
        child.kill("SIGKILL");
      },
    });
    // A replay (or a first start) is folded into a dump at once, so the journal starts short.
    if (replay.replayed > 0 || !loads) await front.dump();
    const openFront = front;

    const interval = setInterval(
      () =>
        void openFront
          .dump()
          .catch((error: unknown) =>
            console.error(`The chain state could not be saved: ${error instanceof Error ? error.message : error}`),
          ),
      (options.stateInterval ?? DEFAULT_STATE_INTERVAL) * 1000,
    );
    interval.unref();
    let stopping: Promise<void> | undefined;
    const shutDown = async (finalDump: boolean, timeoutMs: number) => {
      clearInterval(interval);
      if (finalDump && child.exitCode === null && child.signalCode === null) {
        // Not needed for safety (the journal has it all), but the next start then replays nothing.
        await openFront.dump().catch(() => undefined);
      }
      await openFront.close();
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
        await anvilExited;
        clearTimeout(timer);
      }
      openJournal.close();
      fs.rmSync(ownerFile, { force: true });
      openChainDirs.delete(chainDir);
    };
    // anvil gone on its own (or killed): the front stops answering, so clients see the chain down.
    const exited = anvilExited.then(async (code) => {
      stopping ??= shutDown(false, 0);
      await stopping;
      return code;
    });

    return {
      url: `http://${host}:${front.port}`,
      port: front.port,
      chainId,
      stateFile,
      journalFile,
      upstreamUrl,
      replay,
      pid: child.pid!,
      exited,
      save: () => openFront.dump(),
      async stop(timeoutMs = 15_000) {
        stopping ??= shutDown(true, timeoutMs);
        await stopping;
        await exited;
      },
    };
  } catch (error) {
    await front?.close();
    child.kill("SIGKILL");
    await anvilExited;
    journal?.close();
    fs.rmSync(ownerFile, { force: true });
    openChainDirs.delete(chainDir);
    throw error;
  }
}

/**
 * Takes the chain folder: refused while another live process serves it; an anvil left running by
 * a process that was killed (its front gone) is ended, so the folder's journal is the only truth.
 */
async function claim(chainDir: string, ownerFile: string): Promise<void> {
  if (openChainDirs.has(chainDir)) throw new Error(`The chain folder ${chainDir} is already in use by this process.`);
  let owner: { front?: number; anvil?: number } = {};
  try {
    owner = JSON.parse(fs.readFileSync(ownerFile, "utf8")) as typeof owner;
  } catch {
    return;
  }
  if (owner.front && owner.front !== process.pid && alive(owner.front)) {
    throw new Error(`The chain folder ${chainDir} is in use by process ${owner.front}.`);
  }
  if (owner.anvil && alive(owner.anvil) && commandLine(owner.anvil).includes(chainDir)) {
    process.kill(owner.anvil, "SIGKILL");
    while (alive(owner.anvil)) await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A process's command line ("" where /proc is not there to ask). */
function commandLine(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
  } catch {
    return "";
  }
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
