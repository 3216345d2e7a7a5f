/**
 * Allergy items of a note, each with its substance, the reaction when stated and the severity
 * stated or implied (anaphylaxis is severe); and whether the note states no known allergies.
 * An allergen must be a drug, class or substance the lexicon knows, or (in an allergy section) a
 * short list entry that reads as a name. Atopic conditions ("seasonal allergies"), a review of
 * systems ("Allergic/Immunologic: negative") and "history of allergies" give nothing.
 */
import { capWords, sentences, type Piece } from "./clauses";
import { findTerms, type Term } from "./lexicon/lexicon";
import type { AllergySeverity, Item } from "./types";

/** "NKDA", "No known drug allergies", "denies any allergies", "ALLERGIES: None". */
export const NO_KNOWN_ALLERGIES =
  /\b(?:nkda|nka|nkma|no known (?:drug |medication |medicine |medical |food )?(?:or \w+ )?(?:allerg(?:y|ies)|hypersensitivit(?:y|ies)|sensitivit(?:y|ies))|no (?:drug |medication |medicine |medical |food )?allerg(?:y|ies)|(?:denies|denied|denying) (?:any )?(?:known )?(?:drug |medication |medicine )?allerg(?:y|ies)|not allergic to any (?:known )?(?:drugs?|medications?|medicines?|foods?|thing)|no (?:[a-z]+, ){1,4}(?:or |and )?allerg(?:y|ies)(?=\s*[.,;]|$)|allerg(?:y|ies) (?:none|nil|negative|denied))\b(?!\s+to\s+(?!(?:any\s+|known\s+)?(?:drugs?|medications?|medicines?|foods?)\b))/i;
const EMPTY_ALLERGY_BODY = /^(?:none|nil|no|negative|none known|none reported|denies|denied|no known|nkda|nka)$/i;
/** Prose that introduces what a patient is allergic to. */
const ALLERGY_CUE =
  /\b(?:allergic (?:only )?to|allerg(?:y|ies)["\u201d']? (?:to|include|including|are|is)|sensitivity to|sensitive to|intoleran(?:t|ce) to|(?:bad |adverse |allergic |allergy )?reactions? (?:was |is )?to)\b/gi;
/**
 * A reaction the patient had, then what caused it, ending right before the substance: "developed a
 * rash to Keflex", "a rash, which occurred from penicillin", "hives after taking Bactrim",
 * "swelling on contact with latex". Not a treatment of the reaction ("hives improved with
 * Benadryl": no cause word) and not a side effect discussed (HYPOTHETICAL skips the sentence).
 */
const REACTION_CAUSE =
  /\b(?:rash(?:es)?|hives|urticaria|anaphyla(?:xis|ctic (?:reaction|shock))|angioedema|(?:lip|facial|throat|tongue) swelling|swelling of (?:the |his |her )?(?:lips?|face|throat|tongue))\b([^.;]{0,50}?)\b(?:from|to|after (?:taking|receiving|eating|using|getting|being given|exposure to|contact with)|(?:on |upon |with |after )?(?:contact|exposure) (?:with|to)|when (?:he|she|they|the patient) (?:takes?|took|eats?|ate|uses?|used|gets?|got|is given|was given|comes? in contact with|came in contact with))\s+(?:the |his |her |a |an |any |some |oral |iv |intravenous |topical )?$/i;
/** "a rash from the infection treated with ...", "hives, given Benadryl": the drug treats the reaction. */
const TREATS_REACTION = /\b(?:treated|improved|resolved|relieved|responded|managed|controlled|given|received)\b/i;
/** "injected with bupivacaine, to which she had no known allergies": a denial about one drug, not all. */
const SCOPED_DENIAL = /\bto which\b[^.;]{0,60}\bno known\b/i;
/** A substance directly followed by a word that makes it an allergy: "latex sensitivity". */
const ALLERGY_AFTER =
  /^[\s-]*(?:allerg(?:y|ies)|sensitivity|intolerance|hypersensitivity)\b(?!\s+(?:medicines?|medications?|meds|pills?|shots?|tablets?|drops|sprays?|injections?|relief|treatment))/i;
const NEGATED_BEFORE = /\b(?:no|not|denies|denied|denying|negative for|without|never)\b(?:\s+\w+){0,3}\s*$/i;
const ADMINISTERED =
  /\b(?:given|administered|received|started|prescribed|injected|infused|ordered|taking|takes|continue|\d+\s*(?:mg|mcg|ml|units?)\b)/i;
const TOLERATES = /\b(?:can (?:take|tolerate|get|use)|tolerates?|tolerated|takes? (?:it )?without)\b/i;
const REACTION_LEAD =
  /^(?:\s*[-:\u2013]\s*|\s*,?\s*(?:which |that )?(?:causes?|caused|causing|gives?|gave|results? in|resulted in|resulting in|leads? to|led to|produces?|with)\s+|\s+\(\s*)/i;
const REACTION_WORDS =
  /^[A-Za-z][A-Za-z -]{1,40}?(?=\s*(?:[),.;]|$|\s(?:when|as|and|but|in|after|with|to|from|years?|since|while)\b))/;
const NOT_ALLERGEN_ENTRY =
  /\w+ly$|\b(?:rash|hives|itching|itchy|swelling|nausea|vomiting|anaphylaxis|breathing|urticaria|cough|headache|diarrhea|shortness|upset|intolerance|sensitivity|reactions?|also|additionally|otherwise|however|therefore|thus|then|although|though|denied|unknown|unable|evaluate|see|chart|above|below|noted|reviewed|listed|none|denies|no|nka|nkda|drugs?|medications?|medicines?|foods?|seasonal|environmental|history|patient|hay|fever|asthma|eczema|sinus\w*|rhinitis|psoriasis|dermatitis|migraines?|reaction|as|per|list|pending|obtain\w*|not|information|available|unclear|mother|father|family)\b/i;

/** Between two entries of one list: "no shrimp, seafood, or dye allergy" negates every entry. */
const LIST_GAP = /^[\s,;/]*(?:(?:or|and|nor)\s+)?$/i;
/** A verb that introduces what an allergen does: the entries after it are reactions. */
const REACTION_VERB =
  /\b(?:causes?|caused|causing|gives?|gave|results? in|resulted in|resulting in|leads? to|led to|produces?|manifest(?:s|ed|ing)? as)\b/i;

/** Terms not negated, a negation carrying over the entries of a list ("no X, Y or Z"). */
function notNegated(text: string, from: number, terms: Term[]): Term[] {
  const kept: Term[] = [];
  let negated = false;
  let last: Term | null = null;
  for (const t of terms) {
    const carried: boolean = negated && last !== null && LIST_GAP.test(text.slice(last.end, t.start));
    negated = carried || NEGATED_BEFORE.test(text.slice(Math.max(from, t.start - 30), t.start));
    if (!negated) kept.push(t);
    last = t;
  }
  return kept;
}

/** "MRSA was sensitive to Bactrim": a culture's sensitivities, not the patient's. */
const MICROBIOLOGY =
  /\b(?:mrsa|mssa|organisms?|cultures?|bacteria\w*|isolates?|strep\w*|staph\w*|e\. ?coli|pseudomonas|klebsiella|enterococc\w*|resistant|susceptib\w*|sensitivities)\b/i;

/** "Mother has penicillin allergy": a relative's, not the patient's. */
const SOMEONE_ELSE =
  /\b(?:mother|father|sister|brother|son|daughter|wife|husband|parents?|family|grand\w+|aunt|uncle|cousin|sibling)\b/i;
/** "informed of possible reactions to sedatives, narcotics...": a risk, not an allergy. */
const HYPOTHETICAL =
  /\b(?:potential(?:ly)?|possible|risks?|side effects?|informed|may|might|could|watch for|monitor for)\b/i;
/**
 * A suspected allergy of the patient's: "might be allergic to Bactrim", "questionable penicillin
 * allergy", "probably allergic to iodine". Listed all the same (an emergency doctor wants to know),
 * where a risk discussed (HYPOTHETICAL) is not.
 */
const SUSPECTED =
  /\b(?:(?:might|may|could) (?:also )?be|possibly|probably|likely|perhaps)\s+allergic to\b|\b(?:possible|probable|questionable|suspected)\s+(?:\w+\s+)?allerg(?:y|ies)\b/i;

const SEVERE =
  /anaphyla|angioedema|anaphylactoid|throat (?:swelling|closing|closure|tightness)|swelling of (?:the )?(?:throat|tongue|lips|face)|airway|stevens|johnson|\bsjs\b|\bten\b|respiratory (?:distress|arrest)|can(?:no|')t breathe|shock|\bsevere\b|life[- ]threatening/i;

export function severityOf(text: string): AllergySeverity | null {
  if (SEVERE.test(text)) return "severe";
  if (/\bmoderate\b/i.test(text)) return "moderate";
  if (/\bmild\b/i.test(text)) return "mild";
  return null;
}

/** A kind of allergen that a note may follow with which one: "venom - bee/wasp", "contrast: iodine". */
const GENERIC_ALLERGEN =
  /^(?:(?:insect )?venoms?|insects?|(?:insect )?stings?|foods?|(?:tree )?nuts|contrast|dyes?|shellfish|seafood|antibiotics?)$/i;

/** Merges "Tylenol with codeine", "trimethoprim/sulfamethoxazole" into one substance. */
function mergeCombinations(text: string, terms: Term[]): Term[] {
  const out: Term[] = [];
  for (const t of terms) {
    const last = out[out.length - 1];
    const gap = text.slice(last?.end ?? 0, t.start);
    // "ASA/PCN" are two abbreviations, "trimethoprim/sulfamethoxazole" one product.
    const abbreviation = last && (/^[A-Z]{2,4}$/.test(last.name) || /^[A-Z]{2,4}$/.test(t.name));
    // "venom - bee/wasp", "nuts: walnuts": a kind of allergen, then which one, is one substance.
    const kindThenWhich = last && GENERIC_ALLERGEN.test(last.name) && /^\s*(?:[-\u2013:]|\s-)\s*$/.test(gap);
    if (last && (/^(?:\s+with\s+|-)$/i.test(gap) || (/^\s*\/\s*$/.test(gap) && !abbreviation) || kindThenWhich)) {
      out[out.length - 1] = { ...last, end: t.end, name: text.slice(last.start, t.end) };
    } else out.push(t);
  }
  return out;
}

function allergyItem(text: string, term: Term, limit: number, section: string): Item {
  let end = term.end;
  let reaction: string | null = null;
  const tail = text.slice(term.end, Math.min(limit, term.end + 120));
  const lead = REACTION_LEAD.exec(tail);
  if (lead) {
    // "Codeine (nausea and vomiting)": a parenthesis holds the whole reaction.
    const inParens = /\($/.test(lead[0].trimEnd()) ? /^[^()]{1,40}(?=\))/.exec(tail.slice(lead[0].length)) : null;
    const words = inParens ?? REACTION_WORDS.exec(tail.slice(lead[0].length));
    if (words && !findTerms(words[0]).length) {
      end = term.end + lead[0].length + words[0].length;
      // After a verb, a list of reactions: "resulting in GI upset, disorientation".
      for (let more = REACTION_VERB.test(lead[0]); more;) {
        const next = /^,\s*(?:and\s+|or\s+)?/.exec(text.slice(end, limit));
        const w = next && REACTION_WORDS.exec(text.slice(end + next[0].length, limit));
        more = !!w && !findTerms(w[0]).length;
        if (w && more) end += next[0].length + w[0].length;
      }
      reaction = text.slice(term.end + lead[0].length, end).trim();
      if (text[end] === ")") end++;
    }
  }
  const span: Piece = capWords(text, { start: term.start, end }, 16);
  if (text[span.end] === ")" && text.slice(span.start, span.end).includes("(")) span.end++;
  return {
    text: text.slice(span.start, span.end),
    span,
    section,
    allergy: { substance: term.name, reaction, severity: severityOf(reaction ?? "") },
  };
}

export type AllergyExtraction = { items: Item[]; statesNone: boolean };

/** Allergies of an allergy section's body: every substance named, unless tolerated or negated. */
export function extractAllergySection(text: string, from: number, to: number, section: string): AllergyExtraction {
  const items: Item[] = [];
  let statesNone = false;
  for (const s of sentences(text, from, to)) {
    const sentence = text.slice(s.start, s.end);
    if (NO_KNOWN_ALLERGIES.test(sentence) || EMPTY_ALLERGY_BODY.test(sentence.trim())) statesNone = true;
    // A section that ran on into a course or an order ("Ibuprofen 600 mg PO given") is not allergies.
    if (ADMINISTERED.test(sentence) && !/allerg|react/i.test(sentence)) continue;
    const terms = mergeCombinations(text, findTerms(text, s.start, s.end));
    const tolerated = TOLERATES.exec(sentence);
    const kept = notNegated(text, s.start, terms).filter((t) => !tolerated || t.start < s.start + tolerated.index);
    // A negated list is all negated, the entries the lexicon lacks included.
    const dropped = terms.filter((t) => !kept.includes(t));
    const negatedFrom = dropped.length ? dropped[0].start : s.end;
    if (terms.length === 0 && /\b(?:none|negative)\b/i.test(sentence)) statesNone = true;
    kept.forEach((t, i) => items.push(allergyItem(text, t, i + 1 < kept.length ? kept[i + 1].start : s.end, section)));
    if (!statesNone) {
      const unknown = unknownEntries(text, s, section).filter(
        (u) => u.span.start < negatedFrom && !terms.some((t) => t.start < u.span.end && u.span.start < t.end),
      );
      for (const item of unknown) items.push(item);
      // "HE IS ALLERGIC ONLY TO TETANUS SERUM": a sentence in the section, not a list entry.
      if (unknown.length === 0) {
        for (const t of unknownAfterCue(text, s, terms)) items.push(allergyItem(text, t, s.end, section));
      }
    }
  }
  return { items, statesNone };
}

const CAUSES_ENTRY = /^([A-Za-z][A-Za-z-]{3,}(?: [A-Za-z][A-Za-z-]+){0,2}) (?:causes?|caused|gives?|gave)\s/;

/** "ALLERGIES: Ceclor, Zosyn": short list entries that read as names, for drugs the lexicon lacks. */
function unknownEntries(text: string, s: Piece, section: string): Item[] {
  const out: Item[] = [];
  const re = /[^,;]+/g;
  const chunk = text.slice(s.start, s.end);
  for (const m of chunk.matchAll(re)) {
    // "…, AND BANDAGE": the joining word is not part of the name; "Hypaque dye when she had x-rays":
    // what follows "when" says when it happened.
    const entry = m[0]
      .trim()
      .replace(/^(?:and|or)\s+/i, "")
      .replace(/\s+(?:when|after|during|with)\s.*$/i, "");
    const paren = /^([A-Za-z][A-Za-z-]{3,}(?: [A-Za-z][A-Za-z-]+)?)(?:\s*\(([^)]{1,40})\))?$/.exec(entry);
    // "Egg-based products cause hives": the substance, then what it does.
    const causes = paren ? null : CAUSES_ENTRY.exec(entry);
    const named = paren ?? causes;
    if (!named || NOT_ALLERGEN_ENTRY.test(paren ? entry : named[1]) || NOT_A_NAME.test(named[1].split(" ")[0]))
      continue;
    // "aspirin resulting in GI upset, disorientation": what follows a reaction verb are reactions,
    // unless the entry is a substance with its own verb ("…, Fortaz causes an unknown reaction").
    if (!causes && REACTION_VERB.test(chunk.slice(chunk.lastIndexOf(";", m.index) + 1, m.index))) continue;
    const start = s.start + m.index + m[0].indexOf(entry);
    const term: Term = { start, end: start + named[1].length, kind: "drug", name: named[1] };
    out.push(allergyItem(text, term, start + entry.length, section));
  }
  return out;
}

/** Allergies stated in prose outside an allergy section: "He is allergic to penicillin". */
export function extractAllergyProse(text: string, from: number, to: number, section: string): AllergyExtraction {
  const items: Item[] = [];
  let statesNone = false;
  for (const s of sentences(text, from, to)) {
    const sentence = text.slice(s.start, s.end);
    // Most sentences: a cheap way out.
    if (!/allerg|sensitiv|intoleran|reaction|nk|rash|hives|urticaria|anaphyla|angioedema|swelling/i.test(sentence))
      continue;
    if (NO_KNOWN_ALLERGIES.test(sentence) && !SCOPED_DENIAL.test(sentence)) statesNone = true;
    if (!/allerg|sensitiv|intoleran|reaction|rash|hives|urticaria|anaphyla|angioedema|swelling/i.test(sentence))
      continue;
    if (MICROBIOLOGY.test(sentence)) continue;
    if (SOMEONE_ELSE.test(sentence) || (HYPOTHETICAL.test(sentence) && !SUSPECTED.test(sentence))) continue;
    const terms = mergeCombinations(text, findTerms(text, s.start, s.end));
    const kept: Term[] = [];
    for (const t of terms) {
      const before = text.slice(s.start, t.start);
      const cues = [...before.matchAll(ALLERGY_CUE)];
      const cue = cues[cues.length - 1];
      let stated = false;
      if (cue) {
        const between = before.slice(cue.index + cue[0].length);
        const cueNegated = NEGATED_BEFORE.test(before.slice(Math.max(0, cue.index - 40), cue.index));
        stated = !cueNegated && !/[.;]|\bbut\b|\bdenies\b/i.test(between) && between.length < 120;
      }
      if (!stated && t.kind !== "supplement") stated = reactionCaused(text, s.start, t.start);
      if (!stated && ALLERGY_AFTER.test(text.slice(t.end, t.end + 20))) {
        stated = !NEGATED_BEFORE.test(text.slice(Math.max(s.start, t.start - 30), t.start));
      }
      if (stated && !TOLERATES.test(before)) kept.push(t);
    }
    for (const t of unknownAfterCue(text, s, terms)) kept.push(t);
    kept.sort((a, b) => a.start - b.start);
    kept.forEach((t, i) => items.push(allergyItem(text, t, i + 1 < kept.length ? kept[i + 1].start : s.end, section)));
  }
  return { items, statesNone };
}

/** Whether the words before the term at `start` say it caused a reaction (REACTION_CAUSE), not negated, not a treatment. */
function reactionCaused(text: string, sentenceStart: number, start: number): boolean {
  const from = Math.max(sentenceStart, start - 120);
  const m = REACTION_CAUSE.exec(text.slice(from, start));
  if (!m || TREATS_REACTION.test(m[1])) return false;
  return !NEGATED_BEFORE.test(text.slice(Math.max(sentenceStart, from + m.index - 40), from + m.index));
}

/** "allergic to Medifast": one word right after the cue, a name the lexicon lacks. */
const NAME_AFTER_CUE =
  /^\s+(?:the\s+)?([A-Za-z][A-Za-z-]{3,}(?:\s+(?:serum|antitoxin|vaccines?|toxoid|venom|dye|tape|glue))?)(?=\s*(?:[,.;(]|$|\s+(?:and|or|with|which|that|causing|caused|as|resulting|leading|in the past)\b))/i;
const NOT_A_NAME =
  /^(?:something|anything|everything|nothing|many|several|multiple|most|certain|various|other|others|some|these|those|them|they|this|that|things|stuff|everyone|both|each|which)$/i;

function unknownAfterCue(text: string, s: Piece, terms: Term[]): Term[] {
  const out: Term[] = [];
  const sentence = text.slice(s.start, s.end);
  for (const cue of sentence.matchAll(/\b(?:allergic (?:only )?to|allerg(?:y|ies) to)\b/gi)) {
    const from = s.start + cue.index + cue[0].length;
    const m = NAME_AFTER_CUE.exec(text.slice(from, s.end));
    if (!m || NOT_A_NAME.test(m[1]) || NOT_ALLERGEN_ENTRY.test(m[1])) continue;
    if (NEGATED_BEFORE.test(text.slice(Math.max(s.start, from - cue[0].length - 40), from - cue[0].length))) continue;
    const start = from + m[0].length - m[1].length;
    if (terms.some((t) => t.start < start + m[1].length && start < t.end)) continue;
    out.push({ start, end: start + m[1].length, kind: "drug", name: m[1] });
  }
  return out;
}
