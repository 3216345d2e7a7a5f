import { expect } from "chai";
import { checkForm } from "./forms";
import { example } from "./testing";

const messages = (changes: Record<string, unknown>): string[] => {
  const result = checkForm("cardiac", example("cardiac", changes));
  return result.ok ? [] : result.problems.map((p) => p.message);
};
const lipids = (l: Record<string, unknown>) => messages({ lipids: l });

describe("cardiac form", () => {
  it("accepts the full example", () => {
    expect(messages({})).to.deep.equal([]);
  });

  it("checks blood pressure and heart rate like the vitals form", () => {
    expect(messages({ systolicMmHg: 350 })).to.deep.equal(["Systolic pressure must be between 50 and 300 mmHg."]);
    expect(messages({ diastolicMmHg: 150 })).to.deep.equal([
      "Diastolic pressure must be lower than systolic pressure.",
    ]);
    expect(messages({ heartRatePerMin: 19 })).to.deep.equal(["Pulse must be between 20 and 300 beats per minute."]);
    expect(messages({ heartRatePerMin: 300 })).to.deep.equal([]);
  });

  it("ECG: impression text and a normal/abnormal result are both required", () => {
    expect(messages({ ecg: { impression: "Normal sinus rhythm", interpretation: "normal" } })).to.deep.equal([]);
    expect(messages({ ecg: { impression: "", interpretation: "normal" } })).to.deep.equal([
      "ECG impression is required.",
    ]);
    expect(messages({ ecg: { impression: "Sinus rhythm", interpretation: "borderline" } })).to.deep.equal([
      "ECG result must be one of normal, abnormal.",
    ]);
    expect(messages({ ecg: "normal" })).to.deep.equal([
      "The ECG must give an impression and a result (normal or abnormal).",
    ]);
  });

  const ranges: [string, string, number, number][] = [
    ["totalCholesterol", "Total cholesterol", 50, 1000],
    ["ldl", "LDL cholesterol", 10, 700],
    ["hdl", "HDL cholesterol", 5, 200],
    ["triglycerides", "Triglycerides", 10, 5000],
  ];
  for (const [field, label, min, max] of ranges) {
    it(`lipids ${field}: accepts ${min}-${max} mg/dL (the default unit), refuses outside and non-numbers`, () => {
      expect(lipids({ [field]: min })).to.deep.equal([]);
      expect(lipids({ unit: "mg/dL", [field]: max })).to.deep.equal([]);
      const outside = `${label} must be between ${min} and ${max} mg/dL.`;
      expect(lipids({ [field]: min - 1 })).to.deep.equal([outside]);
      expect(lipids({ [field]: max + 1 })).to.deep.equal([outside]);
      expect(lipids({ [field]: "high" })).to.deep.equal([`${label} must be a number.`]);
    });
  }

  it("lipids in mmol/L: the same ranges converted (38.67 mg/dL per mmol/L of cholesterol, 88.57 of triglycerides)", () => {
    expect(lipids({ unit: "mmol/L", totalCholesterol: 5.2, ldl: 3.1, hdl: 1.3, triglycerides: 1.7 })).to.deep.equal([]);
    expect(lipids({ unit: "mmol/L", totalCholesterol: 210 })).to.deep.equal([
      "Total cholesterol must be between 1.2 and 25.9 mmol/L.",
    ]);
    expect(lipids({ unit: "mmol/L", hdl: 0.05 })).to.deep.equal([
      "HDL cholesterol must be between 0.1 and 5.2 mmol/L.",
    ]);
    expect(lipids({ unit: "mmol/L", triglycerides: 57 })).to.deep.equal([
      "Triglycerides must be between 0.1 and 56.5 mmol/L.",
    ]);
    expect(lipids({ unit: "mmol/L", totalCholesterol: 3, ldl: 3.1, hdl: 1.3 })).to.deep.equal([
      "Total cholesterol must be at least LDL plus HDL cholesterol.",
    ]);
    expect(lipids({ unit: "g/L", hdl: 1 })).to.deep.equal(["Lipid unit must be one of mg/dL, mmol/L."]);
  });

  it("refuses a total cholesterol below LDL plus HDL", () => {
    expect(lipids({ totalCholesterol: 120, ldl: 130, hdl: 45 })).to.deep.equal([
      "Total cholesterol must be at least LDL plus HDL cholesterol.",
    ]);
  });

  it("refuses an empty form", () => {
    expect(checkForm("cardiac", { recordedAt: "2026-03-14T09:30:00Z", lipids: {} })).to.deep.equal({
      ok: false,
      problems: [{ field: "", message: "The form is empty: enter at least one measurement." }],
    });
  });
});
