import { expect } from "chai";
import { checkForm, type FieldProblem } from "./forms";
import { example } from "./testing";

const problems = (changes: Record<string, unknown>): FieldProblem[] => {
  const result = checkForm("dermatology", example("dermatology", changes));
  return result.ok ? [] : result.problems;
};

describe("dermatology form", () => {
  it("accepts the example and trims text", () => {
    const result = checkForm(
      "dermatology",
      example("dermatology", { lesions: [{ site: " Scalp ", description: "Scaly plaque", diagnosis: "Psoriasis " }] }),
    );
    expect(result.ok && result.value.lesions).to.deep.equal([
      { site: "Scalp", description: "Scaly plaque", diagnosis: "Psoriasis" },
    ]);
  });

  it("needs a site, a description and a diagnosis for each lesion", () => {
    expect(problems({ lesions: [{ site: "", description: "Macule", diagnosis: "Naevus" }] })).to.deep.equal([
      { field: "lesions.0.site", message: "Lesion site is required." },
    ]);
    expect(problems({ lesions: [{ site: "Back", diagnosis: "Naevus" }] })).to.deep.equal([
      { field: "lesions.0.description", message: "Lesion description must be text." },
    ]);
    expect(problems({ lesions: [{ site: "Back", description: "Macule", diagnosis: 7 }] })).to.deep.equal([
      { field: "lesions.0.diagnosis", message: "Diagnosis must be text." },
    ]);
  });

  it("needs at least one lesion", () => {
    expect(problems({ lesions: [] })).to.deep.equal([{ field: "lesions", message: "Lesions needs at least 1 entry." }]);
    expect(problems({ lesions: undefined })[0].message).to.equal("Lesions must be a list.");
  });
});
