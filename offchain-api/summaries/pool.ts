import { existsSync } from "node:fs";
import path from "node:path";
import { Worker } from "node:worker_threads";
import type { Logger } from "pino";
import type { SummaryResult } from "../../lib/api/wire/summaries";
import { HttpError, unprocessable } from "../http/errors";
import type { NarrativeState } from "./narrative";
import type { SummarySource } from "./schema";
import type { JobMessage, SummaryWorkerData, WorkerFailure, WorkerMessage } from "./workerProtocol";

export interface SummaryPoolOptions {
  /** Worker threads. @default 1 */
  workers?: number;
  /** Longest a job may run in its worker; beyond it the worker is stopped and replaced. @default 20000 */
  jobTimeoutMs?: number;
  /** Jobs that may wait for a free worker; beyond it 503. @default 8 */
  maxQueued?: number;
  /** The narrative model folder (SUMMARIZER_MODEL_DIR), if any. */
  modelDir?: string;
  /** Longest text a PDF may yield (422 beyond). */
  maxTextChars: number;
  /** Largest old-generation heap of one worker, in MiB; beyond it the job is refused and the worker replaced. @default 1024 */
  maxWorkerHeapMb?: number;
  logger: Logger;
}

/** What the pool is doing now (for the tests and the operator). */
export interface SummaryPoolLoad {
  workers: number;
  running: number;
  waiting: number;
  /** Places reserved for jobs whose body is still arriving ({@link SummaryPool.reserve}). */
  receiving: number;
  /** Jobs answered since start (summaries and refusals), and jobs stopped at the time limit. */
  finished: number;
  timedOut: number;
}

/** 503 or 429 from the pool, with the seconds after which a new try is likely to be taken (`Retry-After`). */
export class SummarizerBusyError extends HttpError {
  override name = "SummarizerBusyError";
  constructor(
    status: 429 | 503,
    code: string,
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(status, code, message);
  }
}

/** A place in the pool held from admission until the job is queued ({@link SummaryPool.reserve}). */
export interface PoolReservation {
  /** Queues the job in the reserved place (at most once; afterwards as {@link SummaryPool.run}). */
  run(source: SummarySource, bytes: Uint8Array, signal?: AbortSignal): Promise<SummaryResult>;
  /** Gives the place back without a job (the body never came); nothing once run. */
  cancel(): void;
}

/** The 503 while the pool closes. */
const stopping = () => new HttpError(503, "service_stopping", "The service is stopping: try again in a moment.");

interface Job {
  source: SummarySource;
  bytes: Uint8Array;
  resolve(result: SummaryResult): void;
  reject(error: unknown): void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  /** The job running in it, its id and its timer. */
  job?: Job & { id: number; timer: NodeJS.Timeout; started: number };
  /** Stopped on purpose (time limit, close): its exit is not a crash. */
  retired: boolean;
}

/**
 * The worker thread's code: the bundle's `summaryWorker.js` next to this code (dist/api/), else the
 * TypeScript source (tests, `npm start` through ts-node), loaded in the thread by a require hook
 * that compiles each .ts file with esbuild, as the bundle is compiled (about twice as fast to start
 * as registering ts-node in the thread, which loads the TypeScript compiler).
 */
function workerEntry(): { file: string; eval: boolean } {
  const compiled = path.join(__dirname, "summaryWorker.js");
  if (existsSync(compiled)) return { file: compiled, eval: false };
  const source = path.join(__dirname, "summaryWorker.ts");
  if (!existsSync(source)) throw new Error(`The summary worker is missing (${compiled}): run \`npm run build:api\`.`);
  const bootstrap = `
    const { readFileSync } = require("node:fs");
    const load = require("node:module").createRequire(${JSON.stringify(source)});
    const { transformSync } = load("esbuild");
    require.extensions[".ts"] = (module, filename) => {
      const options = { loader: "ts", format: "cjs", target: "node24", sourcefile: filename };
      module._compile(transformSync(readFileSync(filename, "utf8"), options).code, filename);
    };
    load(${JSON.stringify(source)});`;
  return { file: bootstrap, eval: true };
}

/** The sentence for a failure a worker reported. */
function errorOf(failure: WorkerFailure): Error {
  if ("status" in failure) return new HttpError(failure.status, failure.code, failure.message);
  // Not a refusal of the input: the error middleware answers 500, and logs only this name.
  const error = new Error("A summary worker failed.");
  error.name = failure.name;
  return error;
}

/**
 * A small pool of summary worker threads (summaryWorker.ts), so that no summary, however large or
 * slow its input, holds the service's event loop. Jobs wait in a bounded queue (503 beyond); each
 * runs under a time limit, after which its worker is stopped and replaced and the job is refused
 * (422). A worker that runs out of heap or crashes is replaced too.
 */
export class SummaryPool {
  private readonly slots: Slot[] = [];
  private readonly waiting: Job[] = [];
  private readonly workers: number;
  private readonly jobTimeoutMs: number;
  private readonly maxQueued: number;
  /** Places held by {@link reserve} whose job is not queued yet. */
  private reserved = 0;
  private readonly maxWorkerHeapMb: number;
  private readonly entry = workerEntry();
  private nextId = 1;
  private closing = false;
  private finished = 0;
  private timedOut = 0;
  /** A running average of a job's time, for Retry-After. */
  private averageJobMs = 1000;

  /**
   * The first worker's narrative engine once it is ready for jobs (its model, if any, loaded);
   * rejected when it could not start. Nobody needs to wait for it: jobs wait for a worker anyway.
   */
  readonly firstReady: Promise<{ state: NarrativeState; engine?: string }>;

  /** Starts the workers in the background: the service does not wait for them to start serving. */
  constructor(private readonly options: SummaryPoolOptions) {
    this.workers = options.workers ?? 1;
    this.jobTimeoutMs = options.jobTimeoutMs ?? 20_000;
    this.maxQueued = options.maxQueued ?? 8;
    this.maxWorkerHeapMb = options.maxWorkerHeapMb ?? 1024;
    this.firstReady = this.spawn(true);
    this.firstReady.catch((error: unknown) => this.retry(error));
    for (let i = 1; i < this.workers; i++) this.replace();
  }

  get load(): SummaryPoolLoad {
    return {
      workers: this.slots.length,
      running: this.slots.filter((s) => s.job).length,
      waiting: this.waiting.length,
      receiving: this.reserved,
      finished: this.finished,
      timedOut: this.timedOut,
    };
  }

  /** Seconds until a new job is likely to be taken: the work ahead of it, shared by the workers. */
  retryAfterSeconds(): number {
    const ahead = this.waiting.length + this.slots.filter((s) => s.job).length;
    return Math.max(1, Math.ceil((ahead * this.averageJobMs) / this.workers / 1000));
  }

  /**
   * Jobs the pool would take now: its places (a worker each, ready or starting, and the queue's)
   * less the jobs running or waiting and the places reserved for bodies still arriving.
   */
  get room(): number {
    if (this.closing) return 0;
    const free = this.slots.filter((s) => !s.job && !s.retired).length;
    return Math.max(0, free + this.maxQueued - this.waiting.length - this.reserved);
  }

  /**
   * Holds a place for a job whose body is still arriving, so that the bodies in memory stay within
   * the pool's places (workers + queue): 503 (SummarizerBusyError) when there is none. The place is
   * the job's when it runs, and goes back when cancelled.
   */
  reserve(): PoolReservation {
    if (this.closing) throw stopping();
    if (this.full) throw this.busy();
    this.reserved++;
    let held = true;
    const giveBack = () => {
      if (held) this.reserved--;
      held = false;
    };
    return {
      run: (source, bytes, signal) => {
        const placed = held;
        giveBack();
        return this.queue(source, bytes, signal, placed);
      },
      cancel: giveBack,
    };
  }

  /** Whether a new job would be refused now: every worker busy and the queue full. */
  get full(): boolean {
    return this.room === 0;
  }

  /**
   * Runs one job: its summary, or its refusal (HttpError). 503 (SummarizerBusyError) when the
   * queue is full; 422 when it runs past the time limit or out of heap. `signal` takes a job out of
   * the queue if it has not started (the client went away).
   */
  run(source: SummarySource, bytes: Uint8Array, signal?: AbortSignal): Promise<SummaryResult> {
    return this.queue(source, bytes, signal, false);
  }

  /** Queues a job; `placed`: its place was reserved, so a full pool does not refuse it. */
  private queue(
    source: SummarySource,
    bytes: Uint8Array,
    signal: AbortSignal | undefined,
    placed: boolean,
  ): Promise<SummaryResult> {
    if (this.closing) {
      return Promise.reject(stopping());
    }
    if (!placed && this.full) return Promise.reject(this.busy());
    return new Promise<SummaryResult>((resolve, reject) => {
      const job: Job = { source, bytes, resolve, reject };
      this.waiting.push(job);
      signal?.addEventListener(
        "abort",
        () => {
          const at = this.waiting.indexOf(job);
          if (at >= 0) this.waiting.splice(at, 1);
          if (at >= 0) reject(new HttpError(400, "bad_request", "The request was aborted."));
        },
        { once: true },
      );
      this.dispatch();
    });
  }

  /** The 503 for a full queue. */
  busy(): SummarizerBusyError {
    return new SummarizerBusyError(
      503,
      "summarizer_busy",
      "The summarizer is busy with other documents: try again in a few seconds.",
      this.retryAfterSeconds(),
    );
  }

  /** Stops every worker; jobs still waiting are refused. */
  async close(): Promise<void> {
    this.closing = true;
    const refused = stopping();
    for (const job of this.waiting.splice(0)) job.reject(refused);
    await Promise.all(
      this.slots.map(async (slot) => {
        slot.retired = true;
        this.settle(slot, (job) => job.reject(refused));
        await slot.worker.terminate();
      }),
    );
    this.slots.length = 0;
  }

  /**
   * Starts a worker; resolves with its narrative state when it is ready for jobs. `announce`: its
   * start-up log lines are logged (the first worker's; replacements would only repeat them).
   */
  private spawn(announce: boolean): Promise<{ state: NarrativeState; engine?: string }> {
    const workerData: SummaryWorkerData = {
      modelDir: this.options.modelDir,
      maxTextChars: this.options.maxTextChars,
      announce,
    };
    const worker = new Worker(this.entry.file, {
      eval: this.entry.eval,
      workerData,
      resourceLimits: { maxOldGenerationSizeMb: this.maxWorkerHeapMb },
    });
    const slot: Slot = { worker, ready: false, retired: false };
    this.slots.push(slot);
    const { logger } = this.options;
    return new Promise((resolve, reject) => {
      worker.on("message", (message: WorkerMessage) => {
        if (message.type === "log") logger[message.level](message.fields, message.msg);
        else if (message.type === "ready") {
          slot.ready = true;
          resolve({ state: message.narrative, engine: message.narrativeEngine });
          this.dispatch();
        } else if (slot.job?.id === message.id) {
          this.settle(slot, (job) =>
            message.type === "done" ? job.resolve(message.result) : job.reject(errorOf(message.error)),
          );
          this.dispatch();
        }
      });
      worker.on("error", (error: Error & { code?: string }) => {
        // An uncaught error or a heap past its limit: the worker exits next; its job is refused.
        if (!slot.ready) return reject(new Error(`A summary worker could not start: ${error.message}`));
        logger.error({ err: { name: error.name, code: error.code } }, "summary worker failed");
        this.settle(slot, (job) =>
          job.reject(
            error.code === "ERR_WORKER_OUT_OF_MEMORY"
              ? unprocessable(
                  "The document needs more memory to summarize than this service allows: send a shorter document.",
                )
              : errorOf({ name: error.name }),
          ),
        );
      });
      worker.on("exit", () => {
        const at = this.slots.indexOf(slot);
        if (at >= 0) this.slots.splice(at, 1);
        if (!slot.ready) reject(new Error("A summary worker stopped while starting."));
        this.settle(slot, (job) => job.reject(errorOf({ name: "WorkerExited" })));
        // A worker that never started is tried again by `retry`.
        if (slot.ready && !slot.retired) this.replace();
      });
    });
  }

  /** A new worker in place of one that was stopped or crashed. */
  private replace(): void {
    if (this.closing) return;
    this.spawn(false).catch((error: unknown) => this.retry(error));
  }

  /**
   * A worker could not start: tried again in a second. Until one runs, jobs are refused (503)
   * rather than left waiting for a worker that may never come.
   */
  private retry(error: unknown): void {
    if (this.closing) return;
    this.options.logger.error(
      { err: { name: (error as Error)?.name, message: (error as Error)?.message } },
      "a summary worker could not start; trying again in 1 s",
    );
    if (!this.slots.some((s) => s.ready)) {
      const unavailable = new HttpError(
        503,
        "summarizer_unavailable",
        "The summarizer could not start: try again later.",
      );
      for (const job of this.waiting.splice(0)) job.reject(unavailable);
    }
    setTimeout(() => this.replace(), 1000).unref();
  }

  /** Hands waiting jobs to idle workers. */
  private dispatch(): void {
    for (const slot of this.slots) {
      if (!slot.ready || slot.job || slot.retired) continue;
      const job = this.waiting.shift();
      if (!job) return;
      const id = this.nextId++;
      const timer = setTimeout(() => this.expire(slot), this.jobTimeoutMs);
      slot.job = { ...job, id, timer, started: performance.now() };
      // A copy of only the body's bytes (a Buffer may be a view of a larger shared pool), handed over without a second copy.
      const bytes = job.bytes.slice();
      const message: JobMessage = { type: "job", id, source: job.source, bytes };
      slot.worker.postMessage(message, [bytes.buffer]);
    }
  }

  /** The time limit: the job is refused, its worker stopped and replaced. */
  private expire(slot: Slot): void {
    const job = slot.job;
    if (!job) return;
    this.timedOut++;
    const seconds = this.jobTimeoutMs / 1000;
    this.options.logger.warn(
      { source: job.source, size: job.bytes.length, limitMs: this.jobTimeoutMs },
      "summary stopped at its time limit; worker replaced",
    );
    this.settle(slot, () =>
      job.reject(
        unprocessable(
          `The document takes longer to summarize than this service allows (${seconds} s): send a shorter document.`,
        ),
      ),
    );
    slot.retired = true;
    void slot.worker.terminate();
    this.replace();
    this.dispatch();
  }

  /** Ends the slot's job once: clears its timer, counts it, then answers it with `answer`. */
  private settle(slot: Slot, answer: (job: Job) => void): void {
    const job = slot.job;
    if (!job) return;
    clearTimeout(job.timer);
    slot.job = undefined;
    this.finished++;
    this.averageJobMs = 0.8 * this.averageJobMs + 0.2 * (performance.now() - job.started);
    answer(job);
  }
}
