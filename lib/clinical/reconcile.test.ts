import { expect } from "chai";
import type { GeneralDetails } from "../fhir/generalDetails";
import { allergyResource } from "../forms/vitals";
import type { StoredSummary } from "../summary/stored";
import { summarizeFhirBundle } from "../summary/summarizeFhirBundle";
import { summarizeText } from "../summary/summarizeText";
import { reconcile } from "./reconcile";
import { draftReview, finishReview } from "./review";
import { item, reviewContext, textSummary } from "./testing";

const details = (allergies: string[], currentMedications: string[] = []): GeneralDetails => ({
  fullName: "Alex Example",
  allergies,
  chronicConditions: [],
  currentMedications,
  emergencyContacts: [],
  updatedAt: "2026-11-01T00:00:00Z",
});

/** A vital signs form's allergy, summarized as the dApp stores a form's summary. */
function formSummary(substance: string, reaction?: string, severity?: "mild" | "moderate" | "severe"): StoredSummary {
  const ctx = {
    patient: { reference: "Patient/p" },
    encounter: { reference: "urn:uuid:e" },
    recordedAt: "2026-11-02T00:00:00Z",
    newId: () => "f1",
  };
  const resource = allergyResource(ctx, { substance, category: "medication", reaction, severity });
  return { summary: summarizeFhirBundle([resource]), narrative: null, source: "fhir" };
}

/** A text note's summary whose first allergy the author reviewed as `edit`, leaving the rest pending. */
function reviewedNote(edit: {
  substance: string;
  reaction: string;
  severity: "" | "mild" | "moderate" | "severe";
}): StoredSummary {
  const stored = textSummary(
    [item("Pen (rash)"), item("Allergic to shellfish.")],
    [item("aspirin 81 mg", { section: "Medications" })],
  );
  const draft = draftReview(stored.summary);
  draft.allergies[0] = { ...draft.allergies[0], ...edit, status: "accepted" };
  return { ...stored, review: finishReview(draft, reviewContext()) };
}

describe("reconcile", () => {
  it("merges one substance from every source into one line, keeping the most severe reaction", () => {
    const list = reconcile({
      details: details(["penicillin"]),
      summaries: [
        { stored: formSummary("Penicillin ", "rash", "mild"), record: "record 2" },
        {
          stored: reviewedNote({ substance: "PENICILLIN", reaction: "anaphylaxis", severity: "severe" }),
          record: "record 3",
        },
      ],
    });
    expect(list.allergies).to.deep.equal([
      {
        substance: "penicillin",
        reaction: "anaphylaxis",
        severity: "severe",
        confirmed: true,
        sources: ["General details", "Clinical form or FHIR record", "Confirmed from a report"],
      },
    ]);
  });

  it("keeps mentions nobody confirmed apart, with their sentence and record, and drops reviewed ones", () => {
    const list = reconcile({
      summaries: [
        { stored: reviewedNote({ substance: "Penicillin", reaction: "rash", severity: "mild" }), record: "record 3" },
      ],
    });
    expect(list.allergies.map((a) => a.substance)).to.deep.equal(["Penicillin"]);
    // "Pen (rash)" was corrected to Penicillin: not a mention any more; shellfish was never reviewed.
    expect(list.allergyMentions).to.deep.equal([
      {
        name: "Allergic to shellfish.",
        sentence: "Allergic to shellfish.",
        record: "record 3",
        reaction: null,
        severity: null,
        confirmed: false,
      },
    ]);
    expect(list.medicationMentions.map((m) => m.name)).to.deep.equal(["aspirin 81 mg"]);
  });

  it("does not list a mention already confirmed elsewhere, and lists one mention per substance", () => {
    const note = textSummary([
      item("sulfa", { allergy: { substance: "Sulfa", reaction: null, severity: null } }),
      item("latex (hives)", { allergy: { substance: "latex", reaction: "hives", severity: null } }),
    ]);
    const again = textSummary([
      item("LATEX anaphylaxis", { allergy: { substance: "Latex", reaction: "anaphylaxis", severity: null } }),
    ]);
    const list = reconcile({ details: details(["Sulfa "]), summaries: [{ stored: note }, { stored: again }] });
    expect(list.allergies.map((a) => a.substance)).to.deep.equal(["Sulfa"]);
    expect(list.allergyMentions.map((m) => [m.name, m.reaction])).to.deep.equal([["Latex", "anaphylaxis"]]);
  });

  it("works with summaries that have no engine details (older records): the item's text is the name", () => {
    const list = reconcile({ summaries: [{ stored: textSummary([item("Codeine")], [item("Metformin 500 mg bid")]) }] });
    expect(list.allergyMentions.map((m) => m.name)).to.deep.equal(["Codeine"]);
    expect(list.medicationMentions.map((m) => m.name)).to.deep.equal(["Metformin 500 mg bid"]);
    expect(list.allergies).to.deep.equal([]);
  });

  it("flags a medication a later report stops, confirmed or mentioned, and lists the other stops apart", () => {
    const note = (text: string): StoredSummary => ({ summary: summarizeText(text), narrative: null, source: "text" });
    const list = reconcile({
      details: details([], ["Atorvastatin"]),
      summaries: [
        { stored: note("MEDICATIONS: Lisinopril 20 mg daily, metformin 500 mg b.i.d."), record: "record 2" },
        {
          stored: note("ASSESSMENT: Myalgia.,PLAN: Stop atorvastatin. Stop metformin. Stop Crestor."),
          record: "record 3",
        },
      ],
    });
    expect(list.medications).to.deep.equal([
      {
        name: "Atorvastatin",
        dose: null,
        frequency: null,
        sources: ["General details"],
        stoppedBy: { name: "atorvastatin", sentence: "Stop atorvastatin", record: "record 3" },
      },
    ]);
    expect(list.medicationMentions.map((m) => [m.name, m.record, m.stoppedBy?.sentence])).to.deep.equal([
      ["Lisinopril", "record 2", undefined],
      ["metformin", "record 2", "Stop metformin"],
    ]);
    expect(list.stoppedMedications).to.deep.equal([{ name: "Crestor", sentence: "Stop Crestor", record: "record 3" }]);
  });

  it("takes a FHIR record's stopped drug as a stop, unless the same record lists it as current", () => {
    const note = (text: string): StoredSummary => ({ summary: summarizeText(text), narrative: null, source: "text" });
    const med = (id: string, status: string, text: string) => ({
      resourceType: "MedicationRequest",
      id,
      status,
      medicationCodeableConcept: { text },
    });
    const bundle = [
      med("1", "stopped", "Simvastatin 20 MG Oral Tablet"), // stopped in 2015, prescribed again since
      med("2", "active", "Simvastatin 20 MG Oral Tablet"),
      med("3", "stopped", "Amoxicillin 250 MG Oral Capsule"),
    ];
    const stored: StoredSummary = { summary: summarizeFhirBundle(bundle), narrative: null, source: "fhir" };
    const list = reconcile({ summaries: [{ stored, record: "record 2" }] });
    expect(list.medications.map((m) => [m.name, m.stoppedBy])).to.deep.equal([
      ["Simvastatin 20 MG Oral Tablet", undefined],
    ]);
    expect(list.stoppedMedications).to.deep.equal([
      { name: "Amoxicillin 250 MG Oral Capsule", sentence: null, record: "record 2" },
    ]);
    // One drug by the words that name it, not by a number or a shared first word.
    const other = reconcile({
      details: details([], ["Warfarin 1 MG", "Vitamin D 1000 units", "Toprol XL 50 mg"]),
      summaries: [
        {
          stored: {
            summary: summarizeFhirBundle([
              med("4", "stopped", "1 ML medroxyPROGESTERone acetate 150 MG/ML Injection"),
              med("5", "stopped", "Vitamin E 400 UNT Oral Capsule"),
              med("6", "stopped", "Toprol 25 MG Oral Tablet"),
            ]),
            narrative: null,
            source: "fhir",
          },
          record: "record 4",
        },
      ],
    });
    expect(other.medications.map((m) => [m.name, m.stoppedBy?.name])).to.deep.equal([
      ["Warfarin 1 MG", undefined],
      ["Vitamin D 1000 units", undefined],
      ["Toprol XL 50 mg", "Toprol 25 MG Oral Tablet"],
    ]);
    // One drug by its ingredients, whatever name each side uses: a stop of a brand flags its generic.
    const named = reconcile({
      details: details([], ["warfarin 5 mg", "Percocet 5/325", "acetaminophen 500 mg"]),
      summaries: [
        { stored: note("PLAN: Stop Coumadin. Stop oxycodone."), record: "record 5" },
        { stored: note("PLAN: Stop Vicodin. Stop Jantoven."), record: "record 6" },
      ],
    });
    expect(named.medications.map((m) => [m.name, m.stoppedBy?.sentence, m.stoppedBy?.record])).to.deep.equal([
      ["warfarin 5 mg", "Stop Jantoven", "record 6"],
      // One ingredient's stop is no stop of a combination ("Stop Glucophage. Start Janumet.").
      ["Percocet 5/325", undefined, undefined],
      ["acetaminophen 500 mg", undefined, undefined],
    ]);
    expect(named.stoppedMedications).to.deep.equal([
      { name: "oxycodone", sentence: "Stop oxycodone", record: "record 5" },
      { name: "Vicodin", sentence: "Stop Vicodin", record: "record 6" },
    ]);
    // One molecule, two products: the ointment's stop does not flag the capsules.
    const routes = reconcile({
      details: details([], ["Prograf 1 mg"]),
      summaries: [{ stored: note("PLAN: Stop Protopic."), record: "record 9" }],
    });
    expect(routes.medications.map((m) => m.stoppedBy)).to.deep.equal([undefined]);
    expect(routes.stoppedMedications.map((s) => s.name)).to.deep.equal(["Protopic"]);
    // Two stops of one drug by two names, neither flagging an entry: listed once, the last one.
    const twice = reconcile({
      summaries: [
        { stored: note("PLAN: Stop Coumadin."), record: "record 7" },
        { stored: note("PLAN: Stop warfarin."), record: "record 8" },
      ],
    });
    expect(twice.stoppedMedications).to.deep.equal([
      { name: "warfarin", sentence: "Stop warfarin", record: "record 8" },
    ]);
    // Summaries saved before stops were read have none.
    expect(reconcile({ summaries: [{ stored: textSummary([], [item("aspirin")]) }] }).stoppedMedications).to.deep.equal(
      [],
    );
  });

  it("reconciles 100 records of 40 stops and 40 medications each, every one listed once", () => {
    const med = (id: string, status: string, text: string) => ({
      resourceType: "MedicationRequest",
      id,
      status,
      medicationCodeableConcept: { text },
    });
    // 100 records of 40 stops of distinct drugs each, and 40 current ones each: 4,000 of each.
    const summaries = Array.from({ length: 100 }, (_, r) => ({
      stored: {
        summary: summarizeFhirBundle(
          Array.from({ length: 80 }, (_, i) =>
            med(`${r}-${i}`, i < 40 ? "stopped" : "active", `Drug${r}x${i} 10 MG Oral Tablet`),
          ),
        ),
        narrative: null,
        source: "fhir" as const,
      },
      record: `record ${r}`,
    }));
    const list = reconcile({ summaries });
    expect(list.medications).to.have.length(4000);
    expect(list.stoppedMedications).to.have.length(4000);
  });

  it("leaves negated items out", () => {
    const list = reconcile({ summaries: [{ stored: textSummary([item("latex", { negated: true })]) }] });
    expect(list.allergyMentions).to.deep.equal([]);
  });

  it("puts severe allergies first", () => {
    const list = reconcile({
      details: details(["peanuts"]),
      summaries: [{ stored: formSummary("Bee venom", "anaphylaxis", "severe") }],
    });
    expect(list.allergies.map((a) => a.substance)).to.deep.equal(["Bee venom", "peanuts"]);
  });

  it("merges medications by name, keeping the first dose and frequency known", () => {
    const stored = textSummary(
      [],
      [item("Lisinopril 20 mg daily", { medication: { name: "Lisinopril", dose: "20 mg", frequency: "daily" } })],
    );
    const draft = draftReview(stored.summary);
    draft.medications[0].status = "accepted";
    const list = reconcile({
      details: details([], ["lisinopril"]),
      summaries: [{ stored: { ...stored, review: finishReview(draft, reviewContext()) } }],
    });
    expect(list.medications).to.deep.equal([
      {
        name: "lisinopril",
        dose: "20 mg",
        frequency: "daily",
        sources: ["General details", "Confirmed from a report"],
      },
    ]);
    expect(list.medicationMentions).to.deep.equal([]);
  });

  it("says 'no known allergies' only when no source names one", () => {
    const nka = textSummary([]);
    nka.summary.noKnownAllergies = true;
    expect(reconcile({ summaries: [{ stored: nka }] }).noKnownAllergies).to.equal(true);
    expect(reconcile({ details: details(["latex"]), summaries: [{ stored: nka }] }).noKnownAllergies).to.equal(false);
    expect(reconcile({ summaries: [] }).noKnownAllergies).to.equal(false);
  });
});
