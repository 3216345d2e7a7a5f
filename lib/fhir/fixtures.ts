/**
 * Small synthetic FHIR R4 fixtures for the tests (written for this project; no real patient).
 * `transactionBundle()` is shaped like a Synthea transaction Bundle: urn:uuid fullUrls and
 * references, POST requests, and a Claim that import leaves out.
 */
export const PATIENT_ID = "3f1c2b9e-0d4a-4c7e-9a51-6b8f2e7d1a01";
export const ENCOUNTER_ID = "5a2e7c10-8b3d-4f6e-a1c9-2d7b8e9f0a02";
export const CONDITION_ID = "7c4d9e21-1f5a-4b8c-b2d0-3e8c9f0a1b03";
export const PRACTITIONER_ID = "9e6f0a32-2a6b-4c9d-83e1-4f9d0a1b2c04";

/** The clinical resources `transactionBundle()` holds, by type (besides them, only a Claim). */
export const CLINICAL_RESOURCE_COUNTS = {
  Patient: 1,
  Practitioner: 1,
  Encounter: 1,
  Condition: 1,
  Observation: 2,
  MedicationRequest: 1,
};

const urn = (id: string) => `urn:uuid:${id}`;
const post = (type: string) => ({ method: "POST" as const, url: type });

export function transactionBundle(): fhir4.Bundle {
  return {
    resourceType: "Bundle",
    type: "transaction",
    entry: [
      {
        fullUrl: urn(PATIENT_ID),
        resource: {
          resourceType: "Patient",
          id: PATIENT_ID,
          name: [{ family: "Example", given: ["Alex"] }],
          gender: "female",
          birthDate: "1980-04-02",
        },
        request: post("Patient"),
      },
      {
        fullUrl: urn(PRACTITIONER_ID),
        resource: { resourceType: "Practitioner", id: PRACTITIONER_ID, name: [{ family: "Doctor" }] },
        request: post("Practitioner"),
      },
      {
        fullUrl: urn(ENCOUNTER_ID),
        resource: {
          resourceType: "Encounter",
          id: ENCOUNTER_ID,
          status: "finished",
          class: { system: "http://terminology.hl7.org/CodeSystem/v3-ActCode", code: "AMB" },
          subject: { reference: urn(PATIENT_ID) },
          participant: [{ individual: { reference: urn(PRACTITIONER_ID) } }],
          period: { start: "2020-01-01T10:00:00Z", end: "2020-01-01T10:30:00Z" },
        },
        request: post("Encounter"),
      },
      {
        fullUrl: urn(CONDITION_ID),
        resource: {
          resourceType: "Condition",
          id: CONDITION_ID,
          code: { coding: [{ system: "http://snomed.info/sct", code: "44054006", display: "Diabetes" }] },
          subject: { reference: urn(PATIENT_ID) },
          encounter: { reference: urn(ENCOUNTER_ID) },
          onsetDateTime: "2020-01-01T10:00:00Z",
        },
        request: post("Condition"),
      },
      {
        // No id: import takes it from the urn:uuid fullUrl.
        fullUrl: "urn:uuid:b1e2c3d4-3b7c-4dae-94f2-5a0b1c2d3e05",
        resource: {
          resourceType: "Observation",
          status: "final",
          category: [
            { coding: [{ system: "http://terminology.hl7.org/CodeSystem/observation-category", code: "vital-signs" }] },
          ],
          code: { coding: [{ system: "http://loinc.org", code: "8302-2", display: "Body height" }] },
          subject: { reference: urn(PATIENT_ID) },
          encounter: { reference: urn(ENCOUNTER_ID) },
          effectiveDateTime: "2020-01-01T10:00:00Z",
          valueQuantity: { value: 170, unit: "cm", system: "http://unitsofmeasure.org", code: "cm" },
        } as fhir4.Observation,
        request: post("Observation"),
      },
      {
        fullUrl: "urn:uuid:c2f3d4e5-4c8d-4ebf-a503-6b1c2d3e4f06",
        resource: {
          resourceType: "Observation",
          id: "c2f3d4e5-4c8d-4ebf-a503-6b1c2d3e4f06",
          status: "final",
          category: [
            { coding: [{ system: "http://terminology.hl7.org/CodeSystem/observation-category", code: "laboratory" }] },
          ],
          code: { coding: [{ system: "http://loinc.org", code: "4548-4", display: "Hemoglobin A1c" }] },
          subject: { reference: urn(PATIENT_ID) },
          valueQuantity: { value: 6.1, unit: "%", system: "http://unitsofmeasure.org", code: "%" },
        },
        request: post("Observation"),
      },
      {
        fullUrl: "urn:uuid:d3a4e5f6-5d9e-4fc0-b614-7c2d3e4f5a07",
        resource: {
          resourceType: "MedicationRequest",
          id: "d3a4e5f6-5d9e-4fc0-b614-7c2d3e4f5a07",
          status: "active",
          intent: "order",
          medicationCodeableConcept: {
            coding: [{ system: "http://www.nlm.nih.gov/research/umls/rxnorm", code: "860975" }],
          },
          subject: { reference: urn(PATIENT_ID) },
          reasonReference: [{ reference: urn(CONDITION_ID) }],
        },
        request: post("MedicationRequest"),
      },
      {
        fullUrl: "urn:uuid:e4b5f6a7-6eaf-4ad1-8725-8d3e4f5a6b08",
        resource: {
          resourceType: "Claim",
          id: "e4b5f6a7-6eaf-4ad1-8725-8d3e4f5a6b08",
          status: "active",
          type: { coding: [{ system: "http://terminology.hl7.org/CodeSystem/claim-type", code: "institutional" }] },
          use: "claim",
          patient: { reference: urn(PATIENT_ID) },
          created: "2020-01-01T10:30:00Z",
          provider: { reference: urn(PRACTITIONER_ID) },
          priority: { coding: [{ system: "http://terminology.hl7.org/CodeSystem/processpriority", code: "normal" }] },
          insurance: [{ sequence: 1, focal: true, coverage: { display: "Cash" } }],
        },
        request: post("Claim"),
      },
    ],
  };
}

/** The same kind of data as a bulk export writes it: loose resources, relative and conditional references. */
export function ndjsonResources(): fhir4.FhirResource[] {
  return [
    { resourceType: "Patient", id: "p1", gender: "male", birthDate: "1975-06-30" },
    {
      resourceType: "Location",
      id: "loc1",
      identifier: [{ system: "https://github.com/synthetichealth/synthea", value: "loc-ident-1" }],
      name: "Clinic",
    },
    {
      resourceType: "Encounter",
      id: "e1",
      status: "finished",
      class: { system: "http://terminology.hl7.org/CodeSystem/v3-ActCode", code: "AMB" },
      subject: { reference: "Patient/p1" },
      location: [
        { location: { reference: "Location?identifier=https://github.com/synthetichealth/synthea|loc-ident-1" } },
      ],
    },
    {
      resourceType: "Procedure",
      id: "pr1",
      status: "completed",
      code: { text: "Medication reconciliation" },
      subject: { reference: "Patient/p1" },
      encounter: { reference: "Encounter/e1" },
    },
    {
      resourceType: "DocumentReference",
      id: "d1",
      status: "current",
      subject: { reference: "Patient/p1" },
      content: [{ attachment: { contentType: "text/plain", data: "Tm90ZQ==" } }],
      context: { encounter: [{ reference: "Encounter/e1" }] },
    },
  ] as unknown as fhir4.FhirResource[];
}
