/**
 * The load generator of `bench:api`, run in its OWN process (bench/lib/runLoad.ts starts it), so its
 * HTTP parsing and bookkeeping do not take CPU from the server it measures: autocannon against one
 * URL, with a fixed body or a pool of bodies (each sent once per turn, with its own headers); or, for
 * large answers, closed loops over node:http.
 * Reads its job as JSON from argv[2] and prints autocannon's figures as one JSON line.
 */
import { readFileSync } from "node:fs";
import { Agent, request } from "node:http";
import autocannon from "autocannon";

/** What the parent asks for. */
export interface LoadJob {
  url: string;
  method: "GET" | "POST";
  headers: Record<string, string>;
  /** A file holding the one body sent with every request. */
  bodyFile?: string;
  /** A file of distinct bodies: repeated [4-byte length, 66-byte "0x…" SHA-256, body]. */
  poolFile?: string;
  connections: number;
  /** Seconds; or, with `amount`, stop after that many requests. */
  duration?: number;
  amount?: number;
  /**
   * "node:http" for large answers: closed loops over node:http with keep-alive (autocannon's
   * parser caps 1 MB downloads near 25/s on its own). @default "autocannon"
   */
  client?: "autocannon" | "node:http";
}

/** What is printed back. */
export interface LoadResult {
  requestsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  non2xx: number;
  errors: number;
}

/** The bodies of a pool file with their SHA-256 headers. */
function readPool(file: string): { body: Buffer; hash: string }[] {
  const data = readFileSync(file);
  const out: { body: Buffer; hash: string }[] = [];
  for (let at = 0; at < data.length;) {
    const length = data.readUInt32BE(at);
    const hash = data.toString("latin1", at + 4, at + 70);
    out.push({ body: data.subarray(at + 70, at + 70 + length), hash });
    at += 70 + length;
  }
  return out;
}

/** `job.connections` loops of GET requests over node:http for `job.duration` seconds. */
async function nodeHttpLoad(job: LoadJob): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: job.connections });
  const latencies: number[] = [];
  let non2xx = 0;
  let errors = 0;
  const started = performance.now();
  const until = started + (job.duration ?? 5) * 1000;
  const once = () =>
    new Promise<void>((resolve) => {
      const sent = performance.now();
      const req = request(job.url, { method: job.method, headers: job.headers, agent }, (res) => {
        res.on("data", () => undefined);
        res.on("end", () => {
          latencies.push(performance.now() - sent);
          if ((res.statusCode ?? 0) >= 300) non2xx++;
          resolve();
        });
      });
      req.on("error", () => {
        errors++;
        resolve();
      });
      req.end();
    });
  await Promise.all(
    Array.from({ length: job.connections }, async () => {
      while (performance.now() < until) await once();
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0);
  return {
    requestsPerSec: Math.round((latencies.length / seconds) * 10) / 10,
    p50Ms: at(0.5),
    p99Ms: at(0.99),
    requests: latencies.length,
    non2xx,
    errors,
  };
}

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2]) as LoadJob;
  if (job.client === "node:http") {
    process.stdout.write(`${JSON.stringify(await nodeHttpLoad(job))}\n`);
    return;
  }
  const pool = job.poolFile ? readPool(job.poolFile) : undefined;
  let next = 0;
  const result = await autocannon({
    url: job.url,
    method: job.method,
    headers: job.headers,
    body: job.bodyFile ? readFileSync(job.bodyFile) : undefined,
    connections: job.connections,
    ...(job.amount ? { amount: job.amount } : { duration: job.duration }),
    requests: pool
      ? [
          {
            setupRequest: (request) => {
              const { body, hash } = pool[next++ % pool.length];
              return { ...request, body, headers: { ...job.headers, "X-Content-SHA256": hash } };
            },
          },
        ]
      : undefined,
  });
  const out: LoadResult = {
    requestsPerSec: Math.round((result.requests.total / Math.max(result.duration, 0.001)) * 10) / 10,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
