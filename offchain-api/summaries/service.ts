import type { Logger } from "pino";
import type { SummaryResult } from "../../lib/api/wire/summaries";
import { ENGINE } from "../../lib/summary/types";
import type { ApiConfig } from "../config";
import { findNarrativeModel, type NarrativeState } from "./narrative";
import { SummarizerBusyError, SummaryPool, type SummaryPoolLoad } from "./pool";
import type { SummarySource } from "./schema";

/** What the service can make, for the start log line and the operator. */
export interface SummaryStatus {
  /** The default engine: always available. */
  engine: typeof ENGINE;
  narrative: NarrativeState;
  /** The narrative engine's name, when a model folder is configured. */
  narrativeEngine?: string;
  /** One line for a person. */
  description: string;
}

/** One address's turn at the summarizer, taken before its body is read. */
export interface SummaryAdmission {
  /**
   * The summary of one input, made in a worker thread. Unreadable input (not UTF-8, binary, empty,
   * a PDF without text, JSON that is not a Bundle) is a 422 HttpError, malformed JSON a 400, a job
   * past the time limit 422, a full queue 503; nothing is kept. `signal` withdraws a job still
   * waiting for a worker.
   */
  summarize(source: SummarySource, bytes: Uint8Array, signal?: AbortSignal): Promise<SummaryResult>;
  /**
   * Gives the turn back (again is a no-op) when the answer is sent or the client went away; a job
   * still running keeps it until the job ends.
   */
  release(): void;
}

/** The summary engines: the clinical-sections extractor and the optional narrative model, in worker threads. */
export interface SummaryService {
  readonly status: SummaryStatus;
  /** What the workers are doing now, and how many admitted bodies are still arriving. */
  readonly load: SummaryPoolLoad;
  /**
   * `owner`'s turn (one signed-in address has at most one summary in flight): 429 when it has one
   * already, 503 when the pool has no room for it (both SummarizerBusyError, with Retry-After
   * seconds). A turn whose body is still arriving holds a place in the pool (a worker or the
   * queue) from admission on, so the bodies held in memory are at most (workers + queue) x the
   * size limit, however many addresses send at once.
   */
  admit(owner: string): SummaryAdmission;
  close(): Promise<void>;
}

function describe(state: NarrativeState, engine: string | undefined): string {
  if (state === "ready") return `clinical sections, narrative by ${engine}`;
  if (state === "failed") return `clinical sections only (the narrative model ${engine} failed to load)`;
  return "clinical sections only (no narrative model: set SUMMARIZER_MODEL_DIR)";
}

/**
 * Opens the summary engines in their worker threads (pool.ts). Without a narrative model the
 * service does not wait for the workers to start (a first job waits for its worker); with one, it
 * waits for the first worker to load it, to say whether it could.
 */
export async function openSummaryService(config: ApiConfig, logger: Logger): Promise<SummaryService> {
  const model = await findNarrativeModel(config.summarizerModelDir, logger);
  const pool = new SummaryPool({
    workers: config.summaryWorkers,
    jobTimeoutMs: config.summaryTimeoutSeconds * 1000,
    maxQueued: config.summaryQueue,
    modelDir: model.folder,
    maxTextChars: config.maxSummaryTextBytes,
    logger,
  });
  let narrative: { state: NarrativeState; engine?: string } = { state: "no-model", engine: model.engine };
  if (model.folder) {
    try {
      narrative = await pool.firstReady;
    } catch (error) {
      await pool.close();
      throw error;
    }
  }
  const status: SummaryStatus = {
    engine: ENGINE,
    narrative: narrative.state,
    narrativeEngine: narrative.engine,
    description: describe(narrative.state, narrative.engine),
  };
  /** Addresses with a summary in flight (its body being received, waiting or running). */
  const inFlight = new Set<string>();
  return {
    status,
    get load() {
      return pool.load;
    },
    admit(owner) {
      const key = owner.toLowerCase();
      if (inFlight.has(key)) {
        throw new SummarizerBusyError(
          429,
          "rate_limited",
          "Your previous document is still being summarized: wait for its summary before sending another.",
          pool.retryAfterSeconds(),
        );
      }
      // A place in the pool from now, before the body is read: refused (503) when there is none.
      const place = pool.reserve();
      inFlight.add(key);
      let job: Promise<unknown> | undefined;
      let released = false;
      return {
        summarize(source, bytes, signal) {
          const summary = place.run(source, bytes, signal);
          job = summary;
          return summary;
        },
        release() {
          if (released) return;
          released = true;
          place.cancel();
          // A job that runs on after its client went away keeps the turn until it ends: hanging
          // up and sending again does not put a second job of the same address in the pool.
          const free = () => void inFlight.delete(key);
          if (job) job.then(free, free);
          else free();
        },
      };
    },
    close: () => pool.close(),
  };
}
