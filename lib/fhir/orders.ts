/**
 * An appointment's outcome as the doctor's "Complete" form fills it: a prescription or a test
 * order, checked here (zod) and turned into one FHIR R4 resource (MedicationRequest or
 * ServiceRequest) in a collection Bundle, the body of the record the patient receives.
 * Categorized by lib/fhir/categorize.ts as Prescriptions (10) and TestOrders (11).
 */
import { z } from "zod";
import { Category, type CategoryId } from "../categories";
import { FormatError } from "../errors";
import { LOINC, SNOMED, UCUM } from "./generalDetails";

const MAX_TEXT = 500;

/** Routes of administration, with their SNOMED CT codes (FHIR's example value set). */
export const ROUTES = {
  oral: "26643006",
  sublingual: "37839007",
  topical: "6064005",
  transdermal: "45890007",
  inhaled: "447694001",
  nasal: "46713006",
  ophthalmic: "54485002",
  otic: "10547007",
  rectal: "37161004",
  subcutaneous: "34206005",
  intramuscular: "78421000",
  intravenous: "47625008",
} as const;
export type Route = keyof typeof ROUTES;

/** Dose units people write on a prescription. */
export const DOSE_UNITS = ["mg", "g", "mcg", "mL", "tablet", "capsule", "drop", "puff", "unit", "patch"] as const;

/** A short list of common tests with their LOINC codes; any other test is ordered by name only. */
export const COMMON_TESTS = {
  "58410-2": "Complete blood count (CBC) panel",
  "24323-8": "Comprehensive metabolic panel",
  "24331-1": "Lipid panel",
  "4548-4": "Hemoglobin A1c",
  "3016-3": "Thyroid stimulating hormone (TSH)",
  "2345-7": "Glucose",
  "2160-0": "Creatinine",
  "24325-3": "Hepatic function panel",
  "1988-5": "C reactive protein",
  "24357-6": "Urinalysis",
  "11524-6": "Electrocardiogram (EKG) study",
  "36643-5": "Chest X-ray, 2 views",
} as const;
export type CommonTestCode = keyof typeof COMMON_TESTS;

export const PRIORITIES = ["routine", "urgent", "stat"] as const;
export const DOSE_RANGE = { min: 0.001, max: 10_000 } as const;
export const TIMES_PER_DAY_RANGE = { min: 1, max: 24 } as const;
export const DURATION_DAYS_RANGE = { min: 1, max: 365 } as const;

const text = (label: string) =>
  z
    .string({ error: `${label} must be text.` })
    .trim()
    .min(1, { error: `${label} is required.` })
    .max(MAX_TEXT, { error: `${label} is too long (at most ${MAX_TEXT} characters).` });
const optionalText = (label: string) =>
  z.preprocess((v) => (typeof v === "string" && v.trim() === "" ? undefined : v), text(label).optional());
const numberIn = (label: string, unit: string, range: { min: number; max: number }, integer = false) =>
  z
    .number({
      // An empty field (the form passes undefined) is missing, not a wrong kind of value.
      error: (issue) => (issue.input === undefined ? `${label} is required.` : `${label} must be a number of ${unit}.`),
    })
    .refine((n) => Number.isFinite(n) && (!integer || Number.isInteger(n)), {
      error: `${label} must be a whole number of ${unit}.`,
    })
    .refine((n) => n >= range.min && n <= range.max, {
      error: `${label} must be between ${range.min} and ${range.max} ${unit}.`,
    });
const oneOf = <T extends string>(label: string, allowed: readonly T[]) =>
  z.enum(allowed as [T, ...T[]], { error: `${label} must be one of ${allowed.join(", ")}.` });

const prescriptionSchema = z.strictObject(
  {
    kind: z.literal("prescription"),
    medication: text("The medication"),
    doseValue: numberIn("The dose", "units", DOSE_RANGE),
    doseUnit: oneOf("The dose unit", DOSE_UNITS),
    route: oneOf("The route", Object.keys(ROUTES) as Route[]),
    timesPerDay: numberIn("The frequency", "times a day", TIMES_PER_DAY_RANGE, true),
    durationDays: numberIn("The duration", "days", DURATION_DAYS_RANGE, true),
    instructions: optionalText("The instructions"),
    allergyOverride: z
      .strictObject(
        {
          reason: text("The reason for prescribing despite the allergy warning"),
          warnings: z.array(text("The allergy warning")).min(1, { error: "The allergy warning is missing." }),
        },
        { error: "The allergy override has a field this form does not know." },
      )
      .optional(),
  },
  { error: "The prescription has a field this form does not know." },
);

const testOrderSchema = z.strictObject(
  {
    kind: z.literal("test-order"),
    testName: text("The test name"),
    loinc: z.preprocess(
      (v) => (v === "" ? undefined : v),
      oneOf("The LOINC code", Object.keys(COMMON_TESTS) as CommonTestCode[]).optional(),
    ),
    reason: text("The reason"),
    priority: oneOf("The priority", PRIORITIES),
  },
  { error: "The test order has a field this form does not know." },
);

export type Prescription = z.infer<typeof prescriptionSchema>;
export type TestOrder = z.infer<typeof testOrderSchema>;
export type Order = Prescription | TestOrder;

/** The schema of the input's kind, if it names one. */
function schemaOf(input: unknown) {
  const kind = (input as { kind?: unknown } | null)?.kind;
  return kind === "prescription" ? prescriptionSchema : kind === "test-order" ? testOrderSchema : undefined;
}

/** Checks a form's values; throws a FormatError naming the first problem (never the value). */
export function validateOrder(input: unknown): Order {
  const schema = schemaOf(input);
  if (!schema) throw new FormatError("Choose a prescription or a test order.");
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new FormatError(parsed.error.issues[0].message);
  // Blank optional fields are left out, not kept as undefined keys.
  return Object.fromEntries(Object.entries(parsed.data).filter(([, v]) => v !== undefined)) as Order;
}

/**
 * Every problem of a form's values, each under the field it belongs to (the first one per field),
 * for a form that shows each beside its field; empty when `validateOrder` would accept them. A
 * problem of the whole (no kind, an unknown field) is under "kind".
 */
export function orderProblems(input: unknown): Record<string, string> {
  const schema = schemaOf(input);
  if (!schema) return { kind: "Choose a prescription or a test order." };
  const parsed = schema.safeParse(input);
  const problems: Record<string, string> = {};
  for (const issue of parsed.error?.issues ?? []) {
    const field = typeof issue.path[0] === "string" ? issue.path[0] : "kind";
    problems[field] ??= issue.message;
  }
  return problems;
}

/** The record category an order is filed under. */
export function orderCategory(order: Order): CategoryId {
  return order.kind === "prescription" ? Category.Prescriptions : Category.TestOrders;
}

/** Who and when, for the resource: FHIR ids or references the caller owns. */
export interface OrderContext {
  /** The resource's id (a FHIR id, e.g. a UUID). */
  id: string;
  /** e.g. "Patient/<id>" or a display-only reference. */
  patient: fhir4.Reference;
  requester: fhir4.Reference;
  /** When the doctor wrote it. */
  authoredOn: Date;
}

const PER_DAY = (times: number): fhir4.Timing => ({
  repeat: { frequency: times, period: 1, periodUnit: "d" },
});

/** One plain line for people: the list row and the summary's narrative. */
export function describeOrder(order: Order): string {
  if (order.kind === "test-order") {
    return `${order.testName} (${order.priority}) for ${order.reason}`;
  }
  const override = order.allergyOverride ? `. ${OVERRIDE_NOTE_PREFIX} Reason: ${order.allergyOverride.reason}` : "";
  return `${order.medication} ${dosageLine(order)}${override}`;
}

/** How to take it, without the medication's name: the dosage's text. */
function dosageLine(order: Prescription): string {
  const times = order.timesPerDay === 1 ? "once a day" : `${order.timesPerDay} times a day`;
  const days = order.durationDays === 1 ? "1 day" : `${order.durationDays} days`;
  return `${order.doseValue} ${order.doseUnit} ${order.route}, ${times} for ${days}`;
}

/** The order as its FHIR R4 resource: a MedicationRequest or a ServiceRequest, status active, intent order. */
export function orderToFhir(order: Order, ctx: OrderContext): fhir4.MedicationRequest | fhir4.ServiceRequest {
  const common = {
    id: ctx.id,
    status: "active" as const,
    intent: "order" as const,
    subject: ctx.patient,
    requester: ctx.requester,
    authoredOn: ctx.authoredOn.toISOString(),
  };
  if (order.kind === "test-order") {
    return {
      resourceType: "ServiceRequest",
      ...common,
      priority: order.priority,
      category: [{ coding: [{ system: SNOMED, code: "108252007", display: "Laboratory procedure" }] }],
      code: {
        ...(order.loinc ? { coding: [{ system: LOINC, code: order.loinc, display: COMMON_TESTS[order.loinc] }] } : {}),
        text: order.testName,
      },
      reasonCode: [{ text: order.reason }],
    };
  }
  const days = order.durationDays;
  return {
    resourceType: "MedicationRequest",
    ...common,
    medicationCodeableConcept: { text: order.medication },
    dosageInstruction: [
      {
        text: dosageLine(order),
        ...(order.instructions ? { patientInstruction: order.instructions } : {}),
        timing: PER_DAY(order.timesPerDay),
        route: { coding: [{ system: SNOMED, code: ROUTES[order.route], display: order.route }], text: order.route },
        doseAndRate: [{ doseQuantity: { value: order.doseValue, unit: order.doseUnit } }],
      },
    ],
    dispenseRequest: {
      expectedSupplyDuration: { value: days, unit: "days", system: UCUM, code: "d" },
    },
    ...(order.allergyOverride ? { note: overrideNotes(order.allergyOverride) } : {}),
  };
}

/** Starts the note that records a prescriber's override of the allergy check. */
export const OVERRIDE_NOTE_PREFIX = "Prescribed despite an allergy warning.";

/** The override as the MedicationRequest's notes: the reason first, then each warning the prescriber saw. */
function overrideNotes(override: NonNullable<Prescription["allergyOverride"]>): fhir4.Annotation[] {
  return [
    { text: `${OVERRIDE_NOTE_PREFIX} Reason: ${override.reason}` },
    ...override.warnings.map((warning) => ({ text: `Warning shown: ${warning}` })),
  ];
}

/** The record body: a collection Bundle holding the one order resource. */
export function orderBundle(order: Order, ctx: OrderContext): fhir4.Bundle {
  const resource = orderToFhir(order, ctx);
  return {
    resourceType: "Bundle",
    type: "collection",
    timestamp: ctx.authoredOn.toISOString(),
    entry: [{ fullUrl: `urn:uuid:${ctx.id}`, resource }],
  };
}

/** The order back from a record body this module wrote (the patient's view); undefined otherwise. */
export function orderFromBundle(bundle: unknown): fhir4.MedicationRequest | fhir4.ServiceRequest | undefined {
  const resource = (bundle as fhir4.Bundle | null)?.entry?.[0]?.resource;
  if (resource?.resourceType === "MedicationRequest" || resource?.resourceType === "ServiceRequest") return resource;
  return undefined;
}
