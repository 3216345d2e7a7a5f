/** Types of the summarizer's output, shared by the text and FHIR paths. */

/** The fields a summary fills. */
export const SUMMARY_FIELDS = [
  "allergies",
  "medications",
  "conditions",
  "procedures",
  "results",
  "vitals",
  "plan",
] as const;

export type SummaryField = (typeof SUMMARY_FIELDS)[number];

export type Span = { start: number; end: number };

export type Item = {
  /** Verbatim text: `source.slice(span.start, span.end) === text` for text input. */
  text: string;
  /** Offsets into the source text; {start: 0, end: 0} for FHIR input (see `source`). */
  span: Span;
  /** Header (text) or resource type (FHIR) the item came from. */
  section: string;
  /** The item states an absence ("No pericardial effusion"). */
  negated?: boolean;
  /** FHIR input only: the resource the item came from, e.g. "AllergyIntolerance/abc". */
  source?: string;
  /** Allergy items: the substance and what the source says of the reaction. */
  allergy?: AllergyDetail;
  /** Medication items: the drug's name and what the source says of dose and frequency. */
  medication?: MedicationDetail;
};

export type AllergySeverity = "mild" | "moderate" | "severe";

export type AllergyDetail = {
  /** The allergen as the source names it ("penicillin", "latex", "shellfish"). */
  substance: string;
  /** The reaction when stated ("rash", "anaphylaxis"), else null. */
  reaction: string | null;
  /** Severity when stated or implied by the reaction (anaphylaxis is severe), else null. */
  severity: AllergySeverity | null;
};

export type MedicationDetail = {
  /** The drug as the source names it, without dose ("lisinopril", "Tylenol #3"). */
  name: string;
  /** Dose and form when stated ("20 mg"), else null. */
  dose: string | null;
  /** Frequency when stated ("daily", "b.i.d."), else null. */
  frequency: string | null;
};

export type ClinicalSummary = {
  engine: "clinical-sections/2";
  allergies: Item[];
  medications: Item[];
  conditions: Item[];
  procedures: Item[];
  results: Item[];
  vitals: Item[];
  plan: Item[];
  /** The source says the patient has no known allergies (then `allergies` is []). */
  noKnownAllergies: boolean;
  /** The source says the patient takes no medications (then `medications` is []). */
  noMedications?: boolean;
  /** Medications the source lists for discharge: never mixed into `medications`. */
  dischargeMedications?: Item[];
  /**
   * Medications the source stops ("Stop Crestor.", "Lipitor 80 mg q.d. discontinued today"): never
   * in `medications`; each item's text is the stop's own words.
   */
  stoppedMedications?: Item[];
  /** Items left out per field to keep a summary bounded (the source holds that many more). */
  omitted?: Partial<Record<SummaryField, number>>;
  /** Sections found in the text: header name and the span of the whole section (the first 100). */
  sections: { name: string; start: number; end: number }[];
};

export const ENGINE = "clinical-sections/2" as const;

export function emptySummary(): ClinicalSummary {
  return {
    engine: ENGINE,
    allergies: [],
    medications: [],
    conditions: [],
    procedures: [],
    results: [],
    vitals: [],
    plan: [],
    noKnownAllergies: false,
    sections: [],
  };
}
