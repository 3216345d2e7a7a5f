/**
 * Export of a patient's whole record as ONE FHIR R4 Bundle of type "collection": every entry
 * has a urn:uuid fullUrl, references between the exported resources are rewritten to those
 * fullUrls (from relative "Type/id", absolute URLs, urn:uuid or conditional identifier
 * references), and repeated resources appear once.
 */
import { FormatError } from "../errors";
import { CATEGORY_LABELS, type CategoryId } from "../categories";
import type { StoredSummary } from "../summary/stored";
import { type GeneralDetails, generalDetailsToFhir } from "./generalDetails";
import { forEachReference, keyOf, ReferenceResolver, UUID } from "./references";

export interface ExportInput {
  patient?: fhir4.Patient;
  /** The general details form; exported as Patient fields, allergies, conditions, medications and observations. */
  details?: GeneralDetails;
  records: { category: CategoryId; bundle: fhir4.Bundle }[];
  /**
   * Records' summary parts: what their authors confirmed when reviewing the extraction
   * (AllergyIntolerance, MedicationStatement) is exported with the rest. @default []
   */
  summaries?: { category: CategoryId; stored: StoredSummary }[];
}

interface Outgoing {
  resource: fhir4.FhirResource;
  aliases: string[];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function newId(): string {
  return globalThis.crypto.randomUUID();
}

/** Everything to export, cloned, each with the names other resources may use for it. */
function collect(input: ExportInput): Outgoing[] {
  if (!isObject(input) || !Array.isArray(input.records))
    throw new FormatError("The export input must have a list of records.");
  const out: Outgoing[] = [];
  const take = (resource: unknown, where: string, fullUrl?: unknown) => {
    if (!isObject(resource) || typeof resource.resourceType !== "string")
      throw new FormatError(`${where} is not a FHIR resource.`);
    const copy = structuredClone(resource) as unknown as fhir4.FhirResource;
    const fromFullUrl = typeof fullUrl === "string" && fullUrl.startsWith("urn:uuid:") ? fullUrl.slice(9) : undefined;
    if (copy.id === undefined) copy.id = fromFullUrl && UUID.test(fromFullUrl) ? fromFullUrl : newId();
    out.push({ resource: copy, aliases: typeof fullUrl === "string" ? [fullUrl] : [] });
  };
  if (input.patient !== undefined) take(input.patient, "The patient");
  const reviewed = (input.summaries ?? []).flatMap(({ category, stored }) =>
    stored.review ? [{ category, bundle: stored.review.confirmed }] : [],
  );
  [...input.records, ...reviewed].forEach((record, i) => {
    const where = `Record ${i + 1} (${CATEGORY_LABELS[record?.category] ?? "unknown category"})`;
    const bundle = record?.bundle as unknown;
    if (!isObject(bundle) || bundle.resourceType !== "Bundle") throw new FormatError(`${where} is not a FHIR Bundle.`);
    if (bundle.entry !== undefined && !Array.isArray(bundle.entry))
      throw new FormatError(`${where} has entries that are not a list.`);
    ((bundle.entry as unknown[] | undefined) ?? []).forEach((entry, j) => {
      if (!isObject(entry)) throw new FormatError(`${where} entry ${j + 1} is not a JSON object.`);
      take(entry.resource, `${where} entry ${j + 1}`, entry.fullUrl);
    });
  });
  if (input.details !== undefined) {
    const patientId = out.find((o) => o.resource.resourceType === "Patient")?.resource.id ?? newId();
    for (const resource of generalDetailsToFhir(input.details, `Patient/${patientId}`))
      out.push({ resource, aliases: [] });
  }
  return out;
}

/**
 * Removes repeats. Same type and id: identical content appears once; two Patients are merged
 * (the later one's fields win, so the general details form updates an imported Patient); any
 * other pair is kept, the later one under a new id, so no clinical data is lost.
 */
function withoutRepeats(items: Outgoing[]): Outgoing[] {
  const byKey = new Map<string, Outgoing>();
  const out: Outgoing[] = [];
  for (const item of items) {
    const key = keyOf(item.resource);
    const first = byKey.get(key);
    if (!first) {
      byKey.set(key, item);
      out.push(item);
    } else if (JSON.stringify(first.resource) === JSON.stringify(item.resource)) {
      first.aliases.push(...item.aliases);
    } else if (item.resource.resourceType === "Patient") {
      first.resource = { ...first.resource, ...item.resource } as fhir4.Patient;
      first.aliases.push(...item.aliases);
    } else {
      item.resource.id = newId();
      byKey.set(keyOf(item.resource), item);
      out.push(item);
    }
  }
  return out;
}

/**
 * One valid FHIR R4 Bundle (type "collection") holding the patient, the general details and
 * every record's resources: a urn:uuid fullUrl per entry (the resource id when it is a UUID),
 * references rewritten to resolve inside the Bundle, repeats removed, the Patient first.
 * References to resources that are not exported are left as they were. The input is not changed.
 */
export function exportBundle(input: ExportInput): fhir4.Bundle {
  const items = withoutRepeats(collect(input));
  items.sort((a, b) => Number(b.resource.resourceType === "Patient") - Number(a.resource.resourceType === "Patient"));

  const resolver = new ReferenceResolver();
  const fullUrls = new Map<string, string>();
  const used = new Set<string>();
  for (const { resource, aliases } of items) {
    resolver.add(resource, aliases);
    let fullUrl = `urn:uuid:${resource.id}`;
    if (!UUID.test(resource.id!) || used.has(fullUrl)) fullUrl = `urn:uuid:${newId()}`;
    used.add(fullUrl);
    fullUrls.set(keyOf(resource), fullUrl);
  }
  for (const { resource } of items) {
    forEachReference(resource, (ref) => {
      const target = resolver.resolve(ref.reference);
      if (target) ref.reference = fullUrls.get(target)!;
    });
  }
  return {
    resourceType: "Bundle",
    type: "collection",
    timestamp: new Date().toISOString(),
    entry: items.map(({ resource }) => ({ fullUrl: fullUrls.get(keyOf(resource))!, resource })),
  };
}
