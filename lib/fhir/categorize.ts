/**
 * Which record category a FHIR resource belongs to, so that a consent grant for a category
 * covers exactly the resources a person expects. The decisions, in one place:
 *
 * - Patient, RelatedPerson -> GeneralDetails (the record an emergency window opens).
 * - MedicationRequest -> Prescriptions when it is an order (intent order, original-order,
 *   reflex-order, filler-order, instance-order), Medications when it is a proposal, plan,
 *   directive or option; MedicationStatement, MedicationAdministration, MedicationDispense,
 *   Medication -> Medications. VisionPrescription -> Prescriptions.
 * - Observation by category: vital-signs -> VitalSigns, imaging -> Imaging, social-history,
 *   survey, exam, therapy, activity -> ClinicalNotes, laboratory and anything else (procedure,
 *   no category) -> LabResults.
 * - DiagnosticReport -> Imaging when its category is a radiology/imaging one, else LabResults.
 * - Care providers (Practitioner, PractitionerRole, Organization, Location, HealthcareService,
 *   Endpoint) -> Encounters: they say who and where care was given, and clinical resources
 *   reference them, so they are kept for references to resolve.
 * - Device, DeviceUseStatement, BodyStructure -> Procedures (implants and the body sites they used).
 * - Billing and insurance (Claim, ExplanationOfBenefit, Coverage...), record-keeping metadata
 *   (Provenance, AuditEvent) and definitional or infrastructure resources (StructureDefinition,
 *   ValueSet, OperationOutcome...) -> undefined: left out of import, and counted.
 * - Any other R4 resource type -> ClinicalNotes: an unlisted type is kept, never dropped.
 */
import { Category, type CategoryId } from "../categories";

const BY_TYPE: Record<string, CategoryId> = {
  Patient: Category.GeneralDetails,
  RelatedPerson: Category.GeneralDetails,
  AllergyIntolerance: Category.Allergies,
  Medication: Category.Medications,
  MedicationStatement: Category.Medications,
  MedicationAdministration: Category.Medications,
  MedicationDispense: Category.Medications,
  MedicationKnowledge: Category.Medications,
  VisionPrescription: Category.Prescriptions,
  Condition: Category.Conditions,
  FamilyMemberHistory: Category.Conditions,
  Procedure: Category.Procedures,
  Device: Category.Procedures,
  DeviceUseStatement: Category.Procedures,
  BodyStructure: Category.Procedures,
  Immunization: Category.Immunizations,
  ImmunizationEvaluation: Category.Immunizations,
  ImmunizationRecommendation: Category.Immunizations,
  Specimen: Category.LabResults,
  MolecularSequence: Category.LabResults,
  ImagingStudy: Category.Imaging,
  Media: Category.Imaging,
  DocumentReference: Category.ClinicalNotes,
  Composition: Category.ClinicalNotes,
  Binary: Category.ClinicalNotes,
  ClinicalImpression: Category.ClinicalNotes,
  QuestionnaireResponse: Category.ClinicalNotes,
  ServiceRequest: Category.TestOrders,
  DeviceRequest: Category.TestOrders,
  Encounter: Category.Encounters,
  EpisodeOfCare: Category.Encounters,
  Appointment: Category.Encounters,
  Practitioner: Category.Encounters,
  PractitionerRole: Category.Encounters,
  Organization: Category.Encounters,
  Location: Category.Encounters,
  HealthcareService: Category.Encounters,
  Endpoint: Category.Encounters,
  CarePlan: Category.CarePlans,
  CareTeam: Category.CarePlans,
  Goal: Category.CarePlans,
  NutritionOrder: Category.CarePlans,
  RequestGroup: Category.CarePlans,
};

/** Non-clinical resource types left out of import, with the reason given to the user. */
export const SKIPPED_RESOURCE_TYPES: Record<string, string> = {
  Account: "billing and insurance",
  ChargeItem: "billing and insurance",
  Claim: "billing and insurance",
  ClaimResponse: "billing and insurance",
  Coverage: "billing and insurance",
  CoverageEligibilityRequest: "billing and insurance",
  CoverageEligibilityResponse: "billing and insurance",
  EnrollmentRequest: "billing and insurance",
  EnrollmentResponse: "billing and insurance",
  ExplanationOfBenefit: "billing and insurance",
  Invoice: "billing and insurance",
  PaymentNotice: "billing and insurance",
  PaymentReconciliation: "billing and insurance",
  Contract: "billing and insurance",
  Provenance: "record-keeping metadata",
  AuditEvent: "record-keeping metadata",
  Subscription: "server infrastructure",
  OperationOutcome: "server infrastructure",
  Parameters: "server infrastructure",
  MessageHeader: "server infrastructure",
  CapabilityStatement: "definitional (not about the patient)",
  StructureDefinition: "definitional (not about the patient)",
  StructureMap: "definitional (not about the patient)",
  ImplementationGuide: "definitional (not about the patient)",
  SearchParameter: "definitional (not about the patient)",
  OperationDefinition: "definitional (not about the patient)",
  CompartmentDefinition: "definitional (not about the patient)",
  CodeSystem: "definitional (not about the patient)",
  ValueSet: "definitional (not about the patient)",
  ConceptMap: "definitional (not about the patient)",
  NamingSystem: "definitional (not about the patient)",
  TerminologyCapabilities: "definitional (not about the patient)",
  Questionnaire: "definitional (not about the patient)",
  PlanDefinition: "definitional (not about the patient)",
  ActivityDefinition: "definitional (not about the patient)",
  Library: "definitional (not about the patient)",
  Measure: "definitional (not about the patient)",
  GraphDefinition: "definitional (not about the patient)",
  MessageDefinition: "definitional (not about the patient)",
  TestScript: "definitional (not about the patient)",
  TestReport: "definitional (not about the patient)",
  ExampleScenario: "definitional (not about the patient)",
};

const ORDER_INTENTS = new Set(["order", "original-order", "reflex-order", "filler-order", "instance-order"]);
const NOTE_OBSERVATION_CATEGORIES = new Set(["social-history", "survey", "exam", "therapy", "activity"]);
/** HL7 v2-0074 diagnostic service sections that are imaging, and LOINC's radiology part. */
const IMAGING_REPORT_CATEGORIES = new Set([
  "RAD",
  "CT",
  "MR",
  "NMR",
  "NMS",
  "RUS",
  "US",
  "XRC",
  "VUS",
  "CUS",
  "OUS",
  "LP29684-5",
  "imaging",
]);

function categoryCodes(resource: { category?: fhir4.CodeableConcept | fhir4.CodeableConcept[] }): string[] {
  const categories = Array.isArray(resource.category)
    ? resource.category
    : resource.category
      ? [resource.category]
      : [];
  return categories.flatMap((c) => (c.coding ?? []).map((coding) => coding.code ?? ""));
}

/**
 * The record category of `resource`, or undefined when it is a non-clinical resource left out
 * of import (see SKIPPED_RESOURCE_TYPES). Every other resource type gets a category.
 */
export function categoryOfResource(resource: fhir4.Resource): CategoryId | undefined {
  const type = resource.resourceType;
  switch (type) {
    case "MedicationRequest":
      return ORDER_INTENTS.has((resource as fhir4.MedicationRequest).intent)
        ? Category.Prescriptions
        : Category.Medications;
    case "Observation": {
      const codes = categoryCodes(resource as fhir4.Observation);
      if (codes.includes("vital-signs")) return Category.VitalSigns;
      if (codes.includes("laboratory")) return Category.LabResults;
      if (codes.includes("imaging")) return Category.Imaging;
      if (codes.some((c) => NOTE_OBSERVATION_CATEGORIES.has(c))) return Category.ClinicalNotes;
      return Category.LabResults;
    }
    case "DiagnosticReport":
      return categoryCodes(resource as fhir4.DiagnosticReport).some((c) => IMAGING_REPORT_CATEGORIES.has(c))
        ? Category.Imaging
        : Category.LabResults;
  }
  if (type in BY_TYPE) return BY_TYPE[type];
  if (type in SKIPPED_RESOURCE_TYPES) return undefined;
  return Category.ClinicalNotes;
}
