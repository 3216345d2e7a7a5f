/**
 * Dermatology form: skin lesions, each with its body site, a description and a diagnosis. Each
 * lesion becomes a Condition (encounter diagnosis) with the site as its bodySite and the
 * description as a note. Files under Conditions.
 */
import { z } from "zod";
import { entries, recordedAt, requiredText } from "./fields";
import { CONDITION_ACTIVE, CONDITION_CONFIRMED, ENCOUNTER_DIAGNOSIS, type FormContext } from "./resources";

const lesion = z.object(
  {
    site: requiredText("Lesion site"),
    description: requiredText("Lesion description"),
    diagnosis: requiredText("Diagnosis"),
  },
  { error: "Each lesion must give a site, a description and a diagnosis." },
);

export const dermatologyFormSchema = z.object(
  { recordedAt, lesions: entries("Lesions", lesion, 1) },
  { error: "The dermatology form must be an object." },
);

export type DermatologyForm = z.output<typeof dermatologyFormSchema>;
export type DermatologyFormInput = z.input<typeof dermatologyFormSchema>;

/** One Condition per lesion. */
export function dermatologyToResources(form: DermatologyForm, ctx: FormContext): fhir4.FhirResource[] {
  return form.lesions.map((l): fhir4.Condition => ({
    resourceType: "Condition",
    id: ctx.newId(),
    clinicalStatus: CONDITION_ACTIVE,
    verificationStatus: CONDITION_CONFIRMED,
    category: [ENCOUNTER_DIAGNOSIS],
    code: { text: l.diagnosis },
    bodySite: [{ text: l.site }],
    subject: ctx.patient,
    encounter: ctx.encounter,
    recordedDate: ctx.recordedAt,
    note: [{ text: l.description }],
  }));
}
