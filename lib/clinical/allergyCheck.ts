/**
 * The prescribing safety check: a drug, as the doctor types it, against the allergies the dApp can
 * read for the patient (confirmed ones and mentions in notes). It finds the same substance, the
 * substance under another name (a Tylenol allergy warns on paracetamol, and on Percocet, which
 * contains it: lib/summary/drugNames.ts), the same drug class (an amoxicillin allergy warns on
 * flucloxacillin), and cross-reactive classes
 * (a penicillin allergy makes a cephalosporin a caution). Pure and synchronous: it runs as the
 * doctor types.
 */
import { drugOf, genericNameOf, ingredientsOf, sharedIngredients } from "../summary/drugNames";
import type { AllergySeverity } from "../summary/types";
import { CROSS_REACTIVE, DRUG_CLASSES, type DrugClassId } from "./drugClasses";

/** What the check needs of an allergy: a reconciled entry or a mention (lib/clinical/reconcile.ts). */
export interface CheckedAllergy {
  substance: string;
  reaction: string | null;
  severity: AllergySeverity | null;
  /** Confirmed by a person (general details, a form, a reviewed extraction), or only mentioned in a note. */
  confirmed: boolean;
}

export type AllergyAlertKind = "same-substance" | "same-class" | "cross-reactivity";

export interface AllergyAlert {
  kind: AllergyAlertKind;
  /** A variant of a brand ("Excedrin Migraine") that may contain what the brand does: a caution. */
  possibly?: boolean;
  /**
   * For a same-substance alert where the names differ (a brand, another name, a combination): the
   * ingredients the drug shares with the allergy, as the drug's names say them.
   */
  contains?: string[];
  /** "warning": do not prescribe without a reason; "caution": cross-reactivity, think first. */
  level: "warning" | "caution";
  /** A severe reaction is on record (severity severe, or anaphylaxis and the like). */
  severe: boolean;
  allergy: CheckedAllergy;
  /** The class both share, or the drug's class for a cross-reactivity. */
  drugClass?: DrugClassId;
  /** One or two plain sentences for the doctor. */
  message: string;
}

/** Longer than any drug's or allergen's name: the rest is not read. */
const NAME_LENGTH = 200;

/** Reactions that make an allergy severe whatever severity was written. */
const SEVERE_REACTION =
  /anaphyla|angio-?o?edema|stevens|johnson|toxic epidermal|airway|throat (swelling|closing)|swelling of (the )?(throat|tongue|lips?)|intubat|shock|cardiac arrest/i;

/** Words of a prescription line that never name the drug. */
const NOT_A_DRUG_NAME = new Set([
  "tablet",
  "tablets",
  "capsule",
  "capsules",
  "oral",
  "solution",
  "suspension",
  "injection",
  "cream",
  "ointment",
  "extended",
  "release",
  "daily",
  "twice",
  "with",
  "food",
  "units",
  "dose",
  "syrup",
  "drops",
  "patch",
  // Salts and words many drugs share: "levothyroxine sodium" is no naproxen sodium.
  "sodium",
  "potassium",
  "calcium",
  "magnesium",
  "chloride",
  "hydrochloride",
  "sulfate",
  "sulphate",
  "acetate",
  "citrate",
  "carbonate",
  "phosphate",
  "succinate",
  "tartrate",
  "bromide",
  "fumarate",
  "maleate",
  "mesylate",
  "besylate",
  "gluconate",
  "oxide",
  "hydroxide",
  "acid",
  "vitamin",
  "human",
  "insulin",
]);

/** Lower case, punctuation (hyphens too) as spaces, padded: word containment is a substring test. */
function words(text: string): string {
  return ` ${text
    .toLowerCase()
    .replace(/[^a-z0-9#]+/g, " ")
    .trim()} `;
}

function mentions(text: string, term: string): boolean {
  const needle = words(term);
  return needle.trim() !== "" && words(text).includes(needle);
}

/**
 * The classes a drug or an allergen belongs to, by class name or member name, its own or its
 * ingredients' ("Vicoprofen" is hydrocodone and ibuprofen: an opioid and an NSAID).
 */
export function classesOf(text: string): DrugClassId[] {
  const read = text.slice(0, NAME_LENGTH);
  const named = words(
    `${read} ${ingredientsOf(read)
      .map((i) => i.join(" "))
      .join(" / ")}`,
  );
  return CLASS_TERMS.filter(({ terms }) => terms.some((term) => named.includes(term))).map(({ id }) => id);
}

/** Each class's names and members as {@link words} gives them, made once. */
const CLASS_TERMS = (Object.keys(DRUG_CLASSES) as DrugClassId[]).map((id) => ({
  id,
  terms: [...DRUG_CLASSES[id].classNames, ...DRUG_CLASSES[id].members].map(words).filter((t) => t.trim() !== ""),
}));

/** The allergy names the drug itself: all its words are in the drug, or the drug's name is in it. */
function sameSubstance(drug: string, substance: string): boolean {
  if (mentions(drug, substance)) return true;
  const names = words(drug)
    .trim()
    .split(" ")
    .filter((w) => w.length >= 4 && /^[a-z]+$/.test(w) && !NOT_A_DRUG_NAME.has(w));
  return names.some((name) => mentions(substance, name));
}

export function isSevere(allergy: Pick<CheckedAllergy, "reaction" | "severity">): boolean {
  return allergy.severity === "severe" || (allergy.reaction !== null && SEVERE_REACTION.test(allergy.reaction));
}

/** " (oxycodone and acetaminophen)" after an allergy to "Percocet"; nothing when the name says its ingredients. */
function ingredientsNote(substance: string): string {
  const generic = genericNameOf(substance);
  return generic ? ` (${generic})` : "";
}

function describe(allergy: CheckedAllergy): string {
  const details = [allergy.reaction, allergy.severity].filter(Boolean).join(", ");
  return `${allergy.substance}${details ? ` (${details})` : ""}`;
}

function message(drug: string, alert: Omit<AllergyAlert, "message">): string {
  const { allergy, severe, kind, drugClass, contains, possibly } = alert;
  const className = drugClass ? DRUG_CLASSES[drugClass].name : undefined;
  const unconfirmed = allergy.confirmed ? "" : " This allergy is mentioned in a note and was never confirmed.";
  if (possibly && contains) {
    return `Caution: ${drug} may contain ${contains.join(" and ")}, as its brand does, and the patient is allergic to ${describe(allergy)}: check this product's ingredients.${unconfirmed}`;
  }
  if (kind === "cross-reactivity") {
    const why = CROSS_REACTIVE.find((c) => c.drug === drugClass)?.why ?? "";
    return `Caution: ${drug} is ${className}, and the patient is allergic to ${describe(allergy)}: ${why}.${unconfirmed}`;
  }
  const what =
    kind === "same-class"
      ? `${drug} is ${className}, and the patient is allergic to ${describe(allergy)}.`
      : contains
        ? `${drug} contains ${contains.join(" and ")}, and the patient is allergic to ${describe(allergy)}${ingredientsNote(allergy.substance)}.`
        : `${drug} matches the patient's allergy to ${describe(allergy)}${ingredientsNote(allergy.substance)}.`;
  return severe
    ? `Severe allergy: ${what} Do not prescribe it unless there is no alternative and the reaction can be managed.${unconfirmed}`
    : `Allergy: ${what}${unconfirmed}`;
}

/**
 * The alerts for prescribing `drug` to a patient with `allergies`: at most one per allergy (the
 * strongest), warnings before cautions, severe first. Empty when nothing matches or the drug is blank.
 */
export function checkPrescription(drug: string, allergies: readonly CheckedAllergy[]): AllergyAlert[] {
  // Read as far as a name goes: a pasted page costs no more than a name (it runs as the doctor types).
  const name = drug.trim().slice(0, NAME_LENGTH);
  if (!name) return [];
  const drugClasses = classesOf(name);
  const product = drugOf(name);
  const alerts: AllergyAlert[] = [];
  for (const allergy of allergies) {
    const severe = isSevere(allergy);
    const substance = allergy.substance.slice(0, NAME_LENGTH);
    const allergyClasses = classesOf(substance);
    const shared = drugClasses.find((c) => allergyClasses.includes(c));
    const cross = CROSS_REACTIVE.find((c) => allergyClasses.includes(c.allergy) && drugClasses.includes(c.drug));
    let alert: Omit<AllergyAlert, "message"> | undefined;
    const contains = sharedIngredients(name, substance);
    // A variant ("Excedrin Migraine"): what its brand contains, which it may.
    const possible =
      product.mayContain.length > 0
        ? sharedIngredients({ ...product, ingredients: product.mayContain }, substance)
        : [];
    if (sameSubstance(name, substance)) {
      alert = { kind: "same-substance", level: "warning", severe, allergy, drugClass: shared };
    } else if (contains.length > 0) {
      // "Percocet contains acetaminophen"; "oxycodone" for a Percocet allergy says its own name.
      alert = genericNameOf(name)
        ? { kind: "same-substance", level: "warning", severe, allergy, drugClass: shared, contains }
        : { kind: "same-substance", level: "warning", severe, allergy, drugClass: shared };
    } else if (shared) {
      alert = { kind: "same-class", level: "warning", severe, allergy, drugClass: shared };
    } else if (possible.length > 0) {
      alert = { kind: "same-substance", level: "caution", severe, allergy, contains: possible, possibly: true };
    } else if (cross) {
      alert = { kind: "cross-reactivity", level: "caution", severe, allergy, drugClass: cross.drug };
    }
    if (alert) alerts.push({ ...alert, message: message(name, alert) });
  }
  const rank = (a: AllergyAlert) => (a.level === "warning" ? 0 : 2) + (a.severe ? 0 : 1);
  return alerts.sort((a, b) => rank(a) - rank(b));
}
