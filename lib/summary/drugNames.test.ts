import { expect } from "chai";
import { drugKey, drugOf, genericNameOf, ingredientsOf, sameDrug, sharedIngredients } from "./drugNames";

const names = (name: string) => ingredientsOf(name).map((i) => i.join(" "));

describe("drug names", () => {
  describe("ingredientsOf", () => {
    it("reads a brand as its generic, amounts and forms left out", () => {
      expect(names("Coumadin 5 mg PO daily")).to.deep.equal(["warfarin"]);
      expect(names("Toprol XL 50 mg")).to.deep.equal(["metoprolol"]);
      expect(names("Toprol-XL")).to.deep.equal(["metoprolol"]);
      expect(names("LASIX")).to.deep.equal(["furosemide"]);
    });

    it("reads a combination as all its ingredients, whichever way it is written", () => {
      expect(names("Percocet 5/325")).to.deep.equal(["oxycodone", "acetaminophen"]);
      expect(names("hydrocodone/APAP 5/325 mg")).to.deep.equal(["hydrocodone", "acetaminophen"]);
      expect(names("hydrocodone-acetaminophen")).to.deep.equal(["hydrocodone", "acetaminophen"]);
      expect(names("Tylenol with codeine")).to.deep.equal(["acetaminophen", "codeine"]);
      expect(names("Tylenol #3")).to.deep.equal(["acetaminophen", "codeine"]);
      expect(names("Bactrim DS")).to.deep.equal(["sulfamethoxazole", "trimethoprim"]);
      expect(names("Acetaminophen 325 MG / Oxycodone Hydrochloride 5 MG Oral Tablet")).to.deep.equal([
        "acetaminophen",
        "oxycodone",
      ]);
      // Without a separator, each name the table knows is its own ingredient.
      expect(names("hydrocodone APAP 5/325")).to.deep.equal(["hydrocodone", "acetaminophen"]);
      expect(names("Lisinopril HCTZ 20/12.5")).to.deep.equal(["lisinopril", "hydrochlorothiazide"]);
      expect(names("Tylenol No. 3")).to.deep.equal(["acetaminophen", "codeine"]);
      expect(names("Tylenol 3")).to.deep.equal(["acetaminophen", "codeine"]);
    });

    it("reads international names, abbreviations and a brand named by an older generic", () => {
      expect(names("paracetamol 1 g")).to.deep.equal(["acetaminophen"]);
      expect(names("salbutamol inhaler")).to.deep.equal(["albuterol"]);
      expect(names("ASA 81 mg")).to.deep.equal(["aspirin"]);
      expect(names("HCTZ 25mg")).to.deep.equal(["hydrochlorothiazide"]);
      expect(names("KCl 20 mEq")).to.deep.equal(["potassium chloride"]);
      expect(names("5-FU")).to.deep.equal(["fluorouracil"]);
      expect(names("co-amoxiclav")).to.deep.equal(["amoxicillin", "clavulanate"]);
      expect(names("Goody's powder")).to.deep.equal(["aspirin", "acetaminophen", "caffeine"]);
      // Depakote is divalproex in the brand table, and divalproex is valproate.
      expect(names("Depakote ER")).to.deep.equal(["valproate"]);
    });

    it("keeps the words of a name it does not know, and names nothing in an empty one", () => {
      // Beside a name it knows, the other words are salt, form or directions.
      expect(names("metoprolol succinate ER 25 mg")).to.deep.equal(["metoprolol"]);
      expect(names("Albuterol HFA 90 mcg 2 puffs inh q4h prn")).to.deep.equal(["albuterol"]);
      expect(names("Tylenol Extra Strength")).to.deep.equal(["acetaminophen"]);
      // A brand followed by a variant's word is another product, read by its words.
      expect(names("Tylenol PM")).to.deep.equal(["acetaminophen", "diphenhydramine"]);
      expect(names("Mucinex DM")).to.deep.equal(["mucinex dm"]);
      expect(names("Vitamin D3 1000 units")).to.deep.equal(["vitamin d3"]);
      expect(names("Lasix (furosemide) 40 mg")).to.deep.equal(["furosemide"]);
      expect(names("40 mg tablets")).to.deep.equal([]);
      expect(names("")).to.deep.equal([]);
    });
  });

  describe("sameDrug", () => {
    it("matches a brand and its generic, and two brands of one generic", () => {
      expect(sameDrug("Coumadin", "warfarin 5 mg")).to.equal(true);
      expect(sameDrug("Jantoven", "Coumadin")).to.equal(true);
      expect(sameDrug("Toprol", "metoprolol succinate ER 25 mg")).to.equal(true);
      expect(sameDrug("Tylenol", "paracetamol")).to.equal(true);
      expect(sameDrug("Percocet", "oxycodone/acetaminophen")).to.equal(true);
      expect(sameDrug("atorvastatin", "Atorvastatin 40 mg")).to.equal(true);
    });

    it("does not match different drugs, nor a combination and one of its ingredients", () => {
      expect(sameDrug("Vitamin E", "Vitamin D")).to.equal(false);
      expect(sameDrug("1 ML medroxyprogesterone acetate 150 MG/ML Injection", "Warfarin 1 MG")).to.equal(false);
      expect(sameDrug("Percocet", "acetaminophen")).to.equal(false);
      expect(sameDrug("Provigil", "Nuvigil")).to.equal(false);
      expect(sameDrug("Humalog", "Humalog Mix")).to.equal(false);
      expect(sameDrug("estradiol", "ethinyl estradiol")).to.equal(false);
      expect(sameDrug("Lantus", "insulin")).to.equal(true); // a name the table lacks is compared by its words
      expect(sameDrug("Lantus", "Humalog")).to.equal(false);
      expect(sameDrug("calcium carbonate", "FiberCon")).to.equal(false);
      expect(sameDrug("", "")).to.equal(false);
      expect(sameDrug("40 mg", "40 mg")).to.equal(false);
    });
  });

  describe("genericNameOf", () => {
    it("gives the generic names a brand, an abbreviation or a combination does not say", () => {
      expect(genericNameOf("Coumadin 5 mg")).to.equal("warfarin");
      expect(genericNameOf("Percocet 5/325")).to.equal("oxycodone and acetaminophen");
      expect(genericNameOf("ASA 81 mg")).to.equal("aspirin");
      expect(genericNameOf("hydrocodone/APAP")).to.equal("hydrocodone and acetaminophen");
    });

    it("gives nothing when the name says them, or names nothing the table knows", () => {
      expect(genericNameOf("warfarin 5 mg")).to.equal(null);
      expect(genericNameOf("Lasix (furosemide) 40 mg")).to.equal(null);
      expect(genericNameOf("oxycodone / acetaminophen")).to.equal(null);
      expect(genericNameOf("metoprolol succinate ER")).to.equal(null);
      expect(genericNameOf("Penicillin")).to.equal(null);
      expect(genericNameOf("")).to.equal(null);
    });
  });

  describe("routes", () => {
    it("reads the route a name says, else its brand's, else none", () => {
      expect(drugOf("tacrolimus 0.1% ointment").route).to.equal("skin");
      expect(drugOf("Atorvastatin 40 MG Oral Tablet").route).to.equal("systemic");
      expect(drugOf("fluticasone nasal spray").route).to.equal("nose");
      expect(drugOf("Protopic").route).to.equal("skin");
      expect(drugOf("Prograf 1 mg").route).to.equal("systemic");
      expect(drugOf("Flovent HFA").route).to.equal("lung");
      expect(drugOf("tacrolimus").route).to.equal(null);
      // Two routes said: none.
      expect(drugOf("timolol tablets and eye drops").route).to.equal(null);
    });

    it("tells apart products of one molecule by route, and matches a name that says none", () => {
      expect(sameDrug("Protopic", "Prograf")).to.equal(false);
      expect(sameDrug("tacrolimus ointment", "Prograf 1 mg")).to.equal(false);
      expect(sameDrug("tacrolimus", "Prograf")).to.equal(true);
      expect(sameDrug("Flonase", "Flovent")).to.equal(false);
      expect(sameDrug("fluticasone nasal spray", "Flonase")).to.equal(true);
      expect(sameDrug("Timoptic", "timolol 10 mg tablet")).to.equal(false);
      // A route in the reason is not the product's: "for ear infection".
      expect(sameDrug("amoxicillin for ear infection", "Amoxicillin 500 MG Oral Capsule")).to.equal(true);
      // A site says more than a form: "vaginal cream" is vaginal, not the tablets.
      expect(drugOf("Estrace vaginal cream").route).to.equal("vagina");
      expect(sameDrug("Estrace vaginal cream", "Estrace 1 mg tablet daily")).to.equal(false);
      // One brand named by both: the same drug whatever the route ("Stop Imitrex").
      expect(sameDrug("Imitrex", "Imitrex nasal spray 20 mg")).to.equal(true);
      expect(drugKey("Protopic")).to.equal("tacrolimus @skin");
      expect(drugKey("Prograf")).to.equal(drugKey("tacrolimus"));
    });
  });

  describe("reading hostile and casual names", () => {
    it("reads a hostile name in time linear in its length, and no further than a name's length", () => {
      for (const padding of [" ", ".", "-", "/"]) {
        const name = `warfarin${padding.repeat(200_000)}x`;
        expect(names(name)).to.deep.equal(["warfarin"]);
        expect(sameDrug(name, "Coumadin")).to.equal(true);
      }
    });

    it("reads directions, strengths and spellings as a note writes them", () => {
      // A count is not Tylenol #2: "Tylenol 2 tabs q6h", "Tylenol 3 times daily".
      expect(names("Tylenol 2 tabs q6h")).to.deep.equal(["acetaminophen"]);
      expect(names("Tylenol 3 times daily")).to.deep.equal(["acetaminophen"]);
      // What "with" or "and" joins that is no drug: "Coumadin 5 mg with dinner".
      expect(genericNameOf("Coumadin 5 mg with dinner")).to.equal("warfarin");
      expect(names("Tylenol and rest")).to.deep.equal(["acetaminophen"]);
      // Premixed insulin by its ratio.
      expect(sameDrug("Novolog 70/30", "Novolog")).to.equal(false);
      expect(sameDrug("Novolog 70/30", "Novolog Mix 70/30")).to.equal(true);
      // A hyphenated brand written with a space.
      expect(names("Klor Con 20 mEq")).to.deep.equal(["potassium chloride"]);
      expect(names("Claritin D")).to.deep.equal(["loratadine", "pseudoephedrine"]);
      // A brand sold by several routes, followed by a route: another product, which may contain the brand's.
      expect(drugOf("Claritin Eye").ingredients.map((i) => i.join(" "))).to.deep.equal(["claritin eye"]);
      expect(drugOf("Excedrin Migraine").mayContain.map((i) => i.join(" "))).to.deep.equal([
        "acetaminophen",
        "aspirin",
        "caffeine",
      ]);
    });

    it("names the shared ingredients as the first name's ingredients", () => {
      expect(sharedIngredients("Vicodin", "Tylenol")).to.deep.equal(["acetaminophen"]);
      expect(sharedIngredients("Excedrin", "Goody's")).to.deep.equal(["acetaminophen", "aspirin", "caffeine"]);
      expect(sharedIngredients("Vicodin", "ibuprofen")).to.deep.equal([]);
    });
  });
});
