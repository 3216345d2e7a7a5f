/**
 * Cardiac form: blood pressure, heart rate, ECG impression (free text plus normal/abnormal) and
 * lipid panel (mg/dL). Files under LabResults: the ECG and the lipid panel are the test results a
 * cardiology visit is about; its blood pressure and heart rate are vital-signs Observations all
 * the same, so trends.ts reads them like any other.
 */
import { z } from "zod";
import { INTERPRETATION_SYSTEM, OBSERVATION_CODES } from "./codes";
import {
  bloodPressureFields,
  checkBloodPressure,
  heartRate,
  measurement,
  oneOf,
  recordedAt,
  requiredText,
  type Range,
} from "./fields";
import { bloodPressure, coded, measured, observation, type FormContext } from "./resources";

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

const lipids = z
  .object(
    {
      totalCholesterolMgDl: measurement("Total cholesterol", "mg/dL", TOTAL_CHOLESTEROL_MG_DL).optional(),
      ldlMgDl: measurement("LDL cholesterol", "mg/dL", LDL_MG_DL).optional(),
      hdlMgDl: measurement("HDL cholesterol", "mg/dL", HDL_MG_DL).optional(),
      triglyceridesMgDl: measurement("Triglycerides", "mg/dL", TRIGLYCERIDES_MG_DL).optional(),
    },
    { error: "The lipid panel must be an object of values in mg/dL." },
  )
  .superRefine((l, ctx) => {
    const total = l.totalCholesterolMgDl;
    if (total !== undefined && (l.hdlMgDl ?? 0) + (l.ldlMgDl ?? 0) > total * 1.1)
      ctx.addIssue({
        code: "custom",
        path: ["totalCholesterolMgDl"],
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
    const lipidValues = Object.values(form.lipids ?? {}).filter((v) => v !== undefined);
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
  const l = form.lipids ?? {};
  if (l.totalCholesterolMgDl !== undefined)
    out.push(measured(ctx, "laboratory", c.totalCholesterol, l.totalCholesterolMgDl));
  if (l.ldlMgDl !== undefined) out.push(measured(ctx, "laboratory", c.ldl, l.ldlMgDl));
  if (l.hdlMgDl !== undefined) out.push(measured(ctx, "laboratory", c.hdl, l.hdlMgDl));
  if (l.triglyceridesMgDl !== undefined) out.push(measured(ctx, "laboratory", c.triglycerides, l.triglyceridesMgDl));
  return out;
}
