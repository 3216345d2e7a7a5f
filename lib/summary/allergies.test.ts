import { expect } from "chai";
import { severityOf } from "./allergies";
import { summarizeText } from "./summarizeText";
import type { AllergyDetail, ClinicalSummary } from "./types";
import { expectNoKnownAllergies, expectNoAllergyFound } from "../testing/summaryExpectations";

const allergies = (s: ClinicalSummary): AllergyDetail[] => s.allergies.map((i) => i.allergy as AllergyDetail);
const substances = (text: string): string[] => summarizeText(text).allergies.map((i) => i.allergy?.substance ?? "");

describe("allergies (summarizeText)", () => {
  it("reads an inline allergy list inside a paragraph, with the reactions", () => {
    const text =
      "The patient is a 54-year-old man seen for follow-up. ALLERGIES: Penicillin (rash), sulfa (hives). He walks daily.";
    const s = summarizeText(text);
    expect(allergies(s)).to.deep.equal([
      { substance: "Penicillin", reaction: "rash", severity: null },
      { substance: "sulfa", reaction: "hives", severity: null },
    ]);
    expect(s.allergies.map((i) => i.text)).to.deep.equal(["Penicillin (rash)", "sulfa (hives)"]);
    for (const i of s.allergies) expect(text.slice(i.span.start, i.span.end)).to.equal(i.text);
    expect(s.noKnownAllergies).to.equal(false);
  });

  it("reads 'Allergic to:' and 'All:' headers", () => {
    expect(substances("Allergic to: codeine, latex\nPlan: follow up")).to.deep.equal(["codeine", "latex"]);
    expect(substances("All: PCN\nMeds: none")).to.deep.equal(["PCN"]);
  });

  it("implies severity from the reaction: anaphylaxis is severe", () => {
    const s = summarizeText("ALLERGIES: Peanuts - anaphylaxis. Amoxicillin causes a mild rash.");
    expect(allergies(s)).to.deep.equal([
      { substance: "Peanuts", reaction: "anaphylaxis", severity: "severe" },
      { substance: "Amoxicillin", reaction: "a mild rash", severity: "mild" },
    ]);
    expect(severityOf("throat swelling")).to.equal("severe");
    expect(severityOf("moderate hives")).to.equal("moderate");
    expect(severityOf("nausea")).to.equal(null);
  });

  it("keeps a named allergen over a denial in the same statement", () => {
    const s = summarizeText("HPI: She denies drug allergies but reports latex sensitivity.");
    expect(allergies(s).map((a) => a.substance)).to.deep.equal(["latex"]);
    expect(s.noKnownAllergies).to.equal(false);
  });

  it("reads allergies stated only in narrative sentences", () => {
    expect(substances("HISTORY: He is allergic to penicillin and shellfish. He smokes.")).to.deep.equal([
      "penicillin",
      "shellfish",
    ]);
    expect(substances("Patient reports an allergy to iodinated contrast, which gave her hives.")).to.deep.equal([
      "iodinated contrast",
    ]);
    const s = summarizeText("She developed a rash to Keflex in the past. She has a known sulfa allergy.");
    expect(allergies(s).map((a) => a.substance)).to.deep.equal(["Keflex", "sulfa"]);
  });

  it("reads a reaction the patient had and what caused it as an allergy, not a treatment or a negation", () => {
    expect(
      substances("Skin: He has a rash, which occurred from penicillin that he was given IM yesterday."),
    ).to.deep.equal(["penicillin"]);
    expect(substances("HPI: She broke out in hives after taking Bactrim last year.")).to.deep.equal(["Bactrim"]);
    expect(substances("HPI: He gets lip swelling on contact with latex gloves.")).to.deep.equal(["latex gloves"]);
    expect(substances("HPI: She had anaphylaxis after being given morphine in 2005.")).to.deep.equal(["morphine"]);
    // what treats the reaction, a reaction denied, a rash from an illness: none is an allergy
    expect(substances("HPI: The hives improved with Benadryl and responded to prednisone.")).to.deep.equal([]);
    expect(substances("HPI: The rash was treated with hydrocortisone cream.")).to.deep.equal([]);
    expect(substances("HPI: No rash after taking amoxicillin this time.")).to.deep.equal([]);
    expect(substances("HPI: Rash from the viral illness. She takes lisinopril.")).to.deep.equal([]);
    expect(substances("PLAN: Watch for a rash from the lamotrigine.")).to.deep.equal([]);
  });

  it("never reads a review of systems, atopy or culture sensitivities as an allergy or as NKA", () => {
    const ros =
      "REVIEW OF SYSTEMS:,CONSTITUTIONAL: No fever.,ALLERGIC/IMMUNOLOGIC: Negative.,SKIN: Denies allergic reactions or rashes.,PHYSICAL EXAMINATION: Normal.";
    expectNoAllergyFound([
      ros,
      "PAST MEDICAL HISTORY: Seasonal allergies, asthma and eczema.",
      "She has a history of allergies.",
      "Wound culture grew MRSA sensitive to Bactrim and resistant to oxacillin.",
      "Allergic rhinitis. Zyrtec for environmental allergies.",
    ]);
  });

  it("sets noKnownAllergies from a statement, never when an allergen is named", () => {
    expectNoKnownAllergies([
      "ALLERGIES: NKDA.",
      "ALLERGIES:, No known medical allergies.,",
      "He has no known drug allergies.",
      "Allergies: None.",
      "ALLERGIES NONE. MEDICATIONS NONE.",
    ]);
    const named = summarizeText("ALLERGIES: No known drug allergies. ACE inhibitor may have caused a cough.");
    expect(allergies(named)).to.deep.equal([{ substance: "ACE inhibitor", reaction: null, severity: null }]);
    expect(named.noKnownAllergies).to.equal(false);
  });

  it("reads a tolerance as no allergy and a combination product as one allergen", () => {
    const s = summarizeText("ALLERGIES: TYLENOL WITH CODEINE, but he states he can take morphine.");
    expect(allergies(s).map((a) => a.substance)).to.deep.equal(["TYLENOL WITH CODEINE"]);
  });

  it("keeps an allergy entry the lexicon lacks when it reads as a name, and not a pointer", () => {
    expect(substances("ALLERGIES: Ceclor, Zomorph.")).to.deep.equal(["Ceclor", "Zomorph"]);
    for (const text of ["ALLERGIES: Unable to evaluate.", "ALLERGIES: See chart.", "ALLERGIES: Reviewed."]) {
      expect(substances(text), text).to.deep.equal([]);
    }
  });

  it("gives the same allergen once, keeping the mention with the reaction", () => {
    const s = summarizeText("ALLERGIES: Penicillin.\nHPI: She is allergic to penicillin (anaphylaxis).");
    expect(allergies(s)).to.deep.equal([{ substance: "penicillin", reaction: "anaphylaxis", severity: "severe" }]);
  });

  it("does not take a relative's allergy, a risk discussed or a reaction word for an allergen", () => {
    for (const text of [
      "FAMILY HISTORY: Mother has penicillin allergy.",
      "I informed the patient of potential reactions to the medications used, including sedatives, narcotics and contrast agents.",
    ]) {
      expect(substances(text), text).to.deep.equal([]);
    }
    expect(substances("ALLERGIES: Penicillin, sulfa, and iodine, all cause hives. Additionally, latex.")).to.deep.equal(
      ["Penicillin", "sulfa", "iodine", "latex"],
    );
    expect(substances("He has seasonal allergies only, with no known drug hypersensitivities.")).to.deep.equal([]);
    expect(
      summarizeText("He has seasonal allergies only, with no known drug hypersensitivities.").noKnownAllergies,
    ).to.equal(true);
  });

  it("negates every entry of a negated allergy list, the unknown ones too, and implies nothing", () => {
    for (const text of [
      "ALLERGIES: NO CRAB, LOBSTER, OR IODINE ALLERGY.",
      "Allergies: No allergy to walnuts, pecans or Zorvex.",
      "ALLERGIES: Denies latex and egg allergy.",
    ]) {
      const s = summarizeText(text);
      expect(substances(text), text).to.deep.equal([]);
      expect(s.noKnownAllergies, text).to.equal(false);
    }
    expect(substances("ALLERGIES: Codeine, Zorvex, no latex or tape.")).to.deep.equal(["Codeine", "Zorvex"]);
  });

  it("reads a list of reactions after a verb as reactions, not allergens", () => {
    const text = "ALLERGIES: She reports an allergy to codeine causing nausea, dizziness, confusion.";
    const s = summarizeText(text);
    expect(allergies(s)).to.deep.equal([
      { substance: "codeine", reaction: "nausea, dizziness, confusion", severity: null },
    ]);
    expect(s.allergies[0].text).to.equal("codeine causing nausea, dizziness, confusion");
  });

  it("knows food, insect and contact allergens: shellfish kinds, nuts, venoms, adhesives", () => {
    expect(substances("ALLERGIES: Lobster, cashews, yellow jackets, steri-strips.")).to.deep.equal([
      "Lobster",
      "cashews",
      "yellow jackets",
      "steri-strips",
    ]);
    expect(substances("She is allergic to clams and hornets.")).to.deep.equal(["clams", "hornets"]);
  });

  it("reads a quoted 'allergy' cue, and an allergy medicine is not an allergy", () => {
    expect(substances('He reports an "allergy" to morphine.')).to.deep.equal(["morphine"]);
    expect(substances("He takes Zyrtec allergy medicine in the spring.")).to.deep.equal([]);
  });

  it("takes the whole parenthesis as the reaction, and knows venoms, pet hair and gadolinium", () => {
    const s = summarizeText("ALLERGIES: Codeine (nausea and vomiting), wasp stings, dog hair, gadolinium.");
    expect(allergies(s)).to.deep.equal([
      { substance: "Codeine", reaction: "nausea and vomiting", severity: null },
      { substance: "wasp stings", reaction: null, severity: null },
      { substance: "dog hair", reaction: null, severity: null },
      { substance: "gadolinium", reaction: null, severity: null },
    ]);
    expect(s.allergies[0].text).to.equal("Codeine (nausea and vomiting)");
  });

  it("keeps a kind of allergen and which one together: 'venom - hornet'", () => {
    const s = summarizeText(
      "ALLERGIES: , She reports allergies to venom - hornet/yellow jacket causing throat swelling, cat dander.",
    );
    expect(allergies(s)).to.deep.equal([
      { substance: "venom - hornet/yellow jacket", reaction: "throat swelling", severity: "severe" },
      { substance: "cat dander", reaction: null, severity: null },
    ]);
  });

  it("reads an environmental allergen stated in prose, and then the note is not NKA", () => {
    const s = summarizeText(
      "SUBJECTIVE: , Here for a school physical. He reports being allergic to grasses and dust mites.,ALLERGIES TO MEDICINES: , None.",
    );
    expect(allergies(s).map((a) => a.substance)).to.deep.equal(["grasses", "dust mites"]);
    expect(s.noKnownAllergies).to.equal(false);
  });

  it("reads a name the lexicon lacks right after 'allergic to' in prose, not a vague word or a negated cue", () => {
    const s = summarizeText("HPI: She says she is allergic to Xeroform, which causes blistering.");
    expect(allergies(s)).to.deep.equal([{ substance: "Xeroform", reaction: "blistering", severity: null }]);
    expect(substances("HPI: He thinks he is allergic to something in the garden.")).to.deep.equal([]);
    expect(substances("HPI: She is not allergic to Xeroform.")).to.deep.equal([]);
  });
});
