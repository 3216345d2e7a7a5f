/**
 * The default summarizer engine ("clinical-sections/1"): a section-aware extractor with no model.
 * It finds the note's section headers, maps them to summary fields, splits each section body into
 * list items and handles negation ("NKDA", "No known allergies", "denies", "None"). Every item's
 * text is a verbatim slice of the source at its span, so it never outputs what the source does
 * not say. Universal: no Node-only APIs.
 */
import { findHeaders } from "./sections";
import { emptySummary, type ClinicalSummary, type Item, type SummaryField } from "./types";

export type SummarizeTextOptions = {
  /** Also set noKnownAllergies from a statement outside any allergy section (default true). */
  scanWholeText?: boolean;
  /** Items longer than this many characters are left out (default 1000). */
  maxItemLength?: number;
};

const ALLERGY_NEGATION =
  /^(?:nkda|nka|nkma|nkfa|none(?: known| reported)?|nil|no|n\/a|negative|no known (?:drug |medication |food )?allerg(?:y|ies)|no (?:drug |medication )?allerg(?:y|ies)(?: known)?|denie[sd](?: any)?(?: known)?(?: drug| medication)?(?: allerg(?:y|ies))?)(?:\s+(?:to\s+)?(?:any\s+)?(?:known\s+)?(?:drugs?|medications?|foods?|reported|at this time|per patient))*$/i;
const ALLERGY_NEGATION_IN_SENTENCE =
  /\b(?:nkda|no known (?:drug |medication )?allerg(?:y|ies))\b|\b(?:no|denies|denied)\b[^.]{0,40}\ballerg/i;
const EMPTY_VALUE =
  /^(?:none|nil|n\/a|not applicable|noncontributory|non-contributory|unremarkable|negative|no|none known|none reported|denies|no medications|no current medications|not on any medications|on no medications|no meds)$/i;
const NEGATED = /^(?:no|not|denies|denied|negative for|without|absence of|free of)\b/i;
const WHOLE_TEXT_NKA = /\b(?:NKDA|no known (?:drug |medication )?allergies)\b/i;

/** Share of control characters above which the input is treated as binary junk. */
function looksBinary(text: string): boolean {
  const sample = text.length > 65536 ? text.slice(0, 65536) : text;
  let bad = 0;
  for (let i = 0; i < sample.length; i++) {
    const c = sample.charCodeAt(i);
    if ((c < 32 && c !== 9 && c !== 10 && c !== 13) || c === 0xfffd) bad++;
  }
  return bad > sample.length * 0.02;
}

type Piece = { start: number; end: number };

/**
 * Splits a section body into item pieces: line breaks, bullets, numbered markers, semicolons and,
 * unless the body uses semicolons, commas (not inside brackets nor between digit groups). A comma
 * directly followed by a non-space is a line break (transcriptions whose newlines became commas).
 */
function splitBody(text: string, from: number, to: number): Piece[] {
  const body = text.slice(from, to);
  const semicolons = /;/.test(body);
  const numbered = (body.match(/(?:^|\s|,)\d{1,2}[.)]\s+(?=[A-Za-z])/g) ?? []).length >= 2;
  const pieces: Piece[] = [];
  let depth = 0;
  let start = from;
  const cut = (at: number, next: number): void => {
    pieces.push({ start, end: at });
    start = next;
  };
  for (let i = from; i < to; i++) {
    const ch = text[i];
    if (ch === "(" || ch === "[") depth++;
    else if ((ch === ")" || ch === "]") && depth > 0) depth--;
    else if (ch === "\n") {
      depth = 0;
      cut(i, i + 1);
    } else if (depth === 0 && ch === ";") cut(i, i + 1);
    else if (depth === 0 && ch === ",") {
      const nextCh = text[i + 1] ?? " ";
      const lineBreak = nextCh !== " " && nextCh !== "\t" && !/\d/.test(nextCh);
      const digits = /\d/.test(text[i - 1] ?? "") && /^\d{3}\b/.test(text.slice(i + 1, i + 5));
      if (lineBreak || (!semicolons && !digits)) cut(i, i + 1);
    } else if (numbered && /\d/.test(ch) && (i === from || /\s/.test(text[i - 1]))) {
      const m = /^\d{1,2}[.)]\s+(?=[A-Za-z])/.exec(text.slice(i, i + 8));
      if (m && i > start) cut(i, i);
    }
  }
  pieces.push({ start, end: to });
  return pieces;
}

/** Trims markers and punctuation off a piece; null when nothing meaningful is left. */
function tidy(text: string, p: Piece): Piece | null {
  let { start, end } = p;
  for (;;) {
    const head = text.slice(start, Math.min(end, start + 12));
    const m = /^(?:\s+|[-*\u2022\u25cf\u00b7>]+\s*|\d{1,2}[.)](?=\s|$)\s*|(?:and|or)\s+)/i.exec(head);
    if (!m || m[0].length === 0) break;
    start += m[0].length;
  }
  if (/:\s*$/.test(text.slice(start, end))) return null; // a sub-heading, not an item
  while (end > start && /[\s.,;:*]/.test(text[end - 1])) end--;
  if (end <= start || !/[A-Za-z0-9]/.test(text.slice(start, end))) return null;
  return { start, end };
}

/** Summarizes a clinical note. Never throws: unusable input gives an empty summary. */
export function summarizeText(text: string, options: SummarizeTextOptions = {}): ClinicalSummary {
  const summary = emptySummary();
  if (typeof text !== "string" || text.trim() === "" || looksBinary(text)) return summary;
  const maxItemLength = options.maxItemLength ?? 1000;
  const headers = findHeaders(text);
  let allergySectionNegated = false;
  for (let h = 0; h < headers.length; h++) {
    const header = headers[h];
    const end = h + 1 < headers.length ? headers[h + 1].start : text.length;
    summary.sections.push({ name: header.name, start: header.start, end });
    const field: SummaryField | null = header.field;
    if (!field) continue;
    for (const raw of splitBody(text, header.bodyStart, end)) {
      const piece = tidy(text, raw);
      if (!piece || piece.end - piece.start > maxItemLength) continue;
      const itemText = text.slice(piece.start, piece.end);
      if (field === "allergies") {
        if (
          ALLERGY_NEGATION.test(itemText) ||
          (ALLERGY_NEGATION_IN_SENTENCE.test(itemText) && !/\b(?:except|but|other than)\b/i.test(itemText))
        ) {
          allergySectionNegated = true;
          continue;
        }
      }
      if (EMPTY_VALUE.test(itemText)) continue;
      const negated = NEGATED.test(itemText);
      if (negated && (field === "allergies" || field === "medications")) continue;
      const item: Item = { text: itemText, span: piece, section: header.name };
      if (negated) item.negated = true;
      summary[field].push(item);
    }
  }
  if (summary.allergies.length === 0) {
    summary.noKnownAllergies = allergySectionNegated || (options.scanWholeText !== false && WHOLE_TEXT_NKA.test(text));
  }
  return summary;
}
