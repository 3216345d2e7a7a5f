/**
 * Clinical inputs for the service's tests. The real data sets (../shared/data: MTSamples notes,
 * Synthea bundles) are used when that folder is next to the repository, as on the team's machines;
 * a fresh clone elsewhere (CI) falls back to the small synthetic samples below (written for this
 * project, no real patient), so the same assertions run everywhere.
 */
import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { summarizeText } from "../../lib/summary/summarizeText";

/** ../shared/data beside the repository, or EHR_SHARED_DATA. */
export const SHARED_DATA = process.env.EHR_SHARED_DATA ?? path.resolve(__dirname, "../../../shared/data");

const SYNTHETIC_NOTE = [
  "HISTORY OF PRESENT ILLNESS: A 58-year-old man with chest tightness on exertion for two weeks.",
  "PAST MEDICAL HISTORY: Hypertension. Type 2 diabetes mellitus.",
  "ALLERGIES: Penicillin (hives). Sulfa drugs.",
  "CURRENT MEDICATIONS: Lisinopril 10 mg daily, metformin 500 mg twice daily, aspirin 81 mg daily.",
  "PHYSICAL EXAMINATION: Blood pressure 148/92, pulse 84. Lungs clear.",
  "ASSESSMENT: Stable angina, rule out coronary artery disease.",
  "PLAN: Exercise stress test. Start atorvastatin 40 mg at night. Follow up in two weeks.",
].join("\n");

const SYNTHETIC_NKDA_NOTE = [
  "CHIEF COMPLAINT: Wheezing and cough for three days.",
  "PAST MEDICAL HISTORY: Asthma since childhood. Seasonal allergic rhinitis.",
  "ALLERGIES: No known drug allergies.",
  "MEDICATIONS: Albuterol inhaler as needed, fluticasone 110 mcg two puffs twice daily.",
  "ASSESSMENT: Mild asthma exacerbation.",
  "PLAN: Prednisone 40 mg daily for five days. Return if short of breath at rest.",
].join("\n");

const SYNTHETIC_BUNDLE = {
  resourceType: "Bundle",
  type: "collection",
  entry: [
    { resource: { resourceType: "Patient", id: "p1", gender: "female", birthDate: "1961-04-02" } },
    {
      resource: {
        resourceType: "AllergyIntolerance",
        id: "a1",
        patient: { reference: "Patient/p1" },
        clinicalStatus: { coding: [{ code: "active" }] },
        code: { coding: [{ system: "http://snomed.info/sct", code: "91936005", display: "Allergy to penicillin" }] },
      },
    },
    {
      resource: {
        resourceType: "MedicationRequest",
        id: "m1",
        status: "active",
        intent: "order",
        subject: { reference: "Patient/p1" },
        medicationCodeableConcept: {
          coding: [
            {
              system: "http://www.nlm.nih.gov/research/umls/rxnorm",
              code: "314076",
              display: "lisinopril 10 MG Oral Tablet",
            },
          ],
        },
      },
    },
    {
      resource: {
        resourceType: "Condition",
        id: "c1",
        subject: { reference: "Patient/p1" },
        code: { coding: [{ system: "http://snomed.info/sct", code: "44054006", display: "Diabetes mellitus type 2" }] },
      },
    },
  ],
};

/** A clinical note in which the default engine finds allergies and at least two medications. */
export async function sampleNote(): Promise<string> {
  const file = path.join(SHARED_DATA, "notes/mtsamples_dev.jsonl");
  if (!existsSync(file)) return SYNTHETIC_NOTE;
  for (const line of (await readFile(file, "utf8")).split("\n").filter(Boolean)) {
    const { transcription } = JSON.parse(line) as { transcription: string };
    const summary = summarizeText(transcription);
    if (summary.allergies.length > 0 && summary.medications.length > 1) return transcription;
  }
  throw new Error("No MTSamples note with allergies and medications.");
}

/** A note stating no known allergies, with medications and conditions (the doctor's upload in the browser tests). */
export async function sampleNoteWithoutAllergies(): Promise<string> {
  const file = path.join(SHARED_DATA, "notes/mtsamples_dev.jsonl");
  if (!existsSync(file)) return SYNTHETIC_NKDA_NOTE;
  for (const line of (await readFile(file, "utf8")).split("\n").filter(Boolean)) {
    const { transcription } = JSON.parse(line) as { transcription: string };
    const summary = summarizeText(transcription);
    if (summary.noKnownAllergies && summary.medications.length > 0 && summary.conditions.length > 0)
      return transcription;
  }
  throw new Error("No MTSamples note without allergies, with medications and conditions.");
}

/** A FHIR R4 Bundle (JSON text) with allergies and medications: a Synthea patient when available. */
export async function sampleBundleText(): Promise<string> {
  const folder = path.join(SHARED_DATA, "fhir/synthea-r4-bundles");
  if (!existsSync(folder)) return JSON.stringify(SYNTHETIC_BUNDLE);
  for (const name of (await readdir(folder)).filter((n) => n.endsWith(".json")).sort()) {
    const text = await readFile(path.join(folder, name), "utf8");
    if (text.includes('"AllergyIntolerance"') && text.includes('"MedicationRequest"')) return text;
  }
  throw new Error("No Synthea bundle with allergies and medications.");
}
