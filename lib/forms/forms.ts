/**
 * The clinical forms, in one registry: each form's zod schema, its FHIR mapping, the record
 * category it files under and its media type. `checkForm` gives a UI field-by-field problems;
 * `formToBundle` checks a form and turns it into a FHIR R4 collection Bundle ready to store as a
 * record. Both run in browsers and Node.
 */
import type { z } from "zod";
import { Category, type CategoryId } from "../categories";
import { FormatError } from "../errors";
import { FHIR_ID } from "../fhir/references";
import { cardiacFormSchema, cardiacToResources } from "./cardiac";
import { dentistryFormSchema, dentistryToResources } from "./dentistry";
import { dermatologyFormSchema, dermatologyToResources } from "./dermatology";
import type { FormContext } from "./resources";
import { vitalsFormSchema, vitalsToResources } from "./vitals";

/** A stored form is a FHIR R4 Bundle in JSON. */
export const FORM_MEDIA_TYPE = "application/fhir+json";

/** One form: how it is checked, what it becomes and where it is filed. */
export interface FormDefinition<S extends z.ZodType = z.ZodType> {
  /** Plain title for people. */
  title: string;
  /** Record category the form's record files under (lib/categories.ts). */
  category: CategoryId;
  mediaType: typeof FORM_MEDIA_TYPE;
  /** The Encounter's type text, e.g. "Vital signs". */
  encounterType: string;
  schema: S;
  toResources: (form: z.output<S>, ctx: FormContext) => fhir4.FhirResource[];
}

function define<S extends z.ZodType>(d: Omit<FormDefinition<S>, "mediaType">): FormDefinition<S> {
  return { ...d, mediaType: FORM_MEDIA_TYPE };
}

export const FORMS = {
  vitals: define({
    title: "General medicine: vital signs",
    category: Category.VitalSigns,
    encounterType: "Vital signs",
    schema: vitalsFormSchema,
    toResources: vitalsToResources,
  }),
  cardiac: define({
    title: "Cardiology",
    category: Category.LabResults,
    encounterType: "Cardiology review",
    schema: cardiacFormSchema,
    toResources: cardiacToResources,
  }),
  dermatology: define({
    title: "Dermatology",
    category: Category.Conditions,
    encounterType: "Dermatology examination",
    schema: dermatologyFormSchema,
    toResources: dermatologyToResources,
  }),
  dentistry: define({
    title: "Dentistry",
    category: Category.Procedures,
    encounterType: "Dental examination",
    schema: dentistryFormSchema,
    toResources: dentistryToResources,
  }),
} as const;

export type FormKind = keyof typeof FORMS;
export const FORM_KINDS = Object.keys(FORMS) as FormKind[];
/** What the UI sends for a form of `K`. */
export type FormInput<K extends FormKind> = z.input<(typeof FORMS)[K]["schema"]>;
/** A checked form of `K`: text trimmed, blanks removed, defaults filled. */
export type FormValue<K extends FormKind> = z.output<(typeof FORMS)[K]["schema"]>;

/** One problem with one field; `field` is a dotted path ("allergies.0.substance", "" for the whole form). */
export interface FieldProblem {
  field: string;
  message: string;
}

export type FormCheck<K extends FormKind> = { ok: true; value: FormValue<K> } | { ok: false; problems: FieldProblem[] };

export function isFormKind(kind: unknown): kind is FormKind {
  return typeof kind === "string" && Object.prototype.hasOwnProperty.call(FORMS, kind);
}

function definition(kind: unknown): FormDefinition {
  if (!isFormKind(kind)) throw new FormatError(`Unknown form: choose one of ${FORM_KINDS.join(", ")}.`);
  return FORMS[kind] as unknown as FormDefinition;
}

/**
 * Checks `input` as a form of `kind`. Never throws for bad input: gives every problem, one per
 * field, in plain sentences that do not repeat the values. Throws FormatError for an unknown kind.
 */
export function checkForm<K extends FormKind>(kind: K, input: unknown): FormCheck<K> {
  const result = definition(kind).schema.safeParse(input);
  if (result.success) return { ok: true, value: result.data as FormValue<K> };
  return {
    ok: false,
    problems: result.error.issues.map((issue) => ({ field: issue.path.map(String).join("."), message: issue.message })),
  };
}

/** Options of `formToBundle`. */
export interface FormBundleOptions {
  /** The patient the form is about: "Patient/<id>". */
  patient: string;
  /** Makes resource ids (used in urn:uuid fullUrls). @default crypto.randomUUID */
  newId?: () => string;
}

/** A filled form, ready to store: the Bundle, its record category and media type. */
export interface FormBundle {
  bundle: fhir4.Bundle;
  category: CategoryId;
  mediaType: typeof FORM_MEDIA_TYPE;
}

const PATIENT_REFERENCE = /^Patient\/(.+)$/;

/**
 * Checks `input` as a form of `kind` and maps it to a FHIR R4 collection Bundle: one Encounter
 * (the visit, at recordedAt) and the form's resources, each with subject/patient "Patient/<id>"
 * and the Encounter as urn:uuid. Throws FormatError whose shortMessage is the first problem and
 * whose details list them all (no values).
 */
export function formToBundle<K extends FormKind>(kind: K, input: FormInput<K>, options: FormBundleOptions): FormBundle {
  const form = definition(kind);
  const id = PATIENT_REFERENCE.exec(options.patient)?.[1];
  if (id === undefined || !FHIR_ID.test(id)) throw new FormatError('The patient must be given as "Patient/<id>".');
  const checked = checkForm(kind, input);
  if (!checked.ok) {
    const all = checked.problems.map((p) => (p.field ? `${p.field}: ${p.message}` : p.message));
    throw new FormatError(checked.problems[0].message, { details: all.join(" ") });
  }
  const newId = options.newId ?? (() => globalThis.crypto.randomUUID());
  const value = checked.value as { recordedAt: string };
  const encounterId = newId();
  const patient = { reference: options.patient };
  const encounter: fhir4.Encounter = {
    resourceType: "Encounter",
    id: encounterId,
    status: "finished",
    class: { system: "http://terminology.hl7.org/CodeSystem/v3-ActCode", code: "AMB", display: "ambulatory" },
    type: [{ text: form.encounterType }],
    subject: patient,
    period: { start: value.recordedAt, end: value.recordedAt },
  };
  const ctx: FormContext = {
    patient,
    encounter: { reference: `urn:uuid:${encounterId}` },
    recordedAt: value.recordedAt,
    newId,
  };
  const resources = [encounter, ...form.toResources(value, ctx)];
  const bundle: fhir4.Bundle = {
    resourceType: "Bundle",
    type: "collection",
    timestamp: value.recordedAt,
    entry: resources.map((resource) => ({ fullUrl: `urn:uuid:${resource.id}`, resource })),
  };
  return { bundle, category: form.category, mediaType: form.mediaType };
}
