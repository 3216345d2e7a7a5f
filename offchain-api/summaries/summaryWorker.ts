/**
 * A summary worker thread (pool.ts starts it): loads the narrative model, if any, once; then takes
 * one job at a time from the pool and answers its summary or its refusal. The bundle builds it as
 * dist/api/summaryWorker.js (package.json, build:api); from the TypeScript sources the pool
 * compiles it in the thread (pool.ts, workerEntry).
 */
import { parentPort, workerData } from "node:worker_threads";
import { summarizeText } from "../../lib/summary/summarizeText";
import { HttpError } from "../http/errors";
import { NO_NARRATIVE, openNarrativeEngine, type NarrativeLogger } from "./narrative";
import { summarizeInput } from "./summarize";
import type { JobMessage, SummaryWorkerData, WorkerFailure, WorkerMessage } from "./workerProtocol";

/** A short note summarized before the first job, so that the first one is not also the one that compiles the summarizer. */
const WARM_UP = "ALLERGIES: No known drug allergies.\nMEDICATIONS: Aspirin 81 mg daily.\nPLAN: Follow up in 2 weeks.";

function failureOf(error: unknown): WorkerFailure {
  if (error instanceof HttpError) return { status: error.status, code: error.code, message: error.shortMessage };
  // The name only: a parser's message may quote the input.
  return { name: (error as Error)?.name ?? "Error" };
}

async function run(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error("summaryWorker.ts runs as a worker thread (offchain-api/summaries/pool.ts).");
  const { modelDir, maxTextChars, announce } = workerData as SummaryWorkerData;
  const post = (message: WorkerMessage) => port.postMessage(message);
  let ready = false;
  const forward =
    (level: "info" | "warn") =>
    (fields: unknown, msg?: string): void => {
      // A replacement worker says nothing at start that the first one has not said already.
      if (!ready && !announce) return;
      if (typeof fields === "string") post({ type: "log", level, fields: {}, msg: fields });
      else post({ type: "log", level, fields: (fields ?? {}) as object, msg: msg ?? "" });
    };
  const logger: NarrativeLogger = { info: forward("info"), warn: forward("warn") };

  // The pool passes a folder only when it holds a model (and has said why not otherwise).
  const narrator = modelDir ? await openNarrativeEngine(modelDir, logger) : NO_NARRATIVE;
  summarizeText(WARM_UP);
  port.on("message", (job: JobMessage) => {
    summarizeInput(job.source, job.bytes, narrator, maxTextChars).then(
      (result) => post({ type: "done", id: job.id, result }),
      (error: unknown) => post({ type: "failed", id: job.id, error: failureOf(error) }),
    );
  });
  ready = true;
  post({ type: "ready", narrative: narrator.state, narrativeEngine: narrator.engine });
}

void run();
