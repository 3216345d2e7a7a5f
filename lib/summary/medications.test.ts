import { expect } from "chai";
import { summarizeText } from "./summarizeText";
import type { ClinicalSummary, MedicationDetail } from "./types";
import { expectNoMedicationsStated } from "../testing/summaryExpectations";

const names = (text: string): string[] => summarizeText(text).medications.map((i) => i.medication?.name ?? "");
const details = (s: ClinicalSummary): MedicationDetail[] => s.medications.map((i) => i.medication as MedicationDetail);

describe("medications (summarizeText)", () => {
  it("gives each drug its name, dose and frequency, with the item verbatim", () => {
    const text = "MEDICATIONS:,1.  Lisinopril 20 mg daily.,2.  Metformin 500 mg p.o. b.i.d.,3.  Aspirin.";
    const s = summarizeText(text);
    expect(details(s)).to.deep.equal([
      { name: "Lisinopril", dose: "20 mg", frequency: "daily" },
      { name: "Metformin", dose: "500 mg", frequency: "b.i.d" },
      { name: "Aspirin", dose: null, frequency: null },
    ]);
    for (const i of s.medications) expect(text.slice(i.span.start, i.span.end)).to.equal(i.text);
  });

  it("keeps discharge lists apart from current ones: admission and discharge lists in one note", () => {
    const text =
      "ADMISSION MEDICATIONS:,1.  Metoprolol 25 mg b.i.d.,2.  Atorvastatin 40 mg nightly.,HOSPITAL COURSE: , He did well.,DISCHARGE MEDICATIONS:,1.  Metoprolol 50 mg b.i.d.,2.  Keflex 500 mg q.i.d. for 7 days.";
    const s = summarizeText(text);
    expect(details(s).map((m) => m.name)).to.deep.equal(["Metoprolol", "Atorvastatin"]);
    expect(s.dischargeMedications?.map((i) => i.medication?.name)).to.deep.equal(["Metoprolol", "Keflex"]);
  });

  it("takes a second 'MEDICATIONS:' after a discharge section as the discharge list", () => {
    const s = summarizeText(
      "MEDICATIONS: , Lasix 40 mg daily.,DISPOSITION: , Home.,MEDICATIONS: , Lasix 40 mg daily, Augmentin 875 mg b.i.d.",
    );
    expect(s.medications.map((i) => i.medication?.name)).to.deep.equal(["Lasix"]);
    expect(s.dischargeMedications?.map((i) => i.medication?.name)).to.deep.equal(["Lasix", "Augmentin"]);
  });

  it("splits lists joined by 'and' and commas", () => {
    expect(names("CURRENT MEDICATIONS: Morphine, Darvocet, Flomax, Zyrtec and ibuprofen.")).to.deep.equal([
      "Morphine",
      "Darvocet",
      "Flomax",
      "Zyrtec",
      "ibuprofen",
    ]);
    expect(names("Meds: lisinopril and hydrochlorothiazide")).to.deep.equal(["lisinopril", "hydrochlorothiazide"]);
  });

  it("does not emit dose continuation lines, pointers or sentence fragments", () => {
    const text =
      "MEDICATIONS:,Klonopin 0.5 mg p.o. every 8 hours,P.R.N.,dose unknown,At home,Include,Unable to evaluate,As above,See chart.,PLAN: Follow up.";
    expect(names(text)).to.deep.equal(["Klonopin"]);
  });

  it("understands 'on no medications' and 'None currently'", () => {
    expectNoMedicationsStated([
      "HPI: 30-year-old man. He is on no medications.",
      "MEDICATIONS: None currently.",
      "MEDICATION HISTORY: Patient is not currently taking any medications.",
      "Meds: none",
      "MEDICATIONS: , He was previously on folic acid.  None at the present time.",
    ]);
    expect(summarizeText("MEDICATIONS: Aspirin.").noMedications).to.equal(undefined);
  });

  it("reads medications stated only in narrative sentences, not drugs past, planned or given", () => {
    const text =
      "HISTORY OF PRESENT ILLNESS: She is currently taking methadone and also takes a multivitamin. " +
      "She tried Claritin in the past. She was given Toradol in the emergency room. We will start amoxicillin.";
    expect(names(text)).to.deep.equal(["methadone", "multivitamin"]);
  });

  it("reads drugs a plan continues or holds as current, not those it starts or stops", () => {
    const text =
      "ASSESSMENT AND PLAN:,1.  Atrial fibrillation.  Continue Coumadin.,2.  Hypertension.  Hold lisinopril today.  Start amlodipine 5 mg daily.,3.  Stop the Prozac.";
    expect(names(text)).to.deep.equal(["Coumadin", "lisinopril"]);
  });

  it("leaves out drugs given during a procedure or anaesthesia", () => {
    const text =
      "ANESTHESIA: General with propofol and fentanyl.,PROCEDURE: , 10 mL of 1% lidocaine with epinephrine was injected. Marcaine was infiltrated.,MEDICATIONS GIVEN IN THE ED: Toradol 30 mg IV.,HOME MEDICATIONS: Zoloft 50 mg daily.";
    expect(names(text)).to.deep.equal(["Zoloft"]);
  });

  it("keeps a drug the lexicon lacks when a list gives it a dose or names it alone", () => {
    expect(names("MEDICATIONS: Zorvexa 10 mg daily, Quilomab, aspirin.")).to.deep.equal([
      "Zorvexa",
      "Quilomab",
      "aspirin",
    ]);
    // A generic drug the lexicon lacks still reads as one by its stem.
    expect(names("MEDICATIONS: fosinopril-like telmisartan, azilsartan 40 mg.")).to.include("azilsartan");
  });

  it("reads a medication table with column headers", () => {
    const text = [
      "Current Medications",
      "Medication        Dose     Frequency",
      "Metoprolol        25 mg    twice daily",
      "Levothyroxine     50 mcg   daily",
      "Omeprazole        20 mg    daily",
      "",
      "Allergies",
      "Penicillin        Rash",
    ].join("\n");
    const s = summarizeText(text);
    expect(details(s)).to.deep.equal([
      { name: "Metoprolol", dose: "25 mg", frequency: "twice daily" },
      { name: "Levothyroxine", dose: "50 mcg", frequency: "daily" },
      { name: "Omeprazole", dose: "20 mg", frequency: "daily" },
    ]);
    expect(s.allergies.map((i) => i.allergy)).to.deep.equal([
      { substance: "Penicillin", reaction: null, severity: null },
    ]);
  });

  it("gives a prescription ('Rx:') to the plan, not to the current medications", () => {
    const s = summarizeText("Meds: Synthroid 100 mcg daily.\nRx: Keflex 500 mg q.i.d. #28.");
    expect(s.medications.map((i) => i.medication?.name)).to.deep.equal(["Synthroid"]);
    expect(s.plan.map((i) => i.text)).to.deep.equal(["Keflex 500 mg q.i.d. #28"]);
  });

  it("leaves out past lists and a list that follows the assessment of a note that already gave one", () => {
    const text =
      "CURRENT MEDICATIONS:, Claritin. Dilantin.,PREVIOUS MEDICATIONS UTILIZED:, Rhinocort Nasal Spray.,IMPRESSION:, Sinusitis.,MEDICATION:, Augmentin 875 mg b.i.d.";
    expect(names(text)).to.deep.equal(["Claritin", "Dilantin"]);
  });

  it("applies 'discontinued' to its own entry of a semicolon list, not to the entries after it", () => {
    const text =
      "CURRENT MEDICATIONS: Synthroid 0.1 mg daily; prednisone 5 mg daily, but discontinued this last week; Plaquenil 200 mg b.i.d.; aspirin 81 mg daily.";
    expect(names(text)).to.deep.equal(["Synthroid", "Plaquenil", "aspirin"]);
  });

  it("applies a plural 'were discontinued' to every drug joined before it, and nothing after the sentence", () => {
    // MTSamples 4185: both drugs stopped; the next sentence's drugs are started in this note.
    expect(
      names("MEDICATIONS:,  Presently on Cardizem and metoprolol were discontinued.  Continues aspirin 81 mg daily."),
    ).to.deep.equal(["aspirin"]);
    expect(
      names("MEDICATIONS: Lasix 40 mg daily, Cardizem 120 mg, and metoprolol 25 mg b.i.d. have been stopped. Zocor."),
    ).to.deep.equal(["Zocor"]);
    expect(names("MEDICATIONS: Lasix 40 mg, Cardizem 120 mg and metoprolol 25 mg were both held.")).to.deep.equal([
      "Lasix",
      "Cardizem",
      "metoprolol",
    ]);
    // A semicolon ends the group.
    expect(names("MEDICATIONS: Zocor; Cardizem and metoprolol were discontinued.")).to.deep.equal(["Zocor"]);
  });

  it("lists a drug the note stops apart, in the stop's words, and not as current", () => {
    const text =
      "MEDICATIONS:, Lasix 60 mg daily, Crestor 5 mg daily, Celebrex 200 mg daily, Lipitor 80 mg discontinued today.,RECOMMENDATIONS:,1.  Decrease Lasix to 20 mg daily.,2.  Stop Crestor.,3.  Voltaren 75 mg b.i.d. instead of Celebrex.";
    const s = summarizeText(text);
    expect(names(text)).to.deep.equal(["Lasix"]);
    expect(s.stoppedMedications?.map((i) => [i.medication?.name, i.text, i.section])).to.deep.equal([
      ["Lipitor", "Lipitor 80 mg discontinued today", "MEDICATIONS"],
      ["Crestor", "Stop Crestor", "RECOMMENDATIONS"],
      ["Celebrex", "instead of Celebrex", "RECOMMENDATIONS"],
    ]);
    for (const i of s.stoppedMedications ?? []) expect(text.slice(i.span.start, i.span.end)).to.equal(i.text);
  });

  it("reads a stop with the drug's setting between ('Discontinue outpatient Restoril') or named just before it", () => {
    const stops = (text: string) => summarizeText(text).stoppedMedications?.map((i) => [i.medication?.name, i.text]);
    // MTSamples 1791, 2092, 3514 and 757 (round 8's blind set).
    expect(stops("PLAN:, Discontinue outpatient Restoril.")).to.deep.equal([
      ["Restoril", "Discontinue outpatient Restoril"],
    ]);
    expect(
      stops(
        "MEDICATIONS: Ultracet.,PLAN: Her Ultracet is not quite taking care of her pain.  I have asked her to discontinue it and we will start Tylenol #3.",
      ),
    ).to.deep.equal([
      ["Ultracet", "Ultracet is not quite taking care of her pain.  I have asked her to discontinue it"],
    ]);
    expect(
      stops("The patient also had Premarin that she was taking, advised to discontinue because of risk of stroke."),
    ).to.deep.equal([["Premarin", "Premarin that she was taking, advised to discontinue"]]);
    expect(
      stops("He is unable to continue with his dobutamine therapy secondary to ventricular tachycardia."),
    ).to.deep.equal([["dobutamine", "unable to continue with his dobutamine"]]);
    // A condition in the next clause is not the stop's (MTSamples 4014).
    expect(
      stops("We feel that the patient should stop taking the colchicine and if she has a flare, call us."),
    ).to.deep.equal([["colchicine", "stop taking the colchicine"]]);
    // "it" with no drug close before it stops nothing.
    expect(
      stops(`Aspirin daily. ${"The wound is healing well and the patient walks every day. ".repeat(4)}Discontinue it.`),
    ).to.equal(undefined);
  });

  it("takes a stopped drug's fuller name off the current list, and keeps it when a later list names it again", () => {
    const toprol = summarizeText("MEDICATIONS: Toprol XL 50 mg daily, Zocor 20 mg.,PLAN: Stop Toprol.");
    expect(toprol.medications.map((i) => i.medication?.name)).to.deep.equal(["Zocor"]);
    expect(toprol.stoppedMedications?.map((i) => i.text)).to.deep.equal(["Stop Toprol"]);
    // By another name, the drug stays listed (the reconciled list flags it): a name match never takes
    // a drug off, since one molecule is several products ("Stop Protopic." is not "stop Prograf").
    const brand = summarizeText(
      "MEDICATIONS: Warfarin 5 mg daily, Prograf 1 mg b.i.d.,PLAN: Stop Coumadin. Stop Protopic.",
    );
    expect(brand.medications.map((i) => i.medication?.name)).to.deep.equal(["Warfarin", "Prograf"]);
    expect(brand.stoppedMedications?.map((i) => i.text)).to.deep.equal(["Stop Coumadin", "Stop Protopic"]);
    const combination = summarizeText(
      "MEDICATIONS: hydrocodone APAP 5/325, Lantus 20 units.,PLAN: Stop Tylenol. Stop insulin.",
    );
    expect(combination.medications.map((i) => i.medication?.name)).to.deep.equal(["hydrocodone APAP 5/325", "Lantus"]);
    const later = summarizeText("HISTORY: She was asked to stop aspirin.,MEDICATIONS: Aspirin 81 mg daily.");
    expect(later.medications.map((i) => i.medication?.name)).to.deep.equal(["Aspirin"]);
    expect(later.stoppedMedications).to.equal(undefined);
  });

  it("keeps a drug current when the note only holds it, stops it later or elsewhere, or does not stop it", () => {
    for (const plan of [
      "Do not stop Coumadin.",
      "If she bleeds, stop the Coumadin.",
      "Discontinue Coumadin for now.",
      "Stop Coumadin five days before surgery.",
      "Discontinue Coumadin. Resume Coumadin after the biopsy.",
      "Finish this week's doses and then stop the Coumadin.",
      "It would be desirable to discontinue Coumadin.",
      "After leaving the hospital she stopped taking her Coumadin.",
      "Stop Coumadin if the INR is above 3.",
      "Coumadin is working. I will discontinue it if she bleeds.",
      // From the review of round 8: negations, conditions, switches, restarts, later, other people, no drug.
      "Don't stop the Coumadin.",
      "Don\u2019t stop the Coumadin.",
      "We cannot stop Coumadin (recent stent).",
      "Coumadin should not be discontinued at this time.",
      "Coumadin will be stopped now if bleeding recurs.",
      "Stop the Coumadin, if bleeding recurs.",
      "Stop Coumadin tablets, start Coumadin 5 mg PO daily.",
      "Stop Coumadin today, restart on Monday.",
      "Stop Coumadin for 48 hours after the CT.",
      "Stop Coumadin after 12 months.",
      "Two years ago she was told to stop her Coumadin.",
      "Her husband will stop his Coumadin.",
      "She smokes a pack a day; I advised her to stop.",
    ]) {
      const s = summarizeText(`MEDICATIONS:, Coumadin 5 mg daily, Zocor 20 mg.,PLAN:, ${plan}`);
      expect(
        s.medications.map((i) => i.medication?.name),
        plan,
      ).to.deep.equal(["Coumadin", "Zocor"]);
      expect(s.stoppedMedications, plan).to.equal(undefined);
    }
  });

  it("leaves out drugs given at a study or by vein in hospital, and still reads an allergy said beside them", () => {
    // MTSamples 4947 (a long colon-less header) and 4305.
    const study = summarizeText(
      "FLUOROSCOPY TIME:  ,18.5 minutes.,MEDICATIONS AT THE TIME OF STUDY,1.  Vancomycin 1 g (the patient was allergic to penicillin).,2.  Versed 10 mg.,CLINICAL HISTORY: , A 57-year-old man.",
    );
    expect(study.medications).to.deep.equal([]);
    expect(study.allergies.map((i) => i.allergy?.substance)).to.deep.equal(["penicillin"]);
    expect(
      names(
        "MEDICATIONS:,1.  Ambien 12.5 mg nightly.,IV MEDICATIONS FOR PAIN:  ,Demerol appears to work the best.,ALLERGIES: , None.",
      ),
    ).to.deep.equal(["Ambien"]);
  });

  it("takes the full name of a drug written twice: 'Percocet Percocet-5'", () => {
    const s = summarizeText("CURRENT MEDICATIONS: Percocet Percocet-5 one tablet q.6h. p.r.n. pain.");
    expect(s.medications.map((i) => i.medication?.name)).to.deep.equal(["Percocet-5"]);
    expect(s.medications[0].text.startsWith("Percocet-5")).to.equal(true);
  });

  it("knows common outpatient, oncology and eye or ear drugs by brand", () => {
    const text = "MEDICATIONS: Taxol weekly, Ciprodex otic drops b.i.d., Systane drops p.r.n., Tagamet 400 mg daily.";
    expect(names(text)).to.deep.equal(["Taxol", "Ciprodex otic", "Systane", "Tagamet"]);
  });

  it("reads narrative forms: 'is treated with', 'on outpatient therapy with', 'on <drug> therapy'", () => {
    expect(names("Her gout is treated with allopurinol daily.")).to.deep.equal(["allopurinol"]);
    expect(names("He presents with cellulitis while on outpatient therapy with doxycycline.")).to.deep.equal([
      "doxycycline",
    ]);
    expect(names("Paroxysmal atrial fibrillation, on warfarin therapy.")).to.deep.equal(["warfarin"]);
    // Put or placed on a drug in this note is a start, not a drug taken.
    expect(names("The team elected to place her on warfarin therapy.")).to.deep.equal([]);
    expect(names("He was put on atorvastatin 40 mg daily.")).to.deep.equal([]);
  });

  it("keeps a combination product whole: 'ampicillin/sulbactam', 'piperacillin/tazobactam'", () => {
    expect(names("She is on ampicillin/sulbactam and metoprolol.")).to.deep.equal([
      "ampicillin/sulbactam",
      "metoprolol",
    ]);
    expect(names("MEDICATIONS: piperacillin/tazobactam 3.375 g q.6h.")).to.deep.equal(["piperacillin/tazobactam"]);
  });

  it("leaves out a listed drug not yet begun, or given as samples in this visit", () => {
    const text =
      "CURRENT MEDICATIONS: Lisinopril 10 mg daily, doxycycline 100 mg b.i.d. not yet started, omeprazole 20 mg - given samples today.";
    expect(names(text)).to.deep.equal(["Lisinopril"]);
  });

  it("reads lay class names in a list ('some water pill', 'blood pressure medicine') and 'continues to receive'", () => {
    expect(names("MEDICATIONS: Zestril, a water pill, and a sleeping pill at night.")).to.deep.equal([
      "Zestril",
      "water pill",
      "sleeping pill",
    ]);
    expect(names("MEDICATIONS: Blood pressure medicine, name unknown.")).to.deep.equal(["Blood pressure medicine"]);
    expect(names("She continued to receive her metformin 500 mg b.i.d.")).to.deep.equal(["metformin"]);
    expect(names("She was continued on cefazolin until the time of discharge.")).to.deep.equal([]);
  });

  it("judges a start or a plan near the drug's cue, not a long clause before it", () => {
    expect(
      names(
        "He came to the clinic after three days of dysuria and chills while on outpatient treatment with cephalexin.",
      ),
    ).to.deep.equal(["cephalexin"]);
    expect(names("After the visit we decided to start him on lisinopril 10 mg daily.")).to.deep.equal([]);
    expect(names("If the pain returns, she will be taking naproxen.")).to.deep.equal([]);
  });

  it("reads 'Tylenol #3' as a name, not a dispense count", () => {
    expect(names("MEDICATIONS: Tylenol #3 one tab q.4h p.r.n., Keflex 500 mg q.i.d. #28.")).to.deep.equal([
      "Tylenol #3",
    ]);
    expect(names("MEDICATIONS: Tylenol Tylenol #3 one tab q.4h p.r.n.")).to.deep.equal(["Tylenol #3"]);
  });

  it("does not read a prepositional 'on' as taking: 'based on', 'counseled on'", () => {
    expect(names("Dosing was based on aspirin therapy guidelines.")).to.deep.equal([]);
    expect(names("She was counseled on warfarin therapy and diet.")).to.deep.equal([]);
  });

  it("does not take the rest of a short course in a plan for a current drug", () => {
    expect(names("PLAN: Continue doxycycline for another five days. Continue lisinopril 10 mg daily.")).to.deep.equal([
      "lisinopril",
    ]);
    expect(names("PLAN: Continue amoxicillin to complete 10 days.")).to.deep.equal([]);
  });

  it("takes a usual drug a patient is discharged on as a current one too", () => {
    const s = summarizeText("DISPOSITION: He was discharged home on his usual Keppra 500 mg b.i.d. and new Keflex.");
    expect(s.medications.map((i) => i.medication?.name)).to.deep.equal(["Keppra"]);
    expect((s.dischargeMedications ?? []).map((i) => i.medication?.name)).to.deep.equal(["Keppra", "Keflex"]);
  });

  it("takes a drug held for now as current: 'Eliquis is being held'", () => {
    expect(names("Her Eliquis is being held for the procedure.")).to.deep.equal(["Eliquis"]);
    expect(names("PLAN: Metformin on hold while NPO.")).to.deep.equal(["Metformin"]);
    expect(names("He does not take aspirin, which was held.")).to.deep.equal([]);
  });

  it("reads a list that prose opens as the patient's own, in a hospital course too", () => {
    const text =
      "HOSPITAL COURSE: , He was kept on his home medications, which included Coreg 6.25 mg a day, digoxin 0.25 mg a day, and Flovent and Spiriva inhalers. He was started on IV ceftriaxone.";
    expect(names(text)).to.deep.equal(["Coreg", "digoxin", "Flovent", "Spiriva inhalers"]);
    expect(names("HOSPITAL COURSE: , She received IV ceftriaxone and did well.")).to.deep.equal([]);
    expect(names("HPI: Her regular meds are Zoloft and Protonix.")).to.deep.equal(["Zoloft", "Protonix"]);
    expect(names("HPI: She stopped her usual medications, including Zoloft, a week ago.")).to.deep.equal([]);
  });

  it("does not take premedication for a procedure as the patient's drugs", () => {
    const text =
      "INDICATIONS: , Screening.,PREMEDICATIONS: , Fentanyl 50 mcg IV, midazolam 2 mg IV.,PROCEDURE: , Scope passed.";
    expect(names(text)).to.deep.equal([]);
    expect(names("PRE-MEDICATION: Benadryl 25 mg IV before contrast.")).to.deep.equal([]);
  });

  it("reads 'does not list any current medications' as no medications", () => {
    const s = summarizeText("MEDICATIONS: , The patient does not list any current medications.,PLAN: , Rest.");
    expect(s.medications).to.deep.equal([]);
    expect(s.noMedications).to.equal(true);
  });

  it("in a plan of a note that listed the current drugs, 'continue X' for a drug of this stay is not current", () => {
    const text =
      "MEDICATIONS:,1.  Atenolol 50 mg daily.,2.  Simvastatin.,ASSESSMENT: , Pneumonia. He is on Plavix.,PLAN:,1.  Continue Zosyn and vancomycin.,2.  Continue atenolol.";
    expect(names(text)).to.deep.equal(["Atenolol", "Simvastatin", "Plavix"]);
    // No list in the note: the plan is where the current drugs are found.
    expect(names("PLAN:,1.  Continue Zosyn.")).to.deep.equal(["Zosyn"]);
  });

  it("does not take an adjective 'continued' or a drug begun in this stay as continued", () => {
    expect(
      names("PLAN: Treat aggressively given the continued fever and because of the cefepime, stop it."),
    ).to.deep.equal([]);
    expect(
      names("PLAN: She may go ahead with continued diltiazem, which has been started for the tachycardia."),
    ).to.deep.equal([]);
    expect(names("PLAN: Continue diltiazem for rate control.")).to.deep.equal(["diltiazem"]);
  });

  it("reads past-tense narrative: 'at that time' is past, a drug taken at home or begun at an earlier visit is current", () => {
    expect(names("HPI: Last spring she had hives and ended up taking Zyrtec at that time.")).to.deep.equal([]);
    expect(
      names("HPI: The pain began last night and she used her albuterol inhaler at home without help."),
    ).to.deep.equal(["albuterol"]);
    expect(names("HPI: Seen for gout, started on allopurinol 100 mg two months ago, doing well.")).to.deep.equal([
      "allopurinol",
    ]);
    // A start with no earlier time is this note's plan.
    expect(names("HPI: Seen for gout, started on allopurinol 100 mg.")).to.deep.equal([]);
  });

  it("reads adherence and 'keep him on' a class in an impression as current; a plan's antibiotics are a course", () => {
    expect(names("IMPRESSION: , Stable. We talked about his adherence to Tecfidera.")).to.deep.equal(["Tecfidera"]);
    expect(names("IMPRESSION: , Gastritis. We will keep him on proton pump inhibitors.")).to.deep.equal([
      "proton pump inhibitors",
    ]);
    expect(names("PLAN: , Continue antibiotics.")).to.deep.equal([]);
  });

  it("keeps 'No. 3' in the name, so Tylenol No. 3 and plain Tylenol are two drugs", () => {
    expect(
      names("MEDICATIONS:,1.  Tylenol No.  3, one tablet q.6h. p.r.n.,2.  Tylenol 500 mg as needed."),
    ).to.deep.equal(["Tylenol No.  3", "Tylenol"]);
  });

  it("keeps a dotted release suffix in the name and reads 'a day' as a frequency", () => {
    const s = summarizeText("MEDICATIONS: , Sinemet C.R. 50 mg b.i.d., Cardizem C.D.  180 mg a day.");
    expect(details(s)).to.deep.equal([
      { name: "Sinemet C.R.", dose: "50 mg", frequency: "b.i.d" },
      { name: "Cardizem C.D.", dose: "180 mg", frequency: "a day" },
    ]);
  });

  it("ends a list prose opened where the sentence turns, and leaves out what it negates", () => {
    const text =
      "PLAN: , I will resume her home medications of Advair twice daily and Singulair; however, no oral steroids are needed.";
    expect(names(text)).to.deep.equal(["Advair", "Singulair"]);
  });

  it("reads 'responding well to X' as taking, and 'continued to receive X' in a hospital course as the patient's", () => {
    expect(names("HPI: Her pain is controlled and she is responding well to Norco.")).to.deep.equal(["Norco"]);
    expect(
      names("HOSPITAL COURSE: , During the stay he continued to receive Eliquis 5 mg b.i.d. and was given IV Zosyn."),
    ).to.deep.equal(["Eliquis"]);
  });

  it("takes a discharge list beside a NEW MEDICATIONS list as the home list, less the new ones", () => {
    const text =
      "HOSPITAL COURSE: , Improved.,DISCHARGE MEDICATIONS:,1.  Amlodipine 5 mg daily.,2.  Pravastatin 40 mg daily.,NEW MEDICATIONS:,1.  Doxycycline 100 mg b.i.d. for ten days.";
    const s = summarizeText(text);
    expect(s.medications.map((i) => i.medication?.name)).to.deep.equal(["Amlodipine", "Pravastatin"]);
    expect((s.dischargeMedications ?? []).map((i) => i.medication?.name)).to.deep.equal([
      "Amlodipine",
      "Pravastatin",
      "Doxycycline",
    ]);
  });
});
