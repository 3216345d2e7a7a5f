/**
 * General medicine / vital signs form: height, weight (BMI computed), blood pressure, pulse,
 * temperature, blood glucose (mg/dL or mmol/L, stored as entered), diabetes status, blood group
 * and allergies. Files under the VitalSigns category.
 */
import { z } from "zod";
import { BLOOD_GROUP_SNOMED, BLOOD_GROUPS, bmi, HEIGHT_CM_RANGE, WEIGHT_KG_RANGE } from "../fhir/generalDetails";
import { OBSERVATION_CODES, SNOMED } from "./codes";
import {
  bloodPressureFields,
  checkBloodPressure,
  entries,
  heartRate,
  measurement,
  oneOf,
  optionalText,
  rangeText,
  recordedAt,
  requiredText,
  type Range,
} from "./fields";
import {
  bloodPressure,
  coded,
  CONDITION_ACTIVE,
  CONDITION_CONFIRMED,
  measured,
  observation,
  type FormContext,
} from "./resources";
import { CONCENTRATION_UNITS, toMgDl, type ConcentrationUnit } from "./units";

export const TEMPERATURE_C: Range = { min: 25, max: 45 };
export const GLUCOSE_MG_DL: Range = { min: 20, max: 1000 };
export const GLUCOSE_MMOL_L: Range = { min: 1.1, max: 55.5 };
/** Height and weight each plausible can still give an impossible pair. */
export const BMI_RANGE: Range = { min: 5, max: 250 };

export const DIABETES_STATUSES = ["none", "prediabetes", "type-1", "type-2", "gestational"] as const;
/** SNOMED CT disorders for each diabetes status but "none" (Synthea uses 15777000 and 44054006). */
export const DIABETES_SNOMED: Record<
  Exclude<(typeof DIABETES_STATUSES)[number], "none">,
  { code: string; display: string }
> = {
  prediabetes: { code: "15777000", display: "Prediabetes" },
  "type-1": { code: "46635009", display: "Diabetes mellitus type 1" },
  "type-2": { code: "44054006", display: "Diabetes mellitus type 2" },
  gestational: { code: "11687002", display: "Gestational diabetes mellitus" },
};

export const ALLERGY_CATEGORIES = ["food", "medication", "environment", "biologic"] as const;
export const ALLERGY_SEVERITIES = ["mild", "moderate", "severe"] as const;

const glucose = z
  .object(
    {
      value: z.number({ error: "Blood glucose must be a number." }),
      unit: oneOf("Blood glucose unit", CONCENTRATION_UNITS),
    },
    { error: "Blood glucose must give a value and a unit (mg/dL or mmol/L)." },
  )
  .superRefine((g, ctx) => {
    const range = g.unit === "mg/dL" ? GLUCOSE_MG_DL : GLUCOSE_MMOL_L;
    if (g.value < range.min || g.value > range.max)
      ctx.addIssue({ code: "custom", path: ["value"], message: `Blood glucose must be ${rangeText(range, g.unit)}.` });
  });

const allergy = z.object(
  {
    substance: requiredText("Allergy substance"),
    category: oneOf("Allergy type", ALLERGY_CATEGORIES),
    reaction: optionalText("Allergic reaction"),
    severity: oneOf("Allergy severity", ALLERGY_SEVERITIES).optional(),
  },
  { error: "Each allergy must give a substance and a type." },
);

export const vitalsFormSchema = z
  .object(
    {
      recordedAt,
      heightCm: measurement("Height", "cm", HEIGHT_CM_RANGE).optional(),
      weightKg: measurement("Weight", "kg", WEIGHT_KG_RANGE).optional(),
      ...bloodPressureFields,
      pulsePerMin: heartRate,
      temperatureC: measurement("Temperature", "°C", TEMPERATURE_C).optional(),
      glucose: glucose.optional(),
      diabetes: oneOf("Diabetes status", DIABETES_STATUSES).optional(),
      bloodGroup: oneOf("Blood group", BLOOD_GROUPS).optional(),
      allergies: entries("Allergies", allergy).default([]),
    },
    { error: "The vital signs form must be an object." },
  )
  .superRefine((form, ctx) => {
    checkBloodPressure(form, ctx);
    const index = bmi(form);
    if (index !== undefined && (index < BMI_RANGE.min || index > BMI_RANGE.max))
      ctx.addIssue({
        code: "custom",
        path: ["weightKg"],
        message: `Height and weight together give a BMI outside ${BMI_RANGE.min}-${BMI_RANGE.max} kg/m2: check both.`,
      });
    const measured = [
      form.heightCm,
      form.weightKg,
      form.systolicMmHg,
      form.pulsePerMin,
      form.temperatureC,
      form.glucose,
      form.diabetes,
      form.bloodGroup,
    ].some((v) => v !== undefined);
    if (!measured && form.allergies.length === 0)
      ctx.addIssue({
        code: "custom",
        path: [],
        message: "The form is empty: enter at least one measurement or allergy.",
      });
  });

/** A checked vital signs form. */
export type VitalsForm = z.output<typeof vitalsFormSchema>;
/** What the UI sends (allergies may be left out). */
export type VitalsFormInput = z.input<typeof vitalsFormSchema>;

/** Glucose in mg/dL, to one decimal. */
export function glucoseMgDl(glucose: { value: number; unit: ConcentrationUnit }): number {
  return toMgDl("glucose", glucose.value, glucose.unit);
}

const ALLERGY_CLINICAL = coded("http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical", "active");
const ALLERGY_VERIFICATION = coded(
  "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification",
  "unconfirmed",
);

/** The allergy as an AllergyIntolerance; severity also sets criticality (severe: high). */
export function allergyResource(ctx: FormContext, a: VitalsForm["allergies"][number]): fhir4.AllergyIntolerance {
  const resource: fhir4.AllergyIntolerance = {
    resourceType: "AllergyIntolerance",
    id: ctx.newId(),
    clinicalStatus: ALLERGY_CLINICAL,
    verificationStatus: ALLERGY_VERIFICATION,
    type: "allergy",
    category: [a.category],
    code: { text: a.substance },
    patient: ctx.patient,
    encounter: ctx.encounter,
    recordedDate: ctx.recordedAt,
  };
  if (a.severity) resource.criticality = a.severity === "severe" ? "high" : "low";
  if (a.reaction || a.severity) {
    resource.reaction = [
      {
        manifestation: [{ text: a.reaction ?? "Reaction not described" }],
        ...(a.severity ? { severity: a.severity } : {}),
      },
    ];
  }
  return resource;
}

/** The form's resources: Observations (vital-signs, laboratory), a Condition, AllergyIntolerances. */
export function vitalsToResources(form: VitalsForm, ctx: FormContext): fhir4.FhirResource[] {
  const c = OBSERVATION_CODES;
  const out: fhir4.FhirResource[] = [];
  if (form.heightCm !== undefined) out.push(measured(ctx, "vital-signs", c.height, form.heightCm));
  if (form.weightKg !== undefined) out.push(measured(ctx, "vital-signs", c.weight, form.weightKg));
  const index = bmi(form);
  if (index !== undefined) out.push(measured(ctx, "vital-signs", c.bmi, index));
  if (form.systolicMmHg !== undefined && form.diastolicMmHg !== undefined)
    out.push(bloodPressure(ctx, form.systolicMmHg, form.diastolicMmHg));
  if (form.pulsePerMin !== undefined) out.push(measured(ctx, "vital-signs", c.heartRate, form.pulsePerMin));
  if (form.temperatureC !== undefined) out.push(measured(ctx, "vital-signs", c.temperature, form.temperatureC));
  // Stored as entered, in its unit (by moles for mmol/L): a chart converts, the record stays true to the lab.
  if (form.glucose)
    out.push(
      measured(ctx, "laboratory", form.glucose.unit === "mmol/L" ? c.glucoseMolar : c.glucose, form.glucose.value),
    );
  if (form.bloodGroup) {
    out.push(
      observation(ctx, "laboratory", c.bloodGroup, {
        valueCodeableConcept: {
          coding: [{ system: SNOMED, ...BLOOD_GROUP_SNOMED[form.bloodGroup] }],
          text: form.bloodGroup,
        },
      }),
    );
  }
  if (form.diabetes && form.diabetes !== "none") {
    const disorder = DIABETES_SNOMED[form.diabetes];
    out.push({
      resourceType: "Condition",
      id: ctx.newId(),
      clinicalStatus: CONDITION_ACTIVE,
      verificationStatus: CONDITION_CONFIRMED,
      category: [coded("http://terminology.hl7.org/CodeSystem/condition-category", "problem-list-item")],
      code: { coding: [{ system: SNOMED, ...disorder }], text: disorder.display },
      subject: ctx.patient,
      encounter: ctx.encounter,
      recordedDate: ctx.recordedAt,
    });
  }
  for (const a of form.allergies) out.push(allergyResource(ctx, a));
  return out;
}
