/**
 * Keeps a summary bounded whatever the input: the same allergy or medication named twice is one
 * item (the first, which keeps its reaction or dose), a free-text item repeated verbatim is one
 * item, and each field keeps at most MAX_ITEMS; `omitted` counts what the source holds beyond.
 */
import { SUMMARY_FIELDS, type ClinicalSummary, type Item, type SummaryField } from "./types";

/** Items per field: more than a doctor reads in an emergency, far less than a runaway input. */
export const MAX_ITEMS = 40;
/** Sections listed: a note has a few dozen; a runaway input would have tens of thousands. */
export const MAX_SECTIONS = 100;

/** Allergens and drugs by their normalized name (case, punctuation, a plural's s); free-text items by their text as written. */
const key = (item: Item): string => {
  const name = item.allergy?.substance ?? item.medication?.name;
  return name === undefined
    ? item.text
    : name
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, " ")
        .replace(/\b([a-z]{2,}[^s\s])s\b/g, "$1") // "BETA BLOCKERS" and "the BETA BLOCKER" are one allergy
        .trim();
};

/**
 * "insulin" after "NovoLog insulin": the same drug named again, shorter. A numbered product is
 * another drug: "Tylenol" after "Tylenol No. 3" (with codeine) is plain Tylenol.
 */
function namedBefore(k: string, seen: Map<string, number>): number | undefined {
  const words = k.split(" ");
  for (const [other, at] of seen) {
    const otherWords = other.split(" ");
    if (!words.every((w) => otherWords.includes(w))) continue;
    if (otherWords.some((w) => /^\d/.test(w) && !words.includes(w))) continue;
    return at;
  }
  return undefined;
}

function dedupe(items: Item[]): Item[] {
  const seen = new Map<string, number>();
  const out: Item[] = [];
  for (const item of items) {
    const k = key(item);
    const structured = item.allergy !== undefined || item.medication !== undefined;
    const at = seen.get(k) ?? (structured && seen.size < 200 ? namedBefore(k, seen) : undefined);
    if (at === undefined) {
      seen.set(k, out.length);
      out.push(item);
    } else if (item.allergy?.reaction && !out[at].allergy?.reaction) {
      out[at] = item; // the mention that states the reaction is the better one
    }
  }
  return out;
}

export function boundSummary(summary: ClinicalSummary): ClinicalSummary {
  const omitted: Partial<Record<SummaryField, number>> = {};
  for (const field of SUMMARY_FIELDS) {
    const items = dedupe(summary[field]).sort((a, b) => a.span.start - b.span.start);
    if (items.length > MAX_ITEMS) omitted[field] = items.length - MAX_ITEMS;
    summary[field] = items.slice(0, MAX_ITEMS);
  }
  if (summary.dischargeMedications) {
    summary.dischargeMedications = dedupe(summary.dischargeMedications).slice(0, MAX_ITEMS);
  }
  if (summary.stoppedMedications) {
    summary.stoppedMedications = dedupe(summary.stoppedMedications).slice(0, MAX_ITEMS);
  }
  if (Object.keys(omitted).length > 0) summary.omitted = omitted;
  if (summary.sections.length > MAX_SECTIONS) summary.sections = summary.sections.slice(0, MAX_SECTIONS);
  return summary;
}
