import type { Logger } from "pino";
import { fromUtf8 } from "../../lib/bytes";
import type { SummaryResult } from "../../lib/api/types";
import { summarizeFhirBundle } from "../../lib/summary/summarizeFhirBundle";
import { summarizeText } from "../../lib/summary/summarizeText";
import { ENGINE, SUMMARY_FIELDS, type ClinicalSummary } from "../../lib/summary/types";
import type { ApiConfig } from "../config";
import { badRequest, unprocessable } from "../http/errors";
import { openNarrativeEngine, type NarrativeState } from "./narrative";
import { extractPdfText } from "./pdf";
import { fhirBundle, type SummarySource } from "./schema";

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

/** The summary engines: the clinical-sections extractor and the optional narrative model. */
export interface SummaryService {
  readonly status: SummaryStatus;
  /**
   * The summary of one input. Unreadable input (not UTF-8, binary, empty, a PDF without text, JSON
   * that is not a Bundle) is a 422 HttpError, malformed JSON a 400; nothing is kept.
   */
  summarize(source: SummarySource, bytes: Uint8Array): Promise<SummaryResult>;
  close(): Promise<void>;
}

/** Share of control characters (other than tab, line and page breaks) above which text is binary junk. */
const MAX_CONTROL_SHARE = 0.01;

/** `bytes` as UTF-8, or undefined when they are not (a fatal decode: no replacement characters). */
function utf8OrUndefined(bytes: Uint8Array): string | undefined {
  try {
    return fromUtf8(bytes);
  } catch {
    return undefined;
  }
}

/**
 * The body as text a person wrote: valid UTF-8, no NUL (no text file has one), few control
 * characters, not blank. Otherwise 422: summarizing junk would give a confident empty summary.
 */
export function readableText(bytes: Uint8Array): string {
  const text = utf8OrUndefined(bytes);
  if (text === undefined) throw unprocessable("The body is not readable text: send UTF-8 text.");
  let controls = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0) throw unprocessable("The body is not readable text: it looks like a binary file.");
    if ((c < 32 && c !== 9 && c !== 10 && c !== 12 && c !== 13) || c === 127) controls++;
  }
  if (controls > text.length * MAX_CONTROL_SHARE) {
    throw unprocessable("The body is not readable text: it looks like a binary file.");
  }
  if (text.trim() === "") throw unprocessable("The text is empty: there is nothing to summarize.");
  return text;
}

/** A FHIR R4 Bundle from a JSON body: 400 when it is not JSON, 422 when it is JSON but no Bundle. */
function parseBundle(bytes: Uint8Array): unknown {
  const text = utf8OrUndefined(bytes);
  if (text !== undefined && text.trim() === "")
    throw unprocessable("The body is empty: there is nothing to summarize.");
  let json: unknown;
  try {
    if (text === undefined) throw new SyntaxError("not UTF-8");
    json = JSON.parse(text);
  } catch {
    throw badRequest("The request body is not valid JSON.");
  }
  if (!fhirBundle.safeParse(json).success) {
    throw unprocessable('The JSON is not a FHIR R4 Bundle (resourceType "Bundle" with an entry list).');
  }
  return json;
}

/** The narrative model's input for a FHIR bundle: the summary's items as plain sentences. */
function summaryAsText(summary: ClinicalSummary): string {
  return SUMMARY_FIELDS.filter((field) => summary[field].length > 0)
    .map((field) => `${field[0].toUpperCase()}${field.slice(1)}: ${summary[field].map((i) => i.text).join("; ")}.`)
    .join("\n");
}

function describe(state: NarrativeState, engine: string | undefined): string {
  if (state === "ready") return `clinical sections, narrative by ${engine}`;
  if (state === "failed") return `clinical sections only (the narrative model ${engine} failed to load)`;
  return "clinical sections only (no narrative model: set SUMMARIZER_MODEL_DIR)";
}

/** Opens the summary engines: the narrative model, when configured, is loaded here once. */
/** Longest run of text without a line break or sentence end (.!?) the summarizer is given. */
export const MAX_RUN_CHARS = 2000;

/**
 * Breaks every run of more than `max` characters with no line break or sentence end with a line
 * break (at its last space, or at the limit), in one pass. summarizeText's work grows with the
 * square of a sentence's length: a 300 KB note with no full stop stalled the service's event loop
 * for 5.9 s, a 2.4 KB PDF whose text layer is one 0.5 MB run as long, a 1 MB run 24 s; a run this
 * long is no sentence anyone wrote.
 */
export function boundRuns(text: string, max = MAX_RUN_CHARS): string {
  let out = "";
  let from = 0;
  let runStart = 0;
  let lastSpace = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "\n" || c === "." || c === "!" || c === "?") {
      runStart = i + 1;
      lastSpace = -1;
      continue;
    }
    if (c === " ") lastSpace = i;
    if (i - runStart >= max) {
      const atSpace = lastSpace > runStart;
      const cut = atSpace ? lastSpace : i;
      out += `${text.slice(from, cut)}\n`;
      from = atSpace ? cut + 1 : cut;
      runStart = from;
      lastSpace = -1;
    }
  }
  return out + text.slice(from);
}

export async function openSummaryService(config: ApiConfig, logger: Logger): Promise<SummaryService> {
  const narrator = await openNarrativeEngine(config.summarizerModelDir, logger);
  const status: SummaryStatus = {
    engine: ENGINE,
    narrative: narrator.state,
    narrativeEngine: narrator.engine,
    description: describe(narrator.state, narrator.engine),
  };
  return {
    status,
    async summarize(source, bytes) {
      if (source === "fhir") {
        const summary = summarizeFhirBundle(parseBundle(bytes));
        return { summary, ...(await narrator.narrate(summaryAsText(summary))), source };
      }
      const text = source === "pdf" ? await extractPdfText(bytes) : readableText(bytes);
      // A few KB of PDF can inflate to far more text than a text body may carry (57 KB to 16 MB):
      // the summarizer gets no more than a text body may hold.
      if (text.length > config.maxSummaryBytes) {
        throw unprocessable(
          `The PDF's text is longer than this service summarizes (${Math.floor(config.maxSummaryBytes / 1048576)} MB): send a shorter document.`,
        );
      }
      const summary = summarizeText(boundRuns(text));
      return { summary, ...(await narrator.narrate(text)), source };
    },
    close: () => narrator.close(),
  };
}
