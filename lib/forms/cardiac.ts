/**
 * Cardiac form: blood pressure, heart rate, ECG impression (free text plus normal/abnormal) and
 * lipid panel (mg/dL or mmol/L, stored as entered). Files under LabResults: the ECG and the lipid panel are the test results a
 * cardiology visit is about; its blood pressure and heart rate are vital-signs Observations all
 * the same, so trends.ts reads them like any other.
 */
import { z } from "zod";
import { INTERPRETATION_SYSTEM, OBSERVATION_CODES } from "./codes";
import {
  bloodPressureFields,
  checkBloodPressure,
  heartRate,
  oneOf,
  rangeText,
  recordedAt,
  requiredText,
  type Range,
} from "./fields";
import { bloodPressure, coded, measured, observation, type FormContext } from "./resources";
import { CONCENTRATION_UNITS, rangeIn, type Analyte } from "./units";

export const TOTAL_CHOLESTEROL_MG_DL: Range = { min: 50, max: 1000 };
export const LDL_MG_DL: Range = { min: 10, max: 700 };
export const HDL_MG_DL: Range = { min: 5, max: 200 };
export const TRIGLYCERIDES_MG_DL: Range = { min: 10, max: 5000 };

export const ECG_INTERPRETATIONS = ["normal", "abnormal"] as const;
/** v3 ObservationInterpretation codes for the ECG's normal/abnormal. */
const ECG_INTERPRETATION_CODES = {
  normal: { code: "N", display: "Normal" },
  abnormal: { code: "A", display: "Abnormal" },
} as const;

const ecg = z.object(
  {
    impression: requiredText("ECG impression"),
    interpretation: oneOf("ECG result", ECG_INTERPRETATIONS),
  },
  { error: "The ECG must give an impression and a result (normal or abnormal)." },
);

/** The panel's values, each with its analyte (for mmol/L) and its codes by unit. */
const LIPIDS = [
  { key: "totalCholesterol", label: "Total cholesterol", analyte: "cholesterol", range: TOTAL_CHOLESTEROL_MG_DL },
  { key: "ldl", label: "LDL cholesterol", analyte: "cholesterol", range: LDL_MG_DL },
  { key: "hdl", label: "HDL cholesterol", analyte: "cholesterol", range: HDL_MG_DL },
  { key: "triglycerides", label: "Triglycerides", analyte: "triglycerides", range: TRIGLYCERIDES_MG_DL },
] as const satisfies readonly { key: string; label: string; analyte: Analyte; range: Range }[];

const lipidValue = (label: string) => z.number({ error: `${label} must be a number.` }).optional();

/** The lipid panel, all in one unit as a lab reports it: mg/dL (the default) or mmol/L. */
const lipids = z
  .object(
    {
      unit: oneOf("Lipid unit", CONCENTRATION_UNITS).default("mg/dL"),
      totalCholesterol: lipidValue("Total cholesterol"),
      ldl: lipidValue("LDL cholesterol"),
      hdl: lipidValue("HDL cholesterol"),
      triglycerides: lipidValue("Triglycerides"),
    },
    { error: "The lipid panel must be an object of values in mg/dL or mmol/L." },
  )
  .superRefine((l, ctx) => {
    for (const { key, label, analyte, range } of LIPIDS) {
      const value = l[key];
      const allowed = rangeIn(analyte, range, l.unit);
      if (value !== undefined && (value < allowed.min || value > allowed.max))
        ctx.addIssue({ code: "custom", path: [key], message: `${label} must be ${rangeText(allowed, l.unit)}.` });
    }
    const total = l.totalCholesterol;
    if (total !== undefined && (l.hdl ?? 0) + (l.ldl ?? 0) > total * 1.1)
      ctx.addIssue({
        code: "custom",
        path: ["totalCholesterol"],
        message: "Total cholesterol must be at least LDL plus HDL cholesterol.",
      });
  });

export const cardiacFormSchema = z
  .object(
    {
      recordedAt,
      ...bloodPressureFields,
      heartRatePerMin: heartRate,
      ecg: ecg.optional(),
      lipids: lipids.optional(),
    },
    { error: "The cardiac form must be an object." },
  )
  .superRefine((form, ctx) => {
    checkBloodPressure(form, ctx);
    const lipidValues = LIPIDS.map(({ key }) => form.lipids?.[key]).filter((v) => v !== undefined);
    if (form.systolicMmHg === undefined && form.heartRatePerMin === undefined && !form.ecg && lipidValues.length === 0)
      ctx.addIssue({ code: "custom", path: [], message: "The form is empty: enter at least one measurement." });
  });

export type CardiacForm = z.output<typeof cardiacFormSchema>;
export type CardiacFormInput = z.input<typeof cardiacFormSchema>;

/** The form's Observations: blood pressure and heart rate (vital-signs), ECG (procedure), lipids (laboratory). */
export function cardiacToResources(form: CardiacForm, ctx: FormContext): fhir4.FhirResource[] {
  const c = OBSERVATION_CODES;
  const out: fhir4.FhirResource[] = [];
  if (form.systolicMmHg !== undefined && form.diastolicMmHg !== undefined)
    out.push(bloodPressure(ctx, form.systolicMmHg, form.diastolicMmHg));
  if (form.heartRatePerMin !== undefined) out.push(measured(ctx, "vital-signs", c.heartRate, form.heartRatePerMin));
  if (form.ecg) {
    const { code, display } = ECG_INTERPRETATION_CODES[form.ecg.interpretation];
    out.push({
      ...observation(ctx, "procedure", c.ecg, { valueString: form.ecg.impression }),
      interpretation: [coded(INTERPRETATION_SYSTEM, code, display)],
    });
  }
  // Stored as entered, in its unit (by moles for mmol/L): a chart converts, the record stays true to the lab.
  const l = form.lipids;
  for (const { key } of LIPIDS) {
    const value = l?.[key];
    if (l && value !== undefined)
      out.push(measured(ctx, "laboratory", l.unit === "mmol/L" ? c[`${key}Molar`] : c[key], value));
  }
  return out;
}
