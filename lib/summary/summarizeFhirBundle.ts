/**
 * The default summarizer engine on structured input: a FHIR R4 Bundle (or an array of resources)
 * gives the same summary shape as a note. Items carry `source` ("AllergyIntolerance/abc") and an
 * empty span. Read: AllergyIntolerance, MedicationRequest, MedicationStatement, Condition,
 * Procedure, Observation (category vital-signs to vitals, everything else to results) and
 * CarePlan (plan). Allergy and medication items carry their details (substance, reaction,
 * severity; name, dose, frequency). Never throws: anything else gives an empty summary.
 */
import { allergyDetailOf, medicationDetailOf } from "../clinical/fhirDetails";
import { drugKey } from "./drugNames";
import { emptySummary, type ClinicalSummary, type Item, type SummaryField } from "./types";

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === "string" && v.trim() !== "" ? v.trim() : undefined);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** SNOMED CT "No known allergy" and its drug/food/environmental variants. */
const NO_KNOWN_ALLERGY_CODES = new Set(["716186003", "409137002", "429625007", "428607008"]);

function conceptText(concept: unknown): string | undefined {
  if (!isObject(concept)) return undefined;
  const text = str(concept.text);
  if (text) return text;
  for (const coding of list(concept.coding)) {
    if (isObject(coding)) {
      const display = str(coding.display) ?? str(coding.code);
      if (display) return display;
    }
  }
  return undefined;
}

function codes(concept: unknown): string[] {
  if (!isObject(concept)) return [];
  return list(concept.coding).flatMap((c) => (isObject(c) && typeof c.code === "string" ? [c.code] : []));
}

function valueText(r: Json): string | undefined {
  const q = r.valueQuantity;
  if (isObject(q) && typeof q.value === "number") {
    const unit = str(q.unit) ?? str(q.code);
    return unit ? `${q.value} ${unit}` : String(q.value);
  }
  return (
    str(r.valueString) ??
    conceptText(r.valueCodeableConcept) ??
    (typeof r.valueBoolean === "boolean" ? String(r.valueBoolean) : undefined) ??
    (typeof r.valueInteger === "number" ? String(r.valueInteger) : undefined)
  );
}

function observationText(r: Json): string | undefined {
  const name = conceptText(r.code);
  if (!name) return undefined;
  const value = valueText(r);
  if (value) return `${name}: ${value}`;
  const parts = list(r.component).flatMap((c) => {
    if (!isObject(c)) return [];
    const n = conceptText(c.code);
    const v = valueText(c);
    return n && v ? [`${n}: ${v}`] : [];
  });
  return parts.length > 0 ? `${name}: ${parts.join(", ")}` : name;
}

function isVitalSign(r: Json): boolean {
  return list(r.category).some((c) => codes(c).includes("vital-signs"));
}

/** MedicationRequest and MedicationStatement statuses of a drug not taken now. */
const NOT_TAKEN_NOW = new Set(["stopped", "completed", "cancelled", "not-taken"]);

const inactive = (status: unknown): boolean =>
  isObject(status) && codes(status).some((c) => c === "refuted" || c === "entered-in-error");

/** Summarizes a FHIR R4 Bundle (or a bare array of resources). */
export function summarizeFhirBundle(bundle: unknown): ClinicalSummary {
  const summary = emptySummary();
  const resources = Array.isArray(bundle)
    ? bundle
    : isObject(bundle)
      ? list(bundle.entry).map((e) => (isObject(e) ? e.resource : undefined))
      : [];
  /** The item of resource `r` for `field`; its structured details ride along, so reaction, severity and dose survive into the reconciled list. */
  const itemOf = (field: SummaryField | "stoppedMedications", r: Json, text: string, negated: boolean): Item => {
    const type = String(r.resourceType);
    const item: Item = { text, span: { start: 0, end: 0 }, section: type, source: `${type}/${str(r.id) ?? ""}` };
    if (negated) item.negated = true;
    const allergy = field === "allergies" ? allergyDetailOf(r) : null;
    if (allergy) item.allergy = allergy;
    const medication = field === "medications" || field === "stoppedMedications" ? medicationDetailOf(r) : null;
    if (medication) item.medication = medication;
    return item;
  };
  const push = (field: SummaryField, r: Json, text: string | undefined, negated = false): void => {
    if (text) summary[field].push(itemOf(field, r, text, negated));
  };
  const pushStopped = (r: Json, text: string | undefined): void => {
    if (text) (summary.stoppedMedications ??= []).push(itemOf("stoppedMedications", r, text, false));
  };
  for (const r of resources) {
    if (!isObject(r) || r.status === "entered-in-error") continue;
    switch (r.resourceType) {
      case "AllergyIntolerance":
        if (inactive(r.verificationStatus)) break;
        if (codes(r.code).some((c) => NO_KNOWN_ALLERGY_CODES.has(c))) summary.noKnownAllergies = true;
        else push("allergies", r, conceptText(r.code));
        break;
      case "MedicationRequest":
      case "MedicationStatement": {
        const ref = r.medicationReference;
        const name = conceptText(r.medicationCodeableConcept) ?? (isObject(ref) ? str(ref.display) : undefined);
        // A draft, an intention, a proposal or a "do not" is no drug taken; a stopped, finished,
        // cancelled or not-taken one is not a current one (Synthea marks old prescriptions stopped).
        const intent = typeof r.intent === "string" ? r.intent : "";
        if (r.doNotPerform === true || r.status === "draft" || r.status === "intended") break;
        if (["proposal", "plan"].includes(intent)) break;
        if (typeof r.status === "string" && NOT_TAKEN_NOW.has(r.status)) pushStopped(r, name);
        else push("medications", r, name);
        break;
      }
      case "Condition":
        if (!inactive(r.verificationStatus)) push("conditions", r, conceptText(r.code));
        break;
      case "Procedure":
        if (r.status !== "not-done") push("procedures", r, conceptText(r.code));
        break;
      case "Observation":
        push(isVitalSign(r) ? "vitals" : "results", r, observationText(r));
        break;
      case "CarePlan":
        push("plan", r, str(r.description) ?? str(r.title) ?? conceptText(list(r.category)[0]));
        break;
    }
  }
  if (summary.allergies.length > 0) summary.noKnownAllergies = false;
  // An old prescription of a drug prescribed again since, at any strength (Synthea repeats them:
  // "Simvastatin 20 MG" stopped, "Simvastatin 40 MG" active), is not "not taken now". One drug by
  // its name's key (lib/summary/drugNames.ts), else by its text: a key per item, so a bundle of
  // thousands of prescriptions is read once.
  if (summary.stoppedMedications) {
    const keyOf = (i: Item) => drugKey(i.text) ?? i.text.trim().toLowerCase();
    const seen = new Set(summary.medications.map(keyOf));
    summary.stoppedMedications = summary.stoppedMedications.filter((i) => {
      const key = keyOf(i);
      if (seen.has(key)) return false; // current, or listed already (a prescription repeated)
      seen.add(key);
      return true;
    });
    if (summary.stoppedMedications.length === 0) delete summary.stoppedMedications;
  }
  return summary;
}
