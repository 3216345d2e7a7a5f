import { expect } from "chai";
import { MAX_ITEMS } from "./bound";
import { summarizeText } from "./summarizeText";
import { SUMMARY_FIELDS, type ClinicalSummary } from "./types";

const medNames = (s: ClinicalSummary): string[] => s.medications.map((i) => i.medication?.name ?? "");
const allergens = (s: ClinicalSummary): string[] => s.allergies.map((i) => i.allergy?.substance ?? "");

function expectVerbatim(source: string, s: ClinicalSummary): void {
  for (const field of SUMMARY_FIELDS) {
    for (const item of s[field]) expect(source.slice(item.span.start, item.span.end)).to.equal(item.text);
  }
  for (const item of s.dischargeMedications ?? []) {
    expect(source.slice(item.span.start, item.span.end)).to.equal(item.text);
  }
}

describe("note formats seen in the wild (summarizeText)", () => {
  it("reads a SOAP note: S:/O:/A:/P: end the sections before them", () => {
    const text =
      "S: 45 yo F with cough x 3 days. Meds: albuterol inhaler prn. All: NKDA.\nO: T 37.9, lungs clear.\nA: Acute bronchitis.\nP: Supportive care. Return if worse.";
    const s = summarizeText(text);
    expect(medNames(s)).to.deep.equal(["albuterol inhaler"]);
    expect(s.noKnownAllergies).to.equal(true);
    expect(s.conditions.map((i) => i.text)).to.deep.equal(["Acute bronchitis"]);
    expect(s.plan.map((i) => i.text)).to.deep.equal(["Supportive care", "Return if worse"]);
    expectVerbatim(text, s);
  });

  it("reads an ED note with 'Meds: none' and 'PMH:'", () => {
    const text =
      "CC: ankle injury\nPMH: none\nMeds: none\nAll: NKDA\nED course: Ibuprofen 600 mg PO given. X-ray negative.\nDispo: home, RICE.";
    const s = summarizeText(text);
    expect(s.medications).to.deep.equal([]);
    expect(s.noMedications).to.equal(true);
    expect(s.noKnownAllergies).to.equal(true);
    expectVerbatim(text, s);
  });

  it("reads a note in capitals only", () => {
    const text =
      "PAST MEDICAL HISTORY: HYPERTENSION.\nMEDICATIONS: LISINOPRIL 10 MG DAILY, ASPIRIN 81 MG DAILY.\nALLERGIES: PENICILLIN CAUSES HIVES.";
    const s = summarizeText(text);
    expect(medNames(s)).to.deep.equal(["LISINOPRIL", "ASPIRIN"]);
    expect(s.allergies.map((i) => i.allergy)).to.deep.equal([
      { substance: "PENICILLIN", reaction: "HIVES", severity: null },
    ]);
    expect(s.conditions.map((i) => i.text)).to.deep.equal(["HYPERTENSION"]);
  });

  it("reads headers without a colon and headers flattened to commas", () => {
    const flattened =
      "HISTORY OF PRESENT ILLNESS: , Knee pain.,MEDICATIONS,1.  NyQuil.,2.  Timolol eye drops.,ALLERGIES, Sulfa.,PHYSICAL EXAMINATION,GENERAL: Well.";
    const s = summarizeText(flattened);
    expect(medNames(s)).to.deep.equal(["NyQuil", "Timolol eye drops"]);
    expect(allergens(s)).to.deep.equal(["Sulfa"]);
    expectVerbatim(flattened, s);
    const bare = "Medications\nwarfarin 5 mg daily\nAllergies\nlatex\n";
    expect(medNames(summarizeText(bare))).to.deep.equal(["warfarin"]);
    expect(allergens(summarizeText(bare))).to.deep.equal(["latex"]);
  });

  it("ends a section at a header it does not know, so nothing runs on", () => {
    const text =
      "MEDICATIONS: Lasix 20 mg daily.,Neck: Supple without adenopathy.,Lungs: Clear.,Skin: Warm, dry, iodine stain noted.";
    const s = summarizeText(text);
    expect(medNames(s)).to.deep.equal(["Lasix"]);
    expect(s.sections.map((x) => x.name)).to.deep.equal(["MEDICATIONS", "Neck", "Lungs", "Skin"]);
  });

  it("gives results and plan as short items at sentence boundaries, never paragraphs", () => {
    const long = `${"The patient and family were counselled at length about the options and risks ".repeat(3)}.`;
    const text = `PLAN: Admit to telemetry. Serial troponins. ${long} Cardiology consult in the morning.\nLABS: Sodium 138; potassium 4.1; creatinine 1.0.`;
    const s = summarizeText(text);
    for (const item of [...s.plan, ...s.results]) expect(item.text.split(/\s+/).length).to.be.at.most(30);
    expect(s.plan.map((i) => i.text)).to.include.members([
      "Admit to telemetry",
      "Serial troponins",
      "Cardiology consult in the morning",
    ]);
    expect(s.results.map((i) => i.text)).to.deep.equal(["Sodium 138", "potassium 4.1", "creatinine 1.0"]);
    expectVerbatim(text, s);
  });

  it("is bounded whatever the input: items per field capped, the rest counted in omitted", () => {
    const letters = (i: number): string => String.fromCharCode(97 + Math.floor(i / 26), 97 + (i % 26));
    const drugs = Array.from({ length: 60 }, (_, i) => `Drugamab${letters(i)} ${i + 1} mg daily`);
    const text = `MEDICATIONS: ${drugs.join(", ")}.\n${"PLAN: Rest. ".repeat(20_000)}`;
    const s = summarizeText(text);
    expect(s.medications).to.have.length(MAX_ITEMS);
    expect(s.omitted).to.deep.equal({ medications: 20 });
    expect(s.plan.map((i) => i.text)).to.deep.equal(["Rest"]);
    expect(JSON.stringify(s).length).to.be.below(32 * 1024);
    expectVerbatim(text, s);
  });

  it("gives nothing on a note with no allergy or medication content", () => {
    const text =
      "DESCRIPTION OF PROCEDURE: , The patient was placed supine. The knee was prepped and draped. Arthroscopy showed a torn medial meniscus, which was debrided.,FINDINGS: , Grade 2 chondromalacia.";
    const s = summarizeText(text);
    expect(s.allergies).to.deep.equal([]);
    expect(s.medications).to.deep.equal([]);
    expect(s.dischargeMedications).to.equal(undefined);
    expect(s.noKnownAllergies).to.equal(false);
    expect(s.noMedications).to.equal(undefined);
  });
});
