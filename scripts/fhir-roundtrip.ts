/**
 * npm run fhir:roundtrip -- <bundle.json | ndjson-folder | folder of bundles>...
 *
 * Imports each input (a FHIR R4 Bundle file, a bulk-export NDJSON folder, or a folder of Bundle
 * files, each Bundle its own input), exports it again as one Bundle, validates the export, and
 * prints per-resource-type counts in and out. Exits 1 if an input cannot be imported, an export
 * is invalid, or any clinical resource is missing from an export.
 */
import { readdir, readFile, stat } from "node:fs/promises";
import { basename, join } from "node:path";
import { SKIPPED_RESOURCE_TYPES } from "../lib/fhir/categorize";
import { exportBundle } from "../lib/fhir/export";
import { importBundle, importResources, type ImportResult } from "../lib/fhir/import";
import { readNdjsonFolder } from "../lib/fhir/ndjson.node";
import { validateResource } from "../lib/fhir/validate";
import { toUserMessage } from "../lib/errors";

interface Input {
  name: string;
  load: () => Promise<ImportResult>;
}

interface Row {
  in: number;
  skipped: number;
  duplicates: number;
  out: number;
}

async function inputsOf(path: string): Promise<Input[]> {
  const info = await stat(path);
  const bundleFile = (file: string): Input => ({
    name: basename(file),
    load: async () => importBundle(JSON.parse(await readFile(file, "utf8"))),
  });
  if (!info.isDirectory()) return [bundleFile(path)];
  const names = (await readdir(path)).sort();
  if (names.some((n) => n.endsWith(".ndjson"))) {
    return [{ name: `${basename(path)}/ (NDJSON)`, load: async () => importResources(await readNdjsonFolder(path)) }];
  }
  return names.filter((n) => n.endsWith(".json")).map((n) => bundleFile(join(path, n)));
}

function add(table: Map<string, Row>, type: string, field: keyof Row, n: number): void {
  if (!table.has(type)) table.set(type, { in: 0, skipped: 0, duplicates: 0, out: 0 });
  table.get(type)![field] += n;
}

async function main(): Promise<number> {
  const paths = process.argv.slice(2);
  if (paths.length === 0) {
    console.error("usage: npm run fhir:roundtrip -- <bundle.json | ndjson-folder | folder of bundles>...");
    return 2;
  }
  const inputs = (await Promise.all(paths.map(inputsOf))).flat();
  const totals = new Map<string, Row>();
  let failures = 0;
  let unresolved = 0;
  for (const input of inputs) {
    const started = Date.now();
    let result: ImportResult;
    try {
      result = await input.load();
    } catch (error) {
      failures++;
      console.log(`FAIL ${input.name}: cannot import: ${toUserMessage(error)}`);
      continue;
    }
    const exported = exportBundle({ patient: result.patient, records: result.records });
    const problems = validateResource(exported);
    const table = new Map<string, Row>();
    for (const [type, n] of Object.entries(result.counts)) add(table, type, "in", n);
    for (const [type, n] of Object.entries(result.skipped)) add(table, type, "skipped", n);
    for (const [type, n] of Object.entries(result.duplicates)) add(table, type, "duplicates", n);
    for (const entry of exported.entry ?? []) add(table, entry.resource!.resourceType, "out", 1);
    const lost = [...table].filter(([, r]) => r.out < r.in - r.skipped - r.duplicates).map(([type]) => type);
    for (const [type, row] of table)
      for (const field of Object.keys(row) as (keyof Row)[]) add(totals, type, field, row[field]);
    unresolved += result.unresolvedReferences;
    const ok = problems.length === 0 && lost.length === 0;
    if (!ok) failures++;
    const sum = (f: keyof Row) => [...table.values()].reduce((s, r) => s + r[f], 0);
    console.log(
      `${ok ? "ok  " : "FAIL"} ${input.name}: in ${sum("in")}, out ${sum("out")}, skipped ${sum("skipped")}, ` +
        `duplicates ${sum("duplicates")}, ${Date.now() - started} ms` +
        (lost.length ? `; LOST: ${lost.join(", ")}` : "") +
        (problems.length ? `; INVALID export: ${problems.slice(0, 5).join("; ")}` : ""),
    );
  }

  console.log(
    `\n${"resourceType".padEnd(28)}${"in".padStart(8)}${"skipped".padStart(9)}${"dupes".padStart(7)}${"out".padStart(8)}  note`,
  );
  const rows = [...totals].sort(([a], [b]) => a.localeCompare(b));
  for (const [type, r] of rows) {
    const note = r.skipped ? `left out: ${SKIPPED_RESOURCE_TYPES[type]}` : r.out < r.in - r.duplicates ? "LOST" : "";
    console.log(
      `${type.padEnd(28)}${String(r.in).padStart(8)}${String(r.skipped).padStart(9)}${String(r.duplicates).padStart(7)}${String(r.out).padStart(8)}  ${note}`,
    );
  }
  const total = (f: keyof Row) => rows.reduce((s, [, r]) => s + r[f], 0);
  console.log(
    `${"TOTAL".padEnd(28)}${String(total("in")).padStart(8)}${String(total("skipped")).padStart(9)}${String(total("duplicates")).padStart(7)}${String(total("out")).padStart(8)}`,
  );
  console.log(
    `\n${inputs.length} input(s), ${failures} failed; ${unresolved} reference(s) point outside the input and were left as they were.`,
  );
  return failures ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(toUserMessage(error));
    process.exit(1);
  },
);
