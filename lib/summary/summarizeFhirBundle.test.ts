import { expect } from "chai";
import { summarizeFhirBundle } from "./summarizeFhirBundle";
import { ENGINE, SUMMARY_FIELDS } from "./types";

const coded = (display: string, code = "1", system = "http://snomed.info/sct") => ({
  coding: [{ system, code, display }],
});
const category = (code: string) => [
  { coding: [{ system: "http://terminology.hl7.org/CodeSystem/observation-category", code }] },
];

// Shaped like the Synthea R4 bundles in ../shared/data/fhir.
const BUNDLE = {
  resourceType: "Bundle",
  type: "transaction",
  entry: [
    { resource: { resourceType: "Patient", id: "p1" } },
    {
      resource: {
        resourceType: "AllergyIntolerance",
        id: "a1",
        code: coded("Allergy to peanuts", "91935009"),
        verificationStatus: {
          coding: [
            { code: "confirmed", system: "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification" },
          ],
        },
      },
    },
    {
      resource: {
        resourceType: "AllergyIntolerance",
        id: "a2",
        code: coded("Latex"),
        verificationStatus: { coding: [{ code: "refuted" }] },
      },
    },
    {
      resource: {
        resourceType: "MedicationRequest",
        id: "m1",
        status: "active",
        medicationCodeableConcept: { text: "lisinopril 10 mg oral tablet", coding: [] },
      },
    },
    {
      resource: {
        resourceType: "MedicationStatement",
        id: "m2",
        medicationReference: { reference: "Medication/x", display: "aspirin 81 mg" },
      },
    },
    { resource: { resourceType: "Condition", id: "c1", code: coded("Hypertension", "38341003") } },
    { resource: { resourceType: "Procedure", id: "pr1", status: "completed", code: coded("Appendectomy") } },
    { resource: { resourceType: "Procedure", id: "pr2", status: "not-done", code: coded("Colonoscopy") } },
    {
      resource: {
        resourceType: "Observation",
        id: "o1",
        category: category("vital-signs"),
        code: coded("Body Height", "8302-2", "http://loinc.org"),
        valueQuantity: { value: 172.4, unit: "cm" },
      },
    },
    {
      resource: {
        resourceType: "Observation",
        id: "o2",
        category: category("vital-signs"),
        code: coded("Blood Pressure", "55284-4", "http://loinc.org"),
        component: [
          { code: coded("Systolic Blood Pressure"), valueQuantity: { value: 120, unit: "mm[Hg]" } },
          { code: coded("Diastolic Blood Pressure"), valueQuantity: { value: 80, unit: "mm[Hg]" } },
        ],
      },
    },
    {
      resource: {
        resourceType: "Observation",
        id: "o3",
        category: category("laboratory"),
        code: coded("Hemoglobin A1c", "4548-4", "http://loinc.org"),
        valueQuantity: { value: 6.1, unit: "%" },
      },
    },
    { resource: { resourceType: "CarePlan", id: "cp1", category: [coded("Diabetes self management plan")] } },
    { resource: { resourceType: "Condition", id: "c2", status: "entered-in-error", code: coded("Wrong") } },
  ],
};

describe("summarizeFhirBundle", () => {
  it("gives allergy items their reaction and severity, and medication items their dose and frequency", () => {
    const s = summarizeFhirBundle([
      {
        resourceType: "AllergyIntolerance",
        id: "a",
        criticality: "high",
        code: { text: "Penicillin" },
        reaction: [{ manifestation: [{ text: "Anaphylaxis" }, { text: "Hives" }], severity: "moderate" }],
      },
      {
        resourceType: "MedicationStatement",
        id: "m",
        medicationCodeableConcept: { text: "Lisinopril" },
        dosage: [
          {
            text: "20 mg daily",
            timing: { code: { text: "daily" } },
            doseAndRate: [{ doseQuantity: { value: 20, unit: "mg" } }],
          },
        ],
      },
      {
        resourceType: "MedicationRequest",
        id: "r",
        medicationCodeableConcept: { text: "Amoxicillin" },
        dosageInstruction: [{ timing: { repeat: { frequency: 3, period: 1, periodUnit: "d" } } }],
      },
    ]);
    expect(s.allergies[0].allergy).to.deep.equal({
      substance: "Penicillin",
      reaction: "Anaphylaxis, Hives",
      severity: "severe",
    });
    expect(s.medications.map((i) => i.medication)).to.deep.equal([
      { name: "Lisinopril", dose: "20 mg", frequency: "daily" },
      { name: "Amoxicillin", dose: null, frequency: "3 times a day" },
    ]);
  });

  it("maps each resource type to its field, with the resource as source", () => {
    const s = summarizeFhirBundle(BUNDLE);
    expect(s.engine).to.equal(ENGINE);
    expect(s.allergies).to.deep.equal([
      {
        text: "Allergy to peanuts",
        span: { start: 0, end: 0 },
        section: "AllergyIntolerance",
        source: "AllergyIntolerance/a1",
        allergy: { substance: "Allergy to peanuts", reaction: null, severity: null },
      },
    ]);
    expect(s.medications.map((i) => [i.text, i.source])).to.deep.equal([
      ["lisinopril 10 mg oral tablet", "MedicationRequest/m1"],
      ["aspirin 81 mg", "MedicationStatement/m2"],
    ]);
    expect(s.conditions.map((i) => i.text)).to.deep.equal(["Hypertension"]);
    expect(s.procedures.map((i) => i.text)).to.deep.equal(["Appendectomy"]);
    expect(s.vitals.map((i) => i.text)).to.deep.equal([
      "Body Height: 172.4 cm",
      "Blood Pressure: Systolic Blood Pressure: 120 mm[Hg], Diastolic Blood Pressure: 80 mm[Hg]",
    ]);
    expect(s.results.map((i) => [i.text, i.source])).to.deep.equal([["Hemoglobin A1c: 6.1 %", "Observation/o3"]]);
    expect(s.plan.map((i) => i.text)).to.deep.equal(["Diabetes self management plan"]);
    expect(s.noKnownAllergies).to.equal(false);
    expect(s.sections).to.deep.equal([]);
  });

  it("lists stopped, completed, cancelled and not-taken drugs apart, never as current; on hold stays current; drafts, intentions, proposals and 'do not' are neither", () => {
    const med = (resourceType: string, id: string, status: string | undefined, text: string) => ({
      resourceType,
      id,
      ...(status ? { status } : {}),
      medicationCodeableConcept: { text },
    });
    const s = summarizeFhirBundle([
      med("MedicationRequest", "1", "active", "Lisinopril 10 MG Oral Tablet"),
      med("MedicationRequest", "2", "stopped", "Amoxicillin 250 MG Oral Capsule"), // Synthea's old prescriptions
      med("MedicationRequest", "3", "completed", "Prednisone 5 MG Oral Tablet"),
      med("MedicationRequest", "4", "cancelled", "Warfarin 5 MG Oral Tablet"),
      med("MedicationStatement", "5", "not-taken", "Aspirin 81 MG"),
      med("MedicationStatement", "6", "on-hold", "Clopidogrel 75 MG"),
      med("MedicationStatement", "7", undefined, "Metformin 500 MG"),
      med("MedicationRequest", "8", "entered-in-error", "Digoxin"),
      med("MedicationRequest", "9", "stopped", "Lisinopril 10 MG Oral Tablet"), // an earlier prescription of a current drug
      med("MedicationRequest", "10", "stopped", "Amoxicillin 250 MG Oral Capsule"), // the same course, repeated
      med("MedicationRequest", "11", "draft", "Atenolol 50 MG"),
      med("MedicationStatement", "12", "intended", "Atenolol 50 MG"),
      { ...med("MedicationRequest", "13", "active", "Atenolol 50 MG"), doNotPerform: true },
      { ...med("MedicationRequest", "14", "active", "Atenolol 50 MG"), intent: "proposal" },
      med("MedicationRequest", "15", "stopped", "Lisinopril 20 MG Oral Tablet"), // the same drug at another strength
      med("MedicationRequest", "16", "stopped", "Zestril 5 MG Oral Tablet"), // and by its brand
      med("MedicationRequest", "17", "stopped", "Lisinopril 10 MG / Hydrochlorothiazide 12.5 MG Oral Tablet"),
    ]);
    expect(s.medications.map((i) => i.source)).to.deep.equal([
      "MedicationRequest/1",
      "MedicationStatement/6",
      "MedicationStatement/7",
    ]);
    expect(s.stoppedMedications?.map((i) => [i.text, i.source, i.medication?.name])).to.deep.equal([
      ["Amoxicillin 250 MG Oral Capsule", "MedicationRequest/2", "Amoxicillin 250 MG Oral Capsule"],
      ["Prednisone 5 MG Oral Tablet", "MedicationRequest/3", "Prednisone 5 MG Oral Tablet"],
      ["Warfarin 5 MG Oral Tablet", "MedicationRequest/4", "Warfarin 5 MG Oral Tablet"],
      ["Aspirin 81 MG", "MedicationStatement/5", "Aspirin 81 MG"],
      // A combination is another drug.
      [
        "Lisinopril 10 MG / Hydrochlorothiazide 12.5 MG Oral Tablet",
        "MedicationRequest/17",
        "Lisinopril 10 MG / Hydrochlorothiazide 12.5 MG Oral Tablet",
      ],
    ]);
  });

  it("sets noKnownAllergies from a 'No known allergy' AllergyIntolerance", () => {
    const s = summarizeFhirBundle([
      { resourceType: "AllergyIntolerance", id: "n", code: coded("No known allergy", "716186003") },
    ]);
    expect(s.allergies).to.deep.equal([]);
    expect(s.noKnownAllergies).to.equal(true);
  });

  it("returns an empty summary for anything that is not a bundle", () => {
    for (const input of [null, undefined, 42, "Bundle", {}, { entry: "x" }, { entry: [null, 1, { resource: "x" }] }]) {
      const s = summarizeFhirBundle(input);
      for (const field of SUMMARY_FIELDS) expect(s[field]).to.deep.equal([]);
      expect(s.noKnownAllergies).to.equal(false);
    }
  });
});
