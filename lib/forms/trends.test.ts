import { expect } from "chai";
import { formToBundle } from "./forms";
import { EXAMPLES, PATIENT, sequentialIds } from "./testing";
import { extractTrends, TREND_METRICS } from "./trends";

const LOINC = "http://loinc.org";
const UCUM = "http://unitsofmeasure.org";
let n = 0;
/** An Observation shaped like Synthea's. */
function obs(code: string, time: string, value?: number, unit?: string, extra: Record<string, unknown> = {}) {
  return {
    resourceType: "Observation",
    id: `o${++n}`,
    status: "final",
    code: { coding: [{ system: LOINC, code }] },
    effectiveDateTime: time,
    ...(value === undefined ? {} : { valueQuantity: { value, unit, system: UCUM, code: unit } }),
    ...extra,
  };
}
const bp = (code: string, time: string, sys: number, dia: number) =>
  obs(code, time, undefined, undefined, {
    component: [
      { code: { coding: [{ system: LOINC, code: "8462-4" }] }, valueQuantity: { value: dia, code: "mm[Hg]" } },
      { code: { coding: [{ system: LOINC, code: "8480-6" }] }, valueQuantity: { value: sys, code: "mm[Hg]" } },
    ],
  });
const values = (points: { time: string; value: number }[]) => points.map((p) => [p.time, p.value]);

describe("extractTrends", () => {
  it("reads our forms' Bundles: weight, BMI, blood pressure and glucose normalized to mg/dL, with the unit entered", () => {
    const { bundle } = formToBundle("vitals", EXAMPLES.vitals, { patient: PATIENT, newId: sequentialIds() });
    const trends = extractTrends(bundle);
    const at = EXAMPLES.vitals.recordedAt;
    expect(values(trends.weight)).to.deep.equal([[at, 70]]);
    expect(values(trends.bmi)).to.deep.equal([[at, 23.7]]);
    expect(values(trends.systolic)).to.deep.equal([[at, 128]]);
    expect(values(trends.diastolic)).to.deep.equal([[at, 82]]);
    // 5.5 mmol/L x 18.016
    expect(values(trends.glucose)).to.deep.equal([[at, 99.09]]);
    expect(trends.glucose[0].unit).to.equal("mmol/L");
    expect(trends.weight[0].unit).to.equal("kg");
    expect(trends.weight[0].source).to.match(/^Observation\/00000000-/);
  });

  it("charts total cholesterol from a lipid panel in mg/dL or mmol/L (38.67 mg/dL per mmol/L)", () => {
    const panel = (recordedAt: string, lipids: Record<string, unknown>) =>
      formToBundle("cardiac", { ...EXAMPLES.cardiac, recordedAt, lipids }, { patient: PATIENT, newId: sequentialIds() })
        .bundle;
    const trends = extractTrends([
      panel("2026-01-10T09:00:00Z", { unit: "mmol/L", totalCholesterol: 5.2, hdl: 1.3 }),
      panel("2026-01-01T09:00:00Z", { totalCholesterol: 210, hdl: 45 }),
    ]);
    expect(trends.cholesterol.map((p) => [p.value, p.unit])).to.deep.equal([
      [210, "mg/dL"],
      [201.08, "mmol/L"],
    ]);
  });

  it("sorts by time across inputs and time zones, whatever the input order", () => {
    const trends = extractTrends([
      obs("29463-7", "2021-05-01T10:00:00+02:00", 81, "kg"),
      { resourceType: "Bundle", entry: [{ resource: obs("29463-7", "2019-01-01T00:00:00Z", 85, "kg") }] },
      [obs("29463-7", "2021-05-01T09:00:00Z", 80, "kg")],
    ]);
    expect(values(trends.weight)).to.deep.equal([
      ["2019-01-01T00:00:00Z", 85],
      ["2021-05-01T10:00:00+02:00", 81],
      ["2021-05-01T09:00:00Z", 80],
    ]);
  });

  it("converts lb and g to kg and mmol/L glucose to mg/dL, leaving out unknown units", () => {
    const trends = extractTrends([
      obs("29463-7", "2020-01-01T00:00:00Z", 176, "[lb_av]"),
      obs("29463-7", "2020-01-02T00:00:00Z", 3500, "g"),
      obs("29463-7", "2020-01-03T00:00:00Z", 12, "[stone_av]"),
      obs("15074-8", "2020-01-01T00:00:00Z", 7, "mmol/L"),
      obs("2345-7", "2020-01-02T00:00:00Z", 140, "mg/dL"),
      obs("2339-0", "2020-01-03T00:00:00Z", 5, "g/L"),
    ]);
    expect(trends.weight.map((p) => p.value)).to.deep.equal([79.83, 3.5]);
    expect(trends.glucose.map((p) => p.value)).to.deep.equal([126.11, 140]);
  });

  it("reads the 85354-9 and Synthea 2.4 55284-4 panels and lone systolic/diastolic Observations", () => {
    const trends = extractTrends([
      bp("55284-4", "2012-01-01T00:00:00Z", 189.419, 117.6),
      bp("85354-9", "2013-01-01T00:00:00Z", 120, 80),
      obs("8480-6", "2014-01-01T00:00:00Z", 130, "mm[Hg]"),
      obs("8462-4", "2014-01-01T00:00:00Z", 85, "mmHg"),
    ]);
    expect(trends.systolic.map((p) => p.value)).to.deep.equal([189.42, 120, 130]);
    expect(trends.diastolic.map((p) => p.value)).to.deep.equal([117.6, 80, 85]);
  });

  it("removes duplicates (same metric, instant and value), keeps different values at one time", () => {
    const a = obs("39156-5", "2020-01-01T00:00:00Z", 24.2, "kg/m2");
    const copy = { ...obs("39156-5", "2020-01-01T01:00:00+01:00", 24.2, "kg/m2") };
    const other = obs("39156-5", "2020-01-01T00:00:00Z", 24.5, "kg/m2");
    const trends = extractTrends([a, copy, other, { resourceType: "Bundle", entry: [{ resource: a }] }]);
    expect(trends.bmi.map((p) => p.value)).to.deep.equal([24.2, 24.5]);
    expect(trends.bmi[0].source).to.equal(`Observation/${a.id}`);
  });

  it("uses a period start, an instant or issued when there is no effectiveDateTime", () => {
    const base = obs("29463-7", "", 70, "kg");
    delete (base as { effectiveDateTime?: string }).effectiveDateTime;
    const trends = extractTrends([
      { ...base, id: "p", effectivePeriod: { start: "2020-01-01T00:00:00Z" } },
      { ...base, id: "i", effectiveInstant: "2020-01-02T00:00:00Z", valueQuantity: { value: 71, code: "kg" } },
      { ...base, id: "s", issued: "2020-01-03T00:00:00Z", valueQuantity: { value: 72, code: "kg" } },
    ]);
    expect(trends.weight.map((p) => p.source)).to.deep.equal(["Observation/p", "Observation/i", "Observation/s"]);
  });

  it("leaves out what it cannot place: no time, entered in error, other codes and systems, junk", () => {
    const trends = extractTrends([
      obs("29463-7", "not a date", 70, "kg"),
      obs("29463-7", "2020-01-01T00:00:00Z", 70, "kg", { status: "entered-in-error" }),
      obs("8302-2", "2020-01-01T00:00:00Z", 170, "cm"),
      obs("29463-7", "2020-01-01T00:00:00Z", Number.NaN, "kg"),
      {
        ...obs("29463-7", "2020-01-01T00:00:00Z", 70, "kg"),
        code: { coding: [{ system: "urn:local", code: "29463-7" }] },
      },
      { resourceType: "Patient", id: "p" },
      null,
      "text",
      42,
      { resourceType: "Bundle", entry: "nope" },
    ]);
    for (const metric of TREND_METRICS) expect(trends[metric], metric).to.deep.equal([]);
    expect(extractTrends(undefined).weight).to.deep.equal([]);
  });
});
