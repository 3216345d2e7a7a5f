import { expect } from "chai";
import { summarizeText } from "./summarizeText";
import { MAX_ITEMS } from "./bound";
import { ENGINE, SUMMARY_FIELDS, type ClinicalSummary } from "./types";
import { expectNoKnownAllergies } from "../testing/summaryExpectations";

/** Every item is a verbatim slice of the source at its span. */
function expectVerbatim(source: string, summary: ClinicalSummary): void {
  for (const field of SUMMARY_FIELDS) {
    for (const item of summary[field]) {
      expect(item.text).to.not.equal("");
      expect(source.slice(item.span.start, item.span.end)).to.equal(item.text);
    }
  }
}

const texts = (s: ClinicalSummary, field: (typeof SUMMARY_FIELDS)[number]): string[] => s[field].map((i) => i.text);

// Synthea-style note (markdown headers; allergies by commas, medications by semicolons).
const SYNTHEA = `2018-05-16

# Chief Complaint
No complaints.

# Allergies
tree nut (substance), mold (organism), sulfamethoxazole / trimethoprim

# Medications
nitrofurantoin 5 mg/ml oral suspension; insulin isophane, human 70 unt/ml / insulin, regular, human 30 unt/ml injectable suspension [humulin]; ibuprofen 400 mg oral tablet [ibu]

# Assessment and Plan


## Plan

The following procedures were conducted:
- renal dialysis (procedure)
`;

// MTSamples-style transcription: line breaks turned into commas, headers in capitals.
const MTSAMPLES =
  "CHIEF COMPLAINT:,  Chest pain.,PAST MEDICAL HISTORY: , Hypertension, diabetes mellitus type 2, hyperlipidemia.," +
  "PAST SURGICAL HISTORY:,  Appendectomy.,ALLERGIES: , PENICILLIN AND SULFA.,MEDICATIONS: , ,1.  Aspirin 81 mg daily.," +
  "2.  Lisinopril 10 mg daily.,3.  Metformin 1,000 mg b.i.d.,VITAL SIGNS: , Blood pressure 150/90, pulse 88.," +
  "LABS: , Troponin negative.,IMPRESSION: , Chest pain, rule out acute coronary syndrome.,PLAN: , Admit to telemetry.";

describe("summarizeText", () => {
  it("reads a Synthea note: markdown headers, comma and semicolon lists", () => {
    const s = summarizeText(SYNTHEA);
    expect(s.engine).to.equal(ENGINE).and.to.equal("clinical-sections/2");
    expect(texts(s, "allergies")).to.deep.equal([
      "tree nut (substance)",
      "mold (organism)",
      "sulfamethoxazole / trimethoprim",
    ]);
    expect(texts(s, "medications")).to.deep.equal([
      "nitrofurantoin 5 mg/ml oral suspension",
      "insulin isophane, human 70 unt/ml / insulin, regular, human 30 unt/ml injectable suspension [humulin]",
      "ibuprofen 400 mg oral tablet [ibu]",
    ]);
    expect(texts(s, "plan")).to.deep.equal(["renal dialysis (procedure)"]);
    expect(s.noKnownAllergies).to.equal(false);
    expect(s.sections.map((x) => x.name)).to.include.members(["Allergies", "Medications", "Plan"]);
    expect(s.allergies[0].section).to.equal("Allergies");
    expectVerbatim(SYNTHEA, s);
  });

  it("reads an MTSamples transcription: inline capital headers, numbered lists", () => {
    const s = summarizeText(MTSAMPLES);
    expect(texts(s, "conditions")).to.include.members([
      "Hypertension",
      "diabetes mellitus type 2",
      "hyperlipidemia",
      "Chest pain",
    ]);
    expect(texts(s, "procedures")).to.deep.equal(["Appendectomy"]);
    expect(texts(s, "allergies")).to.deep.equal(["PENICILLIN", "SULFA"]);
    expect(texts(s, "medications")).to.deep.equal([
      "Aspirin 81 mg daily",
      "Lisinopril 10 mg daily",
      "Metformin 1,000 mg b.i.d",
    ]);
    expect(texts(s, "vitals")).to.deep.equal(["Blood pressure 150/90", "pulse 88"]);
    expect(texts(s, "results")).to.deep.equal(["Troponin negative"]);
    expect(texts(s, "plan")).to.deep.equal(["Admit to telemetry"]);
    expectVerbatim(MTSAMPLES, s);
  });

  it("reads a numbered plan or impression without its numbers as items", () => {
    const note =
      "IMPRESSION:\n1. Chest pain.\n2. Hypertension.\nPLAN:\n1.  Continue lisinopril.\n2)  Recheck A1c in 3 months.\n(3) Follow up.";
    const s = summarizeText(note);
    expect(texts(s, "conditions")).to.deep.equal(["Chest pain", "Hypertension"]);
    expect(texts(s, "plan")).to.deep.equal(["Continue lisinopril", "Recheck A1c in 3 months", "Follow up"]);
    expectVerbatim(note, s);
  });

  it("breaks a long plan sentence into clauses at most 30 words long, dropping none of it", () => {
    const sentence =
      "The patient received written instructions about wound care and dressing changes and was told to come back to the clinic or go to the emergency department if the redness spreads or a fever above 38 degrees develops over the next several days";
    const note = `PLAN: , ${sentence}.`;
    const s = summarizeText(note);
    const plan = texts(s, "plan");
    expect(plan).to.deep.equal([
      "The patient received written instructions about wound care and dressing changes and was told to come back to the clinic or go to the emergency department",
      "if the redness spreads or a fever above 38 degrees develops over the next several days",
    ]);
    for (const item of plan) expect(item.split(" ").length).to.be.at.most(30);
    expectVerbatim(note, s);
  });

  it("recognises many header styles", () => {
    const cases: [string, string, string][] = [
      ["ALLERGIES: latex", "allergies", "latex"],
      ["Allergies\nlatex\n", "allergies", "latex"],
      ["Drug Allergies - latex", "allergies", "latex"],
      ["## Allergies\n- latex", "allergies", "latex"],
      ["**Allergies:** latex", "allergies", "latex"],
      ["Current Medications:\nwarfarin 5 mg", "medications", "warfarin 5 mg"],
      ["PMH: asthma", "conditions", "asthma"],
      ["PAST MEDICAL HISTORY:\nasthma", "conditions", "asthma"],
      ["IMPRESSION: pneumonia", "conditions", "pneumonia"],
      ["ASSESSMENT AND PLAN: start antibiotics", "plan", "start antibiotics"],
      ["PROCEDURES: colonoscopy", "procedures", "colonoscopy"],
      ["VITAL SIGNS: temperature 37.2 C", "vitals", "temperature 37.2 C"],
      ["LABS: hemoglobin 13.1", "results", "hemoglobin 13.1"],
      ["MEDICATIONS\nwarfarin", "medications", "warfarin"],
    ];
    for (const [text, field, expected] of cases) {
      const s = summarizeText(text);
      expect(texts(s, field as (typeof SUMMARY_FIELDS)[number]), text).to.deep.equal([expected]);
      expectVerbatim(text, s);
    }
  });

  it("does not take prose with a colon for a header", () => {
    const text = "She takes the following medications: aspirin.\nTime of arrival 10:30.";
    const s = summarizeText(text);
    expect(s.medications).to.deep.equal([]);
    expect(s.sections).to.deep.equal([]);
  });

  it("splits bullets, numbered items, semicolons and line breaks", () => {
    const text =
      "Medications:\n\u2022 aspirin\n* metoprolol 25 mg\n1) atorvastatin\n2. omeprazole; vitamin D\nlast one\n";
    const s = summarizeText(text);
    expect(texts(s, "medications")).to.deep.equal([
      "aspirin",
      "metoprolol 25 mg",
      "atorvastatin",
      "omeprazole",
      "vitamin D",
    ]);
    const inline = "MEDICATIONS: 1. Aspirin 81 mg. 2. Lasix 20 mg daily. 3. Potassium.";
    expect(texts(summarizeText(inline), "medications")).to.deep.equal([
      "Aspirin 81 mg",
      "Lasix 20 mg daily",
      "Potassium",
    ]);
    expect(texts(summarizeText("ALLERGIES: penicillin, sulfa, and codeine."), "allergies")).to.deep.equal([
      "penicillin",
      "sulfa",
      "codeine",
    ]);
  });

  it("handles allergy negation: NKDA, no known allergies, denies, none", () => {
    expectNoKnownAllergies([
      "ALLERGIES: NKDA.",
      "Allergies: No known allergies.",
      "ALLERGIES:,  No known drug allergies.,MEDICATIONS: , Aspirin.",
      "Allergies: Patient denies any drug allergies.",
      "Allergies: None.",
      "# Allergies\nNo Known Allergies.\n",
      "Drug Allergies - denies",
    ]);
    const outside = summarizeText("HISTORY: The patient has no known drug allergies and takes no medicines.");
    expect(outside.noKnownAllergies).to.equal(true);
    const except = summarizeText("ALLERGIES: NKDA except penicillin");
    expect(except.allergies.map((i) => i.text)).to.deep.equal(["penicillin"]);
    expect(except.noKnownAllergies).to.equal(false);
  });

  it("drops empty values and flags negated findings", () => {
    const text = "MEDICATIONS: None.\nRESULTS: No pericardial effusion, mild mitral regurgitation";
    const s = summarizeText(text);
    expect(s.medications).to.deep.equal([]);
    expect(s.results.map((i) => [i.text, i.negated === true])).to.deep.equal([
      ["No pericardial effusion", true],
      ["mild mitral regurgitation", false],
    ]);
    expect(s.noKnownAllergies).to.equal(false);
  });

  it("carries a denial over the list it governs, and no further", () => {
    const text =
      "PAST MEDICAL HISTORY: Significant for hypertension. She denies liver disease, kidney disease, cirrhosis, HIV and gout. " +
      "She also denies cardiac disease and prior history of cancer. Negative for asthma, COPD, but has sleep apnea. " +
      "The patient denies fever, chills; reports cough. No history of stroke, seizures.";
    const s = summarizeText(text);
    expect(s.conditions.map((i) => [i.text, i.negated === true])).to.deep.equal([
      ["Significant for hypertension", false],
      ["She denies liver disease", true],
      ["kidney disease", true],
      ["cirrhosis", true],
      ["HIV and gout", true],
      ["She also denies cardiac disease and prior history of cancer", true],
      ["Negative for asthma", true],
      ["COPD", true],
      ["but has sleep apnea", false],
      // A sentence with semicolons is split at them only.
      ["The patient denies fever, chills", true],
      ["reports cough", false],
      ["No history of stroke", true],
      ["seizures", true],
    ]);
  });

  it("returns an empty summary for empty text, binary junk and non-strings", () => {
    const junk = Array.from({ length: 4096 }, (_, i) => String.fromCharCode((i * 7919) % 256)).join("");
    for (const input of ["", "   \n\t", junk, "\u0000ALLERGIES: x\u0001\u0002\u0003\u0004\u0005"]) {
      const s = summarizeText(input);
      for (const field of SUMMARY_FIELDS) expect(s[field]).to.deep.equal([]);
      expect(s.noKnownAllergies).to.equal(false);
      expect(s.sections).to.deep.equal([]);
    }
    expect(summarizeText(undefined as unknown as string).allergies).to.deep.equal([]);
  });

  it("completes on a 2 MB note, bounded, and keeps every item verbatim", () => {
    const chunk = `${MTSAMPLES},${SYNTHEA}\nSome narrative text without any header at all, repeated; again.\n`;
    let text = "";
    while (text.length < 2 * 1024 * 1024) text += chunk;
    const s = summarizeText(text);
    // The same drugs repeated are one item each; nothing grows with the input. (The Synthea lists
    // come after the first chunk's PLAN, so they read as lists of the plan, not current ones.)
    expect(s.medications.map((i) => i.medication?.name)).to.deep.equal(["Aspirin", "Lisinopril", "Metformin"]);
    for (const field of SUMMARY_FIELDS) expect(s[field].length).to.be.at.most(MAX_ITEMS);
    expect(s.sections.length).to.be.at.most(100);
    expect(JSON.stringify(s).length).to.be.below(64 * 1024);
    expectVerbatim(text, s);
    // 150,000 stops of one drug, resumed at the end: each stop is weighed against what follows it
    // in one pass, not against every later mention.
    const stopAndResume = summarizeText(`PLAN: ${"Stop aspirin. ".repeat(150_000)}Resume aspirin.`);
    expect(stopAndResume.stoppedMedications).to.equal(undefined);
    const noBreaks = "x, ".repeat(700_000) + "ALLERGIES: latex";
    expect(summarizeText(noBreaks).allergies.map((i) => i.text)).to.deep.equal(["latex"]);
  });

  it("summarizes one sentence listing 30,000 drugs, in every kind of list, bounded and verbatim", () => {
    // Under the suite's timeout only when each sentence is read about once (bench:summarizer times it).
    const letters = "abcdefghijklmnopqrstuvwxyz";
    const names = Array.from(
      { length: 30_000 },
      (_, i) => `${letters[i % 26]}${letters[((i / 26) % 26) | 0]}${letters[((i / 676) % 26) | 0]}pril`,
    );
    const doses = names.map((name) => `${name} 10 mg daily`).join(", ");
    for (const text of [
      `MEDICATIONS: ${doses}.`,
      `HISTORY: She is currently taking ${doses}.`,
      `PLAN: Continue ${doses}.`,
      `MEDICATIONS: Insulin; ${doses}.`,
      `MEDICATIONS: ${names.join(" and ")}.`,
      `DISCHARGE MEDICATIONS: ${doses}.`,
    ]) {
      const s = summarizeText(text);
      for (const field of SUMMARY_FIELDS) expect(s[field].length).to.be.at.most(MAX_ITEMS);
      expectVerbatim(text, s);
    }
  });

  it("leaves out items longer than maxItemLength and can skip the whole-text allergy scan", () => {
    const text = `PLAN: ${"a".repeat(50)}, short\nNo known allergies.`;
    const s = summarizeText(text, { maxItemLength: 10, scanWholeText: false });
    expect(texts(s, "plan")).to.deep.equal(["short"]);
    expect(s.noKnownAllergies).to.equal(false);
  });
});
