import { expect } from "chai";
import { checkPrescription, classesOf, type CheckedAllergy } from "./allergyCheck";
import { DRUG_CLASSES } from "./drugClasses";

const allergy = (substance: string, more: Partial<CheckedAllergy> = {}): CheckedAllergy => ({
  substance,
  reaction: null,
  severity: null,
  confirmed: true,
  ...more,
});
const penicillinAnaphylaxis = allergy("Penicillin", { reaction: "anaphylaxis", severity: "severe" });

describe("checkPrescription", () => {
  it("warns in strong words when flucloxacillin is prescribed to a patient with penicillin anaphylaxis", () => {
    const [alert, ...rest] = checkPrescription("Flucloxacillin 500 mg capsules", [penicillinAnaphylaxis]);
    expect(rest).to.deep.equal([]);
    expect(alert).to.include({ kind: "same-class", level: "warning", severe: true, drugClass: "penicillins" });
    expect(alert.message).to.match(/^Severe allergy: Flucloxacillin 500 mg capsules is a penicillin/);
    expect(alert.message).to.contain("penicillin (anaphylaxis, severe)".replace("penicillin", "Penicillin"));
    expect(alert.message).to.contain("Do not prescribe it");
  });

  it("shows a cross-reactivity caution, not a warning, for cefalexin with a penicillin allergy", () => {
    const [alert] = checkPrescription("Cefalexin", [penicillinAnaphylaxis]);
    expect(alert).to.include({ kind: "cross-reactivity", level: "caution", drugClass: "cephalosporins" });
    expect(alert.message).to.match(/^Caution: Cefalexin is a cephalosporin/);
    expect(alert.message).to.contain("beta-lactam");
  });

  it("knows every penicillin of the table, brand names and combinations included", () => {
    for (const drug of [
      ...DRUG_CLASSES.penicillins.members,
      "Amoxicillin-clavulanate 875 mg",
      "Piperacillin/tazobactam",
    ]) {
      const alerts = checkPrescription(drug, [allergy("PCN")]);
      expect(
        alerts.map((a) => a.level),
        drug,
      ).to.deep.equal(["warning"]);
    }
  });

  it("matches an allergy named by one member against another member of its class", () => {
    expect(checkPrescription("Ampicillin", [allergy("amoxicillin", { reaction: "rash" })])[0]).to.include({
      kind: "same-class",
      severe: false,
    });
    expect(checkPrescription("Ampicillin", [allergy("amoxicillin")])[0].message).to.match(/^Allergy: /);
  });

  it("reads 'sulfa' as the sulfonamide antibiotics", () => {
    for (const drug of ["Bactrim DS", "Septra", "sulfamethoxazole-trimethoprim", "co-trimoxazole"])
      expect(checkPrescription(drug, [allergy("Sulfa drugs", { reaction: "hives" })])[0], drug).to.include({
        drugClass: "sulfonamides",
        level: "warning",
      });
  });

  it("knows NSAIDs, opioids, iodinated contrast and latex", () => {
    expect(checkPrescription("Ibuprofen 400 mg", [allergy("aspirin")])[0].drugClass).to.equal("nsaids");
    expect(checkPrescription("Naproxen", [allergy("NSAIDs")])[0].drugClass).to.equal("nsaids");
    expect(checkPrescription("Oxycodone", [allergy("codeine", { reaction: "vomiting" })])[0].drugClass).to.equal(
      "opioids",
    );
    expect(checkPrescription("Omnipaque 350", [allergy("IV contrast dye")])[0].drugClass).to.equal("iodinatedContrast");
    expect(checkPrescription("Latex gloves", [allergy("latex")])[0].level).to.equal("warning");
  });

  it("warns on the same drug outside any class, whatever the spelling around it", () => {
    const [alert] = checkPrescription("Metformin 500 mg tablets", [allergy("metformin (diarrhoea)")]);
    expect(alert).to.include({ kind: "same-substance", level: "warning" });
    expect(alert.drugClass).to.equal(undefined);
  });

  it("warns on the allergen under another name: a brand, an international name, a combination that contains it", () => {
    const [paracetamol] = checkPrescription("Paracetamol 500 mg", [allergy("Tylenol", { reaction: "hives" })]);
    expect(paracetamol).to.include({ kind: "same-substance", level: "warning", severe: false });
    expect(paracetamol.contains).to.deep.equal(["acetaminophen"]);
    expect(paracetamol.message).to.equal(
      "Allergy: Paracetamol 500 mg contains acetaminophen, and the patient is allergic to Tylenol (hives) (acetaminophen).",
    );
    const [percocet] = checkPrescription("Percocet 5/325", [allergy("acetaminophen", { severity: "severe" })]);
    expect(percocet).to.include({ kind: "same-substance", level: "warning", severe: true });
    expect(percocet.message).to.match(/^Severe allergy: Percocet 5\/325 contains acetaminophen, and the patient/);
    // An allergy to a combination: either ingredient may be the cause, and the message names both.
    const [oxycodone] = checkPrescription("Roxicodone 5 mg", [allergy("Percocet")]);
    expect(oxycodone).to.include({ kind: "same-substance", level: "warning" });
    expect(oxycodone.message).to.contain(
      "contains oxycodone, and the patient is allergic to Percocet (oxycodone and acetaminophen).",
    );
    // A drug that says its own name is not said to "contain" itself.
    expect(checkPrescription("oxycodone 5 mg", [allergy("Percocet")])[0].message).to.equal(
      "Allergy: oxycodone 5 mg matches the patient's allergy to Percocet (oxycodone and acetaminophen).",
    );
    // "Tylenol 3" and "Tylenol No. 4" are with codeine; "Tylenol PM" or "Excedrin PM" is not the plain product.
    for (const drug of ["Tylenol 3", "Tylenol No. 4", "Tylenol #3"])
      expect(checkPrescription(drug, [allergy("codeine", { reaction: "anaphylaxis" })])[0], drug).to.include({
        severe: true,
      });
    // A variant may not contain what its brand does (Excedrin PM has no aspirin): a caution, not a warning.
    expect(checkPrescription("Excedrin PM", [allergy("aspirin")])[0]).to.include({ level: "caution", possibly: true });
    // Two molecules, not one: ethinyl estradiol is not estradiol; insulin glargine is not insulin lispro.
    expect(checkPrescription("Junel 1/20", [allergy("Estrace")])).to.deep.equal([]);
    expect(checkPrescription("Lantus", [allergy("Humalog")])).to.deep.equal([]);
    // An abbreviation of directions is no drug: "inh" is inhaled, not isoniazid.
    expect(checkPrescription("Albuterol HFA 2 puffs inh q4h", [allergy("isoniazid")])).to.deep.equal([]);
    expect(checkPrescription("Coumadin 5 mg", [allergy("warfarin")])[0]).to.include({ kind: "same-substance" });
    // No ingredient in common, no class in common: nothing.
    expect(checkPrescription("Percocet", [allergy("Motrin")])).to.deep.equal([]);
  });

  it("finds a class through a brand's or a combination's ingredients", () => {
    expect(classesOf("Vicoprofen")).to.deep.equal(["nsaids", "opioids"]);
    expect(classesOf("Norco")).to.deep.equal(["opioids"]);
    const [alert] = checkPrescription("Norco 5/325", [allergy("codeine", { reaction: "vomiting" })]);
    expect(alert).to.include({ kind: "same-class", drugClass: "opioids" });
    expect(checkPrescription("Septra DS", [allergy("sulfa drugs")])[0]).to.include({ drugClass: "sulfonamides" });
  });

  it("does not take a salt or a word many drugs share for the substance", () => {
    for (const [drug, substance] of [
      ["Levothyroxine sodium 50 mcg", "naproxen sodium"],
      ["Docusate sodium", "heparin sodium"],
      ["Folic acid", "acetylsalicylic acid"],
      ["Ferrous sulfate", "morphine sulfate"],
      ["Potassium chloride", "penicillin V potassium"],
      ["Calcium carbonate", "calcium channel blockers"],
      ["Vitamin B12", "vitamin B6"],
      ["Metformin hydrochloride", "ondansetron hydrochloride"],
    ])
      expect(checkPrescription(drug, [allergy(substance)]), `${drug} / ${substance}`).to.deep.equal([]);
  });

  it("knows ACE inhibitors, fluoroquinolones, macrolides and benzodiazepines, by brand too", () => {
    expect(checkPrescription("Zestril 10 mg", [allergy("ACE inhibitor", { reaction: "angioedema" })])[0]).to.include({
      kind: "same-class",
      drugClass: "aceInhibitors",
      severe: true,
    });
    expect(checkPrescription("Cipro 500 mg", [allergy("fluoroquinolones")])[0].drugClass).to.equal("fluoroquinolones");
    expect(checkPrescription("Z-Pak", [allergy("macrolides")])[0].drugClass).to.equal("macrolides");
    expect(checkPrescription("Valium 5 mg", [allergy("benzos")])[0].drugClass).to.equal("benzodiazepines");
  });

  it("warns on abbreviations and brands of other countries, and cautions on a brand's variant", () => {
    for (const drug of ["pip-tazo 4.5 g IV q6h", "amox 500 mg tid", "amox-clav 875", "Pen VK 500 mg"])
      expect(checkPrescription(drug, [allergy("penicillin")])[0], drug).to.include({ level: "warning" });
    for (const [drug, substance] of [
      ["Panadol", "acetaminophen"],
      ["Brufen 400 mg", "ibuprofen"],
      ["Voltarol", "diclofenac"],
      ["Bayer 81 mg", "aspirin"],
      ["Xylocaine 1%", "lidocaine"],
    ])
      expect(checkPrescription(drug, [allergy(substance)])[0], drug).to.include({ level: "warning" });
    const [variant] = checkPrescription("Excedrin Migraine", [allergy("aspirin")]);
    expect(variant).to.include({ level: "caution", possibly: true });
    expect(variant.message).to.equal(
      "Caution: Excedrin Migraine may contain aspirin, as its brand does, and the patient is allergic to aspirin: check this product's ingredients.",
    );
  });

  it("says when the allergy is only mentioned in a note", () => {
    const [alert] = checkPrescription("Amoxicillin", [allergy("penicillin", { confirmed: false })]);
    expect(alert.message).to.contain("mentioned in a note and was never confirmed");
  });

  it("treats anaphylaxis as severe even without a written severity", () => {
    expect(checkPrescription("Morphine", [allergy("codeine", { reaction: "Anaphylaxis" })])[0].severe).to.equal(true);
  });

  it("gives nothing for an unrelated drug, a blank drug, or no allergies", () => {
    expect(checkPrescription("Metformin 500 mg", [penicillinAnaphylaxis, allergy("sulfa")])).to.deep.equal([]);
    expect(checkPrescription("  ", [penicillinAnaphylaxis])).to.deep.equal([]);
    expect(checkPrescription("Amoxicillin", [])).to.deep.equal([]);
  });

  it("does not take a word inside another word for a match", () => {
    expect(classesOf("Asacol")).to.deep.equal([]);
    expect(classesOf("sulfate")).to.deep.equal([]);
    expect(checkPrescription("Ferrous sulfate", [allergy("sulfa")])).to.deep.equal([]);
  });

  it("puts severe warnings first, then other warnings, then cautions", () => {
    const alerts = checkPrescription("Cefuroxime", [
      allergy("penicillin", { reaction: "rash" }),
      allergy("ceftriaxone", { reaction: "rash" }),
      allergy("cephalosporins", { severity: "severe" }),
    ]);
    expect(alerts.map((a) => [a.level, a.severe])).to.deep.equal([
      ["warning", true],
      ["warning", false],
      ["caution", false],
    ]);
  });
});
