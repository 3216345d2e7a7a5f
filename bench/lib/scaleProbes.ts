/**
 * What `bench:scale` measures besides gas: first-page read times (records through
 * lib/records/listRecords, activity through the web's own readAccessEvents), the service's start-up
 * time and memory as a real process, and the disk that real records take in the service's Helia store.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { readdirSync, statSync } from "node:fs";
import Module from "node:module";
import path from "node:path";
import { build } from "esbuild";
import type { PublicClient, WalletClient } from "viem";
import { createSiweMessage } from "viem/siwe";
import type { PrivateKeyAccount } from "viem/accounts";
import type { Address } from "viem";
import { listRecords } from "../../lib/records/listRecords";
import { createRecord } from "../../lib/records/createRecord";
import type { UserKey } from "../../lib/keys/types";
import type { ApiServices } from "../../offchain-api/services";
import { median } from "./gasScenario";

const ROOT = path.resolve(__dirname, "..", "..");

/** Timings of one probe over several patients and repetitions, in milliseconds. */
export interface Spread {
  median: number;
  /** The 25th and 75th percentiles. */
  p25: number;
  p75: number;
  min: number;
  max: number;
  runs: number;
}

const percentile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

/** The spread of `times`, rounded to 0.01 ms. */
export function spreadOf(times: number[]): Spread {
  const sorted = [...times].sort((a, b) => a - b);
  const r = (n: number) => +n.toFixed(2);
  return {
    median: r(median(sorted)),
    p25: r(percentile(sorted, 0.25)),
    p75: r(percentile(sorted, 0.75)),
    min: r(sorted[0]),
    max: r(sorted[sorted.length - 1]),
    runs: sorted.length,
  };
}

/** Every timed run of `fn` for each of `subjects`: `runs` timed runs after `warm` untimed ones each. */
export async function timeEach<T>(
  subjects: T[],
  fn: (subject: T) => Promise<unknown>,
  runs = 15,
  warm = 5,
): Promise<Spread> {
  const times: number[] = [];
  for (const subject of subjects) {
    for (let i = 0; i < warm; i++) await fn(subject);
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      await fn(subject);
      times.push(performance.now() - t);
    }
  }
  return spreadOf(times);
}

/** A patient's first page of records, newest first (20 records), timed over `patients`. */
export function listFirstPageMs(publicClient: PublicClient, core: Address, patients: Address[]): Promise<Spread> {
  return timeEach(patients, (patient) => listRecords({ publicClient, core }, { patient, newestFirst: true }));
}

type ReadAccessEvents = (
  publicClient: PublicClient,
  core: Address,
  filter: { patient: Address },
  options?: { toBlock?: bigint; floorBlock?: bigint },
) => Promise<{ events: unknown[]; scannedFrom: bigint; older: bigint | undefined }>;

/**
 * The activity page's own reader (web/src/hooks/useAccessEvents.ts), bundled with esbuild so that the
 * web's path aliases resolve in Node. The benchmark times the code the page runs, not a copy of it.
 */
export async function loadReadAccessEvents(): Promise<ReadAccessEvents> {
  const file = path.join(ROOT, "web/src/hooks/useAccessEvents.ts");
  const result = await build({
    entryPoints: [file],
    bundle: true,
    write: false,
    platform: "node",
    format: "cjs",
    logLevel: "silent",
    external: ["viem", "react", "@tanstack/react-query"],
    plugins: [
      {
        name: "web-aliases",
        setup(b) {
          b.onResolve({ filter: /^@(lib|deployments)\// }, (args) => {
            const [alias, ...rest] = args.path.split("/");
            return b.resolve(`./${rest.join("/")}`, {
              resolveDir: path.join(ROOT, alias.slice(1)),
              kind: args.kind,
            });
          });
        },
      },
    ],
  });
  const mod = new Module(file) as Module & { _compile(code: string, filename: string): void; paths: string[] };
  mod.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(ROOT);
  mod.filename = file;
  mod._compile(result.outputFiles[0].text, file);
  return (mod.exports as { readAccessEvents: ReadAccessEvents }).readAccessEvents;
}

/**
 * The activity page's first page, timed over `patients`: the entries it shows and the blocks it
 * scanned (from the head down to where it stopped) for the first patient.
 */
export async function activityFirstPageMs(
  read: ReadAccessEvents,
  publicClient: PublicClient,
  core: Address,
  patients: Address[],
  floorBlock: bigint,
): Promise<Spread & { events: number; blocksScanned: number }> {
  const head = await publicClient.getBlockNumber({ cacheTime: 0 });
  const first = await read(publicClient, core, { patient: patients[0] }, { floorBlock });
  const spread = await timeEach(patients, (patient) => read(publicClient, core, { patient }, { floorBlock }), 10, 1);
  return { ...spread, events: first.events.length, blocksScanned: Number(head - first.scannedFrom + 1n) };
}

/** Bytes a folder takes: allocated on disk (blocks) and apparent (file sizes). */
export function folderBytes(dir: string): { disk: number; apparent: number } {
  let disk = 0;
  let apparent = 0;
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.isFile()) {
        const s = statSync(p);
        disk += s.blocks * 512;
        apparent += s.size;
      }
    }
  };
  walk(dir);
  return { disk, apparent };
}

export interface SampleRecord {
  content: string;
  summary: string;
}

/**
 * Stores `samples` as real records through the real flow (sealed envelopes and wrapped keys in the
 * service's Helia store and key vault, the record on-chain); answers the envelopes' CIDs.
 */
export async function storeSampleRecords(
  services: ApiServices,
  ctx: { publicClient: PublicClient; walletClient: WalletClient; core: Address },
  patient: { address: Address; key: UserKey },
  samples: SampleRecord[],
): Promise<string[]> {
  const flow = { ...ctx, storage: services.blobs, vault: services.vault };
  const cids: string[] = [];
  for (const s of samples) {
    const created = await createRecord(flow, {
      patient: patient.address,
      category: 3,
      content: new TextEncoder().encode(s.content),
      mediaType: "text/plain",
      summary: new TextEncoder().encode(s.summary),
      authorKey: patient.key,
    });
    const { records } = await listRecords(ctx, { patient: patient.address, offset: created.index, limit: 1 });
    cids.push(records[0].cid);
  }
  return cids;
}

/** Resident memory of a process in bytes (`ps`, so it works on Linux and macOS). */
export async function rssOf(pid: number): Promise<number> {
  const ps = spawn("ps", ["-o", "rss=", "-p", String(pid)]);
  let out = "";
  ps.stdout.on("data", (c) => (out += c));
  await once(ps, "exit");
  return Number(out.trim()) * 1024;
}

export interface ApiProbe {
  /** From spawning `node dist/api/bin.js` (the compiled service, as `npm run api` runs it) to its "listening" line. */
  startupMs: number;
  rssAfterStartBytes: number;
  rssAfterReadsBytes: number;
  reads: number;
  /** Median time of one authenticated blob download (verified against its CID). */
  readMs: number;
}

/**
 * Starts the service as its own process (as `npm run api` does), signs in as `who` through SIWE,
 * downloads the given blobs `reads` times in turn, and stops it.
 */
export async function probeApi(
  env: NodeJS.ProcessEnv,
  who: PrivateKeyAccount,
  chainId: number,
  cids: string[],
  reads: number,
): Promise<ApiProbe> {
  const started = performance.now();
  const child = spawn(process.execPath, ["dist/api/bin.js"], {
    cwd: ROOT,
    env: { ...process.env, ...env, EHR_API_PORT: "0", EHR_LOG_LEVEL: "info", TS_NODE_TRANSPILE_ONLY: "true" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = once(child, "exit");
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let buffer = "";
      let errors = "";
      child.stdout.on("data", (chunk) => {
        buffer += chunk;
        const match = /"url":"(http:[^"]+)"/.exec(buffer);
        if (match && buffer.includes("listening on")) resolve(match[1]);
      });
      child.stderr.on("data", (chunk) => (errors += chunk));
      child.once("exit", (code) =>
        reject(new Error(`The service exited (${code}) before listening: ${errors.trim()}`)),
      );
    });
    const startupMs = performance.now() - started;
    const rssAfterStartBytes = await rssOf(child.pid!);

    const origin = env.EHR_WEB_ORIGIN!;
    const { nonce } = (await (await fetch(`${url}/v1/auth/nonce`)).json()) as { nonce: string };
    const message = createSiweMessage({
      address: who.address,
      chainId,
      domain: new URL(origin).host,
      uri: origin,
      version: "1",
      nonce,
      issuedAt: new Date(),
      expirationTime: new Date(Date.now() + 3600_000),
      statement: "Sign in to Patient EHR.",
    });
    const signature = await who.signMessage({ message });
    const session = await fetch(`${url}/v1/auth/session`, {
      method: "POST",
      headers: { "content-type": "application/json", origin },
      body: JSON.stringify({ message, signature }),
    });
    if (session.status !== 201) throw new Error(`Sign-in failed with ${session.status}: ${await session.text()}`);
    const { token } = (await session.json()) as { token: string };
    const times: number[] = [];
    for (let i = 0; i < reads; i++) {
      const t = performance.now();
      const res = await fetch(`${url}/v1/blobs/${cids[i % cids.length]}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`Blob download failed with ${res.status}.`);
      times.push(performance.now() - t);
    }
    const rssAfterReadsBytes = await rssOf(child.pid!);
    return { startupMs, rssAfterStartBytes, rssAfterReadsBytes, reads, readMs: median(times) };
  } finally {
    child.kill("SIGTERM");
    await exited;
  }
}
