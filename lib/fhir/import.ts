/**
 * Import of FHIR R4 data (a Bundle, or the resources of a bulk-export NDJSON folder) into
 * records by category. Every resource is validated; references between imported resources are
 * stored as relative "Type/id", so that each category's record stands on its own and export
 * can rebuild one consistent Bundle. Non-clinical resources are left out and counted (see
 * SKIPPED_RESOURCE_TYPES in categorize.ts); nothing clinical is dropped.
 */
import { FormatError } from "../errors";
import type { CategoryId } from "../categories";
import { categoryOfResource } from "./categorize";
import { forEachReference, keyOf, ReferenceResolver, UUID } from "./references";
import { isResourceType, validateResource } from "./validate";

export interface ImportedRecord {
  category: CategoryId;
  /** type "collection": the resources of that category */
  bundle: fhir4.Bundle;
}

export interface ImportResult {
  /** The patient, when the input holds exactly one Patient. */
  patient?: fhir4.Patient;
  /** Every Patient in the input (a bulk export may hold several). */
  patients: fhir4.Patient[];
  /** One record per category present, in category order. */
  records: ImportedRecord[];
  /** Resources read, per resourceType (entries of nested Bundles counted, the Bundles not). */
  counts: Record<string, number>;
  /** Non-clinical resources left out, per resourceType (reasons: SKIPPED_RESOURCE_TYPES). */
  skipped: Record<string, number>;
  /** Exact repeats of a resource already read (same type, id and content), per resourceType. */
  duplicates: Record<string, number>;
  /** References from kept resources to resources not in the input (left as they were). */
  unresolvedReferences: number;
}

/** Bundle types whose entries are resources to import. */
export const IMPORTABLE_BUNDLE_TYPES = ["transaction", "batch", "collection", "searchset", "document"] as const;
const MAX_NESTING = 4;

interface Incoming {
  resource: unknown;
  fullUrl?: string;
  /** Where it came from, for error messages: "Bundle entry 3". */
  where: string;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** The entries of a Bundle as incoming resources; nested Bundles are read through. */
function entriesOf(bundle: unknown, where: string, depth: number): Incoming[] {
  if (!isObject(bundle)) throw new FormatError(`${where} is not a FHIR Bundle: expected a JSON object.`);
  if (bundle.resourceType !== "Bundle") {
    throw new FormatError(`${where} is not a FHIR Bundle: its resourceType is not "Bundle".`);
  }
  if (!IMPORTABLE_BUNDLE_TYPES.includes(bundle.type as (typeof IMPORTABLE_BUNDLE_TYPES)[number])) {
    throw new FormatError(
      `${where} has a Bundle type that cannot be imported (use ${IMPORTABLE_BUNDLE_TYPES.join(", ")}).`,
    );
  }
  if (!Array.isArray(bundle.entry) || bundle.entry.length === 0) {
    throw new FormatError(`${where} has no entries, so there is nothing to import.`);
  }
  const out: Incoming[] = [];
  bundle.entry.forEach((entry: unknown, i: number) => {
    const at = `${where === "The file" ? "Bundle" : where} entry ${i + 1}`;
    if (!isObject(entry)) throw new FormatError(`${at} is not a JSON object.`);
    if (!isObject(entry.resource)) throw new FormatError(`${at} has no resource.`);
    if (entry.fullUrl !== undefined && typeof entry.fullUrl !== "string")
      throw new FormatError(`${at} has a fullUrl that is not text.`);
    // A searchset's OperationOutcome entries are messages from the server, not data.
    if (isObject(entry.search) && entry.search.mode === "outcome") return;
    if (entry.resource.resourceType === "Bundle") {
      if (depth >= MAX_NESTING) throw new FormatError(`${at} nests Bundles too deeply.`);
      out.push(...entriesOf(entry.resource, at, depth + 1));
      return;
    }
    out.push({ resource: entry.resource, fullUrl: entry.fullUrl as string | undefined, where: at });
  });
  return out;
}

function increment(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

function newId(): string {
  return globalThis.crypto.randomUUID();
}

function importIncoming(items: Incoming[]): ImportResult {
  const counts: Record<string, number> = {};
  const skipped: Record<string, number> = {};
  const duplicates: Record<string, number> = {};
  const kept: { resource: fhir4.Resource; where: string }[] = [];
  const byKey = new Map<string, string>(); // "Type/id" -> JSON, to find repeats
  const resolver = new ReferenceResolver();

  for (const item of items) {
    if (!isObject(item.resource)) throw new FormatError(`${item.where} is not a JSON object.`);
    const type = item.resource.resourceType;
    if (typeof type !== "string" || !type) throw new FormatError(`${item.where} has no resourceType.`);
    if (!isResourceType(type))
      throw new FormatError(`${item.where} has an unknown resourceType; it is not a FHIR R4 resource.`);
    increment(counts, type);
    const resource = structuredClone(item.resource) as unknown as fhir4.Resource;
    const fromFullUrl = item.fullUrl?.startsWith("urn:uuid:") ? item.fullUrl.slice(9) : undefined;
    if (resource.id === undefined) resource.id = fromFullUrl && UUID.test(fromFullUrl) ? fromFullUrl : newId();

    const key = keyOf(resource);
    const json = JSON.stringify(resource);
    const seen = byKey.get(key);
    if (seen === json) {
      increment(duplicates, type);
      continue;
    }
    // Same id, different content: both are kept, the later one under a new id.
    if (seen !== undefined) resource.id = newId();
    byKey.set(keyOf(resource), json);

    if (categoryOfResource(resource) === undefined) {
      increment(skipped, type);
      continue;
    }
    resolver.add(resource, [item.fullUrl, seen === undefined ? key : undefined]);
    kept.push({ resource, where: item.where });
  }

  let unresolvedReferences = 0;
  const byCategory = new Map<CategoryId, fhir4.Resource[]>();
  const patients: fhir4.Patient[] = [];
  for (const { resource, where } of kept) {
    forEachReference(resource, (ref) => {
      if (ref.reference.startsWith("#")) return;
      const target = resolver.resolve(ref.reference);
      if (target) ref.reference = target;
      else unresolvedReferences++;
    });
    const problems = validateResource(resource);
    if (problems.length) {
      throw new FormatError(
        `${where} (${resource.resourceType}) is not valid FHIR R4: ${problems.slice(0, 3).join("; ")}.`,
        {
          details: problems.join("\n"),
        },
      );
    }
    const category = categoryOfResource(resource) as CategoryId;
    if (!byCategory.has(category)) byCategory.set(category, []);
    byCategory.get(category)!.push(resource);
    if (resource.resourceType === "Patient") patients.push(resource as fhir4.Patient);
  }

  const records = [...byCategory.entries()]
    .sort(([a], [b]) => a - b)
    .map(([category, resources]) => ({
      category,
      bundle: {
        resourceType: "Bundle",
        type: "collection",
        entry: resources.map((resource) => ({ resource })),
      } as fhir4.Bundle,
    }));
  return {
    patient: patients.length === 1 ? patients[0] : undefined,
    patients,
    records,
    counts,
    skipped,
    duplicates,
    unresolvedReferences,
  };
}

/**
 * Imports a FHIR R4 Bundle of type transaction, batch, collection, searchset or document
 * (nested Bundles read through). Throws FormatError, with a plain message saying which entry,
 * for anything that is not such a Bundle or holds an invalid resource; the input is not changed.
 */
export function importBundle(bundle: unknown): ImportResult {
  return importIncoming(entriesOf(bundle, "The file", 0));
}

/** Imports loose resources, e.g. the parsed lines of a bulk-export NDJSON folder. Bundles among them are read through. */
export function importResources(resources: unknown[]): ImportResult {
  if (!Array.isArray(resources)) throw new FormatError("Expected a list of FHIR resources.");
  if (resources.length === 0) throw new FormatError("There are no resources to import.");
  const items = resources.flatMap((resource, i): Incoming[] => {
    const where = `Resource ${i + 1}`;
    if (isObject(resource) && resource.resourceType === "Bundle") return entriesOf(resource, where, 1);
    return [{ resource, where }];
  });
  return importIncoming(items);
}
