import { expect } from "chai";
import { checkForm, type FieldProblem } from "./forms";
import { toFdi } from "./teeth";
import { example } from "./testing";

const problems = (changes: Record<string, unknown>): FieldProblem[] => {
  const result = checkForm("dentistry", example("dentistry", changes));
  return result.ok ? [] : result.problems;
};

describe("toFdi", () => {
  it("keeps valid FDI numbers: 11-48 permanent, 51-85 primary", () => {
    for (const t of ["11", "18", "21", "38", "48", "51", "55", "85"]) expect(toFdi(t, "FDI")).to.equal(t);
    for (const t of ["10", "19", "49", "56", "86", "91", "1", "A", "111"]) expect(toFdi(t, "FDI")).to.equal(undefined);
  });

  it("maps Universal 1-32 and A-T to FDI", () => {
    const cases: [string, string][] = [
      ["1", "18"],
      ["8", "11"],
      ["9", "21"],
      ["16", "28"],
      ["17", "38"],
      ["24", "31"],
      ["25", "41"],
      ["32", "48"],
      ["A", "55"],
      ["E", "51"],
      ["F", "61"],
      ["J", "65"],
      ["K", "75"],
      ["O", "71"],
      ["P", "81"],
      ["t", "85"],
    ];
    for (const [universal, fdi] of cases) expect(toFdi(universal, "Universal"), universal).to.equal(fdi);
    for (const t of ["0", "33", "U", "AB", ""]) expect(toFdi(t, "Universal")).to.equal(undefined);
  });
});

describe("dentistry form", () => {
  it("accepts the example, tooth numbers as numbers or text, and removes repeated surfaces", () => {
    const result = checkForm(
      "dentistry",
      example("dentistry", { findings: [{ tooth: 30, surfaces: ["O", "O"], finding: "Fracture" }] }),
    );
    expect(result.ok && result.value.findings).to.deep.equal([{ tooth: "30", surfaces: ["O"], finding: "Fracture" }]);
  });

  it("refuses a tooth number outside the chosen notation, naming the rule", () => {
    expect(problems({ findings: [{ tooth: 33, finding: "Caries" }] })).to.deep.equal([
      {
        field: "findings.0.tooth",
        message: "Tooth number must be a Universal number (1-32 for permanent teeth, A-T for primary teeth).",
      },
    ]);
    expect(problems({ notation: "FDI", findings: [{ tooth: "19", finding: "Caries" }], procedures: [] })).to.deep.equal(
      [
        {
          field: "findings.0.tooth",
          message: "Tooth number must be an FDI number (11-48 for permanent teeth, 51-85 for primary teeth).",
        },
      ],
    );
    expect(problems({ procedures: [{ tooth: "Z", procedure: "Extraction" }] })[0].field).to.equal("procedures.0.tooth");
  });

  it("refuses unknown notations and surfaces, and blank findings", () => {
    expect(problems({ notation: "Palmer" })[0].message).to.equal("Tooth notation must be one of FDI, Universal.");
    expect(problems({ findings: [{ tooth: 3, surfaces: ["X"], finding: "Caries" }] })[0].message).to.equal(
      "Tooth surface must be one of M, O, I, D, B, V, L.",
    );
    expect(problems({ findings: [{ tooth: 3, finding: " " }] })).to.deep.equal([
      { field: "findings.0.finding", message: "Finding is required." },
    ]);
  });

  it("refuses surfaces without a tooth, and an empty chart", () => {
    expect(problems({ procedures: [{ surfaces: ["O"], procedure: "Filling" }] })).to.deep.equal([
      { field: "procedures.0.tooth", message: "Give the tooth the surfaces belong to." },
    ]);
    expect(problems({ findings: [], procedures: [] })).to.deep.equal([
      { field: "", message: "The form is empty: enter at least one finding or procedure." },
    ]);
  });
});
