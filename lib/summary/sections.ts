/**
 * Section headers of clinical notes: finds them in many styles and maps their names to summary
 * fields. Styles: "ALLERGIES:" (also inline, after a comma or a full stop, as in transcriptions
 * whose line breaks became commas), "Current Medications:", "Drug Allergies - ...",
 * "# Allergies" / "## Plan" (markdown), "**Plan:**", and a header alone on its line
 * ("ALLERGIES", "Medications").
 */
import type { SummaryField } from "./types";

export type Header = {
  /** Header name as written, without markers ("#", ":", "-"). */
  name: string;
  /** Where the header starts (section start) and where its body starts. */
  start: number;
  bodyStart: number;
  field: SummaryField | null;
};

const MAX_HEADER = 60;

/**
 * What a section holds, beyond the summary field it feeds: current medications and discharge
 * medications are both medication lists but go to different fields; a review of systems mentions
 * allergy without stating one.
 */
export type SectionKind = "dischargeMedications" | "reviewOfSystems" | "procedural" | "history" | null;

/** Maps a header name to the summary field it feeds, or null. */
export function classifyHeader(name: string): SummaryField | null {
  const n = name.toLowerCase().replace(/\s+/g, " ").trim();
  if (n === "a") return "conditions";
  if (n === "p") return "plan";
  if (/family|social|present illness|chief complaint|review of systems|^ros$|immunolog|^allergic$/.test(n)) return null;
  if (/allerg|^nkda$|adverse (drug )?reactions?|^all$/.test(n)) return "allergies";
  if (/vital|^vs$/.test(n)) return "vitals";
  if (
    /\bplan\b|recommendation|disposition|follow[- ]?up|instructions|prescriptions?|\bprescribed\b|^rx$|\bnew (?:medications|meds)\b/.test(
      n,
    )
  )
    return "plan";
  // "PREMEDICATIONS", "Pre-medication": given before a procedure, not the patient's list.
  if (/\bpre-?\s?medicat/.test(n)) return null;
  if (/medications?\b|medicines?\b|\bmeds\b|^drugs$/.test(n)) return "medications";
  if (/diagnos[ie]s|impression|assessment|medical history|^pmh$|^pmhx$|problems?\b|conditions|^dx$/.test(n))
    return "conditions";
  if (/indication|description|technique|details|in detail|anesthesia/.test(n)) return null;
  if (/procedures?\b|operations?\b|surgical history|^psh$|surgeries/.test(n)) return "procedures";
  if (/\blabs?\b|laborator|results?\b|imaging|radiolog|diagnostic (data|studies|tests)|studies|^data$|findings/.test(n))
    return "results";
  return null;
}

/** The kind of section a header opens (see SectionKind). */
export function sectionKind(name: string): SectionKind {
  const n = name.toLowerCase().replace(/\s+/g, " ").trim();
  if (
    /discharge|going home|to go home|on leaving/.test(n) &&
    /medication|meds|prescription|instruction|^discharge$/.test(n)
  )
    return "dischargeMedications";
  if (/review of systems|^ros$|systems review/.test(n)) return "reviewOfSystems";
  if (
    /anesthe|pre-?\s?medicat|procedure|operation|operative|technique|course|emergency|\bed\b|\ber\b|treatment|given|sedation|intraop|findings|estimated blood|complications|specimen|description|indication|discharge/.test(
      n,
    )
  )
    return "procedural";
  if (/present illness|^hpi$|history|subjective|^s$|chief complaint|interval|reason/.test(n)) return "history";
  return null;
}

/** Sub-headers of a review of systems: they do not end it. */
export function isReviewOfSystemsPart(name: string): boolean {
  return /^(?:constitutional|general|heent|head|eyes?|ears?|nose|throat|mouth|ent|neck|skin|integument\w*|derm\w*|cardio\w*|cv|heart|chest|respiratory|resp|pulm\w*|lungs|gi|gastro\w*|abdomen|gu|genito\w*|renal|musculo\w*|msk|extremities|neuro\w*|psych\w*|endo\w*|hem\w*|lymph\w*|allergic\w*|immun\w*|allergic\/immunologic|breasts?|sleep|pain)(?:[ /&,]+\w+)*$/i.test(
    name.trim(),
  );
}

/** Words that make a mixed-case phrase prose rather than a header. */
const PROSE =
  /\b(she|he|they|patient|pt|is|was|has|had|have|takes|taking|following|these|this|her|his|were|are|no|denies|with|for)\b/i;

function isCaps(name: string): boolean {
  if (name.length < 2 || name.length > MAX_HEADER) return false;
  if (!/^[A-Z][A-Z0-9 /&'()+.-]*$/.test(name)) return false;
  if (/\d$/.test(name)) return false;
  return (name.match(/[A-Z]/g) ?? []).length >= 2;
}

function isKnownHeader(name: string): boolean {
  if (name.length < 2 || name.length > MAX_HEADER) return false;
  if (!/^[A-Za-z][A-Za-z /&'()-]*$/.test(name)) return false;
  if (name.split(" ").length > 6 || PROSE.test(name)) return false;
  return classifyHeader(name) !== null;
}

/** Labels inside an item ("Sig:", "Dispense:"), not section headers. */
const ITEM_LABEL =
  /^(?:sig|dose|dosage|dispense|disp|refills?|qty|quantity|route|frequency|notes?|comments?|reactions?|severity|type|start(?:ed)?|stop(?:ped)?|date|time|by|per|re|generic|allow generic|strength|form|status|source|onset|reason|indication|amount|duration)$/i;

/** "Neck:", "Skin and extremities:": a sentence-case header the field map does not know; it ends a section. */
function isTitleHeader(name: string): boolean {
  if (name.length < 2 || name.length > 40) return false;
  if (!/^(?:[A-Z][a-z]+|[A-Z]{2,4})(?:[ /&-]+[A-Za-z]+){0,3}$/.test(name)) return false;
  return !PROSE.test(name) && !ITEM_LABEL.test(name);
}

/** SOAP notes: "S:", "O:", "A:", "P:". */
const isSoap = (name: string): boolean => /^[SOAP]$/.test(name);

/**
 * A colon-less header in capitals whose line break became a comma: ",PHYSICAL EXAMINATION,GENERAL:".
 * Only names that read as section names, so a list in capitals ("PCN,SULFA") is not one.
 */
const FLATTENED_CAPS_HEADER = /(?:^|[\n.,;]) *([A-Z][A-Z/&]+(?: [A-Z][A-Z/&]+){0,6})(?=,\S)/g;
const SECTION_WORDS =
  /\b(?:HISTORY|EXAM|EXAMINATION|SYSTEMS|IMPRESSION|ASSESSMENT|PLAN|DIAGNOS[IE]S|COURSE|PROCEDURES?|FINDINGS|LABORATORY|LABS|VITAL SIGNS|DISPOSITION|COMPLAINT|MEDICATIONS|MEDS|ALLERGIES|RECOMMENDATIONS|INDICATIONS?|TECHNIQUE|DESCRIPTION|ANESTHESIA|SUBJECTIVE|OBJECTIVE)\b/;

/** A colon-less header flattened into a line: ",ALLERGIES, NKDA" or ". MEDICATIONS None". */
const BARE_CAPS_HEADER =
  /(?:^|[\n.,;]) *((?:(?:CURRENT|HOME|OUTPATIENT|ADMISSION|ADMITTING|DRUG|KNOWN|PRESENT) )?(?:ALLERGIES|ALLERGY|MEDICATIONS|MEDS))(?=[ ,]+[A-Za-z(0-9])/g;

/** Prose that opens a medication list: "So her discharge meds are as follows:". */
const LIST_INTRO =
  /^[A-Za-z' ]{0,40}\b(?:discharge|home|current|admission) (?:medications|meds)(?: (?:are|were|include|included)(?: as follows)?)?$/i;

const BOUNDARY = /[\n,;.]/;

/** Headers of `text`, in order, not overlapping. */
export function findHeaders(text: string): Header[] {
  const found: Header[] = [];
  const add = (rawStart: number, rawEnd: number, bodyStart: number): void => {
    let s = rawStart;
    let e = rawEnd;
    while (s < e && /[\s#*]/.test(text[s])) s++;
    while (e > s && /[\s*:]/.test(text[e - 1])) e--;
    const name = text.slice(s, e);
    found.push({ name, start: rawStart, bodyStart, field: classifyHeader(name) });
  };

  // 1. "NAME:" anywhere after a boundary (start, line break, comma, semicolon, full stop).
  for (let i = text.indexOf(":"); i !== -1; i = text.indexOf(":", i + 1)) {
    if (/\d/.test(text[i + 1] ?? "")) continue; // a time or a ratio
    let b = i - 1;
    while (b >= 0 && i - b <= MAX_HEADER + 8 && !BOUNDARY.test(text[b])) b--;
    if (b >= 0 && !BOUNDARY.test(text[b])) continue;
    const segStart = b + 1;
    const raw = text.slice(segStart, i);
    const name = raw.replace(/^[\s#*-]+/, "").replace(/[\s*]+$/, "");
    if (!name) continue;
    const known = isCaps(name) || isKnownHeader(name) || isSoap(name) || isTitleHeader(name);
    if (!known && !LIST_INTRO.test(name)) continue;
    let body = i + 1;
    while (text[body] === "*") body++;
    add(segStart, i, body);
  }

  // 1b. Colon-less allergy and medication headers in capitals.
  for (const m of text.matchAll(BARE_CAPS_HEADER)) {
    const start = m.index + m[0].length - m[1].length;
    add(start, start + m[1].length, start + m[1].length);
  }

  for (const m of text.matchAll(FLATTENED_CAPS_HEADER)) {
    if (!SECTION_WORDS.test(m[1])) continue;
    const start = m.index + m[0].length - m[1].length;
    add(start, start + m[1].length, start + m[1].length);
  }

  // 2. Line styles: markdown, "Name - body", a header alone on its line.
  let lineStart = 0;
  while (lineStart <= text.length) {
    let lineEnd = text.indexOf("\n", lineStart);
    if (lineEnd === -1) lineEnd = text.length;
    const line = text.slice(lineStart, lineEnd);
    const trimmed = line.trim();
    let dashed = false;
    if (line.length < 400) {
      const dash = /^(\s*[A-Za-z][A-Za-z /&'()]{1,60}?)\s+[-\u2013\u2014]\s+/.exec(line);
      if (dash && !line.slice(0, dash[0].length).includes(":") && isKnownHeader(dash[1].trim())) {
        add(lineStart, lineStart + dash[1].length, lineStart + dash[0].length);
        dashed = true;
      }
    }
    if (!dashed && trimmed && trimmed.length <= MAX_HEADER + 10) {
      const md = /^#{1,6}\s*(.+)$/.exec(trimmed);
      const bare = trimmed
        .replace(/^\*+|\*+$/g, "")
        .replace(/:$/, "")
        .trim();
      if (md) add(lineStart, lineEnd, lineEnd);
      else if (!trimmed.includes(":") && !/[.!?]\s/.test(trimmed) && (isCaps(bare) || isKnownHeader(bare)))
        add(lineStart, lineEnd, lineEnd);
    }
    lineStart = lineEnd + 1;
  }

  found.sort((a, b) => a.start - b.start || b.bodyStart - a.bodyStart);
  const out: Header[] = [];
  for (const h of found) {
    const last = out[out.length - 1];
    if (last && h.start < last.bodyStart) continue;
    out.push(h);
  }
  return out;
}
