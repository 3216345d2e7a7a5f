/**
 * Forms and trends against the shared data sets (../shared/data/fhir): our Observations use the
 * codes and units Synthea uses, and trends read a Synthea patient's many encounters. Skipped when
 * the folder is absent (a fresh clone); trends.test.ts covers the same paths on synthetic data.
 */
import { expect } from "chai";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { formToBundle } from "./forms";
import { EXAMPLES, PATIENT, sequentialIds } from "./testing";
import { extractTrends } from "./trends";

const DATA = process.env.EHR_SHARED_DATA
  ? join(process.env.EHR_SHARED_DATA, "fhir")
  : resolve(__dirname, "../../../shared/data/fhir");
const BUNDLES = join(DATA, "synthea-r4-bundles");

type Entry = { resource: fhir4.FhirResource };
const observations = (bundle: { entry: Entry[] }) =>
  bundle.entry.map((e) => e.resource).filter((r): r is fhir4.Observation => r.resourceType === "Observation");

describe("forms and trends on ../shared/data/fhir", function () {
  let synthea: { file: string; bundle: { entry: Entry[] } }[] = [];
  before(function () {
    if (!existsSync(BUNDLES)) this.skip();
    synthea = readdirSync(BUNDLES)
      .filter((f) => f.endsWith(".json"))
      .sort()
      .map((file) => ({ file, bundle: JSON.parse(readFileSync(join(BUNDLES, file), "utf8")) }));
  });

  it("writes each LOINC code Synthea also writes with Synthea's UCUM unit and category", () => {
    /** code -> "unit|category" as Synthea writes it. */
    const theirs = new Map<string, string>();
    for (const { bundle } of synthea)
      for (const o of observations(bundle)) {
        const q = o.valueQuantity ?? o.component?.[0]?.valueQuantity;
        theirs.set(o.code.coding![0].code!, `${q?.code}|${o.category?.[0]?.coding?.[0]?.code}`);
        for (const c of o.component ?? []) theirs.set(c.code.coding![0].code!, `${c.valueQuantity?.code}|component`);
      }
    const ours = [
      ...observations(
        formToBundle("vitals", EXAMPLES.vitals, { patient: PATIENT, newId: sequentialIds() }).bundle as never,
      ),
      ...observations(
        formToBundle("cardiac", EXAMPLES.cardiac, { patient: PATIENT, newId: sequentialIds() }).bundle as never,
      ),
      // Glucose as Synthea writes it: by mass (the example's is in mmol/L, by moles).
      ...observations(
        formToBundle(
          "vitals",
          { ...EXAMPLES.vitals, glucose: { value: 99, unit: "mg/dL" } },
          { patient: PATIENT, newId: sequentialIds() },
        ).bundle as never,
      ),
    ];
    const compared: string[] = [];
    for (const o of ours) {
      const code = o.code.coding![0].code!;
      if (theirs.has(code)) {
        expect(`${o.valueQuantity?.code}|${o.category![0].coding![0].code}`, code).to.equal(theirs.get(code));
        compared.push(code);
      }
      for (const c of o.component ?? []) {
        const part = c.code.coding![0].code!;
        expect(`${c.valueQuantity?.code}|component`, part).to.equal(theirs.get(part));
        compared.push(part);
      }
    }
    expect(compared.sort()).to.include.members([
      "8302-2",
      "29463-7",
      "39156-5",
      "2339-0",
      "2093-3",
      "18262-6",
      "2085-9",
      "2571-8",
      "8480-6",
      "8462-4",
    ]);
  });

  it("gives sorted, duplicate-free series for a Synthea patient with many encounters", () => {
    const { bundle } = synthea.reduce((a, b) =>
      observations(b.bundle).length > observations(a.bundle).length ? b : a,
    );
    const obs = observations(bundle);
    const expected = (code: string) =>
      new Set(obs.filter((o) => o.code.coding![0].code === code).map((o) => o.effectiveDateTime)).size;
    const trends = extractTrends(bundle);
    expect(trends.weight.length).to.be.greaterThan(5).and.equal(expected("29463-7"));
    expect(trends.bmi.length).to.equal(expected("39156-5"));
    expect(trends.systolic.length).to.be.greaterThan(5).and.equal(expected("55284-4"));
    expect(trends.diastolic.length).to.equal(trends.systolic.length);
    for (const series of Object.values(trends)) {
      const times = series.map((p) => p.epochMs);
      expect(times).to.deep.equal([...times].sort((a, b) => a - b));
      for (const p of series) expect(p.value).to.be.a("number").and.greaterThan(0);
    }
    for (const p of trends.systolic) expect(p.value).to.be.within(50, 300);
    // The same bundle twice, and our own form on top: duplicates go, the form's points join in time order.
    const { bundle: form } = formToBundle("vitals", EXAMPLES.vitals, { patient: PATIENT, newId: sequentialIds() });
    const merged = extractTrends([bundle, form, bundle]);
    expect(merged.weight).to.have.length(trends.weight.length + 1);
    expect(merged.weight.at(-1)!.time).to.equal(EXAMPLES.vitals.recordedAt);
  });

  it("reads glucose in mg/dL from every Synthea bundle that has it", () => {
    let points = 0;
    for (const { file, bundle } of synthea) {
      const trends = extractTrends(bundle);
      // Two readings at one instant with different values (two panels of one encounter) are both kept.
      const readings = new Set(
        observations(bundle)
          .filter((o) => o.code.coding![0].code === "2339-0")
          .map((o) => `${Date.parse(o.effectiveDateTime!)}|${Math.round(o.valueQuantity!.value! * 100) / 100}`),
      );
      expect(trends.glucose.length, file).to.equal(readings.size);
      for (const p of trends.glucose) expect(p.value, file).to.be.within(20, 1000);
      points += trends.glucose.length;
    }
    expect(points).to.be.greaterThan(50);
  });
});
