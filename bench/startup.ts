/**
 * `npm run bench:startup`: how long the service takes from spawning its process to answering
 * GET /healthz (alive) and GET /readyz 200 (chain and storage answer), measured in one run for:
 *  - a bare node:http server answering /healthz (the floor: starting Node itself),
 *  - the compiled service, `node dist/api/bin.js` (what `npm run api` runs; built at install),
 *  - the TypeScript sources under ts-node (what the service ran before it was compiled).
 * Each is started `--runs` times (default 5) against one anvil, each run with a fresh data folder;
 * the table gives medians of wall time and of the process's CPU time (user + system, from
 * /proc/<pid>/stat), since wall time on a shared 2-core machine says as much about the neighbours
 * as about the code. Writes bench/results/startup.json.
 */
import { spawn } from "node:child_process";
import { mkdtemp, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { cpus, loadavg } from "node:os";
import path from "node:path";
import { startChain } from "../scripts/lib/chain";

const ROOT = path.resolve(__dirname, "..");
const RESULTS = path.join(ROOT, "bench", "results", "startup.json");
/** Any address: start-up reads the chain id and the custodian key, which may be absent. */
const CORE = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
/** Clock ticks per second in /proc/<pid>/stat (USER_HZ, 100 on Linux). */
const TICK_MS = 10;

const BARE_SERVER = `require("node:http").createServer((q, s) => { s.setHeader("content-type", "application/json"); s.end('{"status":"ok"}'); }).listen(Number(process.env.EHR_API_PORT), "127.0.0.1");`;

interface Variant {
  name: string;
  argv: string[];
  /** The bare server has no /readyz. */
  ready: boolean;
}

const VARIANTS: Variant[] = [
  { name: "bare node:http", argv: ["-e", BARE_SERVER], ready: false },
  { name: "service, compiled (dist/api/bin.js)", argv: ["dist/api/bin.js"], ready: true },
  {
    name: "service, ts-node (offchain-api/main.ts)",
    argv: ["-r", "ts-node/register/transpile-only", "offchain-api/main.ts"],
    ready: true,
  },
];

interface Sample {
  healthzMs: number;
  healthzCpuMs: number;
  readyMs?: number;
  readyCpuMs?: number;
}

async function cpuMs(pid: number): Promise<number> {
  const fields = (await readFile(`/proc/${pid}/stat`, "utf8")).split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
}

async function status(url: string): Promise<number | undefined> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return undefined;
  }
}

let nextPort = 19_700;

async function measure(variant: Variant, rpcUrl: string): Promise<Sample> {
  const dataDir = await mkdtemp(path.join(tmpdir(), "ehr-bench-startup-"));
  const port = nextPort++;
  const started = performance.now();
  const child = spawn(process.execPath, variant.argv, {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      EHR_RPC_URL: rpcUrl,
      EHR_CORE_ADDRESS: CORE,
      EHR_DATA_DIR: dataDir,
      EHR_API_PORT: String(port),
      EHR_LOG_LEVEL: "warn",
    },
    stdio: "ignore",
  });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  try {
    const base = `http://127.0.0.1:${port}`;
    let sample: Partial<Sample> = {};
    const deadline = started + 60_000;
    while (performance.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`${variant.name} exited with ${child.exitCode}`);
      if (sample.healthzMs === undefined && (await status(`${base}/healthz`)) === 200) {
        sample = { healthzMs: performance.now() - started, healthzCpuMs: await cpuMs(child.pid!) };
        if (!variant.ready) break;
      }
      if (sample.healthzMs !== undefined && (await status(`${base}/readyz`)) === 200) {
        sample.readyMs = performance.now() - started;
        sample.readyCpuMs = await cpuMs(child.pid!);
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    if (sample.healthzMs === undefined) throw new Error(`${variant.name} did not answer within 60 s`);
    return sample as Sample;
  } finally {
    child.kill("SIGKILL");
    await exited;
    await rm(dataDir, { recursive: true, force: true });
  }
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? Math.round(sorted[Math.floor(sorted.length / 2)]) : undefined;
};

async function main(): Promise<void> {
  const runsArg = process.argv.indexOf("--runs");
  const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 5;
  const chainDir = await mkdtemp(path.join(tmpdir(), "ehr-bench-startup-chain-"));
  const chain = await startChain({ dataDir: chainDir, port: 0 });
  const rows: Record<string, unknown>[] = [];
  try {
    // One warm-up start of each: the first start after a build fills V8's code cache (main.ts).
    for (const variant of VARIANTS) await measure(variant, chain.url);
    const samples = new Map<string, Sample[]>(VARIANTS.map((v) => [v.name, []]));
    // Interleaved, so that a busy moment on the machine falls on every variant alike.
    for (let run = 0; run < runs; run++) {
      for (const variant of VARIANTS) samples.get(variant.name)!.push(await measure(variant, chain.url));
    }
    const bare = median(samples.get(VARIANTS[0].name)!.map((s) => s.healthzMs))!;
    for (const variant of VARIANTS) {
      const list = samples.get(variant.name)!;
      const healthzMs = median(list.map((s) => s.healthzMs))!;
      rows.push({
        variant: variant.name,
        runs: list.length,
        healthzMs,
        healthzCpuMs: median(list.map((s) => s.healthzCpuMs)),
        readyMs: variant.ready ? median(list.map((s) => s.readyMs!)) : null,
        readyCpuMs: variant.ready ? median(list.map((s) => s.readyCpuMs!)) : null,
        healthzVsBare: Number((healthzMs / bare).toFixed(1)),
      });
    }
  } finally {
    await chain.stop();
    await rm(chainDir, { recursive: true, force: true });
  }
  const result = {
    date: new Date().toISOString(),
    node: process.version,
    cpus: cpus().length,
    loadAverage1m: Number(loadavg()[0].toFixed(2)),
    goal: "/healthz within 1,500 ms of the process starting",
    rows,
  };
  await mkdir(path.dirname(RESULTS), { recursive: true });
  await writeFile(RESULTS, JSON.stringify(result, null, 2) + "\n");
  console.table(rows);
  console.log(
    `load average ${result.loadAverage1m} on ${result.cpus} cores; written to ${path.relative(ROOT, RESULTS)}`,
  );
}

void main().catch((error) => {
  console.error(error);
  process.exit(1);
});
