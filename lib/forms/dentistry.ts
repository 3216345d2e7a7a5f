/**
 * Dentistry form: a tooth chart (findings per tooth and surface) and the procedures done. Tooth
 * numbers are FDI or Universal, stored as FDI codes of FHIR's tooth code system with the number
 * as written kept in the text. Findings become Conditions and procedures Procedures, each with
 * the tooth and surfaces as bodySite. Files under Procedures.
 */
import { z } from "zod";
import { SURFACE_SYSTEM, TOOTH_SYSTEM } from "./codes";
import { entries, oneOf, recordedAt, requiredText } from "./fields";
import { coded, CONDITION_ACTIVE, CONDITION_CONFIRMED, ENCOUNTER_DIAGNOSIS, type FormContext } from "./resources";
import { toFdi, TOOTH_NOTATIONS, toothRule, type ToothNotation } from "./teeth";

/** FDI tooth surfaces (FHIR's FDI-surface codes). */
export const TOOTH_SURFACES = {
  M: "Mesial",
  O: "Occlusal",
  I: "Incisal",
  D: "Distal",
  B: "Buccal",
  V: "Ventral (labial)",
  L: "Lingual",
} as const;
export type ToothSurface = keyof typeof TOOTH_SURFACES;
const SURFACE_CODES = Object.keys(TOOTH_SURFACES) as [ToothSurface, ...ToothSurface[]];

const tooth = z
  .union([z.string(), z.number()], { error: "Tooth number must be a number or a letter." })
  .transform((v) => String(v).trim());
const surfaces = z
  .array(oneOf("Tooth surface", SURFACE_CODES), { error: "Tooth surfaces must be a list." })
  .max(SURFACE_CODES.length, { error: "Tooth surfaces has too many entries." })
  .default([])
  .transform((s) => [...new Set(s)]);

const finding = z.object(
  { tooth, surfaces, finding: requiredText("Finding") },
  { error: "Each finding must give a tooth and a finding." },
);
const procedure = z.object(
  { tooth: tooth.optional(), surfaces, procedure: requiredText("Procedure") },
  { error: "Each procedure must name the procedure." },
);

export const dentistryFormSchema = z
  .object(
    {
      recordedAt,
      notation: oneOf("Tooth notation", TOOTH_NOTATIONS),
      findings: entries("Findings", finding).default([]),
      procedures: entries("Procedures", procedure).default([]),
    },
    { error: "The dentistry form must be an object." },
  )
  .superRefine((form, ctx) => {
    const check = (list: "findings" | "procedures", t: string | undefined, i: number) => {
      if (t !== undefined && !toFdi(t, form.notation))
        ctx.addIssue({
          code: "custom",
          path: [list, i, "tooth"],
          message: `Tooth number must be ${toothRule(form.notation)}.`,
        });
    };
    form.findings.forEach((f, i) => check("findings", f.tooth, i));
    form.procedures.forEach((p, i) => {
      check("procedures", p.tooth, i);
      if (p.tooth === undefined && p.surfaces.length > 0)
        ctx.addIssue({
          code: "custom",
          path: ["procedures", i, "tooth"],
          message: "Give the tooth the surfaces belong to.",
        });
    });
    if (form.findings.length === 0 && form.procedures.length === 0)
      ctx.addIssue({
        code: "custom",
        path: [],
        message: "The form is empty: enter at least one finding or procedure.",
      });
  });

export type DentistryForm = z.output<typeof dentistryFormSchema>;
export type DentistryFormInput = z.input<typeof dentistryFormSchema>;

/** bodySite: the tooth as an FDI code (text keeps the number as written), then one concept per surface. */
export function toothSite(
  toothNumber: string,
  notation: ToothNotation,
  surfaceCodes: ToothSurface[],
): fhir4.CodeableConcept[] {
  const fdi = toFdi(toothNumber, notation)!;
  const text = notation === "FDI" ? `Tooth ${fdi} (FDI)` : `Tooth ${toothNumber.toUpperCase()} (Universal), FDI ${fdi}`;
  return [
    { ...coded(TOOTH_SYSTEM, fdi), text },
    ...surfaceCodes.map((s) => ({ ...coded(SURFACE_SYSTEM, s, TOOTH_SURFACES[s]), text: TOOTH_SURFACES[s] })),
  ];
}

/** Findings as Conditions, procedures as completed Procedures. */
export function dentistryToResources(form: DentistryForm, ctx: FormContext): fhir4.FhirResource[] {
  const findings = form.findings.map((f): fhir4.Condition => ({
    resourceType: "Condition",
    id: ctx.newId(),
    clinicalStatus: CONDITION_ACTIVE,
    verificationStatus: CONDITION_CONFIRMED,
    category: [ENCOUNTER_DIAGNOSIS],
    code: { text: f.finding },
    bodySite: toothSite(f.tooth, form.notation, f.surfaces),
    subject: ctx.patient,
    encounter: ctx.encounter,
    recordedDate: ctx.recordedAt,
  }));
  const procedures = form.procedures.map((p): fhir4.Procedure => {
    const resource: fhir4.Procedure = {
      resourceType: "Procedure",
      id: ctx.newId(),
      status: "completed",
      code: { text: p.procedure },
      subject: ctx.patient,
      encounter: ctx.encounter,
      performedDateTime: ctx.recordedAt,
    };
    if (p.tooth !== undefined) resource.bodySite = toothSite(p.tooth, form.notation, p.surfaces);
    return resource;
  });
  return [...findings, ...procedures];
}
