/**
 * What each clinical form shows: its inputs (label, unit, kind) and its repeatable lists, keyed by
 * the dotted paths lib/forms' checkForm reports problems under, so a problem lands beside its input.
 */
import { BLOOD_GROUPS } from "@lib/fhir/generalDetails";
import { CONCENTRATION_UNITS, TOOTH_NOTATIONS, type FormKind } from "@lib/forms";
import { ECG_INTERPRETATIONS } from "@lib/forms/cardiac";
import { ALLERGY_CATEGORIES, ALLERGY_SEVERITIES, DIABETES_STATUSES } from "@lib/forms/vitals";

/** How an input's text becomes the form's value. */
export type FieldKind = "number" | "text" | "select" | "surfaces";

export interface FieldSpec {
  /** Dotted path in the form (relative to the list item inside a list). */
  key: string;
  label: string;
  kind: FieldKind;
  /** Shown after the label, e.g. "kg". */
  unit?: string;
  options?: readonly string[];
  /** The empty choice of a select (the field is then optional); absent: the first option is preselected. */
  blank?: string;
  /**
   * Sent only when this other key (same level) is filled, e.g. glucose's unit with its value; a
   * key ending in ".*" means any other field under that group (the lipid panel's unit with any value).
   */
  requires?: string;
}

export interface ListSpec {
  key: string;
  /** The list's heading, e.g. "Allergies". */
  label: string;
  /** One entry's name, e.g. "allergy". */
  itemLabel: string;
  fields: FieldSpec[];
  /** Entries shown from the start. */
  initial: number;
}

export interface FormSpec {
  fields: FieldSpec[];
  lists: ListSpec[];
  /** Shows the BMI from heightCm and weightKg as the doctor types. */
  showsBmi?: boolean;
}

const num = (key: string, label: string, unit: string): FieldSpec => ({ key, label, unit, kind: "number" });
const text = (key: string, label: string): FieldSpec => ({ key, label, kind: "text" });
const pick = (key: string, label: string, options: readonly string[], blank?: string): FieldSpec => ({
  key,
  label,
  kind: "select",
  options,
  blank,
});
const bloodPressure = [
  num("systolicMmHg", "Systolic pressure", "mmHg"),
  num("diastolicMmHg", "Diastolic pressure", "mmHg"),
];
const surfaces: FieldSpec = { key: "surfaces", label: "Surfaces (letters M O I D B V L)", kind: "surfaces" };

export const FORM_SPECS: Record<FormKind, FormSpec> = {
  vitals: {
    showsBmi: true,
    fields: [
      num("heightCm", "Height", "cm"),
      num("weightKg", "Weight", "kg"),
      ...bloodPressure,
      num("pulsePerMin", "Pulse", "beats per minute"),
      num("temperatureC", "Temperature", "°C"),
      { key: "glucose.value", label: "Blood glucose", kind: "number" },
      { ...pick("glucose.unit", "Blood glucose unit", CONCENTRATION_UNITS), requires: "glucose.value" },
      pick("diabetes", "Diabetes", DIABETES_STATUSES, "Not assessed"),
      pick("bloodGroup", "Blood group", BLOOD_GROUPS, "Not tested"),
    ],
    lists: [
      {
        key: "allergies",
        label: "Allergies",
        itemLabel: "allergy",
        initial: 0,
        fields: [
          text("substance", "Substance"),
          pick("category", "Type", ALLERGY_CATEGORIES, "Choose a type"),
          text("reaction", "Reaction"),
          pick("severity", "Severity", ALLERGY_SEVERITIES, "Not given"),
        ],
      },
    ],
  },
  cardiac: {
    fields: [
      ...bloodPressure,
      num("heartRatePerMin", "Heart rate", "beats per minute"),
      text("ecg.impression", "ECG impression"),
      pick("ecg.interpretation", "ECG result", ECG_INTERPRETATIONS, "No ECG"),
      // The panel in one unit, as the lab reports it (the unit is sent only with a value).
      { ...pick("lipids.unit", "Lipid unit", CONCENTRATION_UNITS), requires: "lipids.*" },
      { key: "lipids.totalCholesterol", label: "Total cholesterol", kind: "number" },
      { key: "lipids.ldl", label: "LDL cholesterol", kind: "number" },
      { key: "lipids.hdl", label: "HDL cholesterol", kind: "number" },
      { key: "lipids.triglycerides", label: "Triglycerides", kind: "number" },
    ],
    lists: [],
  },
  dermatology: {
    fields: [],
    lists: [
      {
        key: "lesions",
        label: "Lesions",
        itemLabel: "lesion",
        initial: 1,
        fields: [text("site", "Site"), text("description", "Description"), text("diagnosis", "Diagnosis")],
      },
    ],
  },
  dentistry: {
    fields: [pick("notation", "Tooth notation", TOOTH_NOTATIONS)],
    lists: [
      {
        key: "findings",
        label: "Findings",
        itemLabel: "finding",
        initial: 1,
        fields: [text("tooth", "Tooth"), surfaces, text("finding", "Finding")],
      },
      {
        key: "procedures",
        label: "Procedures",
        itemLabel: "procedure",
        initial: 0,
        fields: [text("tooth", "Tooth"), surfaces, text("procedure", "Procedure")],
      },
    ],
  },
};
