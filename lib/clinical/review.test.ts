import { expect } from "chai";
import { validateResource } from "../fhir/validate";
import { encodeStoredSummary, parseStoredSummary } from "../summary/stored";
import { summarizeFhirBundle } from "../summary/summarizeFhirBundle";
import { draftReview, entryProblem, finishReview, newAllergy, pendingCount, type ReviewDraft } from "./review";
import { item, reviewContext, textSummary } from "./testing";

const summary = textSummary(
  [
    item("Penicillin (anaphylaxis)", {
      allergy: { substance: "Penicillin", reaction: "anaphylaxis", severity: "severe" },
    }),
    item("No latex allergy", { negated: true }),
    item("left foot"),
  ],
  [
    item("Lisinopril 20 mg daily", {
      section: "Medications",
      medication: { name: "Lisinopril", dose: "20 mg", frequency: "daily" },
    }),
    item("metformin", { section: "Medications" }),
  ],
).summary;

describe("draftReview", () => {
  it("lists the positive extracted items as pending, with the engine's details or the item's text", () => {
    const draft = draftReview(summary);
    expect(draft.allergies).to.deep.equal([
      {
        from: 0,
        sentence: "Penicillin (anaphylaxis)",
        status: "pending",
        substance: "Penicillin",
        reaction: "anaphylaxis",
        severity: "severe",
      },
      { from: 2, sentence: "left foot", status: "pending", substance: "left foot", reaction: "", severity: "" },
    ]);
    expect(draft.medications.map((m) => [m.name, m.dose, m.frequency])).to.deep.equal([
      ["Lisinopril", "20 mg", "daily"],
      ["metformin", "", ""],
    ]);
    expect(pendingCount(draft)).to.equal(4);
  });
});

describe("entryProblem", () => {
  it("asks for a name before an entry can be accepted, and bounds the text", () => {
    expect(entryProblem(newAllergy())).to.deep.equal({
      field: "substance",
      message: "Name the substance to accept it, or remove it.",
    });
    expect(entryProblem({ ...newAllergy(), substance: "Latex", reaction: "x".repeat(201) })?.field).to.equal(
      "reaction",
    );
    expect(entryProblem({ ...newAllergy(), substance: "Latex" })).to.equal(undefined);
  });
});

describe("finishReview", () => {
  const reviewed = (): ReviewDraft => {
    const draft = draftReview(summary);
    draft.allergies[0].status = "accepted";
    draft.allergies[1].status = "removed";
    draft.allergies.push({
      ...newAllergy(),
      substance: "Sulfa",
      reaction: "hives",
      severity: "moderate",
      status: "accepted",
    });
    draft.medications[0] = { ...draft.medications[0], dose: "10 mg", status: "accepted" }; // corrected
    return draft; // metformin left pending
  };

  it("turns accepted allergies into confirmed, active AllergyIntolerances with reaction, severity and criticality", () => {
    const review = finishReview(reviewed(), reviewContext())!;
    const allergies = review.confirmed
      .entry!.map((e) => e.resource!)
      .filter((r) => r.resourceType === "AllergyIntolerance") as fhir4.AllergyIntolerance[];
    expect(allergies).to.have.length(2);
    const [penicillin, sulfa] = allergies;
    expect(penicillin.verificationStatus!.coding![0].code).to.equal("confirmed");
    expect(penicillin.clinicalStatus!.coding![0].code).to.equal("active");
    expect(penicillin.code).to.deep.equal({ text: "Penicillin" });
    expect(penicillin.criticality).to.equal("high");
    expect(penicillin.reaction).to.deep.equal([{ manifestation: [{ text: "anaphylaxis" }], severity: "severe" }]);
    expect(penicillin.note).to.deep.equal([{ text: 'From the report: "Penicillin (anaphylaxis)"' }]);
    expect(sulfa.criticality).to.equal("low");
    expect(sulfa.note).to.equal(undefined);
  });

  it("turns accepted medications into active MedicationStatements with the dosage as corrected", () => {
    const review = finishReview(reviewed(), reviewContext())!;
    const [statement] = review.confirmed
      .entry!.map((e) => e.resource!)
      .filter((r) => r.resourceType === "MedicationStatement") as fhir4.MedicationStatement[];
    expect(statement.status).to.equal("active");
    expect(statement.medicationCodeableConcept).to.deep.equal({ text: "Lisinopril" });
    expect(statement.dosage).to.deep.equal([
      {
        text: "10 mg daily",
        timing: { code: { text: "daily" } },
        doseAndRate: [{ doseQuantity: { value: 10, unit: "mg" } }],
      },
    ]);
  });

  it("writes valid FHIR R4, which summarizes back to the same details", () => {
    const review = finishReview(reviewed(), reviewContext())!;
    expect(validateResource(review.confirmed)).to.deep.equal([]);
    const back = summarizeFhirBundle(review.confirmed);
    expect(back.allergies.map((i) => i.allergy)).to.deep.equal([
      { substance: "Penicillin", reaction: "anaphylaxis", severity: "severe" },
      { substance: "Sulfa", reaction: "hives", severity: "moderate" },
    ]);
    expect(back.medications.map((i) => i.medication)).to.deep.equal([
      { name: "Lisinopril", dose: "10 mg", frequency: "daily" },
    ]);
  });

  it("records which items were decided, leaving the pending ones out", () => {
    expect(finishReview(reviewed(), reviewContext())!.reviewed).to.deep.equal({ allergies: [0, 2], medications: [0] });
  });

  it("gives nothing when nothing was reviewed", () => {
    expect(finishReview(draftReview(summary), reviewContext())).to.equal(undefined);
  });

  it("survives the summary part's encoding", () => {
    const review = finishReview(reviewed(), reviewContext())!;
    const stored = { ...textSummary([]), review };
    expect(parseStoredSummary(encodeStoredSummary(stored))).to.deep.equal(stored);
    expect(parseStoredSummary(encodeStoredSummary(textSummary([])))).to.not.have.property("review");
  });

  it("refuses a summary part whose review is malformed, without echoing it", () => {
    const bad = new TextEncoder().encode(JSON.stringify({ ...textSummary([]).summary, review: { confirmed: "x" } }));
    expect(() => parseStoredSummary(bad)).to.throw("The record's summary review is malformed.");
  });
});
