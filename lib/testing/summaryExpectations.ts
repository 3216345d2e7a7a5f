/** Test helper (universal): what the summarizer must say of notes that list no allergy or medication. */
import { expect } from "chai";
import { summarizeText } from "../summary/summarizeText";

function expectNoAllergy(texts: readonly string[], noKnownAllergies: boolean): void {
  for (const text of texts) {
    const summary = summarizeText(text);
    expect(summary.allergies, text).to.deep.equal([]);
    expect(summary.noKnownAllergies, text).to.equal(noKnownAllergies);
  }
}

/** Each text states no known allergies: its summary lists no allergy and sets noKnownAllergies. */
export function expectNoKnownAllergies(texts: readonly string[]): void {
  expectNoAllergy(texts, true);
}

/** Each text names no allergen nor states there is none: no allergy listed, noKnownAllergies false. */
export function expectNoAllergyFound(texts: readonly string[]): void {
  expectNoAllergy(texts, false);
}

/** Each text states the patient takes no medication: none listed, noMedications set. */
export function expectNoMedicationsStated(texts: readonly string[]): void {
  for (const text of texts) {
    const summary = summarizeText(text);
    expect(summary.medications, text).to.deep.equal([]);
    expect(summary.noMedications, text).to.equal(true);
  }
}
