/**
 * What the fault tests share: the off-chain service as a real process (offchain-api/testing/
 * serviceProcess.ts) on the real test stack's chain, restartable on the same port so clients keep
 * their address; raw uploads of real envelopes; and a check that every block on disk is whole.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { setTimeout as delay } from "node:timers/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { randomBytes, sha256, toHex } from "../../lib/bytes";
import { generateDataKey, sealEnvelope } from "../../lib/crypto/envelope";
import { newRecordId } from "../../lib/crypto/identity";
import type { Address } from "viem";
import { filesUnder } from "../../offchain-api/testing/blobStoreContract";
import { esmImport } from "../../lib/esmImport";
import { READINESS_REUSE_MS } from "../../offchain-api/health/readiness";
import {
  killService,
  runService,
  type RunningProcess,
  type RunServiceOptions,
} from "../../offchain-api/testing/serviceProcess";
import { WEB_ORIGIN, type StackAccount, type TestStack } from "../../offchain-api/testing/stack";

/**
 * `describe` under mocha (`npm run test:faults`), nothing under `hardhat test`: Hardhat runs every
 * file under test/ and these need no Hardhat network (they have their own mocha config and script).
 */
export const describeFault: (title: string, fn: (this: Mocha.Suite) => void) => void = (title, fn) => {
  if ((globalThis as { __hardhatContext?: unknown }).__hardhatContext === undefined) describe(title, fn);
};

/** A service process on `stack`'s chain with its own data folder. */
export interface ServiceUnderTest {
  /** Fixed after the first start: a restart listens on the same port. */
  url: string;
  dataDir: string;
  /** `<dataDir>/api/ipfs`: the Helia store's folder. */
  storeDir: string;
  running: RunningProcess;
  /** Starts it again on the same port and data folder, once the previous process is gone. */
  restart(options?: RunServiceOptions): Promise<void>;
  /** SIGKILL: no drain, no close, no flush. */
  kill(): Promise<void>;
  /** Kills it and removes its data folder (unless `keepData`). */
  close(keepData?: boolean): Promise<void>;
}

export interface ServiceUnderTestOptions extends RunServiceOptions {
  /** The data folder to use (e.g. a small mounted file system). @default a new temporary folder */
  dataDir?: string;
}

/** Starts the service process on `stack`'s chain and waits for its "listening" line. */
export async function startServiceProcess(
  stack: TestStack,
  options: ServiceUnderTestOptions = {},
): Promise<ServiceUnderTest> {
  const dataDir = options.dataDir ?? (await mkdtemp(path.join(tmpdir(), "ehr-faults-")));
  const env = (port: string) => ({
    EHR_RPC_URL: stack.chain.url,
    EHR_CORE_ADDRESS: stack.core,
    EHR_DATA_DIR: dataDir,
    EHR_API_PORT: port,
    EHR_WEB_ORIGIN: WEB_ORIGIN,
    EHR_LOG_LEVEL: "info",
  });
  const launch = async (port: string, runOptions: RunServiceOptions) => {
    const running = runService(env(port), runOptions);
    const start = await running.waitFor(/^listening on /);
    return { running, url: String(start.url) };
  };
  const first = await launch("0", options);
  const service: ServiceUnderTest = {
    url: first.url,
    dataDir,
    storeDir: path.join(dataDir, "api", "ipfs"),
    running: first.running,
    async restart(runOptions = {}) {
      await killService(service.running);
      service.running = (await launch(new URL(service.url).port, runOptions)).running;
    },
    kill: () => killService(service.running),
    async close(keepData = false) {
      await killService(service.running);
      if (!keepData && !options.dataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
  return service;
}

/** Signs `who` in to the service at `url` (its own nonces); the bearer token. */
export async function signInTo(stack: TestStack, url: string, who: StackAccount): Promise<string> {
  const { nonce } = (await (await fetch(`${url}/v1/auth/nonce`)).json()) as { nonce: string };
  const message = await stack.siweMessage(who, { nonce });
  const res = await fetch(`${url}/v1/auth/session`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ message, signature: await who.account.signMessage({ message }) }),
  });
  if (res.status !== 201) throw new Error(`sign-in answered ${res.status}`);
  return ((await res.json()) as { token: string }).token;
}

/** A real envelope of `size` random plaintext bytes for `patient` (uncompressed, so its size is known). */
export async function envelopeFor(stack: TestStack, patient: Address, size: number): Promise<Uint8Array> {
  const identity = {
    chainId: stack.chain.chainId,
    contract: stack.core,
    patient,
    recordId: newRecordId(),
    category: 3,
    part: "report" as const,
  };
  return sealEnvelope(randomBytes(size), generateDataKey(), identity, { compress: "never" });
}

/** What the service answered to one request: status and JSON body (or bytes for a 200 download). */
export interface Answer {
  status: number;
  body: { cid?: string; size?: number; error?: { code: string; message: string } } & Record<string, unknown>;
  bytes?: Uint8Array;
}

/** POST /v1/blobs; a connection that fails is rethrown (the caller decides whether it was expected). */
export async function upload(url: string, token: string, bytes: Uint8Array): Promise<Answer> {
  const res = await fetch(`${url}/v1/blobs`, {
    method: "POST",
    headers: {
      Authorization: `Bearer ${token}`,
      "Content-Type": "application/octet-stream",
      "X-Content-SHA256": toHex(await sha256(bytes)),
    },
    body: bytes as BodyInit,
  });
  return { status: res.status, body: (await res.json()) as Answer["body"] };
}

/** GET /v1/blobs/:cid. */
export async function download(url: string, token: string, cid: string): Promise<Answer> {
  const res = await fetch(`${url}/v1/blobs/${cid}`, { headers: { Authorization: `Bearer ${token}` } });
  if (res.status === 200) return { status: 200, body: {}, bytes: new Uint8Array(await res.arrayBuffer()) };
  return { status: res.status, body: (await res.json()) as Answer["body"] };
}

/**
 * GET /readyz: status and checks, of the state now: one check answers every probe for
 * READINESS_REUSE_MS (offchain-api/health/readiness.ts), so this waits that long first and the answer
 * comes from a check made after whatever the test just did.
 */
export async function readiness(url: string): Promise<{ status: number; checks: Record<string, string> }> {
  await delay(READINESS_REUSE_MS + 50);
  const res = await fetch(`${url}/readyz`);
  return { status: res.status, checks: ((await res.json()) as { checks: Record<string, string> }).checks };
}

/**
 * The block files under `storeDir` that are not whole: a `.data` file whose content does not hash
 * to its name (blockstore-fs names a block by its multihash in base32), or any other file left
 * behind (a temporary file of an interrupted write).
 */
export async function brokenBlockFiles(storeDir: string): Promise<string[]> {
  const { base32upper } = await esmImport<{ base32upper: { encode(bytes: Uint8Array): string } }>(
    "multiformats/bases/base32",
  );
  const broken: string[] = [];
  for (const file of await filesUnder(path.join(storeDir, "blocks"))) {
    const name = path.basename(file);
    if (!name.endsWith(".data")) {
      broken.push(file);
      continue;
    }
    const digest = await sha256(await readFile(file));
    const multihash = new Uint8Array([0x12, 0x20, ...digest]);
    if (`${base32upper.encode(multihash)}.data` !== name) broken.push(file);
  }
  return broken;
}

/** Options of one crash run: how many uploads are acknowledged before and after the kill. */
export interface CrashRun {
  /** Parallel upload streams. */
  streams: number;
  /** Acknowledgements before each SIGKILL. */
  ackedBeforeKill: number;
  /** How many kill/restart rounds. */
  rounds: number;
}

/**
 * Runs `attempt` in `streams` loops until told to stop; SIGKILLs the service once `ackedBeforeKill`
 * more uploads were acknowledged, waits until uploads have failed against the dead service,
 * restarts it, `rounds` times, then lets each stream finish one more acknowledged upload.
 * Answers what was acknowledged and every failure.
 */
export async function crashDuringStream<T>(
  service: ServiceUnderTest,
  run: CrashRun,
  attempt: (stream: number) => Promise<T>,
): Promise<{ acked: T[]; failures: unknown[] }> {
  const acked: T[] = [];
  const failures: unknown[] = [];
  let stopping = false;
  const stream = async (_: unknown, index: number) => {
    while (!stopping) {
      try {
        acked.push(await attempt(index));
      } catch (error) {
        failures.push(error);
        // The service is down: try again shortly, as a client would.
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  };
  const streams = Array.from({ length: run.streams }, stream);
  for (let round = 0; round < run.rounds; round++) {
    const target = acked.length + run.ackedBeforeKill;
    await until(() => acked.length >= target);
    await service.kill();
    const failed = failures.length;
    await until(() => failures.length >= failed + run.streams);
    await service.restart();
  }
  const target = acked.length + run.streams;
  await until(() => acked.length >= target);
  stopping = true;
  await Promise.all(streams);
  return { acked, failures };
}

/** Resolves once `condition()` holds, checking every `intervalMs`. */
export async function until(condition: () => boolean, intervalMs = 20): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, intervalMs));
}
