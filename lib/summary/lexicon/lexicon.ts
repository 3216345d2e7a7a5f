/**
 * Finds drug, drug-class, supplement and allergen names in text, so an emitted medication or
 * allergen is one that looks like one. Names come from lexiconData.ts (curated list plus the FHIR
 * data, see buildLexicon.ts); a drug the lexicon lacks is still found by the stems of generic
 * names ("-pril", "-sartan", "-olol", "-statin"...). Universal: no Node-only APIs.
 */
import { ALLERGENS, CLASSES, DRUGS, SUPPLEMENTS } from "./lexiconData";

export type TermKind = "drug" | "class" | "supplement" | "allergen";

export type Term = { start: number; end: number; kind: TermKind; name: string };

const KINDS = new Map<string, TermKind>();
for (const [list, kind] of [
  [ALLERGENS, "allergen"],
  [SUPPLEMENTS, "supplement"],
  [CLASSES, "class"],
  [DRUGS, "drug"],
] as const) {
  for (const name of list.split("|")) KINDS.set(name, kind);
}
const MAX_TERM_WORDS = Math.max(...[...KINDS.keys()].map((k) => k.split(" ").length));

/** Stems of generic drug names: a word ending so is a drug even when the lexicon lacks it. */
const GENERIC_STEM =
  /^[a-z]{3,}(?:pril|sartan|olol|alol|ilol|statin|azole|cillin|mycin|micin|floxacin|tidine|prazole|dipine|parin|xaban|gatran|gliptin|gliflozin|glitazone|triptan|zepam|zolam|afil|cycline|ciclovir|cyclovir|navir|mab|tinib|lukast|olone|thiazide|semide|sonide|terol|dronate|setron|oxetine|triptyline|pramine|peridol|apine|idone|barbital|caine|profen|fenac|coxib|codone|morphone|nidine|osin|fibrate|estradiol|thyronine|cef[a-z]+)$/;
const GENERIC_PREFIX = /^cef[a-z]{4,}$/;
/** Words that end like a drug but are not one. */
const NOT_DRUGS = new Set([
  "pristine",
  "creatine",
  "creatinine",
  "alkaline",
  "saline",
  "baseline",
  "midline",
  "hairline",
  "guideline",
  "decline",
  "discipline",
  "gasoline",
  "iodine",
  "porcelain",
  "plasmin",
]);

export function looksLikeGenericDrug(word: string): boolean {
  const w = word.toLowerCase();
  return !NOT_DRUGS.has(w) && (GENERIC_STEM.test(w) || GENERIC_PREFIX.test(w));
}

/** "grasses", "peaches", "boxes": plurals in -es of names the lexicon holds in the singular. */
const ES_PLURAL = /(?<=(?:ss|x|ch|sh))es$/;

/** The kind of a plural the lexicon holds in the singular ("statins", "grasses"). */
function singularKind(key: string): TermKind | undefined {
  return KINDS.get(key.slice(0, -1)) ?? (ES_PLURAL.test(key) ? KINDS.get(key.slice(0, -2)) : undefined);
}

type Word = { start: number; end: number; lower: string };

const WORD = /[A-Za-z][A-Za-z0-9'-]*[A-Za-z0-9]|[A-Za-z]/g;

function wordsOf(text: string, from: number, to: number): Word[] {
  const out: Word[] = [];
  WORD.lastIndex = from;
  for (let m = WORD.exec(text); m && m.index < to; m = WORD.exec(text)) {
    const end = Math.min(m.index + m[0].length, to);
    out.push({ start: m.index, end, lower: text.slice(m.index, end).toLowerCase() });
  }
  return out;
}

/** Lexicon terms in text[from, to), longest match first, not overlapping, in order. */
export function findTerms(text: string, from = 0, to = text.length): Term[] {
  const words = wordsOf(text, from, to);
  const out: Term[] = [];
  for (let i = 0; i < words.length; i++) {
    let found: Term | null = null;
    let key = "";
    for (let n = 0; n < MAX_TERM_WORDS && i + n < words.length; n++) {
      const w = words[i + n];
      if (n > 0) {
        const gap = text.slice(words[i + n - 1].end, w.start);
        if (!/^[ \t-]{1,2}$/.test(gap) && gap !== ". ") break;
        key += gap.includes("-") ? "-" : " ";
      }
      key += w.lower;
      const kind = KINDS.get(key) ?? (key.endsWith("s") ? singularKind(key) : undefined);
      if (kind) found = { start: words[i].start, end: w.end, kind, name: text.slice(words[i].start, w.end) };
    }
    if (!found && looksLikeGenericDrug(words[i].lower)) {
      found = {
        start: words[i].start,
        end: words[i].end,
        kind: "drug",
        name: text.slice(words[i].start, words[i].end),
      };
    }
    if (found) {
      found = secondOfDoubled(text, found, to);
      out.push(found);
      while (i + 1 < words.length && words[i + 1].start < found.end) i++;
    }
  }
  return out;
}

/**
 * A name written twice, the second time in full ("Darvocet Darvocet-N 100", "Tylenol Tylenol
 * Extra Strength"): the term is the second, with its hyphenated suffix.
 */
function secondOfDoubled(text: string, term: Term, to: number): Term {
  const after = text.slice(term.end, Math.min(to, term.end + term.name.length + 12));
  const m = /^\s+(\S+?)(-[A-Za-z0-9]+)?(?=[\s,;.()]|$)/.exec(after);
  if (!m || m[1].toLowerCase() !== term.name.toLowerCase()) return term;
  const start = term.end + m[0].length - m[1].length - (m[2]?.length ?? 0);
  const end = term.end + m[0].length;
  return { ...term, start, end, name: text.slice(start, end) };
}

/** The kind of a whole phrase when it is one lexicon entry ("sulfa drugs" is a class), else null. */
export function termKind(phrase: string): TermKind | null {
  const k = phrase.toLowerCase().replace(/\s+/g, " ").trim();
  return (
    KINDS.get(k) ??
    KINDS.get(k.replace(/s$/, "")) ??
    KINDS.get(k.replace(ES_PLURAL, "")) ??
    (looksLikeGenericDrug(k) ? "drug" : null)
  );
}
