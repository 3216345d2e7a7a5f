import { expect } from "chai";
import { Category } from "../categories";
import { categoryOfResource, SKIPPED_RESOURCE_TYPES } from "./categorize";

const r = (resourceType: string, extra: object = {}) => ({ resourceType, ...extra }) as fhir4.Resource;
const obsCategory = (code: string) => ({
  category: [{ coding: [{ system: "http://terminology.hl7.org/CodeSystem/observation-category", code }] }],
});
const reportCategory = (code: string) => ({
  category: [{ coding: [{ system: "http://terminology.hl7.org/CodeSystem/v2-0074", code }] }],
});

describe("categoryOfResource", () => {
  const cases: [string, fhir4.Resource, number][] = [
    ["Patient", r("Patient"), Category.GeneralDetails],
    ["RelatedPerson", r("RelatedPerson"), Category.GeneralDetails],
    ["AllergyIntolerance", r("AllergyIntolerance"), Category.Allergies],
    ["MedicationStatement", r("MedicationStatement"), Category.Medications],
    ["Medication", r("Medication"), Category.Medications],
    ["MedicationAdministration", r("MedicationAdministration"), Category.Medications],
    ["MedicationDispense", r("MedicationDispense"), Category.Medications],
    ["MedicationRequest intent order", r("MedicationRequest", { intent: "order" }), Category.Prescriptions],
    [
      "MedicationRequest intent original-order",
      r("MedicationRequest", { intent: "original-order" }),
      Category.Prescriptions,
    ],
    ["MedicationRequest intent plan", r("MedicationRequest", { intent: "plan" }), Category.Medications],
    ["MedicationRequest intent proposal", r("MedicationRequest", { intent: "proposal" }), Category.Medications],
    ["Condition", r("Condition"), Category.Conditions],
    ["Procedure", r("Procedure"), Category.Procedures],
    ["Device", r("Device"), Category.Procedures],
    ["Immunization", r("Immunization"), Category.Immunizations],
    ["Observation vital-signs", r("Observation", obsCategory("vital-signs")), Category.VitalSigns],
    ["Observation laboratory", r("Observation", obsCategory("laboratory")), Category.LabResults],
    ["Observation imaging", r("Observation", obsCategory("imaging")), Category.Imaging],
    ["Observation social-history", r("Observation", obsCategory("social-history")), Category.ClinicalNotes],
    ["Observation survey", r("Observation", obsCategory("survey")), Category.ClinicalNotes],
    ["Observation without category", r("Observation"), Category.LabResults],
    ["DiagnosticReport LAB", r("DiagnosticReport", reportCategory("LAB")), Category.LabResults],
    ["DiagnosticReport RAD", r("DiagnosticReport", reportCategory("RAD")), Category.Imaging],
    ["DiagnosticReport without category", r("DiagnosticReport"), Category.LabResults],
    ["ImagingStudy", r("ImagingStudy"), Category.Imaging],
    ["DocumentReference", r("DocumentReference"), Category.ClinicalNotes],
    ["Encounter", r("Encounter"), Category.Encounters],
    ["Practitioner", r("Practitioner"), Category.Encounters],
    ["Organization", r("Organization"), Category.Encounters],
    ["Location", r("Location"), Category.Encounters],
    ["CarePlan", r("CarePlan"), Category.CarePlans],
    ["CareTeam", r("CareTeam"), Category.CarePlans],
    ["Goal", r("Goal"), Category.CarePlans],
    ["ServiceRequest", r("ServiceRequest"), Category.TestOrders],
    ["RiskAssessment (unlisted clinical type)", r("RiskAssessment"), Category.ClinicalNotes],
  ];
  for (const [name, resource, category] of cases) {
    it(`puts ${name} in category ${category}`, () => {
      expect(categoryOfResource(resource)).to.equal(category);
    });
  }

  for (const type of [
    "Claim",
    "ExplanationOfBenefit",
    "Coverage",
    "Provenance",
    "AuditEvent",
    "OperationOutcome",
    "ValueSet",
  ]) {
    it(`leaves out ${type} (non-clinical, with a reason)`, () => {
      expect(categoryOfResource(r(type))).to.equal(undefined);
      expect(SKIPPED_RESOURCE_TYPES[type]).to.be.a("string");
    });
  }
});
