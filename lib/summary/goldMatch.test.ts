import { expect } from "chai";
import { allergyMatches, medicationMatches, normalizeForMatch, pairItems } from "./goldMatch";

describe("goldMatch (the gold standard's matching rule)", () => {
  it("normalizes: lower case, punctuation but / and - removed, whitespace collapsed", () => {
    expect(normalizeForMatch("  Penicillin (rash).  ")).to.equal("penicillin rash");
    expect(normalizeForMatch("Toprol-XL\t25 mg, HCTZ/lisinopril")).to.equal("toprol-xl 25 mg hctz/lisinopril");
    expect(normalizeForMatch("...")).to.equal("");
  });

  it("matches an allergy when either side's words all appear in the other", () => {
    expect(allergyMatches("Penicillin (rash)", "penicillin")).to.equal(true);
    expect(allergyMatches("sulfa", "sulfa drugs")).to.equal(true);
    expect(allergyMatches("IV contrast", "iodinated contrast")).to.equal(false);
    expect(allergyMatches("codeine", "penicillin")).to.equal(false);
    expect(allergyMatches("", "penicillin")).to.equal(false);
  });

  it("matches a medication on the gold name's first word or the emitted item's first word", () => {
    expect(medicationMatches("Lisinopril 10 mg daily", "lisinopril HCTZ")).to.equal(true);
    expect(medicationMatches("Lantus", "Lantus insulin")).to.equal(true);
    expect(medicationMatches("insulin", "Lantus insulin")).to.equal(true);
    expect(medicationMatches("Humalog insulin", "Lantus insulin")).to.equal(false);
    expect(medicationMatches("low-dose aspirin", "aspirin")).to.equal(true);
    expect(medicationMatches("Toprol", "Toprol-XL")).to.equal(false);
    expect(medicationMatches("metformin", "Metformin.")).to.equal(true);
    expect(medicationMatches("", "aspirin")).to.equal(false);
  });

  it("matches each gold item at most once and counts the rest as errors", () => {
    const p = pairItems(
      ["aspirin 81 mg", "Aspirin", "lisinopril", "zinc"],
      ["aspirin", "lisinopril"],
      medicationMatches,
    );
    expect(p.matched).to.deep.equal([
      [1, 0],
      [2, 1],
    ]);
    expect(p.unmatchedEmitted).to.deep.equal([0, 3]);
    expect(p.unmatchedGold).to.deep.equal([]);
    const missed = pairItems([], ["latex"], allergyMatches);
    expect(missed).to.deep.equal({ matched: [], unmatchedEmitted: [], unmatchedGold: [0] });
  });
});
