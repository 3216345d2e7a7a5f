/**
 * Small FHIR R4 builders the forms share: an Observation with a LOINC code (and components), a
 * UCUM quantity, and the clinical and verification status codings. One place, so that every
 * form writes the same shape Synthea and lib/fhir/generalDetails.ts write.
 */
import { LOINC, OBSERVATION_CATEGORY_SYSTEM, OBSERVATION_CODES, UCUM, type ObservationCode } from "./codes";

/** Who, when and in which encounter: the same for every resource of one filled form. */
export interface FormContext {
  /** "Patient/<id>" */
  patient: fhir4.Reference;
  /** The form's Encounter, as "urn:uuid:<id>". */
  encounter: fhir4.Reference;
  /** ISO 8601 date-time of the measurements. */
  recordedAt: string;
  /** A fresh resource id. */
  newId: () => string;
}

/** A UCUM quantity: `unit` is both the printed unit and the UCUM code. */
export function quantity(value: number, unit: string): fhir4.Quantity {
  return { value, unit, system: UCUM, code: unit };
}

/** A LOINC CodeableConcept. */
export function loinc(code: ObservationCode): fhir4.CodeableConcept {
  return { coding: [{ system: LOINC, code: code.code, display: code.display }], text: code.display };
}

/** One coding of `system`, as a CodeableConcept. */
export function coded(system: string, code: string, display?: string): fhir4.CodeableConcept {
  return { coding: [{ system, code, ...(display ? { display } : {}) }] };
}

/** A final Observation of the patient, at the form's time, in the form's encounter. */
export function observation(
  ctx: FormContext,
  category: "vital-signs" | "laboratory" | "procedure",
  code: ObservationCode,
  value: Partial<Pick<fhir4.Observation, "valueQuantity" | "valueCodeableConcept" | "valueString" | "component">>,
): fhir4.Observation {
  return {
    resourceType: "Observation",
    id: ctx.newId(),
    status: "final",
    category: [coded(OBSERVATION_CATEGORY_SYSTEM, category, category === "vital-signs" ? "Vital Signs" : undefined)],
    code: loinc(code),
    subject: ctx.patient,
    encounter: ctx.encounter,
    effectiveDateTime: ctx.recordedAt,
    ...value,
  };
}

/** An Observation of one measured value in the code's UCUM unit. */
export function measured(
  ctx: FormContext,
  category: "vital-signs" | "laboratory",
  code: ObservationCode & { unit: string },
  value: number,
): fhir4.Observation {
  return observation(ctx, category, code, { valueQuantity: quantity(value, code.unit) });
}

/** The blood pressure panel (LOINC 85354-9) with systolic and diastolic components, in mm[Hg]. */
export function bloodPressure(ctx: FormContext, systolic: number, diastolic: number): fhir4.Observation {
  const { bloodPressure: panel, systolic: sys, diastolic: dia } = OBSERVATION_CODES;
  return observation(ctx, "vital-signs", panel, {
    component: [
      { code: loinc(sys), valueQuantity: quantity(systolic, sys.unit) },
      { code: loinc(dia), valueQuantity: quantity(diastolic, dia.unit) },
    ],
  });
}

export const CONDITION_ACTIVE = coded("http://terminology.hl7.org/CodeSystem/condition-clinical", "active");
export const CONDITION_CONFIRMED = coded("http://terminology.hl7.org/CodeSystem/condition-ver-status", "confirmed");
export const ENCOUNTER_DIAGNOSIS = coded(
  "http://terminology.hl7.org/CodeSystem/condition-category",
  "encounter-diagnosis",
  "Encounter Diagnosis",
);
