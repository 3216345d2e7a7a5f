/**
 * The default summarizer engine ("clinical-sections/2"): a section-aware extractor with no model.
 * It finds the note's section headers (many styles: "ALLERGIES:", flattened ",MEDICATIONS: ,",
 * colon-less capitals, SOAP "S:/O:/A:/P:", markdown), maps them to summary fields and reads each
 * body. Allergies and medications are what a lexicon of drugs, classes and substances recognises
 * (lib/summary/lexicon), with reaction/severity and dose/frequency; discharge lists go to their
 * own field; prose outside those sections counts only when it says so ("He is allergic to
 * penicillin", "She takes Lasix"). A review of systems never gives an allergy. Every item's text
 * is a verbatim slice of the source at its span, and a summary is bounded whatever the input
 * (`omitted` says how many more items the source holds). Universal: no Node-only APIs.
 */
import { extractAllergyProse, extractAllergySection } from "./allergies";
import { boundSummary } from "./bound";
import { clausePieces, forgetSentences, sentences, trimPiece, type Piece } from "./clauses";
import { extractMedications, stoppedMedications, type MedicationMode } from "./medications";
import { findHeaders, isReviewOfSystemsPart, sectionKind } from "./sections";
import { emptySummary, type ClinicalSummary, type Item, type SummaryField } from "./types";

export type SummarizeTextOptions = {
  /** Also read allergy and medication statements in prose outside their sections (default true). */
  scanWholeText?: boolean;
  /** Items longer than this many characters are left out (default 1000). */
  maxItemLength?: number;
};

const EMPTY_VALUE =
  /^(?:none|nil|n\/a|not applicable|noncontributory|non-contributory|unremarkable|negative|no|none known|none reported|denies)$/i;
/** A list's number or letter on its own ("1", "2.", "(b)", "iv)"): a marker, not an item. */
const LIST_MARKER = /^(?:\(?\d{1,3}[.)]?|\(?[a-z][.)]|\(?[ivx]{1,4}[.)])$/i;
/** Who a sentence is about, before its verb: "She also denies…", "The patient denied…". */
const SUBJECT = String.raw`(?:(?:the\s+)?(?:patient|pt\.?)|she|he|they)\s+(?:also\s+|otherwise\s+)?`;
const NEGATED = new RegExp(
  String.raw`^(?:${SUBJECT})?(?:no|not|denies|denied|negative for|without|absence of|free of)\b`,
  "i",
);
/**
 * A negation that governs the list after it: "She denies liver disease, kidney disease, HIV and
 * gout" denies each of them. A bare "No" does not ("No pericardial effusion, mild mitral
 * regurgitation" lists two findings).
 */
const NEGATES_LIST = new RegExp(
  String.raw`^(?:${SUBJECT})?(?:denies|denied|negative for|no (?:prior |past )?history of|no evidence of|free of)\b`,
  "i",
);
/** A piece that ends a denied list: a contrast or a new statement ("but has asthma", "reports cough"). */
const ENDS_NEGATION = new RegExp(
  String.raw`^(?:but|however|although|though|yet|except|apart from|other than|(?:${SUBJECT})?(?:reports?|has|have|had|complains?|endorses?|admits?|notes?|is|was|takes?|uses?)\b)`,
  "i",
);
/** The note says the patient's usual medications go on: a list in that plan is the home list. */
const HOME_MEDICATIONS =
  /\b(?:continue|resume|placed on|remain on|stay on|discharged on|go home on)\b[^.]{0,30}?\b(?:usual|previous|home|regular|same|outpatient|prior)\s+(?:home\s+)?(?:medications|meds|medicines|regimen)\b/i;
const DISCHARGED = /\bdischarged\b/i;
/** A discharge item marked as new is not one of the home drugs (a "NEW MEDICATIONS" header after it is not a mark). */
const MARKED_NEW =
  /^[\s,.;:)]*(?:this is new|which is (?:a )?new|new\b(?!\s+(?:medications|meds|prescriptions|orders)\b)|\(new\))/i;
/** Words per item of the free-text fields (conditions, procedures, results, vitals, plan). */
const MAX_WORDS = 30;

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

/**
 * Splits a sentence of a free-text section into list pieces: bullets, numbered markers,
 * semicolons and, unless it uses semicolons, commas (not inside brackets nor between digit groups).
 */
function splitList(text: string, from: number, to: number): Piece[] {
  const semicolons = text.slice(from, to).includes(";");
  const pieces: Piece[] = [];
  let depth = 0;
  let start = from;
  for (let i = from; i < to; i++) {
    const ch = text[i];
    if (ch === "(" || ch === "[") depth++;
    else if ((ch === ")" || ch === "]") && depth > 0) depth--;
    else if (depth === 0 && (ch === ";" || (ch === "," && !semicolons))) {
      const digits = /\d/.test(text[i - 1] ?? "") && /^\d{3}\b/.test(text.slice(i + 1, i + 5));
      if (ch === "," && digits) continue;
      pieces.push({ start, end: i });
      start = i + 1;
    }
  }
  pieces.push({ start, end: to });
  return pieces;
}

/** Free-text items of a section: sentence by sentence, list pieces, clauses of at most MAX_WORDS words. */
function freeTextItems(text: string, from: number, to: number, section: string, maxLength: number): Item[] {
  const items: Item[] = [];
  for (const s of sentences(text, from, to)) {
    // Within a sentence, a denied list's later pieces are denied too.
    let denying = false;
    const pieces = splitList(text, s.start, s.end).flatMap((raw) => {
      const trimmed = trimPiece(text, raw);
      return trimmed ? clausePieces(text, trimmed, MAX_WORDS) : [];
    });
    for (const trimmed of pieces) {
      let piece = trimmed;
      const lead = /^(?:and|or|\(?\d{1,3}[.)])\s+/i.exec(text.slice(piece.start, piece.end));
      if (lead) piece = { start: piece.start + lead[0].length, end: piece.end };
      if (/:\s*$/.test(text.slice(piece.start, piece.end + 1)) && text[piece.end] === ":") continue;
      if (piece.end - piece.start > maxLength) continue;
      const itemText = text.slice(piece.start, piece.end);
      if (EMPTY_VALUE.test(itemText) || LIST_MARKER.test(itemText)) continue;
      const item: Item = { text: itemText, span: piece, section };
      if (NEGATES_LIST.test(itemText)) denying = true;
      else if (ENDS_NEGATION.test(itemText)) denying = false;
      if (denying || NEGATED.test(itemText)) item.negated = true;
      items.push(item);
    }
  }
  return items;
}

type Section = {
  name: string;
  /** The name a sub-heading is read under: "MEDICATIONS On admission". */
  label: string;
  start: number;
  bodyStart: number;
  end: number;
  field: SummaryField | null;
};

/** A sub-heading right under an allergy or medication header ("MEDICATIONS:,On admission:"). */
const SUB_HEADING_NOT =
  /history|exam|review|social|family|physical|impression|assessment|course|procedure|plan|vital|lab/i;

/** Sub-headings directly under an empty allergy or medication header are read as part of it. */
function inheritSubHeadings(text: string, sections: Section[]): void {
  for (let i = 0; i + 1 < sections.length; i++) {
    const parent = sections[i];
    const child = sections[i + 1];
    if (parent.field !== "allergies" && parent.field !== "medications") continue;
    if (trimPiece(text, { start: parent.bodyStart, end: parent.end }) !== null) continue;
    if (child.field !== null || SUB_HEADING_NOT.test(child.name) || child.name.split(" ").length > 4) continue;
    child.field = parent.field;
    child.label = `${parent.label} ${child.name}`;
  }
}

/** Summarizes a clinical note. Never throws: unusable input gives an empty summary. */
/** Directly before a drug: the patient's usual one ("his usual Valium", "her home insulin"). */
const USUAL_BEFORE = /\b(?:his|her|their) (?:usual|home|regular|chronic|outpatient)\s+$/i;

export function summarizeText(text: string, options: SummarizeTextOptions = {}): ClinicalSummary {
  if (typeof text !== "string" || text.trim() === "" || looksBinary(text)) return emptySummary();
  try {
    return summarize(text, options);
  } finally {
    forgetSentences();
  }
}

function summarize(text: string, options: SummarizeTextOptions): ClinicalSummary {
  const summary = emptySummary();
  const maxItemLength = options.maxItemLength ?? 1000;
  const prose = options.scanWholeText !== false;
  const headers = findHeaders(text);
  const sections: Section[] = headers.map((h, i) => ({
    name: h.name,
    label: h.name,
    start: h.start,
    bodyStart: h.bodyStart,
    end: i + 1 < headers.length ? headers[i + 1].start : text.length,
    field: h.field,
  }));
  inheritSubHeadings(text, sections);
  const discharge: Item[] = [];
  let noKnownAllergies = false;
  let noMedications = false;
  let inReview = false;
  let dischargeContext = false;
  let hospitalCourseSeen = false;
  let medicationListSeen = false;
  let afterAssessment = false;
  let homeListFrom = -1; // where the note says the usual medications go on
  const newAtDischarge = new Set<Item>();

  const readProse = (from: number, to: number, name: string, medicationMode: MedicationMode | null): void => {
    if (!prose) return;
    const a = extractAllergyProse(text, from, to, name);
    for (const item of a.items) summary.allergies.push(item);
    noKnownAllergies ||= a.statesNone;
    // A plan's "continue X" in a note that listed the current drugs: X is on that list, or it is
    // a drug of this stay (an antibiotic begun on admission), not a home drug; "he is on X" stays.
    if (medicationMode === "plan" && medicationListSeen) medicationMode = "planAfterList";
    if (medicationMode) {
      const m = extractMedications(text, from, to, medicationMode, name);
      for (const item of m.items) summary.medications.push(item);
      if (medicationMode === "narrative") noMedications ||= m.statesNone;
    }
    // "She was discharged home on Isordil", "Prescriptions were written for Percocet".
    if (dischargeContext || DISCHARGED.test(text.slice(from, to))) {
      const prescriptions = /discharg|disposition/.test(name.toLowerCase());
      const sent = extractMedications(text, from, to, "dischargeProse", name, false, prescriptions).items;
      for (const item of sent) discharge.push(item);
      // "discharged on his usual Valium": a usual drug is also a current one.
      const usual = sent.filter((i) => USUAL_BEFORE.test(text.slice(Math.max(from, i.span.start - 30), i.span.start)));
      for (const item of usual.map((i) => ({ ...i }))) summary.medications.push(item);
    }
  };

  if (sections.length === 0 || sections[0].start > 0) readProse(0, sections[0]?.start ?? text.length, "", "narrative");
  for (const s of sections) {
    summary.sections.push({ name: s.name, start: s.start, end: s.end });
    const kind = sectionKind(s.label);
    const name = s.label.toLowerCase();
    if (kind === "reviewOfSystems") inReview = true;
    else if (inReview && !(isReviewOfSystemsPart(s.name) && s.field === null)) inReview = false;
    if (/discharge|disposition/.test(name)) dischargeContext = true;
    if (/hospital course/.test(name)) hospitalCourseSeen = true;
    if (/assessment|impression|\bplan\b|^a$|^p$/.test(name)) afterAssessment = true;
    if (inReview) continue;

    const body = text.slice(s.bodyStart, s.end);
    const home = /medic|meds|regimen/i.test(body) ? HOME_MEDICATIONS.exec(body) : null;
    const homeList = home !== null;
    if (home && homeListFrom === -1) homeListFrom = s.bodyStart + home.index;
    const newList = /\bnew (?:medications|meds)\b/.test(name);
    if (
      kind === "dischargeMedications" ||
      // After the hospital course and a discharge heading, an unqualified list is the discharge list.
      (s.field === "medications" && dischargeContext && (medicationListSeen || hospitalCourseSeen)) ||
      (newList && dischargeContext) ||
      (homeList && dischargeContext && s.field === "plan")
    ) {
      const unknownNames = /medication|\bmeds\b|prescription|\brx\b/.test(name);
      const listed = extractMedications(text, s.bodyStart, s.end, "discharge", s.name, unknownNames).items;
      if (newList) for (const item of listed) newAtDischarge.add(item);
      for (const item of listed) discharge.push(item);
      if (s.field === "medications" || newList) continue;
    }
    if (s.field === "allergies") {
      const a = extractAllergySection(text, s.bodyStart, s.end, s.name);
      for (const item of a.items) summary.allergies.push(item);
      noKnownAllergies ||= a.statesNone;
      const m = extractMedications(text, s.bodyStart, s.end, "narrative", s.name);
      for (const item of m.items) summary.medications.push(item);
      continue;
    }
    if (s.field === "medications") {
      // Given in a procedure or in hospital ("MEDICATIONS AT THE TIME OF STUDY"), a past list, or a
      // list after the assessment of a note that already gave one: not current. An allergy said
      // beside a drug there ("Vancomycin 1 g (the patient was allergic to penicillin)") still counts.
      const given =
        /given|administered|intra-?op|anesthe|sedation|\b(?:ed|er)\b|emergency|procedur|time of (?:the )?(?:study|surgery|operation|exam)|^iv\b/;
      const past = /previous|\bpast\b|prior(?! to)|former|discontinued|stopped|tried|failed/;
      if (given.test(name) || past.test(name) || (afterAssessment && medicationListSeen)) {
        readProse(s.bodyStart, s.end, s.name, null);
        continue;
      }
      const m = extractMedications(text, s.bodyStart, s.end, "list", s.name, true);
      for (const item of m.items) summary.medications.push(item);
      noMedications ||= m.statesNone && m.items.length === 0;
      medicationListSeen ||= m.items.length > 0;
      readProse(s.bodyStart, s.end, s.name, null);
      continue;
    }
    if (s.field && kind !== "dischargeMedications") {
      for (const item of freeTextItems(text, s.bodyStart, s.end, s.name, maxItemLength)) summary[s.field].push(item);
    }
    const mode: MedicationMode | null =
      s.field === "plan" || name === "a" || /assessment|impression/.test(name)
        ? "plan"
        : kind === "dischargeMedications" || /discharge|disposition/.test(name)
          ? null
          : kind === "procedural"
            ? "homeList"
            : "narrative";
    readProse(s.bodyStart, s.end, s.name, mode === "homeList" && !/med|regimen|continu/i.test(body) ? null : mode);
  }
  if (discharge.length > 0) summary.dischargeMedications = discharge;
  if ((homeListFrom !== -1 || newAtDischarge.size > 0) && !medicationListSeen) {
    // "continue her usual medications", or a discharge list beside a list of the new ones: the
    // discharge list is her home list, less what is new.
    summary.medications.push(
      ...discharge.filter(
        (i) =>
          i.span.start > homeListFrom &&
          !newAtDischarge.has(i) &&
          !MARKED_NEW.test(text.slice(i.span.end, i.span.end + 40)),
      ),
    );
  }
  // A drug this note stops is not a current one, whichever section listed it before the stop, by the
  // note's own name for it ("Toprol XL 50 mg" too for "Stop Toprol."): it has its own field. Another
  // name of the drug ("Stop Coumadin." beside "Warfarin 5 mg") is left listed, and the reconciled
  // list flags it (lib/summary/drugNames.ts): a summary never drops a drug on a name match alone.
  // A list after the stop that names it again says it goes on, and the stop is dropped.
  const isStopped = (item: Item, stop: Item) => {
    const own = (item.medication?.name ?? "").toLowerCase();
    const name = (stop.medication?.name ?? "").toLowerCase();
    return own === name || own.startsWith(`${name} `);
  };
  const stopped = stoppedMedications(text).filter(
    (stop) => !summary.medications.some((i) => i.span.start > stop.span.end && isStopped(i, stop)),
  );
  if (stopped.length > 0) {
    for (const item of stopped) {
      for (const s of sections) if (s.start <= item.span.start) item.section = s.name;
    }
    summary.medications = summary.medications.filter((i) => !stopped.some((stop) => isStopped(i, stop)));
    summary.stoppedMedications = stopped;
  }
  if (summary.medications.length === 0 && noMedications) summary.noMedications = true;
  summary.noKnownAllergies = summary.allergies.length === 0 && noKnownAllergies;
  return boundSummary(summary);
}
