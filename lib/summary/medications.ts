/**
 * Medication items of a note: every drug, supplement or (in a list) drug class the lexicon knows,
 * or a capitalised name followed by a dose, with its dose and frequency. A list section yields
 * every drug it names except past ones ("previously on folic acid"); prose elsewhere yields only
 * what a sentence says the patient takes ("She is on Lasix", "continue Coumadin").
 */
import { capWords, sentences, type Piece } from "./clauses";
import { findTerms, type Term } from "./lexicon/lexicon";
import type { Item } from "./types";

/**
 * `list`: a current medication list; `discharge`: a discharge list (prescriptions belong there);
 * `narrative`: prose; `plan`: a plan or assessment; `planAfterList`: a plan of a note that listed the
 * current drugs (only "he is on X": a drug continued there is on the list or one of this stay);
 * `dischargeProse`: prose that sends the patient home with drugs ("discharged home on Isordil",
 * "prescriptions were written for Percocet").
 */
export type MedicationMode =
  "list" | "discharge" | "dischargeProse" | "narrative" | "plan" | "planAfterList" | "homeList";

/**
 * Prose that opens the patient's own list: "placed on the usual medications that included X, Y",
 * "her home meds are X and Y". What follows it reads as a list, in any section, a course included
 * (mode `homeList` reads only such sentences).
 */
const HOME_LIST_INTRO =
  /\b(?:usual|home|regular|outpatient|chronic|maintenance|current|daily|routine|admission|admitting)\s+(?:medications?|meds|medicines|medication regimen|regimen)\b\s*,?\s*(?:(?:that|which)\s+)?(?:(?:basically|mainly|mostly|now|also)\s+)?(?:include[sd]?|including|consist(?:s|ed|ing)?\s+of|are|were|is|was|of|as follows|:)\s*|\b(?:his|her|their|the patient's) (?:current )?(?:medications|meds|medicines) (?:include|includes|are|consist of)\s+/i;

/** The drug is not taken now: past, stopped, tried, or an allergy. */
const PAST =
  /\b(?:previously|in the past|at that time|used to|was on|were on|initially|originally|was (?:\w+ )?taking|were (?:\w+ )?taking|(?:was|is) supposed to be (?:taking|on)|had (?:\w+ )?been on|has tried|had tried|tried|(?:recently |just )?finished|completed (?:a |the |his |her )?course of|stop(?:ped|ping|s)?|discontinu\w*|d\/c(?:'?d)?|not (?:currently )?taking|not on|no longer|quit|off (?:of )?|failed|prior trial|allerg\w*|intoleran\w*|reaction)\b/i;
/** Started, given or prescribed in this note: not a current drug when stated in prose. */
const NOT_CURRENT =
  /\b(?:will|would|start(?:ed|ing)?|begin|began|add(?:ed|ing)?|give|given|gave|(?<!continu(?:es?|ed) to )receiv(?:e|ed|ing)|administ\w+|(?<!\bbeing )prescri\w+|recommend\w*|consider\w*|suggest\w*|trial of|switch\w*|change\w*|increase\w*|plan|may|should(?! be (?:noted|mentioned)| continue)|could|if|after|prior to|before|scripts?|rx|dispense\w*|refill\w*|offered|declined|instead|following|plac(?:e|ed|es|ing)|put(?:s|ting)?|elect\w*|cho(?:se|sen)|agreed|decided?)\b/i;
/** Prose that says the patient takes a drug now. */
const TAKING =
  /\b(?:takes|taking|take[sn]? (?:his|her)|(?:is|are) (?:currently )?being prescribed|is on|are on|remains on|remain on|adheren\w* to|complian\w* with|keep(?:s|ing)? (?:him|her|them|the patient) on|respond(?:s|ing)? (?:well |nicely )?to|has been on|have been on|been taking|uses|using|currently on|maintained on|medications? (?:include|includes|included|consists? of|are|is|list)|continu(?:es?|ed) to (?:take|use|receive)|continues? (?:on|with)|does take|also takes|does use|on (?:chronic|daily|home|long-term|low-dose)|regimen (?:of|includes?)|placed on|back on|tolerating (?:his|her|the)|(?:his|her|their) (?:usual|home|regular|chronic|daily)|discharged on (?:his|her)|(?:is|are|being|been|currently|well) (?:treated|managed|controlled) (?:with|on)|(?:have|has) (?:been )?treat(?:ed|ing) (?:him|her|them|the patient) with|on (?:outpatient |home |oral |chronic |maintenance )?(?:treatment|therapy) with)\b/i;
/** "a 70-year-old on Coumadin", "ablation done on Coumadin treatment": "on" directly before the drug. */
const ON_DRUG =
  /(?<!\b(?:based|depend\w*|focus\w*|comment\w*|decided|agreed|report\w*|educat\w*|counsel\w*|instruct\w*|advice|advised|discuss\w*|information|data|stud(?:y|ies)|trials?|effects?|impact|review\w*|literature|guidelines?)\s)\bon\s+(?:(?:his|her|their|oral|daily|chronic|low-dose|home)\s+)?$/i;
/** In a plan, a drug continued, held, resumed or re-dosed is one the patient already takes. */
const DISCHARGE_CUE = /\b(?:discharged (?:home |to home )?(?:on|with)|sent home (?:on|with))\b/i;
/** In a discharge section, prescriptions written are the discharge drugs. */
const PRESCRIPTION_CUE =
  /\b(?:prescriptions? (?:was |were )?(?:written|given|provided|called in|sent) for|given (?:a |the )?(?:prescriptions?|scripts?|rx) for|scripts? (?:left |written )?for)\b/i;
const DISCHARGE_OR_PRESCRIPTION = new RegExp(`${DISCHARGE_CUE.source}|${PRESCRIPTION_CUE.source}`, "i");
/** Another time or another person: "discharged on Reglan yesterday", "the brother was discharged". */
const NOT_THIS_DISCHARGE =
  /\b(?:yesterday|previous(?:ly)?|last (?:week|month|year|admission|time)|prior|ago|brother|sister|mother|father|son|daughter|husband|wife)\b/i;
const LIST_MODES = new Set<MedicationMode>(["list", "discharge", "dischargeProse"]);
/** After a drug in a plan: it was begun in this stay ("verapamil, which has been started"). */
const STARTED_AFTER =
  /^[^.;]{0,30}?\b(?:which|that) (?:has|have|had|was|were) (?:just |recently |now )?(?:been )?(?:just |recently )?started\b/i;
/** A start at an earlier visit: "at the last visit", "three months ago". */
const EARLIER =
  /\b(?:last|previous|prior) (?:visit|appointment|office visit|clinic visit)\b|\b(?:\d+|a|one|two|three|four|six|several|a few) (?:weeks?|months?|years?) ago\b/i;
const STARTED_ON = /\bstarted (?:him |her |them )?on\b/i;
/** "took some nitroglycerin at home": the patient's own drug. */
const TOOK = /\b(?:took|used)\b/i;
const AT_HOME_AFTER = /^[^.;,]{0,30}\bat home\b/i;
/** Classes a plan continues that are a course of this stay, not the patient's own drugs. */
const COURSE_CLASS = /^(?:(?:iv |oral |broad-spectrum )?antibiotics?|antimicrobials?|(?:iv )?fluids)$/i;
/** In a hospital course, the patient's own drugs given on: "continued to receive Coreg". */
const CONTINUED_IN_STAY = /\bcontinu(?:ed|es) to (?:receive|take)\b/i;
/** What a plan says the patient is on now. */
const ON_NOW =
  /\b(?:is on|are on|remains on|remain on|adheren\w* to|complian\w* with|keep(?:s|ing)? (?:him|her|them|the patient) on)\b/i;
const CONTINUE =
  /\b(?:continue[sd]?|resume[sd]?|hold(?:ing)?|held|increase[sd]?|decrease[sd]?|titrate[sd]?|adjust(?:ed)?|is on|are on|remains on|remain on|adheren\w* to|complian\w* with|keep(?:s|ing)? (?:him|her|them|the patient) on)\b/i;
/** Between "continue" and the drug: it is being stopped or replaced after all. */
const BUT_STOPPED =
  /\b(?:discontinu\w*|stop\w*|except|instead|subsequent\w*|then|later|inferior|superior|rather|than|versus|albeit|change\w* to|switch\w*|replace\w*|moved|transition\w*|off)\b/i;
/** After a drug in its own entry: "prednisone 5 mg, but discontinued this on 06/16". */
const STOPPED_AFTER = /\b(?:discontinu\w*|stopped|no longer|d\/c(?:'?d)?)\b/i;
/** Directly after a drug: it is held for now ("Plavix is being held", "Coumadin on hold"). */
const HELD_AFTER =
  /^\s+(?:(?:is|was|are|were|has been|have been|will be|to be)\s+)?(?:being\s+|currently\s+|temporarily\s+)?(?:held|on hold)\b/i;
/** After a drug in a plan: the rest of a short course ("for two more days", "to complete 10 days"). */
const COURSE_END =
  /\bfor (?:an? )?(?:additional|another|further)\b|\b(?:\d+|one|two|three|four|five|six|seven|ten|several|a few) more (?:days?|doses?)\b|\bto (?:complete|finish)\b|\buntil (?:the )?(?:course|completion|finished|completed)\b/i;
/** In a current list: a dispense count is a prescription written in this note, not a drug taken. */
const PRESCRIBED = /(?<!(?:tylenol|codeine)\s?)#\s?\d+|\bdisp(?:ense)?\b|\brefills?\b|\bsamples?\b/i;
/** Before a held drug: it is not the patient's ("not on Plavix, which is being held"). */
const NEGATED = /\b(?:not|no longer)\b/i;
/** Before a drug a plan continues: a stop said first. */
const DISCONTINUED = /\bdiscontinu/i;
/** A list line given as a push or bolus: drugs administered in the procedure, not taken. */
const PUSHED = /\b(?:iv|intravenous|slow) (?:push|bolus)\b/i;
/** "Versed intravenously, Demerol intravenously": a list of the sedation given for a procedure. */
const IV_SEDATION = /\b(?:versed|midazolam)\b[^,;]{0,30}\b(?:iv|intravenous(?:ly)?)\b/i;
const IV_ROUTE = /\b(?:iv|intravenous(?:ly)?)\b/i;
const SEDATIVE = /\b(?:versed|midazolam|propofol|diprivan)\b/i;
/**
 * "Multivitamins including calcium and vitamin D": what a multivitamin contains is part of its
 * entry, not a drug of its own.
 */
function partOfEntry(
  text: string,
  terms: readonly { start: number; end: number; name: string }[],
  i: number,
  groupStart: number[] = [],
): boolean {
  // A comma ends the entry ("…, Lipitor"); "and" joins what it contains. `groupStart` keeps where
  // each term's group begins, asked in order: "A and B and C ..." is read once, not once per drug.
  const joined = (k: number) => /^\s+(?:and|&)\s+$/i.test(text.slice(terms[k - 1].end, terms[k].start));
  for (let k = groupStart.length; k <= i; k++) groupStart.push(k > 0 && joined(k) ? groupStart[k - 1] : k);
  const first = groupStart[i];
  if (first === 0) return false;
  const gap = text.slice(terms[first - 1].end, terms[first].start);
  return (
    /^[^,;.]*\b(?:including|containing|with)\s+$/i.test(gap) &&
    /vitamin|multi|prenatal|glucosamine/i.test(terms[first - 1].name)
  );
}

/** Sedation agents that are never a patient's own drug. */
const SEDATION_ONLY = /^(?:propofol|diprivan)$/i;
/** Before a drug in a list: a single dose given now ("one dose of X today"). */
const SINGLE_DOSE = /\b(?:one|a single|single|a one-time|one-time|a stat) dose of\s+$/i;
/** In any list: a pending need is a plan, not a drug. */
const PENDING =
  /\bneed for\b|\bevaluate (?:\w+ )*for\b|\bpending\b|\bconsider\w*\b|\bnot (?:yet )?(?:begun|started|filled)\b|\bhas not yet\b/i;
/** A substance named as a level or diet, not a drug: "calcium intake", "potassium level". */
const NOT_A_DOSE_AFTER =
  /^\s+(?:intake|levels?|deficiency|was|of \d|channel|score|rich|content|-?rich|challenge|stimulation|test(?:ing)?|scan|study)\b/i;
/** Forms and devices that belong to the drug before them: "Salmeterol nasal inhaler", "eye drops". */
const FORM = /(?:inhalers?|drops|cream|ointment|patch|spray|nebuli[sz]ers?)$/i;
/** "None", "He is on no medications", "not currently taking any medications". */
export const NO_MEDICATIONS =
  /^(?:none|nil|no|n\/a|none currently|none at (?:the )?present(?: time)?|none at this time)$|\b(?:no (?:current |regular |daily |home |routine |prescription |chronic )?(?:medications?|meds|medicines)\b(?! (?:allerg|reaction|change))|on no (?:medications?|meds)|takes no (?:medications?|meds)|not (?:currently )?(?:taking|on) any (?:medications?|meds|medicines)|(?:does not|doesn't|has not|hasn't|is not|isn't) (?:been )?tak(?:e|en|ing) (?:any )?(?:medications?|meds|medicines)|(?:does not|doesn't|did not|didn't|do not|don't) (?:list|report|take|use) any (?:current |regular |daily |prescription )?(?:medications?|meds|medicines)|none (?:currently|at (?:the )?present|at this time))/i;

const NAME_SUFFIX =
  /^[ -](?:XL|XR|ER|SR|CR|LA|DS|PM|HCT|HCTZ|CD|ODT|EC|Plus|Forte|D|Elixir|#\s?\d|No\.?\s{1,2}[1-4]|\d{1,3}\/\d{2,4}(?:\.\d{1,2})?|N \d+)\b|^ (?:[XESC]\.[LR]\.|L\.A\.|C\.D\.)/;
const DOSE =
  /\b\d+(?:[.,/]\d+)*\s*(?:mg|mcg|mcgs|micrograms?|g|gm|grams?|units?|iu|meq|ml|cc|%|puffs?|tabs?|tablets?|capsules?|caps|drops?|patch)\b(?:\s*\/\s*(?:ml|h|hr|hour|kg|day))?/i;
const FREQUENCY =
  /\b(?:once|twice|three times|four times)(?: a| per)? (?:day|daily|week|month)|\b(?:a|per) day\b|\b(?:daily|nightly|weekly|monthly|every (?:day|night|morning|evening|other day|\d+(?:-\d+)? hours?)|at bedtime|in the (?:morning|evening)|as needed|b\.?\s?i\.?\s?d\b\.?|t\.?\s?i\.?\s?d\b\.?|q\.?\s?i\.?\s?d\b\.?|q\.?\s?d\b\.?|q\.?\s?h\.?\s?s\b\.?|q\.?\s?a\.?\s?m\b\.?|q\.?\s?p\.?\s?m\b\.?|q\.?\s?\d+(?:-\d+)?\s?h(?:ours?)?\b\.?|p\.?\s?r\.?\s?n\b\.?)/i;
/** Between two drugs of one group: "X and Y", "X 120 mg, Y 25 mg b.i.d., and Z" (a dose, no other words). */
const DOSED = `(?:\\s*${DOSE.source})?(?:\\s*(?:${FREQUENCY.source}))?`;
const JOINED = new RegExp(`^${DOSED}\\s*(?:,\\s*(?:and\\s+)?|\\s(?:and|&|as well as)\\s+)$`, "i");
/** After the last drug of a group: a plural verb stops them all ("Cardizem and metoprolol were discontinued"). */
const STOPPED_TOGETHER = new RegExp(
  `^${DOSED}[^.;:]{0,30}?\\b(?:were|have been|are being|are now)\\s+(?:all\\s+|both\\s+|now\\s+|since\\s+)?(?:discontinu\\w*|stopped|d\\/c(?:'?d)?)\\b`,
  "i",
);

/**
 * For each drug of a sentence, whether it is one of a group that a plural "were discontinued" after
 * its last member stops: "Presently on Cardizem and metoprolol were discontinued" stops Cardizem too.
 * One pass from the last drug back, so a long list stays linear.
 */
function stoppedTogether(text: string, terms: readonly Term[], end: number): boolean[] {
  const out = new Array<boolean>(terms.length).fill(false);
  let groupStopped = false;
  for (let i = terms.length - 1; i >= 0; i--) {
    const joined = i + 1 < terms.length && JOINED.test(text.slice(terms[i].end, terms[i + 1].start));
    if (joined) {
      out[i] = groupStopped;
      continue;
    }
    // The last drug of its group: the words after it decide for the drugs joined before it.
    const limit = i + 1 < terms.length ? terms[i + 1].start : end;
    groupStopped = STOPPED_TOGETHER.test(text.slice(terms[i].end, limit));
  }
  return out;
}
/** A capitalised word the lexicon lacks, directly followed by a dose: "Xyzal 5 mg". */
const NAMED_DOSE = /\b([A-Z][A-Za-z]{3,}(?:[- ][A-Z][A-Za-z]+|-\d{1,3})?)\s+\d+(?:\.\d+)?\s*(?:mg|mcg|units?|meq)\b/g;
const NOT_A_NAME =
  /^(?:take|takes|total|dose|dosed|each|every|give|given|start|started|increase|decrease|then|with|plus|and|the|about|over|under|only|last|next|once|daily|times|over)$/i;
const TAKES_NAME = /\b(?:takes|taking|uses|using)\s+([A-Z][a-z]{3,}(?:-\d{1,3})?)(?=\s+(?:which|for|\d)\b|,|\s+and\b)/g;
const MED_KINDS = new Set(["drug", "supplement", "class"]);
const NOT_MEDICATION_CLASSES = /^(?:contrast|contrast dye|iv contrast|ivp dye|iodinated contrast|iodine|vaccine)$/i;

/**
 * Whether a list separates its entries with semicolons (Synthea: "insulin, regular; metformin"),
 * not merely turns with one ("metformin b.i.d.; however, she skips the second dose").
 */
function entriesBySemicolon(list: string): boolean {
  return /;(?!\s*(?:however|but|although|though|and|which|she|he|the patient)\b)/i.test(list);
}

/** Drug terms of a sentence: lexicon terms plus capitalised names followed by a dose (lists only). */
function drugTerms(text: string, s: Piece, list: boolean, unknownNames: boolean, classes = list): Term[] {
  // A list separated by semicolons keeps its commas inside entries (Synthea: "insulin, regular").
  const semicolons = list && entriesBySemicolon(text.slice(s.start, s.end));
  const found = findTerms(text, s.start, s.end).filter(
    (t) =>
      MED_KINDS.has(t.kind) &&
      (classes || t.kind !== "class") &&
      !NOT_MEDICATION_CLASSES.test(t.name) &&
      !NOT_A_DOSE_AFTER.test(text.slice(t.end, t.end + 20)),
  );
  const terms: Term[] = [];
  // What lies between the last kept term and the next, read as it grows (a semicolon entry may hold
  // many terms, each skipped: "A, B, C, ..." is read once, not once per term).
  let between: { from: number; ends: GrowingText; joins: GrowingText } | undefined;
  for (const t of found) {
    const last = terms[terms.length - 1];
    const gap = last ? text.slice(last.end, t.start) : "";
    if (last && between?.from !== last.end) {
      between = {
        from: last.end,
        ends: new GrowingText(text, semicolons ? /;/ : /[,;]/, last.end),
        joins: new GrowingText(text, /\b(?:and|or|with|plus)\b/i, last.end),
      };
    }
    const sameClause = last && between && !between.ends.test(t.start) && !between.joins.test(t.start);
    if (last && (gap === "/" || /^ [\d.,]+ ?(?:mg|mcg|g|units?) ?\/ ?$/i.test(gap))) {
      terms[terms.length - 1] = { ...last, end: t.end, name: text.slice(last.start, t.end) }; // "lisinopril/HCTZ"
    } else if (sameClause && semicolons && gap !== " ") {
      continue; // "insulin isophane, human 70 unt/ml / insulin, regular ... [humulin]": one entry
    } else if (sameClause && (gap === " " || /^insulin$/i.test(t.name))) {
      terms[terms.length - 1] = { ...last, end: t.end, name: text.slice(last.start, t.end) };
    } else if (sameClause && (/^\s*\($/.test(gap) || (t.kind !== "drug" && FORM.test(t.name)))) {
      continue; // "Lotensin (benazepril)", "Lotemax 0.5% eye drops": one drug
    } else terms.push(t);
  }
  // "piperacillin/tazobactam": a combination product is one drug, its second name known or not.
  for (const t of terms) {
    const combo = /^\/([A-Za-z]{4,})\b/.exec(text.slice(t.end, Math.min(s.end, t.end + 24)));
    if (combo && !/^(?:day|dose|week|hour|kg)s?$/i.test(combo[1])) {
      t.end += combo[0].length;
      t.name = text.slice(t.start, t.end);
    }
  }
  // "She also takes Eltroxin which is for hypothyroidism": a name the lexicon lacks, right after the verb.
  const lexical = new Spans([...terms].sort((a, b) => a.start - b.start));
  for (const m of text.slice(s.start, s.end).matchAll(TAKES_NAME)) {
    const start = s.start + m.index + m[0].length - m[1].length;
    const end = start + m[1].length;
    if (NOT_AN_ENTRY.test(m[1]) || lexical.overlaps(start, end)) continue;
    terms.push({ start, end, kind: "drug", name: m[1] });
  }
  if (!unknownNames) return terms.sort((a, b) => a.start - b.start);
  terms.sort((a, b) => a.start - b.start);
  for (const item of listEntries(text, s, new Spans(terms))) terms.push(item);
  terms.sort((a, b) => a.start - b.start);
  const known = new Spans(terms);
  const named = new Spans();
  const chunk = text.slice(s.start, s.end);
  for (const m of chunk.matchAll(NAMED_DOSE)) {
    const start = s.start + m.index;
    const end = start + m[1].length;
    if (NOT_A_NAME.test(m[1].split(/[- ]/)[0]) || known.overlaps(start, end) || named.overlaps(start, end)) continue;
    terms.push({ start, end, kind: "drug", name: m[1] });
    named.add({ start, end });
  }
  terms.sort((a, b) => a.start - b.start);
  return terms.flatMap((t, i) => {
    const gap = i > 0 ? text.slice(terms[i - 1].end, t.start) : "";
    // "V-optic 0.5% eye drops": the form belongs to the name before it (found only now, unknown to the lexicon).
    if (i > 0 && t.kind !== "drug" && FORM.test(t.name) && !/[,;]|\b(?:and|or|with|plus)\b/i.test(gap)) return [];
    // "PTU (propylthiouracil) 300 mg": the entry is named as the list writes it, its expansion in brackets.
    // "Avalide (irbesartan)": the name before the bracket is the entry; its expansion is not another.
    if (i > 0 && /^\s*\($/.test(gap)) return [];
    const abbreviation = /(?:^|[\s,;:])([A-Z][A-Z0-9-]{1,5}|[A-Z][a-z]{3,}) \($/.exec(
      text.slice(Math.max(s.start, t.start - 16), t.start),
    );
    if (abbreviation && (i === 0 || terms[i - 1].end <= t.start - abbreviation[1].length - 2)) {
      const start = t.start - abbreviation[1].length - 2;
      return [{ ...t, start, end: start + abbreviation[1].length, name: abbreviation[1] }];
    }
    return [t];
  });
}

const ENTRY_TAIL =
  /^(?:(?:one|two|three|half|1|2)\b|(?:eye |ear |nasal |topical |vaginal |ophthalm\w* )?(?:drops?|ointment|cream|gel|lotion|foam|solution|tears|spray|inhaler|tablets?|patch|shots?|injections?|elixir|syrup|suspension)\b|\d|p\.?r\.?n|daily|nightly|weekly|b\.?i\.?d|t\.?i\.?d|q\.?i\.?d|q\.?\s?\d|once|twice|as needed|at bedtime|\(|$)/i;
const NOT_AN_ENTRY =
  /^(?:none|unknown|include|includes|including|see|per|as|at|the|her|his|she|he|patient|medications?|meds|list|home|mondays?|tuesdays?|wednesdays?|thursdays?|fridays?|saturdays?|sundays?|however|activity|regular|diet|formula|follow|return|call|january|february|march|april|may|june|july|august|september|october|november|december|also|other|over|otc|prn|daily|total|dose|unable|noted|reviewed|current|previous|prior|new|old|same|all|no|not|yes|one|two|three|the|then|this|that|these|those|with|and|or|dr|doctor|mg)$/i;

/** "Flomax, Avodart and ibuprofen": list entries that read as a name, for drugs the lexicon lacks. */
/** Spans sorted by start, with the furthest end so far at each, to ask about overlaps by halving. */
class Spans {
  private readonly starts: number[] = [];
  private readonly furthest: number[] = [];

  /** `spans` in order of their starts. */
  constructor(spans: readonly Piece[] = []) {
    for (const span of spans) this.add(span);
  }

  /** Adds a span that starts at or after every span already here. */
  add({ start, end }: Piece): void {
    this.starts.push(start);
    this.furthest.push(Math.max(end, this.furthest[this.furthest.length - 1] ?? -Infinity));
  }

  /** Whether [start, end) overlaps a span: one that starts before `end` reaches past `start`. */
  overlaps(start: number, end: number): boolean {
    let low = 0;
    let high = this.starts.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (this.starts[middle] < end) low = middle + 1;
      else high = middle;
    }
    return low > 0 && this.furthest[low - 1] > start;
  }
}

function listEntries(text: string, s: Piece, known: Spans): Term[] {
  const out: Term[] = [];
  const chunk = text.slice(s.start, s.end);
  for (const m of chunk.matchAll(/[^,;]+/g)) {
    // Each part between " and "s, with where it begins in the text.
    const parts: { part: string; at: number }[] = [];
    let at = 0;
    for (const joint of m[0].matchAll(/\s(?:and|&)\s/g)) {
      parts.push({ part: m[0].slice(at, joint.index), at });
      at = joint.index + joint[0].length;
    }
    parts.push({ part: m[0].slice(at), at });
    for (const { part, at: partAt } of parts) {
      const offset = s.start + m.index + partAt + (part.length - part.trimStart().length);
      const entry = part.trim();
      // "Theo-24", "V-optic": a hyphen joins a number or a short prefix to the name.
      const name = /^((?:[A-Z][A-Za-z]{3,}|[A-Z]-[A-Za-z]{3,})(?:-[A-Z]?[A-Za-z]+|-\d{1,3})?)(?=\s|$)/.exec(entry);
      if (!name || NOT_AN_ENTRY.test(name[1])) continue;
      if (!ENTRY_TAIL.test(entry.slice(name[1].length).trim())) continue;
      if (known.overlaps(offset, offset + name[1].length)) continue;
      out.push({ start: offset, end: offset + name[1].length, kind: "drug", name: name[1] });
    }
  }
  return out;
}

function lastMatch(re: RegExp, s: string): RegExpExecArray | null {
  const g = new RegExp(re.source, re.flags.includes("g") ? re.flags : `${re.flags}g`);
  let last: RegExpExecArray | null = null;
  for (let m = g.exec(s); m; m = g.exec(s)) last = m;
  return last;
}

/** "... on any ": `/\bany\s+$/i.test(before)`, reading only the end of `before`. */
function endsWithAny(before: string): boolean {
  const trimmed = before.trimEnd();
  return (
    trimmed.length < before.length &&
    trimmed.slice(-3).toLowerCase() === "any" &&
    !/\w/.test(trimmed.charAt(trimmed.length - 4))
  );
}

/** `ON_DRUG.exec(text.slice(from, to))` ("a 70-year-old on Coumadin"), reading only its end. */
function onDrugBefore(text: string, from: number, to: number): Cue | null {
  let start = Math.max(from, to - 200);
  while (start > from && /\w/.test(text[start - 1])) start--;
  const m = ON_DRUG.exec(text.slice(start, to));
  return m ? { index: start - from + m.index, 0: m[0] } : null;
}

/** Each pattern's global twin, made once (readers are made per sentence; a read resets lastIndex). */
const GLOBAL = new Map<RegExp, RegExp>();
function globalOf(pattern: RegExp): RegExp {
  let global = GLOBAL.get(pattern);
  if (!global) {
    global = new RegExp(pattern.source, pattern.flags.includes("g") ? pattern.flags : `${pattern.flags}g`);
    GLOBAL.set(pattern, global);
  }
  return global;
}

/** A match, its index counted from the start of the text it was asked about (as `exec` gives it). */
type Cue = { index: number; 0: string };

/** How far behind what was read a new match may begin (longer than these patterns' matches). */
const REREAD = 160;
/** How far before the end of what was read a match may end and still be new (a lookahead's reach). */
const LOOKAHEAD = 16;

/**
 * `pattern` asked about text[from, to) again and again as `to` grows (one sentence, one drug after
 * another), each time reading only what is new and a margin before it: a sentence listing n drugs
 * costs about n, not n². A match that ends well before what was read already was judged, with all
 * its context, the time before; only matches that end later are new.
 */
class GrowingText {
  private checked: number;
  private last: Cue | null = null;
  private first: Cue | null = null;
  private readonly global: RegExp;

  /** `last`: {@link lastMatch} is asked, so reading goes on after the first match. */
  constructor(
    private readonly text: string,
    private readonly pattern: RegExp,
    readonly from: number,
    private readonly tracksLast = false,
  ) {
    this.checked = from;
    this.global = globalOf(pattern);
  }

  /** The first match in text[from, to) (as `pattern.exec`). */
  firstMatch(to: number): Cue | null {
    if (to < this.checked) return this.pattern.exec(this.text.slice(this.from, to));
    this.read(to);
    return this.first;
  }

  /** The last match in text[from, to) (as {@link lastMatch}). */
  lastMatch(to: number): Cue | null {
    if (to < this.checked) return lastMatch(this.pattern, this.text.slice(this.from, to));
    this.read(to);
    return this.last;
  }

  /** Whether text[from, to) has a match (as `pattern.test`). */
  test(to: number): boolean {
    return this.firstMatch(to) !== null;
  }

  private read(to: number): void {
    if (to <= this.checked || (this.first && !this.tracksLast)) return;
    let start = this.checked === this.from ? this.from : Math.max(this.from, this.checked - REREAD);
    // Begin after a non-word character, so that \b at the start reads as in the whole text.
    while (start > this.from && /\w/.test(this.text[start - 1])) start--;
    const window = this.text.slice(start, to);
    const since = this.checked === this.from ? -1 : this.checked - LOOKAHEAD - start;
    this.global.lastIndex = 0;
    for (let m = this.global.exec(window); m; m = this.global.exec(window)) {
      if (m.index + m[0].length <= since) continue;
      const cue = { index: start + m.index - this.from, 0: m[0] };
      this.first ??= cue;
      this.last = cue;
    }
    this.checked = to;
  }
}

/** Item text: the drug and what follows it up to the next drug or the end of its clause. */
function itemSpan(text: string, term: Term, limit: number, semicolons: boolean): Piece {
  let end = term.end;
  const suffix = NAME_SUFFIX.exec(text.slice(end, end + 12));
  if (suffix) end += suffix[0].length;
  const rest = text.slice(end, limit);
  const stop = (semicolons ? /;|\s(?:and|or|but)\s/i : STOP).exec(rest);
  const clauseEnd = stop ? end + stop.index : limit;
  return capWords(text, { start: term.start, end: Math.max(clauseEnd, end) }, semicolons ? 20 : 14);
}

const STOP = /,\s(?!\d)|;|\s(?:and|or|as well as|which|but|who|that|because|since|when)\s|\s-\s(?=[a-z]{4})/i;

function medicationItem(text: string, term: Term, span: Piece, section: string): Item {
  const suffix = NAME_SUFFIX.exec(text.slice(term.end, term.end + 12));
  const name = text.slice(term.start, term.end + (suffix ? suffix[0].length : 0));
  const rest = text.slice(term.start + name.length, span.end);
  const dose = DOSE.exec(rest);
  const frequency = FREQUENCY.exec(rest);
  return {
    text: text.slice(span.start, span.end),
    span,
    section,
    medication: {
      name,
      dose: dose ? dose[0] : null,
      frequency: frequency ? frequency[0].replace(/\.$/, "") : null,
    },
  };
}

export type MedicationExtraction = { items: Item[]; statesNone: boolean };

/** The drugs of a list that prose opened ("... that included X, Y and Z"), less those stated as past. */
function listItems(text: string, listed: Piece, section: string): Item[] {
  const items: Item[] = [];
  const terms = drugTerms(text, listed, true, true);
  const together = stoppedTogether(text, terms, listed.end);
  terms.forEach((term, i) => {
    const limit = i + 1 < terms.length ? terms[i + 1].start : listed.end;
    const own = text.slice(i > 0 ? terms[i - 1].end : listed.start, term.start);
    if (PAST.test(own) || /\b(?:no|not|without)\b/i.test(own) || STOPPED_AFTER.test(text.slice(term.end, limit)))
      return;
    if (together[i]) return;
    items.push(medicationItem(text, term, itemSpan(text, term, limit, false), section));
  });
  return items;
}

/**
 * Medications in text[from, to). `list`: a medication section (every drug not stated as past);
 * `narrative`: prose (only drugs a sentence says are taken); `plan`: a plan (only drugs continued
 * or held, which are current).
 */
export function extractMedications(
  text: string,
  from: number,
  to: number,
  mode: MedicationMode,
  section: string,
  unknownNames = false,
  prescriptions = false,
): MedicationExtraction {
  const items: Item[] = [];
  let statesNone = false;
  // "1. Versed intravenously. 2. Demerol intravenously.": a list of the sedation given.
  const listText = mode === "list" ? text.slice(from, to) : "";
  const ivSedationList = IV_SEDATION.test(listText);
  // "Fentanyl 200 mcg, Versed 10 mg, Phenergan 25 mg intravenously given throughout the procedure".
  const sedationList = SEDATIVE.test(listText) && IV_ROUTE.test(listText) && /\bprocedure\b/i.test(listText);
  for (const s of sentences(text, from, to)) {
    const sentence = text.slice(s.start, s.end);
    if (mode === "narrative" || mode === "plan" || mode === "planAfterList" || mode === "homeList") {
      const intro = /med|regimen/i.test(sentence) ? HOME_LIST_INTRO.exec(sentence) : null;
      if (intro && !PAST.test(sentence.slice(0, intro.index)) && !/\bno\s*$/i.test(sentence.slice(0, intro.index))) {
        const listFrom = s.start + intro.index + intro[0].length;
        // The list ends where the sentence turns: "...; however, no systemic steroids".
        const turn = /;|\b(?:however|but|although|though|whereas)\b/i.exec(text.slice(listFrom, s.end));
        const listed = { start: listFrom, end: turn ? listFrom + turn.index : s.end };
        for (const item of listItems(text, listed, section)) items.push(item);
        continue;
      }
      if (mode === "homeList" && !CONTINUED_IN_STAY.test(sentence)) continue;
    }
    if (
      mode === "narrative" &&
      !TAKING.test(sentence) &&
      !(TOOK.test(sentence) && /\bat home\b/i.test(sentence)) &&
      !(STARTED_ON.test(sentence) && EARLIER.test(sentence)) &&
      !/medication|\bmeds\b|\b(?:treatment|therapy|held|hold)\b|\b(?:and|now|also|still|currently|remains?) on\b/i.test(
        sentence,
      )
    )
      continue;
    const continued = mode === "planAfterList" ? ON_NOW : CONTINUE;
    if ((mode === "plan" || mode === "planAfterList") && !continued.test(sentence)) continue;
    const cue = prescriptions ? DISCHARGE_OR_PRESCRIPTION : DISCHARGE_CUE;
    if (mode === "dischargeProse" && (!cue.test(sentence) || NOT_THIS_DISCHARGE.test(sentence))) continue;
    // A plan names classes the patient stays on ("keep him on proton pump inhibitors").
    const list = mode === "list" || mode === "discharge";
    const planned = mode === "plan" || mode === "planAfterList";
    const terms = drugTerms(text, s, list, unknownNames, list || planned).filter(
      (t) => !(planned && t.kind === "class" && COURSE_CLASS.test(t.name)),
    );
    if (terms.length === 0) {
      if (NO_MEDICATIONS.test(sentence.trim())) statesNone = true;
      continue;
    }
    let together: boolean[] | undefined;
    // Sentence-wide facts, read once; what lies before each drug, read as the drugs come (GrowingText).
    const bySemicolon = LIST_MODES.has(mode) && entriesBySemicolon(sentence);
    const pushed = list && PUSHED.test(sentence);
    const pastSentence = mode === "narrative" || mode === "homeList" ? PAST.test(sentence) : false;
    const earlierSentence = mode === "narrative" || mode === "homeList" ? EARLIER.test(sentence) : false;
    const grow = (pattern: RegExp, tracksLast = false) => new GrowingText(text, pattern, s.start, tracksLast);
    const before$ = {
      past: grow(PAST),
      pending: grow(PENDING),
      prescribed: grow(PRESCRIBED),
      noMedications: grow(NO_MEDICATIONS),
      negated: grow(NEGATED),
      discontinued: grow(DISCONTINUED),
      cue: grow(prescriptions ? DISCHARGE_OR_PRESCRIPTION : DISCHARGE_CUE),
      startedOn: grow(STARTED_ON, true),
      took: grow(TOOK, true),
      taking: grow(TAKING, true),
      continued: grow(continued, true),
    };
    let ownPast = before$.past;
    let lastSemicolon = s.start - 1;
    let semicolonsTo = s.start;
    let notCurrent: GrowingText | undefined;
    const groupStart: number[] = [];
    for (let i = 0; i < terms.length; i++) {
      const term = terms[i];
      if (list && partOfEntry(text, terms, i, groupStart)) continue;
      const before = text.slice(s.start, term.start);
      const limit = i + 1 < terms.length ? terms[i + 1].start : s.end;
      const span = itemSpan(text, term, limit, bySemicolon);
      if (mode === "list" || mode === "discharge") {
        // In a list separated by semicolons, "discontinued" speaks of its own entry only.
        if (bySemicolon) {
          const semicolon = text.slice(semicolonsTo, term.start).lastIndexOf(";");
          if (semicolon !== -1) lastSemicolon = semicolonsTo + semicolon;
          semicolonsTo = term.start;
          if (ownPast.from !== lastSemicolon + 1) ownPast = new GrowingText(text, PAST, lastSemicolon + 1);
        }
        const own = text.slice(ownPast.from, term.start);
        if (ownPast.test(term.start) || STOPPED_AFTER.test(text.slice(term.end, limit))) continue;
        together ??= stoppedTogether(text, terms, s.end);
        if (together[i]) continue;
        // "one dose of hydrochlorothiazide today": a dose given at this visit, not a drug the patient takes.
        if (SINGLE_DOSE.test(own.slice(-30))) continue;
        // "Fentanyl 125 mcg and Versed 7 mg slow IV push", "Diprivan": sedation given, never a drug taken at home.
        // With IV Versed in the same list, its other IV entries are the same sedation.
        const sedation =
          pushed ||
          SEDATION_ONLY.test(term.name) ||
          sedationList ||
          (ivSedationList && IV_ROUTE.test(text.slice(term.start, span.end)));
        if (mode === "list" && sedation) continue;
        if (before$.pending.test(span.end) || (mode === "list" && before$.prescribed.test(span.end))) continue;
      } else if (mode === "dischargeProse") {
        if (!before$.cue.test(term.start) || before$.past.test(term.start)) continue;
      } else if (HELD_AFTER.test(text.slice(term.end, limit))) {
        // "Plavix is being held": a drug held for now is still the patient's.
        if (before$.negated.test(term.start)) continue;
      } else if (mode === "narrative" || mode === "homeList") {
        // "started on Cialis at the last visit", "took his nitroglycerin at home": begun before this
        // note, or the patient's own supply; what follows it is judged as any current drug.
        const earlier =
          (earlierSentence ? before$.startedOn.lastMatch(term.start) : null) ??
          (AT_HOME_AFTER.test(text.slice(term.end, limit)) ? before$.took.lastMatch(term.start) : null);
        const cue = earlier ?? before$.taking.lastMatch(term.start) ?? onDrugBefore(text, s.start, term.start);
        if (!cue || pastSentence || before$.noMedications.test(term.start)) continue;
        // A start or a plan speaks of the drug near its cue, not of one a long clause before it.
        if (earlier === null) {
          const from = s.start + Math.max(0, cue.index - 40);
          if (notCurrent?.from !== from) notCurrent = new GrowingText(text, NOT_CURRENT, from);
          if (notCurrent.test(term.start)) continue;
        }
        if (earlier !== null && before.length - cue.index - cue[0].length > 40) continue;
      } else {
        const cue = before$.continued.lastMatch(term.start);
        const after = cue ? before.slice(cue.index) : "";
        // The drug follows its cue closely ("Continue Coumadin"), not a sentence later.
        if (!cue || after.length > 60) continue;
        if (BUT_STOPPED.test(after) || before$.discontinued.test(term.start) || before$.past.test(term.start)) continue;
        // "her continued leukocytosis and because of the Levaquin": an adjective, a reason, not a drug continued.
        if (/\b(?:because|given|due to|secondary to|since)\b/i.test(after)) continue;
        // "continued verapamil, which has been started": begun in this stay.
        if (STARTED_AFTER.test(text.slice(term.end, s.end))) continue;
        if (/\b(?:will|start\w*|add\w*|begin\w*|new)\b/i.test(after)) continue;
        // "Continue Cipro for an additional two days": a short course being finished, not a home drug.
        if (COURSE_END.test(text.slice(term.end, limit))) continue;
      }
      // "if the patient is on any antihypertensive agents": a question, not a drug taken.
      if (endsWithAny(before)) continue;
      items.push(medicationItem(text, term, span, section));
    }
  }
  return { items, statesNone };
}

/**
 * Directly before a drug: this note stops it. Imperative or future only ("Stop Crestor", "we will
 * discontinue Micardis", "I am going to discontinue glipizide", "asked that she stop her Paxil",
 * "Voltaren instead of Celebrex"); a past "she stopped taking her Abilify" may since have been
 * restarted, so it is left to the lists.
 */
const STOP_BEFORE =
  /(?:\b(?:stop|discontinue|d\/c)|\b(?:am|are|is|we're|i'm)\s+(?:stopping|discontinuing)|\binstead of|\b(?:will|to)\s+(?:take (?:him|her|them) off|come off|go off)(?:\s+of)?|\bunable to continue(?:\s+with)?|\bno longer\s+(?:on|takes|taking|uses|using))\s+(?:taking\s+|using\s+)?(?:(?:the|his|her|their|all|outpatient|home|oral|iv|current|prn|p\.r\.n\.)\s+){0,2}$/i;
/**
 * A stop whose drug is named before it: "her Ultracet is not quite taking care of her pain. I have
 * asked her to discontinue it" (the sentence before), "Premarin that she was taking, advised to
 * discontinue because of" (the same sentence).
 */
const STOP_IT = /\b(?:stop|discontinue|d\/c)\s+(?:it|this medication|this medicine|that medication)\b/gi;
const STOP_NO_OBJECT =
  /\b(?:advised|asked|told|instructed)\s+(?:(?:him|her|them|the patient)\s+)?to\s+(?:stop|discontinue)(?=\s*(?:[,.;]|because\b|due to\b|given\b|secondary\b))/gi;
/** A sentence's end: a full stop, question or exclamation mark before a capital ("q.d. daily" is none). */
const SENTENCE_END = /[.!?]\s+(?=[A-Z])/g;
/** What else a stop may be of: "I advised her to stop" after "she smokes". */
const NOT_A_DRUG_STOPPED =
  /\b(?:smok\w*|cigarett\w*|tobacco|alcohol|drink\w*|beer|habit|vap\w*|chew\w*|activit\w*|exercis\w*|running|work\w*)\b/i;
/** Directly after a drug: stopped at this visit ("Lipitor 80 mg q.d. discontinued today"). */
const STOPPED_TODAY = /^[^.;,]{0,30}?\b(?:discontinued|stopped|d\/c(?:'?d)?)\s+(?:today|now|at this (?:time|visit))\b/i;
/**
 * Before a stop in its clause: not a stop now ("do not stop", "cannot stop", "if ... stop", "it
 * would be desirable to discontinue", "finish Friday's dose and then stop the metronidazole", "two
 * years ago she was told to stop", "her husband will stop").
 */
const NOT_A_STOP =
  /\b(?:not|never|no need to|cannot|if|unless|then|after|once|when|should (?:she|he|they|the patient)|in case|would|could|may|might|consider\w*|desirable|perhaps|possibly|reluctan\w*|refus\w*|declin\w*|whether|okay to|ok to|ago|previously|in the past|last (?:year|month|week)|husband|wife|mother|father|son|daughter|brother|sister|partner)\b|n['\u2019]t\b/i;
/**
 * A stop for a while only, or later: the drug stays current ("stop Coumadin five days before
 * surgery", "stop metformin for 48 hours after the CT", "stop Plavix after 12 months").
 */
const FOR_A_WHILE =
  /^[^.;]{0,40}?\b(?:before|prior to|until|pending|earlier|temporar\w*|for now|for the time being|the (?:morning|day|night) of|for (?:the )?(?:surgery|procedure|operation|test|scan|study)|for (?:the )?(?:next )?(?:\d+|a|an|one|two|three|four|five|seven|ten|a few|several|a couple of) (?:hours?|days?|weeks?|months?|doses?))\b|^\s*(?:in|after) (?:\d+|one|two|three|six|twelve|a few|several) (?:days?|weeks?|months?)\b/i;
/** After a stop, in its clause: it depends on something ("stop Coumadin if the INR is above 3"). */
const CONDITION_AFTER = /^(?:(?!\b(?:and|but)\b)[^.;]){0,40}?\b(?:if|unless|when|once|should|in case)\b/i;
/** After a stop, in its sentence: the drug starts again ("Stop Coumadin today, restart on Monday"). */
const RESTARTED_AFTER = /^[^.;]{0,60}?\b(?:restart\w*|re-start\w*|resum\w*)\b/i;
/**
 * Later in the note, the stopped drug goes on after all ("He will hold his Plavix for now", "resume
 * G-CSF", "Stop IV Lasix, start Lasix 40 mg PO daily").
 */
const GOES_ON =
  /\b(?:resum\w*|restart\w*|re-start\w*|hold|holding|held|continue\w*|start\w*|begin|change\w* to|switch\w* to|convert\w* to|transition\w* to|increase\w*|decrease\w*)\s+(?:on\s+|to\s+)?(?:the\s+|his\s+|her\s+|their\s+|oral\s+|po\s+|iv\s+)?$/i;
/** At most this many stops a note: a summary is bounded, and a stop costs a look-up per section. */
const MAX_STOPS = 40;

/**
 * What this note stops (a plan's "Stop Crestor.", "Lipitor 80 mg q.d. discontinued today"): one
 * item per drug, its text the stop's own words, in the order the note states them. A drug the note
 * also holds, resumes or continues after the stop is not stopped.
 */
export function stoppedMedications(text: string, section = ""): Item[] {
  if (!/stop|discontinu|d\/c|instead of|\boff\b|unable to continue|no longer/i.test(text)) return [];
  const terms = findTerms(text).filter((t) => t.kind === "drug" || t.kind === "supplement");
  // Where each drug last goes on (held, resumed, continued): one pass, so a long note stays linear.
  const lastGoesOn = new Map<string, number>();
  for (const o of terms) {
    if (GOES_ON.test(text.slice(Math.max(0, o.start - 40), o.start))) lastGoesOn.set(o.name.toLowerCase(), o.start);
  }
  const out: Item[] = [];
  const seen = new Set<string>();
  const add = (t: Term, start: number, end: number): void => {
    seen.add(t.name.toLowerCase());
    const span = { start, end };
    out.push({
      text: text.slice(start, end),
      span,
      section,
      medication: { name: t.name, dose: null, frequency: null },
    });
  };
  const clauseOf = (head: string) =>
    head.slice(Math.max(head.lastIndexOf("."), head.lastIndexOf(";"), head.lastIndexOf(":")) + 1);
  const temporary = (after: string) =>
    FOR_A_WHILE.test(after) || CONDITION_AFTER.test(after) || RESTARTED_AFTER.test(after);
  for (const t of terms) {
    if (out.length >= MAX_STOPS) break;
    const key = t.name.toLowerCase();
    if (seen.has(key) || (lastGoesOn.get(key) ?? -1) > t.start) continue;
    const clause = clauseOf(text.slice(Math.max(0, t.start - 80), t.start));
    const cue = STOP_BEFORE.exec(clause);
    const after = text.slice(t.end, t.end + 60);
    if (cue) {
      if (NOT_A_STOP.test(clause.slice(0, cue.index)) || temporary(after)) continue;
      add(t, t.start - clause.length + cue.index, t.end);
      continue;
    }
    // "Lipitor 80 mg q.d. discontinued today", not "Aspirin should not be discontinued at this time".
    const today = STOPPED_TODAY.exec(after);
    if (!today || NOT_A_STOP.test(clause) || NOT_A_STOP.test(today[0])) continue;
    if (temporary(text.slice(t.end + today.index + today[0].length, t.end + today.index + today[0].length + 60))) {
      continue;
    }
    add(t, t.start, t.end + today.index + today[0].length);
  }
  // A stop of a drug named shortly before it: for "discontinue it", the drug in the same sentence
  // or the one before; for "advised to discontinue" (no object), in the same sentence only.
  const ends: number[] = [];
  for (const m of text.matchAll(SENTENCE_END)) ends.push(m.index);
  const sentenceEndsBetween = (from: number, to: number): number => {
    let lo = 0;
    let hi = ends.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (ends[mid] < from) lo = mid + 1;
      else hi = mid;
    }
    let n = 0;
    for (let k = lo; k < ends.length && ends[k] < to && n < 2; k++) n++;
    return n;
  };
  for (const [re, sentences] of [
    [STOP_IT, 1],
    [STOP_NO_OBJECT, 0],
  ] as const) {
    let next = 0;
    for (const m of text.matchAll(re)) {
      if (out.length >= MAX_STOPS) break;
      while (next < terms.length && terms[next].start < m.index) next++;
      const t = next > 0 ? terms[next - 1] : undefined;
      if (!t || m.index - t.end > 160 || sentenceEndsBetween(t.end, m.index) > sentences) continue;
      const key = t.name.toLowerCase();
      if (seen.has(key) || (lastGoesOn.get(key) ?? -1) > m.index) continue;
      const between = text.slice(t.end, m.index);
      const clause = clauseOf(text.slice(Math.max(t.end, m.index - 80), m.index));
      const after = text.slice(m.index + m[0].length, m.index + m[0].length + 60);
      if (NOT_A_DRUG_STOPPED.test(between) || NOT_A_STOP.test(clause) || temporary(after)) continue;
      add(t, t.start, m.index + m[0].length);
    }
  }
  return out.sort((a, b) => a.span.start - b.span.start);
}
