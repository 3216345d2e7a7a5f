/**
 * Review before saving: the summary's extracted allergies and medications as an editable list
 * (accept, edit, remove, add), and what the author confirmed as FHIR R4 resources for the
 * summary part (lib/summary/stored.ts). Items never reviewed stay mentions: nothing is confirmed
 * without the author's click.
 */
import type { SummaryReview } from "../summary/stored";
import type { AllergySeverity, ClinicalSummary, Item } from "../summary/types";

export const ALLERGY_SEVERITIES: readonly AllergySeverity[] = ["mild", "moderate", "severe"];

/** pending: not looked at yet; accepted: confirmed (as extracted or edited); removed: not kept. */
export type ReviewStatus = "pending" | "accepted" | "removed";

interface EntryBase {
  /** Index of the summary item it came from; undefined for an entry the author added. */
  from?: number;
  /** The report's words it came from, shown beside it. */
  sentence?: string;
  status: ReviewStatus;
}

export interface AllergyEntry extends EntryBase {
  substance: string;
  reaction: string;
  severity: AllergySeverity | "";
}

export interface MedicationEntry extends EntryBase {
  name: string;
  dose: string;
  frequency: string;
}

export interface ReviewDraft {
  allergies: AllergyEntry[];
  medications: MedicationEntry[];
}

/** The extracted (non-negated) allergies and medications, all pending; details when the engine gave them, else the item's text. */
export function draftReview(summary: ClinicalSummary): ReviewDraft {
  return {
    allergies: pendingEntries(summary.allergies, (item) => ({
      substance: item.allergy?.substance ?? item.text,
      reaction: item.allergy?.reaction ?? "",
      severity: item.allergy?.severity ?? "",
    })),
    medications: pendingEntries(summary.medications, (item) => ({
      name: item.medication?.name ?? item.text,
      dose: item.medication?.dose ?? "",
      frequency: item.medication?.frequency ?? "",
    })),
  };
}

/** One pending entry per stated (non-negated) item, remembering the item's index and words. */
function pendingEntries<T>(items: Item[], detailsOf: (item: Item) => T): (EntryBase & T)[] {
  const entries: (EntryBase & T)[] = [];
  items.forEach((item, from) => {
    if (!item.negated) entries.push({ from, sentence: item.text, status: "pending", ...detailsOf(item) });
  });
  return entries;
}

/** A new, empty entry the author fills in (accepted once saved with a name). */
export const newAllergy = (): AllergyEntry => ({ status: "pending", substance: "", reaction: "", severity: "" });
export const newMedication = (): MedicationEntry => ({ status: "pending", name: "", dose: "", frequency: "" });

const MAX_TEXT = 200;

/** The problem with an entry the author is accepting, beside its field; undefined when none. */
export function entryProblem(entry: AllergyEntry | MedicationEntry): { field: string; message: string } | undefined {
  const [field, label, value] =
    "substance" in entry ? ["substance", "the substance", entry.substance] : ["name", "the medication", entry.name];
  if (!value.trim()) return { field, message: `Name ${label} to accept it, or remove it.` };
  for (const [key, text] of Object.entries(entry)) {
    if (typeof text === "string" && key !== "sentence" && text.length > MAX_TEXT)
      return { field: key, message: `At most ${MAX_TEXT} characters.` };
  }
  return undefined;
}

/** Counts for the author: how many entries are still to review. */
export function pendingCount(draft: ReviewDraft): number {
  return [...draft.allergies, ...draft.medications].filter((e) => e.status === "pending" && e.from !== undefined)
    .length;
}

/** An account as a FHIR Reference by identifier, as the dApp's orders name the patient. */
export function accountReference(address: string): fhir4.Reference {
  return { identifier: { system: "urn:ietf:rfc:3986", value: `urn:ethereum:${address.toLowerCase()}` } };
}

/** Who confirmed, about whom, when. */
export interface ReviewContext {
  patient: fhir4.Reference;
  recorder: fhir4.Reference;
  now: Date;
  newId: () => string;
}

const CLINICAL = "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical";
const VERIFICATION = "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification";
const coded = (system: string, code: string): fhir4.CodeableConcept => ({ coding: [{ system, code }] });
const blankToNull = (s: string) => (s.trim() === "" ? undefined : s.trim());
const fromReport = (sentence: string | undefined): fhir4.Annotation[] | undefined =>
  sentence ? [{ text: `From the report: "${sentence}"` }] : undefined;

/** An accepted allergy as an AllergyIntolerance: confirmed, active, reaction and severity, criticality high when severe. */
export function allergyToFhir(entry: AllergyEntry, ctx: ReviewContext): fhir4.AllergyIntolerance {
  const reaction = blankToNull(entry.reaction);
  const resource: fhir4.AllergyIntolerance = {
    resourceType: "AllergyIntolerance",
    id: ctx.newId(),
    clinicalStatus: coded(CLINICAL, "active"),
    verificationStatus: coded(VERIFICATION, "confirmed"),
    code: { text: entry.substance.trim() },
    patient: ctx.patient,
    recordedDate: ctx.now.toISOString(),
    recorder: ctx.recorder,
  };
  if (entry.severity) resource.criticality = entry.severity === "severe" ? "high" : "low";
  if (reaction || entry.severity) {
    resource.reaction = [
      {
        manifestation: [{ text: reaction ?? "Reaction not described" }],
        ...(entry.severity ? { severity: entry.severity } : {}),
      },
    ];
  }
  const note = fromReport(entry.sentence);
  if (note) resource.note = note;
  return resource;
}

/** An accepted medication as an active MedicationStatement; dose and frequency in the dosage's text and timing. */
export function medicationToFhir(entry: MedicationEntry, ctx: ReviewContext): fhir4.MedicationStatement {
  const dose = blankToNull(entry.dose);
  const frequency = blankToNull(entry.frequency);
  const resource: fhir4.MedicationStatement = {
    resourceType: "MedicationStatement",
    id: ctx.newId(),
    status: "active",
    medicationCodeableConcept: { text: entry.name.trim() },
    subject: ctx.patient,
    dateAsserted: ctx.now.toISOString(),
    informationSource: ctx.recorder,
  };
  if (dose || frequency) {
    const quantity = dose ? /^(\d+(?:\.\d+)?)\s*([a-zA-Zµ]+)$/.exec(dose) : null;
    resource.dosage = [
      {
        text: [dose, frequency].filter(Boolean).join(" "),
        ...(frequency ? { timing: { code: { text: frequency } } } : {}),
        ...(quantity ? { doseAndRate: [{ doseQuantity: { value: Number(quantity[1]), unit: quantity[2] } }] } : {}),
      },
    ];
  }
  const note = fromReport(entry.sentence);
  if (note) resource.note = note;
  return resource;
}

/**
 * The review to store with the summary: the accepted entries as a FHIR collection Bundle, and the
 * summary items the author accepted or removed. Undefined when the author reviewed nothing.
 * Throws nothing: call entryProblem first for each accepted entry.
 */
export function finishReview(draft: ReviewDraft, ctx: ReviewContext): SummaryReview | undefined {
  const accepted = (e: { status: ReviewStatus }) => e.status === "accepted";
  const decided = (entries: EntryBase[]) =>
    entries.flatMap((e) => (e.status !== "pending" && e.from !== undefined ? [e.from] : []));
  const resources: fhir4.FhirResource[] = [
    ...draft.allergies.filter(accepted).map((e) => allergyToFhir(e, ctx)),
    ...draft.medications.filter(accepted).map((e) => medicationToFhir(e, ctx)),
  ];
  const reviewed = { allergies: decided(draft.allergies), medications: decided(draft.medications) };
  if (resources.length === 0 && reviewed.allergies.length === 0 && reviewed.medications.length === 0) return undefined;
  return {
    reviewedAt: ctx.now.toISOString(),
    confirmed: {
      resourceType: "Bundle",
      type: "collection",
      timestamp: ctx.now.toISOString(),
      entry: resources.map((resource) => ({ fullUrl: `urn:uuid:${resource.id}`, resource })),
    },
    reviewed,
  };
}
