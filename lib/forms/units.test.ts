import { expect } from "chai";
import { fromMgDl, MG_DL_PER_MMOL_L, rangeIn, toMgDl } from "./units";

describe("concentration units", () => {
  it("uses 18.016 mg/dL per mmol/L for glucose, 38.67 for cholesterol, 88.57 for triglycerides", () => {
    expect(MG_DL_PER_MMOL_L).to.deep.equal({ glucose: 18.016, cholesterol: 38.67, triglycerides: 88.57 });
  });

  it("converts mmol/L to mg/dL to one decimal, and leaves mg/dL as is", () => {
    expect(toMgDl("glucose", 5.5, "mmol/L")).to.equal(99.1);
    expect(toMgDl("glucose", 7, "mmol/L")).to.equal(126.1);
    expect(toMgDl("cholesterol", 5.2, "mmol/L")).to.equal(201.1);
    expect(toMgDl("triglycerides", 1.7, "mmol/L")).to.equal(150.6);
    expect(toMgDl("cholesterol", 210, "mg/dL")).to.equal(210);
  });

  it("converts mg/dL to mmol/L to two decimals, and back to what was entered", () => {
    expect(fromMgDl("glucose", 99.1, "mmol/L")).to.equal(5.5);
    expect(fromMgDl("cholesterol", 201.1, "mmol/L")).to.equal(5.2);
    expect(fromMgDl("cholesterol", 193.35, "mg/dL")).to.equal(193.4);
    for (const value of [3.9, 5.5, 6.1, 11.1, 27.8])
      expect(fromMgDl("glucose", toMgDl("glucose", value, "mmol/L"), "mmol/L")).to.equal(value);
  });

  it("gives a mg/dL range in mmol/L, widened to one decimal", () => {
    expect(rangeIn("cholesterol", { min: 50, max: 1000 }, "mmol/L")).to.deep.equal({ min: 1.2, max: 25.9 });
    expect(rangeIn("cholesterol", { min: 50, max: 1000 }, "mg/dL")).to.deep.equal({ min: 50, max: 1000 });
  });
});
