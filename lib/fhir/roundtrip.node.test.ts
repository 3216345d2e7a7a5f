/**
 * Import then export of the shared data sets (../shared/data/fhir): all 40 Synthea transaction
 * Bundles and the bulk-export NDJSON folder. Every clinical resource comes back, the export is
 * valid FHIR R4 and every reference in it resolves inside it.
 */
import { expect } from "chai";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { exportBundle } from "./export";
import { importBundle, importResources, type ImportResult } from "./import";
import { readNdjsonFolder } from "./ndjson.node";
import { validateResource } from "./validate";

const DATA = resolve(__dirname, "../../../shared/data/fhir");
const BUNDLES = join(DATA, "synthea-r4-bundles");
const NDJSON = join(DATA, "synthea-bulk-ndjson");

function checkRoundTrip(result: ImportResult): void {
  const bundle = exportBundle({ patient: result.patient, records: result.records });
  expect(validateResource(bundle)).to.deep.equal([]);
  const out: Record<string, number> = {};
  for (const e of bundle.entry!) out[e.resource!.resourceType] = (out[e.resource!.resourceType] ?? 0) + 1;
  const expected: Record<string, number> = {};
  for (const [type, n] of Object.entries(result.counts)) {
    const kept = n - (result.skipped[type] ?? 0) - (result.duplicates[type] ?? 0);
    if (kept > 0) expected[type] = kept;
  }
  expect(out).to.deep.equal(expected);
  const fullUrls = new Set(bundle.entry!.map((e) => e.fullUrl));
  const unresolved: string[] = [];
  JSON.stringify(bundle, (key, value) => {
    if (key === "reference" && typeof value === "string" && !value.startsWith("#") && !fullUrls.has(value))
      unresolved.push(value);
    return value;
  });
  expect(unresolved).to.have.length(result.unresolvedReferences);
}

describe("FHIR round trip on ../shared/data/fhir", function () {
  before(function () {
    if (!existsSync(BUNDLES)) this.skip();
  });

  it("keeps every clinical resource of all 40 Synthea Bundles, leaving out only billing", () => {
    const files = readdirSync(BUNDLES).filter((f) => f.endsWith(".json"));
    expect(files).to.have.length(40);
    const skippedTypes = new Set<string>();
    for (const file of files) {
      const result = importBundle(JSON.parse(readFileSync(join(BUNDLES, file), "utf8")));
      expect(result.patient, file).not.to.equal(undefined);
      expect(result.unresolvedReferences, file).to.equal(0);
      Object.keys(result.skipped).forEach((t) => skippedTypes.add(t));
      checkRoundTrip(result);
    }
    expect([...skippedTypes].sort()).to.deep.equal(["Claim", "ExplanationOfBenefit"]);
  });

  it("keeps every resource of the bulk-export NDJSON folder, conditional references resolved", async () => {
    const result = importResources(await readNdjsonFolder(NDJSON));
    expect(result.patients).to.have.length(9);
    expect(result.skipped).to.deep.equal({});
    expect(result.unresolvedReferences).to.equal(0);
    expect(Object.values(result.counts).reduce((a, b) => a + b, 0)).to.equal(5328);
    checkRoundTrip(result);
  });
});
