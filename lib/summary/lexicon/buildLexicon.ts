/**
 * Builds lib/summary/lexicon/lexiconData.ts (generated, committed) from two sources:
 * - curated.txt beside this file: common generic and brand drug names, drug classes, supplements
 *   and non-drug allergens, written by the team;
 * - the drug and allergen names in ../shared/data/fhir (Synthea R4 bundles, Synthea bulk NDJSON,
 *   HL7 R4 examples): MedicationRequest/MedicationStatement/Medication codes and
 *   AllergyIntolerance codes, reduced to their names (no strength, form or "Allergy to").
 *
 *   npx ts-node --transpile-only lib/summary/lexicon/buildLexicon.ts
 */
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";

type Json = Record<string, unknown>;
const FHIR = path.resolve(__dirname, "../../../../shared/data/fhir");
const OUT = path.join(__dirname, "lexiconData.ts");

/** "24 HR Metformin hydrochloride 500 MG Extended Release Oral Tablet [Glucophage]" to its names. */
export function drugNamesOf(display: string): string[] {
  const names: string[] = [];
  const brand = /\[([^\]]+)\]|\(([A-Za-z][A-Za-z -]+)\)/.exec(display);
  if (brand) names.push(brand[1] ?? brand[2]);
  for (const part of display.replace(/\[[^\]]*\]|\([^)]*\)/g, "").split(/\s\/\s|,/)) {
    const words: string[] = [];
    for (const w of part.trim().split(/\s+/)) {
      if (
        /\d/.test(w) ||
        /^(?:mg|ml|unt|hr|actuat|oral|injection|injectable|tablet|capsule|extended|release|topical|day|pack|solution|suspension|spray|inhaler|product|form|chewable|cream|drug|implant|system|vaginal|ring|mucosal|metered|dose|dry|powder|auto-injector|per|macrocrystals|sodium|potassium|hydrochloride|succinate|bitartrate|hydrobromide|propionate|alfa)$/i.test(
          w,
        )
      ) {
        if (words.length > 0) break;
        continue;
      }
      words.push(w);
    }
    if (words.length > 0 && words.length <= 3) names.push(words.join(" "));
  }
  return names.map((n) => n.toLowerCase().trim()).filter((n) => n.length >= 4 && !NOT_NAMES.has(n));
}

/** Words of a FHIR display that are not drug names ("insulin, regular, human"). */
const NOT_NAMES = new Set(["human", "regular", "product", "oral", "form", "with", "and"]);

/** "Allergy to grass pollen", "Tree nut (substance)", "Dander (animal) allergy" to the allergen. */
export function allergenOf(display: string): string | null {
  const s = display
    .replace(/\([^)]*\)/g, "")
    .replace(/^allergy to\s+/i, "")
    .replace(/\s+allergy$/i, "")
    .trim()
    .toLowerCase();
  return s === "" || /^(?:nka|nkda|no known)/.test(s) ? null : s;
}

function conceptDisplays(concept: unknown): string[] {
  if (typeof concept !== "object" || concept === null) return [];
  const c = concept as Json;
  const out = typeof c.text === "string" ? [c.text] : [];
  for (const coding of Array.isArray(c.coding) ? c.coding : []) {
    if (typeof (coding as Json).display === "string") out.push((coding as Json).display as string);
  }
  return out;
}

function collect(resource: Json, drugs: Set<string>, allergens: Set<string>): void {
  const type = resource.resourceType;
  if (type === "MedicationRequest" || type === "MedicationStatement" || type === "MedicationAdministration") {
    for (const d of conceptDisplays(resource.medicationCodeableConcept)) for (const n of drugNamesOf(d)) drugs.add(n);
  } else if (type === "Medication") {
    for (const d of conceptDisplays(resource.code)) for (const n of drugNamesOf(d)) drugs.add(n);
  } else if (type === "AllergyIntolerance") {
    for (const d of conceptDisplays(resource.code)) {
      const a = allergenOf(d);
      if (a) allergens.add(a);
    }
  }
}

function fromFhir(drugs: Set<string>, allergens: Set<string>): number {
  let files = 0;
  for (const dir of ["synthea-r4-bundles", "synthea-bulk-ndjson", "hl7-r4-examples"]) {
    const folder = path.join(FHIR, dir);
    if (!existsSync(folder)) continue;
    for (const f of readdirSync(folder)) {
      const file = path.join(folder, f);
      let resources: Json[];
      if (f.endsWith(".ndjson")) {
        resources = readFileSync(file, "utf8")
          .split("\n")
          .filter(Boolean)
          .map((l) => JSON.parse(l) as Json);
      } else if (f.endsWith(".json")) {
        const doc = JSON.parse(readFileSync(file, "utf8")) as Json;
        resources = Array.isArray(doc.entry)
          ? doc.entry.map((e) => (e as Json).resource as Json).filter(Boolean)
          : [doc];
      } else continue;
      files++;
      for (const r of resources) collect(r, drugs, allergens);
    }
  }
  return files;
}

function main(): void {
  const sections = new Map<string, Set<string>>();
  let current = "generic";
  for (const line of readFileSync(path.join(__dirname, "curated.txt"), "utf8").split("\n")) {
    const t = line.trim().toLowerCase();
    const header = /^#\s*(\w+)$/.exec(t);
    if (header) current = header[1];
    else if (t && !t.startsWith("#")) {
      if (!sections.has(current)) sections.set(current, new Set());
      sections.get(current)?.add(t);
    }
  }
  const fhirDrugs = new Set<string>();
  const fhirAllergens = new Set<string>();
  const files = fromFhir(fhirDrugs, fhirAllergens);
  const drugs = new Set([
    ...(sections.get("generic") ?? []),
    ...(sections.get("abbreviation") ?? []),
    ...(sections.get("brand") ?? []),
    ...fhirDrugs,
  ]);
  const classes = sections.get("class") ?? new Set<string>();
  const supplements = sections.get("supplement") ?? new Set<string>();
  const allergens = new Set([...(sections.get("allergen") ?? []), ...[...fhirAllergens].filter((a) => !drugs.has(a))]);
  const list = (s: Set<string>): string => JSON.stringify([...s].sort().join("|"));
  writeFileSync(
    OUT,
    [
      "// Generated by lib/summary/lexicon/buildLexicon.ts from curated.txt and ../shared/data/fhir. Do not edit.",
      `// ${drugs.size} drugs (${fhirDrugs.size} names from ${files} FHIR files), ${classes.size} classes, ${supplements.size} supplements, ${allergens.size} allergens.`,
      // The layout prettier gives, so `npm run lint` stays green on a rebuilt file.
      `export const DRUGS =\n  ${list(drugs)};`,
      `export const CLASSES =\n  ${list(classes)};`,
      `export const SUPPLEMENTS =\n  ${list(supplements)};`,
      `export const ALLERGENS =\n  ${list(allergens)};`,
      "",
    ].join("\n"),
  );
  console.log(
    `wrote ${OUT}: ${drugs.size} drugs, ${classes.size} classes, ${supplements.size} supplements, ${allergens.size} allergens`,
  );
}

if (require.main === module) main();
