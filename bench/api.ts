/**
 * `npm run bench:api [-- <mtsamples.jsonl>]`: requests per second and latency of the off-chain
 * service's blob endpoints against the machine's limit, measured in the same run, and of summaries.
 *
 * - The service: the compiled service in a process of its own (`node dist/api/bin.js`, as `npm run api`
 *   deploys it; request logging on, to its stdout), on the test stack's chain and data folder
 *   (offchain-api/testing/stack.ts: a real anvil chain behind its JSON-RPC front, the Helia store on
 *   disk), signed in as a patient.
 * - The limit: bench/lib/limitServer.ts, a minimal node:http server doing the same essential work
 *   (upload: hash, compare, write a temporary file, fsync, rename; download: read, hash, send), in a
 *   process of its own too. Each server's CPU time is read from /proc (bench/lib/processCpu.ts),
 *   in all and per kind of thread (main, worker threads, V8's GC and compiler helpers, libuv's pool).
 * - The load: autocannon in its own process (bench/lib/loadGenerator.ts), CONNECTIONS connections
 *   for DURATION_SECONDS, the same job against each server, ROUNDS times alternating (medians
 *   reported); 1 MB downloads with closed node:http loops there instead (autocannon's parser caps
 *   1 MB answers near 25/s).
 *
 * Summaries go over one connection: one signed-in address has at most one summary in flight.
 *
 * Endpoints: upload and download of one sealed envelope of 1 KB and 1 MB (2^20 bytes of plaintext,
 * sealed uncompressed: 1,168 and 1,048,720 bytes). "upload" repeats one body, so CONNECTIONS uploads
 * of the same bytes are in flight at once (the service finds the block stored and does not write it
 * again; the limit server writes every time); "upload new" sends a different envelope each time
 * (a pool made beforehand), so both write every request. The ratio is service / limit in requests
 * per second. Writes bench/results/api.json and prints a table; any non-2xx answer fails the bench.
 *
 * To look for where the time goes: `npm run bench:api -- --only "upload new 1KB" --profile DIR`
 * runs only the endpoints whose name contains the text (nothing is written to bench/results) and
 * has the service process write a V8 CPU profile of its whole life into DIR (`--cpu-prof`; the
 * limit rounds show as idle), for Chromium's DevTools (Performance, "Load profile").
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { randomBytes } from "../lib/bytes";
import { envelopeHash, generateDataKey, sealEnvelope } from "../lib/crypto/envelope";
import { newRecordId } from "../lib/crypto/identity";
import { EhrApiClient } from "../lib/api/client";
import { SHARED_DATA } from "../offchain-api/testing/clinicalSamples";
import { startTestStack, WEB_ORIGIN } from "../offchain-api/testing/stack";
import { killService, runService } from "../offchain-api/testing/serviceProcess";
import type { LoadJob, LoadResult } from "./lib/loadGenerator";
import { processCpu, type ThreadKind } from "./lib/processCpu";

const THREAD_KINDS: ThreadKind[] = ["main", "workers", "v8", "pool", "other"];

const DURATION_SECONDS = 3;
/** Rounds per comparison, alternating limit and service; the median round of each is reported. */
const ROUNDS = 3;
const CONNECTIONS = 10;
const DEFAULT_NOTES = path.join(SHARED_DATA, "notes/mtsamples_dev.jsonl");
const SIZES = { "1KB": 1024, "1MB": 1 << 20 } as const;
/** Distinct envelopes per "upload new" round: more than either server sends in DURATION_SECONDS at 1 KB. */
const POOL = { "1KB": 20_000, "1MB": 100 } as const;

interface Figures extends LoadResult {
  /** Bytes of one request's body (upload, summaries) or answer (download). */
  bytes: number;
  /**
   * CPU time of the server's process per answered request, in ms: what a request costs the server
   * whatever else the machine runs, so it holds up when requests per second swing with the load of
   * other processes.
   */
  cpuMsPerRequest?: number;
  /**
   * CPU time of the server's main thread per answered request, in ms: the event loop every
   * request of either server passes through, the first thing to saturate (its thread-pool and
   * worker threads are counted in cpuMsPerRequest only).
   */
  mainThreadCpuMsPerRequest?: number;
  /**
   * CPU time per answered request by kind of thread (bench/lib/processCpu.ts): where a request's
   * cost goes besides the main thread (the file writer's worker thread, GC, the thread pool).
   */
  cpuMsPerRequestByThread?: Record<ThreadKind, number>;
}
type Measured = LoadResult & {
  cpuMsPerRequest: number;
  mainThreadCpuMsPerRequest: number;
  cpuMsPerRequestByThread: Record<ThreadKind, number>;
};

/** `job` run by {@link load} against the server process `pid`, with its CPU time per answered request meanwhile. */
async function measured(job: LoadJob, pid: number): Promise<Measured> {
  const before = processCpu(pid);
  const result = await load(job);
  const after = processCpu(pid);
  const answered = Math.max(1, result.requests);
  const msEach = (ms: number) => Math.round((ms / answered) * 1000) / 1000;
  return {
    ...result,
    cpuMsPerRequest: msEach(after.totalMs - before.totalMs),
    mainThreadCpuMsPerRequest: msEach(after.mainThreadMs - before.mainThreadMs),
    cpuMsPerRequestByThread: Object.fromEntries(
      THREAD_KINDS.map((kind) => [kind, msEach(after.byThread[kind] - before.byThread[kind])]),
    ) as Record<ThreadKind, number>,
  };
}

/** `node -r ts-node/register/transpile-only bench/<script> <argument>`, its stdout piped here. */
function benchChild(script: string, argument: string) {
  return spawn(process.execPath, ["-r", "ts-node/register/transpile-only", path.join(__dirname, script), argument], {
    stdio: ["ignore", "pipe", "inherit"],
  });
}

/** The limit server (bench/lib/limitServer.ts) in a process of its own, storing under `folder`. */
async function startLimitProcess(folder: string): Promise<{ url: string; pid: number; close(): Promise<void> }> {
  const child = benchChild("lib/limitServer.ts", folder);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes("\n")) resolve((JSON.parse(out.split("\n")[0]) as { url: string }).url);
    });
    void exited.then(() => reject(new Error("the limit server exited before it listened")));
  });
  return {
    url,
    pid: child.pid!,
    async close() {
      child.kill("SIGTERM");
      await exited;
    },
  };
}
interface Compared {
  service: Figures;
  limit: Figures;
  /** service / limit, requests per second. */
  ratio: number;
  /** limit / service, CPU time per request: the ratio a CPU-bound machine would give. */
  cpuRatio: number;
}

/** Runs one load job in a child process and returns its figures. */
function load(job: LoadJob): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = benchChild("lib/loadGenerator.ts", JSON.stringify(job));
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) return reject(new Error(`the load generator exited with ${code}`));
      resolve(JSON.parse(out.trim().split("\n").pop()!) as LoadResult);
    });
  });
}

/** One note of the MTSamples file: the first whose length is at least the file's median. */
function medianNote(file: string): string {
  const notes = readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line.trim())
    .map((line) => (JSON.parse(line) as { transcription?: string }).transcription ?? "")
    .filter((text) => text.trim());
  const median = [...notes].map((n) => n.length).sort((a, b) => a - b)[notes.length >> 1];
  return notes.find((n) => n.length >= median)!;
}

/** Variants `first`.. of `envelope` (its last 8 bytes a counter: the service never decrypts), as a pool file. */
async function writePool(file: string, envelope: Uint8Array, count: number, first: number): Promise<void> {
  const parts: Buffer[] = [];
  for (let i = first; i < first + count; i++) {
    const body = Buffer.from(envelope);
    body.writeBigUInt64BE(BigInt(i + 1), body.length - 8);
    const head = Buffer.alloc(70);
    head.writeUInt32BE(body.length, 0);
    head.write(`0x${createHash("sha256").update(body).digest("hex")}`, 4, "latin1");
    parts.push(head, body);
  }
  await writeFile(file, Buffer.concat(parts));
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/** The round with the median rate, its failures summed over all rounds (any failure fails the bench). */
function median(rounds: LoadResult[]): LoadResult {
  const sorted = [...rounds].sort((a, b) => a.requestsPerSec - b.requestsPerSec);
  const middle = sorted[sorted.length >> 1];
  return {
    ...middle,
    non2xx: rounds.reduce((n, r) => n + r.non2xx, 0),
    errors: rounds.reduce((n, r) => n + r.errors, 0),
  };
}

async function main(): Promise<void> {
  const { values: options, positionals } = parseArgs({
    allowPositionals: true,
    options: { only: { type: "string" }, profile: { type: "string" } },
  });
  const file = positionals[0] ?? DEFAULT_NOTES;
  if (!existsSync(file)) throw new Error(`No notes file at ${file}: pass an MTSamples JSONL path.`);
  const note = medianNote(file);
  const loadAtStart = loadavg().map(round2);
  const scratch = await mkdtemp(path.join(tmpdir(), "ehr-bench-api-"));
  // The load generator is one address on one IP sending thousands of new envelopes: lift the
  // abuse limits (per address, per IP, unreferenced bytes, uploads in flight) that would otherwise answer 429 / 413.
  const stack = await startTestStack({
    env: {
      EHR_RATE_LIMIT_PER_MINUTE: "1000000",
      EHR_IP_RATE_LIMIT_PER_MINUTE: "1000000",
      EHR_MAX_CONNECTIONS_PER_IP: "100000",
      EHR_UPLOAD_QUOTA_BYTES: String(1024 ** 4),
      // CONNECTIONS uploads in flight from one address at once (the default cap is 2: 429 beyond).
      EHR_MAX_UPLOADS_IN_FLIGHT: String(CONNECTIONS),
    },
  });
  // The service as deployed takes over the stack's data folder: compiled, in its own process.
  await stack.stopServices();
  if (options.profile) mkdirSync(options.profile, { recursive: true });
  const service = runService(
    { ...stack.serviceEnv, EHR_API_PORT: "0", EHR_API_HOST: "127.0.0.1" },
    {
      compiled: true,
      nodeArgs: options.profile ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve(options.profile)}`] : [],
    },
  );
  const base = String((await service.waitFor(/^listening on /)).url);
  const servicePid = service.child.pid!;
  // Its log lines are not kept here: thousands of requests' worth would only fill this process.
  service.lines.length = 0;
  const limit = await startLimitProcess(path.join(scratch, "limit"));
  try {
    const client = new EhrApiClient({ baseUrl: base, origin: WEB_ORIGIN });
    await client.signIn(stack.patient.wallet);
    const auth = { Authorization: `Bearer ${client.token}` };
    const chainId = await stack.publicClient.getChainId();
    const job = { connections: CONNECTIONS, duration: DURATION_SECONDS };
    const blobs: Record<string, Compared> = {};
    type Job = Omit<LoadJob, "connections">;
    /** The same job against the limit and the service, ROUNDS times alternating; `fresh` adds per-round fields. */
    const compare = async (
      name: string,
      bytes: number,
      serviceJob: Job,
      limitJob: Job,
      fresh: () => Promise<Partial<Job>> = async () => ({}),
    ) => {
      if (options.only && !name.includes(options.only)) return;
      const limitRounds: Measured[] = [];
      const serviceRounds: Measured[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        limitRounds.push(await measured({ ...job, ...limitJob, ...(await fresh()) }, limit.pid));
        serviceRounds.push(await measured({ ...job, ...serviceJob, ...(await fresh()) }, servicePid));
        service.lines.length = 0;
      }
      const medianOf = (rounds: Measured[], pick: (r: Measured) => number) =>
        median(rounds.map((r) => ({ ...r, requestsPerSec: pick(r) }))).requestsPerSec;
      const figures = (rounds: Measured[]) => ({
        ...median(rounds),
        cpuMsPerRequest: medianOf(rounds, (r) => r.cpuMsPerRequest),
        mainThreadCpuMsPerRequest: medianOf(rounds, (r) => r.mainThreadCpuMsPerRequest),
        cpuMsPerRequestByThread: Object.fromEntries(
          THREAD_KINDS.map((kind) => [kind, medianOf(rounds, (r) => r.cpuMsPerRequestByThread[kind])]),
        ) as Record<ThreadKind, number>,
        bytes,
      });
      const onLimit = figures(limitRounds);
      const onService = figures(serviceRounds);
      blobs[name] = {
        service: onService,
        limit: onLimit,
        ratio: round2(onService.requestsPerSec / onLimit.requestsPerSec),
        cpuRatio: round2(onLimit.cpuMsPerRequest / onService.cpuMsPerRequest),
      };
      const each = (f: Figures) =>
        `${f.cpuMsPerRequest} ms CPU each: ${THREAD_KINDS.map((k) => `${k} ${f.cpuMsPerRequestByThread?.[k]}`).join(", ")}`;
      console.error(
        `${name}: service ${onService.requestsPerSec}/s (${each(onService)}), ` +
          `limit ${onLimit.requestsPerSec}/s (${each(onLimit)})`,
      );
    };

    for (const [size, plaintext] of Object.entries(SIZES) as [keyof typeof SIZES, number][]) {
      const identity = {
        chainId,
        contract: stack.core,
        patient: stack.patient.address,
        recordId: newRecordId(),
        category: 6,
        part: "report" as const,
      };
      const envelope = await sealEnvelope(randomBytes(plaintext), generateDataKey(), identity, { compress: "never" });
      const hash = await envelopeHash(envelope);
      const { cid } = await client.blobStore().put(envelope, hash); // also checks the endpoint works
      const bodyFile = path.join(scratch, `body-${size}`);
      await writeFile(bodyFile, envelope);
      const stored = await fetch(`${limit.url}/blobs`, {
        method: "POST",
        headers: { "X-Content-SHA256": hash },
        body: Buffer.from(envelope),
      });
      if (stored.status !== 201) throw new Error(`the limit server answered ${stored.status}`);
      const upload = { "Content-Type": "application/octet-stream", "X-Content-SHA256": hash };
      await compare(
        `upload ${size}`,
        envelope.length,
        { url: `${base}/v1/blobs`, method: "POST", headers: { ...auth, ...upload }, bodyFile },
        { url: `${limit.url}/blobs`, method: "POST", headers: upload, bodyFile },
      );
      // "upload new": every round, on either server, sends envelopes no earlier round sent.
      let pools = 0;
      const freshPool = async () => {
        const poolFile = path.join(scratch, `pool-${size}-${pools}`);
        await rm(path.join(scratch, `pool-${size}-${pools - 1}`), { force: true });
        await writePool(poolFile, envelope, POOL[size], pools++ * POOL[size]);
        return { poolFile };
      };
      const byAmount = size === "1MB" ? { amount: POOL[size] } : {};
      const fresh = { "Content-Type": "application/octet-stream" };
      await compare(
        `upload new ${size}`,
        envelope.length,
        { url: `${base}/v1/blobs`, method: "POST", headers: { ...auth, ...fresh }, ...byAmount },
        { url: `${limit.url}/blobs`, method: "POST", headers: fresh, ...byAmount },
        freshPool,
      );
      const loader = size === "1MB" ? ({ client: "node:http" } as const) : {};
      await compare(
        `download ${size}`,
        envelope.length,
        { url: `${base}/v1/blobs/${cid}`, method: "GET", headers: auth, ...loader },
        { url: `${limit.url}/blobs/${hash.slice(2)}`, method: "GET", headers: {}, ...loader },
      );
    }
    if (options.only) return;
    await client.summarize(note, "text/plain"); // the endpoint answers before it is measured
    const noteFile = path.join(scratch, "note.txt");
    await writeFile(noteFile, note);
    const summaries: Figures = {
      ...(await load({
        ...job,
        // One connection: the service takes one summary at a time from an address (429 otherwise).
        connections: 1,
        url: `${base}/v1/summaries`,
        method: "POST",
        headers: { ...auth, "Content-Type": "text/plain" },
        bodyFile: noteFile,
      })),
      bytes: Buffer.byteLength(note),
    };

    const output = {
      blobs,
      summaries: { note: summaries },
      machine: {
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model ?? "unknown",
        memoryGiB: Math.round(totalmem() / 2 ** 30),
        node: process.version,
        platform: `${process.platform}-${process.arch}`,
        loadAverageAtStart: loadAtStart,
        loadAverageAtEnd: loadavg().map(round2),
        date: new Date().toISOString().slice(0, 10),
      },
      durationSeconds: DURATION_SECONDS,
      connections: CONNECTIONS,
      note:
        "autocannon in its own process, on loopback, against the limit server (bench/lib/limitServer.ts: node:http, " +
        "hash, fsync, rename / read, hash, send) and then the compiled service (dist/api/bin.js; anvil chain, Helia " +
        "on disk, request logging on, signed in as a patient), each in a process of its own, one job after the " +
        "other; ratio = service / limit requests per second; " +
        "cpuMsPerRequest = the server process's CPU time (user + system, all threads) during the job per answered request, and " +
        "cpuRatio = limit / service of it (what a CPU-bound machine would give). " +
        "'upload' repeats one body (CONNECTIONS uploads of the same bytes at once: the service skips a block it " +
        "holds, the limit writes every time); 'upload new' sends a distinct envelope per request (1 MB: " +
        `${POOL["1MB"]} requests rather than ${DURATION_SECONDS} s). 'download 1MB' uses closed node:http loops in ` +
        "the load process instead of autocannon, whose parser caps 1 MB answers near 25/s. " +
        `Each figure is the median of ${ROUNDS} rounds, ` +
        "limit and service alternating. The machine is shared: see the load averages.",
    };
    const dir = path.join(__dirname, "results");
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, "api.json"), `${JSON.stringify(output, null, 2)}\n`);

    const rows = [
      ...Object.entries(blobs).map(([name, c]) => ({
        endpoint: name,
        bytes: c.service.bytes,
        "service req/s": c.service.requestsPerSec,
        "limit req/s": c.limit.requestsPerSec,
        ratio: c.ratio,
        "CPU ms/req service/limit": `${c.service.cpuMsPerRequest}/${c.limit.cpuMsPerRequest}`,
        "main thread ms/req": `${c.service.mainThreadCpuMsPerRequest}/${c.limit.mainThreadCpuMsPerRequest}`,
        "service p50/p99 ms": `${c.service.p50Ms}/${c.service.p99Ms}`,
        "limit p50/p99 ms": `${c.limit.p50Ms}/${c.limit.p99Ms}`,
        "non-2xx": c.service.non2xx + c.limit.non2xx,
        errors: c.service.errors + c.limit.errors,
      })),
      {
        endpoint: "summaries",
        bytes: summaries.bytes,
        "service req/s": summaries.requestsPerSec,
        "limit req/s": NaN,
        ratio: NaN,
        "CPU ms/req service/limit": "",
        "main thread ms/req": "",
        "service p50/p99 ms": `${summaries.p50Ms}/${summaries.p99Ms}`,
        "limit p50/p99 ms": "",
        "non-2xx": summaries.non2xx,
        errors: summaries.errors,
      },
    ];
    console.table(rows);
    console.log(
      `${output.machine.cpus} CPUs (${output.machine.cpuModel}), Node ${process.version}, load ${loadAtStart.join(" ")} -> ${output.machine.loadAverageAtEnd.join(" ")}`,
    );
    if (rows.some((r) => r["non-2xx"] > 0 || r.errors > 0)) {
      console.error("Some requests failed: the figures above do not measure the successful path.");
      process.exitCode = 1;
    }
  } finally {
    // SIGTERM: the service finishes and exits, writing its CPU profile when asked for one.
    service.child.kill("SIGTERM");
    if ((await service.exited) !== 0) await killService(service);
    if (options.profile) console.error(`The service's CPU profile is in ${options.profile}`);
    await limit.close();
    await stack.close();
    await rm(scratch, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
