import type { SummaryResult } from "../../lib/api/wire/summaries";
import type { NarrativeState } from "./narrative";
import type { SummarySource } from "./schema";

/** What a summary worker is started with (`workerData`). */
export interface SummaryWorkerData {
  /** The narrative model's folder, only when it holds a model (the pool has checked and said so). */
  modelDir?: string;
  /** Longest text a PDF may yield (422 beyond). */
  maxTextChars: number;
  /** Whether the worker's start-up warnings are logged: only the first worker's, not every replacement's. */
  announce: boolean;
}

/** The pool to a worker: one job at a time. `bytes` is transferred, not copied. */
export interface JobMessage {
  type: "job";
  id: number;
  source: SummarySource;
  bytes: Uint8Array;
}

/** An error a worker reports: an HttpError's status, code and sentence, or only the name of anything else. */
export type WorkerFailure = { status: number; code: string; message: string } | { name: string };

/** A worker to the pool. */
export type WorkerMessage =
  | { type: "ready"; narrative: NarrativeState; narrativeEngine?: string }
  | { type: "log"; level: "info" | "warn"; fields: object; msg: string }
  | { type: "done"; id: number; result: SummaryResult }
  | { type: "failed"; id: number; error: WorkerFailure };
