/**
 * `npm run bench:api [-- <mtsamples.jsonl>]`: requests per second and latency of the off-chain
 * service's hot endpoints, with autocannon against the real app listening on loopback (the test
 * stack of offchain-api/testing/stack.ts: a real anvil chain, the Helia store on disk, request
 * logging on), signed in as a patient. Writes bench/results/api.json and prints a table.
 *
 * - upload: `POST /v1/blobs` of one sealed envelope (1 KB and 1 MB = 2^20 bytes of plaintext,
 *   sealed uncompressed). autocannon repeats a fixed body, so every request after the first
 *   stores the same envelope again: the service still reads, re-hashes, checks and writes it
 *   (blockstore-fs rewrites the same blocks; the CID is the same), which is the full upload path.
 * - download: `GET /v1/blobs/:cid` of those envelopes, re-hashed against the CID on each request.
 * - summaries: `POST /v1/summaries` of one MTSamples note (text/plain), the clinical-sections engine.
 *
 * Each run lasts DURATION_SECONDS over CONNECTIONS connections; the whole bench takes under a
 * minute. The rate limit is lifted for the bench (EHR_RATE_LIMIT_PER_MINUTE), since one address
 * sends everything; any non-2xx answer is counted and reported, and fails the bench.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { cpus, loadavg, totalmem } from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import { randomBytes } from "../lib/bytes";
import { envelopeHash, generateDataKey, sealEnvelope } from "../lib/crypto/envelope";
import { newRecordId } from "../lib/crypto/identity";
import { EhrApiClient } from "../lib/api/client";
import { SHARED_DATA } from "../offchain-api/testing/clinicalSamples";
import { startTestStack, WEB_ORIGIN } from "../offchain-api/testing/stack";

const DURATION_SECONDS = 5;
const CONNECTIONS = 10;
const DEFAULT_NOTES = path.join(SHARED_DATA, "notes/mtsamples_dev.jsonl");
const SIZES = { "1KB": 1024, "1MB": 1 << 20 } as const;

interface Figures {
  requestsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  /** Bytes of one request's body (upload, summaries) or answer (download). */
  bytes: number;
  requests: number;
  non2xx: number;
  errors: number;
}

async function run(
  url: string,
  request: { method: "GET" | "POST"; headers: Record<string, string>; body?: Buffer | string },
  bytes: number,
): Promise<Figures> {
  const result = await autocannon({
    url,
    ...request,
    connections: CONNECTIONS,
    duration: DURATION_SECONDS,
  });
  return {
    requestsPerSec: Math.round(result.requests.average * 10) / 10,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    bytes,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
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

async function main(): Promise<void> {
  const file = process.argv[2] ?? DEFAULT_NOTES;
  if (!existsSync(file)) throw new Error(`No notes file at ${file}: pass an MTSamples JSONL path.`);
  const note = medianNote(file);
  const stack = await startTestStack({ env: { EHR_RATE_LIMIT_PER_MINUTE: "1000000" } });
  const server = stack.app.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const client = new EhrApiClient({ baseUrl: base, origin: WEB_ORIGIN });
    await client.signIn(stack.patient.wallet);
    const auth = { Authorization: `Bearer ${client.token}` };
    const chainId = await stack.publicClient.getChainId();
    const results: Record<"upload" | "download" | "summaries", Record<string, Figures>> = {
      upload: {},
      download: {},
      summaries: {},
    };

    for (const [name, size] of Object.entries(SIZES)) {
      const identity = {
        chainId,
        contract: stack.core,
        patient: stack.patient.address,
        recordId: newRecordId(),
        category: 6,
        part: "report" as const,
      };
      const envelope = await sealEnvelope(randomBytes(size), generateDataKey(), identity, { compress: "never" });
      const hash = await envelopeHash(envelope);
      const { cid } = await client.blobStore().put(envelope, hash); // also checks the endpoint works
      results.upload[name] = await run(
        `${base}/v1/blobs`,
        {
          method: "POST",
          headers: { ...auth, "Content-Type": "application/octet-stream", "X-Content-SHA256": hash },
          body: Buffer.from(envelope),
        },
        envelope.length,
      );
      results.download[name] = await run(`${base}/v1/blobs/${cid}`, { method: "GET", headers: auth }, envelope.length);
    }
    await client.summarize(note, "text/plain"); // the endpoint answers before it is measured
    results.summaries.note = await run(
      `${base}/v1/summaries`,
      { method: "POST", headers: { ...auth, "Content-Type": "text/plain" }, body: note },
      Buffer.byteLength(note),
    );

    const output = {
      ...results,
      machine: {
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model ?? "unknown",
        memoryGiB: Math.round(totalmem() / 2 ** 30),
        node: process.version,
        platform: `${process.platform}-${process.arch}`,
        loadAverageAtEnd: loadavg().map((l) => Math.round(l * 100) / 100),
        date: new Date().toISOString().slice(0, 10),
      },
      durationSeconds: DURATION_SECONDS,
      connections: CONNECTIONS,
      note:
        "autocannon on loopback against the real app (anvil chain, Helia on disk, request logging on), signed in " +
        "as a patient. Uploads repeat one envelope (autocannon sends a fixed body): each is re-hashed, checked " +
        "and written again under the same CID. The MTSamples note is the first of at least the median length.",
    };
    const dir = path.join(__dirname, "results");
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, "api.json"), `${JSON.stringify(output, null, 2)}\n`);

    const rows = Object.entries(results).flatMap(([endpoint, bySize]) =>
      Object.entries(bySize).map(([size, f]) => ({
        endpoint,
        size,
        bytes: f.bytes,
        "req/s": f.requestsPerSec,
        "p50 ms": f.p50Ms,
        "p99 ms": f.p99Ms,
        "non-2xx": f.non2xx,
        errors: f.errors,
      })),
    );
    console.table(rows);
    console.log(`${output.machine.cpus} CPUs (${output.machine.cpuModel}), Node ${process.version}`);
    if (rows.some((r) => r["non-2xx"] > 0 || r.errors > 0)) {
      console.error("Some requests failed: the figures above do not measure the successful path.");
      process.exitCode = 1;
    }
  } finally {
    await new Promise((resolve) => server.close(resolve));
    await stack.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
