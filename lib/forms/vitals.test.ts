import { expect } from "chai";
import { checkForm, type FieldProblem } from "./forms";
import { example } from "./testing";
import { glucoseMgDl } from "./vitals";

const problems = (changes: Record<string, unknown>): FieldProblem[] => {
  const result = checkForm("vitals", example("vitals", changes));
  return result.ok ? [] : result.problems;
};
const messages = (changes: Record<string, unknown>) => problems(changes).map((p) => p.message);

describe("vitals form", () => {
  it("accepts the full example and trims allergy text", () => {
    const result = checkForm(
      "vitals",
      example("vitals", { allergies: [{ substance: "  Latex ", category: "environment" }] }),
    );
    expect(result.ok).to.equal(true);
    if (result.ok) expect(result.value.allergies).to.deep.equal([{ substance: "Latex", category: "environment" }]);
  });

  const ranges: [string, string, number, number, string][] = [
    ["heightCm", "Height", 30, 272, "cm"],
    ["weightKg", "Weight", 0.5, 650, "kg"],
    ["pulsePerMin", "Pulse", 20, 300, "beats per minute"],
    ["temperatureC", "Temperature", 25, 45, "°C"],
  ];
  for (const [field, label, min, max, unit] of ranges) {
    it(`${field}: accepts ${min} and ${max}, refuses values outside, and non-numbers`, () => {
      const loose = { heightCm: undefined, weightKg: undefined };
      expect(messages({ ...loose, [field]: min })).to.deep.equal([]);
      expect(messages({ ...loose, [field]: max })).to.deep.equal([]);
      const outside = `${label} must be between ${min} and ${max} ${unit}.`;
      expect(messages({ ...loose, [field]: min - 0.1 })).to.deep.equal([outside]);
      expect(messages({ ...loose, [field]: max + 0.1 })).to.deep.equal([outside]);
      for (const bad of ["70", Number.NaN, Number.POSITIVE_INFINITY, null])
        expect(messages({ ...loose, [field]: bad })).to.deep.equal([`${label} must be a number in ${unit}.`]);
      expect(problems({ ...loose, [field]: max + 1 })[0].field).to.equal(field);
    });
  }

  it("blood pressure: accepts 50-300 / 20-200 mmHg, refuses outside with a plain message", () => {
    expect(messages({ systolicMmHg: 50, diastolicMmHg: 20 })).to.deep.equal([]);
    expect(messages({ systolicMmHg: 300, diastolicMmHg: 200 })).to.deep.equal([]);
    expect(messages({ systolicMmHg: 301 })).to.deep.equal(["Systolic pressure must be between 50 and 300 mmHg."]);
    expect(messages({ systolicMmHg: 49, diastolicMmHg: 30 })).to.deep.equal([
      "Systolic pressure must be between 50 and 300 mmHg.",
    ]);
    expect(messages({ diastolicMmHg: 19 })).to.deep.equal(["Diastolic pressure must be between 20 and 200 mmHg."]);
  });

  it("blood pressure: refuses a diastolic at or above the systolic, and one pressure without the other", () => {
    expect(problems({ systolicMmHg: 120, diastolicMmHg: 120 })).to.deep.equal([
      { field: "diastolicMmHg", message: "Diastolic pressure must be lower than systolic pressure." },
    ]);
    expect(messages({ systolicMmHg: 110, diastolicMmHg: 150 })).to.deep.equal([
      "Diastolic pressure must be lower than systolic pressure.",
    ]);
    expect(problems({ systolicMmHg: undefined })).to.deep.equal([
      { field: "systolicMmHg", message: "Enter both systolic and diastolic pressure, or neither." },
    ]);
    expect(messages({ systolicMmHg: undefined, diastolicMmHg: undefined })).to.deep.equal([]);
  });

  it("glucose: accepts 20-1000 mg/dL and 1.1-55.5 mmol/L, refuses outside or an unknown unit", () => {
    for (const g of [
      { value: 20, unit: "mg/dL" },
      { value: 1000, unit: "mg/dL" },
      { value: 1.1, unit: "mmol/L" },
      { value: 55.5, unit: "mmol/L" },
    ])
      expect(messages({ glucose: g })).to.deep.equal([]);
    expect(messages({ glucose: { value: 1001, unit: "mg/dL" } })).to.deep.equal([
      "Blood glucose must be between 20 and 1000 mg/dL.",
    ]);
    expect(messages({ glucose: { value: 100, unit: "mmol/L" } })).to.deep.equal([
      "Blood glucose must be between 1.1 and 55.5 mmol/L.",
    ]);
    expect(messages({ glucose: { value: 5, unit: "g/L" } })).to.deep.equal([
      "Blood glucose unit must be one of mg/dL, mmol/L.",
    ]);
    expect(messages({ glucose: 5.5 })).to.deep.equal(["Blood glucose must give a value and a unit (mg/dL or mmol/L)."]);
  });

  it("glucose is normalized to mg/dL (18.016 mg/dL per mmol/L, one decimal)", () => {
    expect(glucoseMgDl({ value: 5.5, unit: "mmol/L" })).to.equal(99.1);
    expect(glucoseMgDl({ value: 99, unit: "mg/dL" })).to.equal(99);
  });

  it("refuses a height and weight that together give an impossible BMI", () => {
    expect(problems({ heightCm: 272, weightKg: 0.5 })).to.deep.equal([
      { field: "weightKg", message: "Height and weight together give a BMI outside 5-250 kg/m2: check both." },
    ]);
  });

  it("diabetes status and blood group: accepts the listed values only", () => {
    expect(messages({ diabetes: "none", bloodGroup: "AB+" })).to.deep.equal([]);
    expect(messages({ diabetes: "type-3" })).to.deep.equal([
      "Diabetes status must be one of none, prediabetes, type-1, type-2, gestational.",
    ]);
    expect(messages({ bloodGroup: "C+" })).to.deep.equal([
      "Blood group must be one of A+, A-, B+, B-, AB+, AB-, O+, O-.",
    ]);
  });

  it("allergies: substance and type required, severity listed, reaction optional", () => {
    expect(problems({ allergies: [{ substance: " ", category: "food" }] })).to.deep.equal([
      { field: "allergies.0.substance", message: "Allergy substance is required." },
    ]);
    expect(messages({ allergies: [{ substance: "Egg", category: "drink" }] })).to.deep.equal([
      "Allergy type must be one of food, medication, environment, biologic.",
    ]);
    expect(messages({ allergies: [{ substance: "Egg", category: "food", severity: "deadly" }] })).to.deep.equal([
      "Allergy severity must be one of mild, moderate, severe.",
    ]);
    expect(messages({ allergies: "penicillin" })).to.deep.equal(["Allergies must be a list."]);
    expect(messages({ allergies: ["penicillin"] })).to.deep.equal(["Each allergy must give a substance and a type."]);
    const many = Array.from({ length: 65 }, () => ({ substance: "Egg", category: "food" }));
    expect(messages({ allergies: many })).to.deep.equal(["Allergies has too many entries (at most 64)."]);
    expect(messages({ allergies: [{ substance: "x".repeat(1001), category: "food" }] })).to.deep.equal([
      "Allergy substance is too long (at most 1000 characters).",
    ]);
  });

  it("recordedAt: needs a date-time with a time zone, not in the future, not before 1900", () => {
    expect(messages({ recordedAt: "2026-03-14T09:30:00+05:30" })).to.deep.equal([]);
    expect(messages({ recordedAt: "2026-03-14" })[0]).to.match(/must be a date and time with a time zone/);
    for (const unreal of ["2026-02-30T09:30:00Z", "2026-03-14T24:30:00Z"])
      expect(messages({ recordedAt: unreal })).to.deep.equal(["Time of recording (recordedAt) is not a real date."]);
    expect(messages({ recordedAt: "1899-12-31T23:00:00Z" })).to.deep.equal([
      "Time of recording (recordedAt) cannot be before 1900.",
    ]);
    const future = new Date(Date.now() + 3 * 24 * 3600 * 1000).toISOString();
    expect(messages({ recordedAt: future })).to.deep.equal(["Time of recording (recordedAt) cannot be in the future."]);
    expect(messages({ recordedAt: undefined })).to.deep.equal(["Time of recording (recordedAt) is required."]);
  });

  it("refuses an empty form and what is not an object", () => {
    expect(checkForm("vitals", { recordedAt: "2026-03-14T09:30:00Z" })).to.deep.equal({
      ok: false,
      problems: [{ field: "", message: "The form is empty: enter at least one measurement or allergy." }],
    });
    expect(checkForm("vitals", "height 170")).to.deep.equal({
      ok: false,
      problems: [{ field: "", message: "The vital signs form must be an object." }],
    });
  });

  it("never repeats the value it refuses", () => {
    const text = JSON.stringify(problems({ heightCm: 987.6, allergies: [{ substance: "Secretol", category: "x" }] }));
    expect(text).not.to.include("987.6");
    expect(text).not.to.include("Secretol");
  });
});
