import { fromUtf8 } from "../../lib/bytes";
import type { SummaryResult } from "../../lib/api/wire/summaries";
import { summarizeFhirBundle } from "../../lib/summary/summarizeFhirBundle";
import { summarizeText } from "../../lib/summary/summarizeText";
import { SUMMARY_FIELDS, type ClinicalSummary } from "../../lib/summary/types";
import { badRequest, unprocessable } from "../http/errors";
import type { NarrativeEngine } from "./narrative";
import { extractPdfText } from "./pdf";
import { fhirBundle, type SummarySource } from "./schema";

/**
 * The summarizing work itself, as a summary worker runs it (summaryWorker.ts): decode, extract,
 * summarize, narrate. CPU-bound and synchronous in long stretches, so it never runs on the
 * service's main thread.
 */

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

/**
 * The summary of one input. Unreadable input (not UTF-8, binary, empty, a PDF without text, JSON
 * that is not a Bundle, a PDF whose text is longer than `maxTextChars`) is a 422 HttpError,
 * malformed JSON a 400.
 */
export async function summarizeInput(
  source: SummarySource,
  bytes: Uint8Array,
  narrator: Pick<NarrativeEngine, "narrate">,
  maxTextChars: number,
): Promise<SummaryResult> {
  if (source === "fhir") {
    const summary = summarizeFhirBundle(parseBundle(bytes));
    return { summary, ...(await narrator.narrate(summaryAsText(summary))), source };
  }
  // A PDF yields no more text than a text body may hold (the body limit bounds text/plain).
  const text = source === "pdf" ? await extractPdfText(bytes, maxTextChars) : readableText(bytes);
  const summary = summarizeText(boundRuns(text));
  return { summary, ...(await narrator.narrate(text)), source };
}
