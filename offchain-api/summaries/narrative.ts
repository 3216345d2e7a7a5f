import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import type { Logger } from "pino";
import type { SummaryResult } from "../../lib/api/wire/summaries";
import { esmImport } from "../../lib/esmImport";

/** The logging the narrative engine does: a pino logger, or a summary worker's forwarder to one. */
export type NarrativeLogger = Pick<Logger, "info" | "warn">;

/** Whether the optional narrative engine can run: loaded, no model configured or found, or the model failed to load. */
export type NarrativeState = "ready" | "no-model" | "failed";

/** What the answer says about the narrative (README, "Summaries"). */
export type NarrativeResult = Pick<SummaryResult, "narrative" | "narrativeStatus">;

export interface NarrativeOptions {
  /** Characters of input the model reads; longer input is cut (the model's window is ~1k tokens anyway). @default 4000 */
  maxInputChars?: number;
  /** Longest narrative, in tokens. @default 160 */
  maxNewTokens?: number;
}

/** The optional second engine: a local transformers.js seq2seq model that writes a short narrative. */
export interface NarrativeEngine {
  readonly state: NarrativeState;
  /** "transformers.js/<model folder name>" when a model folder is configured. */
  readonly engine?: string;
  /** A narrative of `text`; never throws (a failed run is `narrativeStatus: "failed"`). */
  narrate(text: string): Promise<NarrativeResult>;
  close(): Promise<void>;
}

/** The part of @huggingface/transformers 4 this service uses. */
interface Transformers {
  env: { allowRemoteModels: boolean; allowLocalModels: boolean; localModelPath: string };
  pipeline(task: "summarization", model: string, options?: { local_files_only?: boolean }): Promise<Summarizer>;
}
type Summarizer = ((text: string, options: { max_new_tokens: number }) => Promise<{ summary_text: string }[]>) & {
  dispose?(): Promise<void>;
};

const NO_MODEL: NarrativeResult = { narrative: null, narrativeStatus: "no-model" };
const FAILED: NarrativeResult = { narrative: null, narrativeStatus: "failed" };

/** Whether `dir` is a folder holding a model's `config.json` (what transformers.js loads first). */
async function hasModelConfig(dir: string): Promise<boolean> {
  try {
    if (!(await stat(dir)).isDirectory()) return false;
    return (await readdir(dir)).includes("config.json");
  } catch {
    return false;
  }
}

function withoutModel(state: NarrativeState, engine?: string): NarrativeEngine {
  return {
    state,
    engine,
    narrate: async () => (state === "no-model" ? NO_MODEL : FAILED),
    close: async () => undefined,
  };
}

/** The narrative engine when there is no model: every narrative is `no-model`. */
export const NO_NARRATIVE: NarrativeEngine = withoutModel("no-model");

/**
 * The narrative model's folder and engine name, when `modelDir` holds a model (its `config.json`);
 * otherwise one warning says why summaries come from the default engine only.
 */
export async function findNarrativeModel(
  modelDir: string | undefined,
  logger: NarrativeLogger,
): Promise<{ folder?: string; engine?: string }> {
  if (!modelDir) {
    logger.warn(
      "No narrative model is configured (SUMMARIZER_MODEL_DIR): summaries come from the clinical-sections engine only.",
    );
    return {};
  }
  const folder = path.resolve(modelDir);
  const engine = `transformers.js/${path.basename(folder)}`;
  if (!(await hasModelConfig(folder))) {
    logger.warn(
      { modelDir: folder },
      "The narrative model folder holds no model (no config.json): summaries come from the clinical-sections engine only.",
    );
    return { engine };
  }
  return { folder, engine };
}

/**
 * Loads the narrative model from `modelDir` once, at start. transformers.js is imported only when
 * the folder holds a model, and only from disk (no model weights are ever downloaded). Without a
 * usable model the service still answers with the default engine: one warning at start says why.
 */
export async function openNarrativeEngine(
  modelDir: string | undefined,
  logger: NarrativeLogger,
  options: NarrativeOptions = {},
): Promise<NarrativeEngine> {
  const { folder, engine } = await findNarrativeModel(modelDir, logger);
  if (!folder || !engine) return withoutModel("no-model", engine);
  let summarizer: Summarizer;
  try {
    const { env, pipeline } = await esmImport<Transformers>("@huggingface/transformers");
    env.allowRemoteModels = false;
    env.allowLocalModels = true;
    env.localModelPath = path.dirname(folder);
    summarizer = await pipeline("summarization", path.basename(folder), { local_files_only: true });
  } catch (error) {
    logger.warn(
      { modelDir: folder, err: { name: (error as Error)?.name, message: (error as Error)?.message } },
      "The narrative model could not be loaded: summaries come from the clinical-sections engine only.",
    );
    return withoutModel("failed", engine);
  }
  logger.info({ engine }, "narrative model loaded");

  const maxInputChars = options.maxInputChars ?? 4000;
  const maxNewTokens = options.maxNewTokens ?? 160;
  // One run at a time: a seq2seq generation uses every core, parallel runs only add memory.
  let queue: Promise<unknown> = Promise.resolve();
  return {
    state: "ready",
    engine,
    narrate(text) {
      const run = queue.then(async (): Promise<NarrativeResult> => {
        try {
          const [first] = await summarizer(text.slice(0, maxInputChars), { max_new_tokens: maxNewTokens });
          const narrative = first?.summary_text?.trim();
          return narrative ? { narrative: { engine, text: narrative }, narrativeStatus: "ok" } : FAILED;
        } catch (error) {
          // The error's name only: a tokenizer or runtime message may quote the input.
          logger.warn({ engine, err: { name: (error as Error)?.name } }, "narrative failed");
          return FAILED;
        }
      });
      queue = run;
      return run;
    },
    async close() {
      await queue;
      await summarizer.dispose?.();
    },
  };
}
