import { expect } from "chai";
import { Category } from "../categories";
import { FormatError } from "../errors";
import { exportBundle } from "./export";
import { CLINICAL_RESOURCE_COUNTS, CONDITION_ID, ndjsonResources, PATIENT_ID, transactionBundle } from "./fixtures";
import type { GeneralDetails } from "./generalDetails";
import { importBundle, importResources } from "./import";
import { forEachReference } from "./references";
import { validateResource } from "./validate";
import { draftReview, finishReview } from "../clinical/review";
import { item, reviewContext, textSummary } from "../clinical/testing";

const details: GeneralDetails = {
  fullName: "Alex Example",
  gender: "female",
  heightCm: 170,
  weightKg: 65,
  bloodGroup: "A+",
  allergies: ["Peanuts"],
  chronicConditions: [],
  currentMedications: [],
  emergencyContacts: [{ name: "Sam" }],
  updatedAt: "2026-05-30T09:00:00Z",
};

function typeCounts(bundle: fhir4.Bundle): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const e of bundle.entry ?? []) counts[e.resource!.resourceType] = (counts[e.resource!.resourceType] ?? 0) + 1;
  return counts;
}

function byFullUrl(bundle: fhir4.Bundle): Map<string, fhir4.Resource> {
  return new Map((bundle.entry ?? []).map((e) => [e.fullUrl!, e.resource!]));
}

describe("exportBundle", () => {
  it("gives one valid collection Bundle with every imported clinical resource, the Patient first", () => {
    const imported = importBundle(transactionBundle());
    const bundle = exportBundle({ patient: imported.patient, records: imported.records });
    expect(validateResource(bundle)).to.deep.equal([]);
    expect(bundle.type).to.equal("collection");
    expect(bundle.entry![0].resource!.resourceType).to.equal("Patient");
    expect(typeCounts(bundle)).to.deep.equal(CLINICAL_RESOURCE_COUNTS);
  });

  it("gives each entry a unique urn:uuid fullUrl, the resource id when it is a UUID", () => {
    const imported = importBundle(transactionBundle());
    const bundle = exportBundle({ records: imported.records });
    const fullUrls = bundle.entry!.map((e) => e.fullUrl!);
    expect(new Set(fullUrls).size).to.equal(fullUrls.length);
    for (const url of fullUrls) expect(url).to.match(/^urn:uuid:[0-9a-f-]{36}$/);
    expect(byFullUrl(bundle).get(`urn:uuid:${PATIENT_ID}`)?.resourceType).to.equal("Patient");
  });

  it("rewrites references so that they resolve inside the Bundle", () => {
    const imported = importBundle(transactionBundle());
    const bundle = exportBundle({ records: imported.records });
    const entries = byFullUrl(bundle);
    let references = 0;
    forEachReference(bundle, (ref) => {
      references++;
      expect(entries.has(ref.reference), ref.reference).to.equal(true);
    });
    expect(references).to.equal(9);
    const medication = bundle.entry!.find((e) => e.resource!.resourceType === "MedicationRequest")!
      .resource as fhir4.MedicationRequest;
    expect(entries.get(medication.reasonReference![0].reference!)?.id).to.equal(CONDITION_ID);
  });

  it("rewrites relative, absolute and conditional references, giving non-UUID ids new fullUrls", () => {
    const resources = ndjsonResources();
    (resources[3] as fhir4.Procedure).subject = { reference: "https://ehr.example.org/fhir/Patient/p1/_history/3" };
    const bundle = exportBundle({
      records: [
        {
          category: Category.Encounters,
          bundle: { resourceType: "Bundle", type: "collection", entry: resources.map((resource) => ({ resource })) },
        },
      ],
    });
    expect(validateResource(bundle)).to.deep.equal([]);
    const entries = byFullUrl(bundle);
    forEachReference(bundle, (ref) => expect(entries.has(ref.reference), ref.reference).to.equal(true));
    const patientUrl = bundle.entry!.find((e) => e.resource!.resourceType === "Patient")!.fullUrl;
    const procedure = bundle.entry!.find((e) => e.resource!.resourceType === "Procedure")!.resource as fhir4.Procedure;
    expect(procedure.subject.reference).to.equal(patientUrl);
  });

  it("resolves urn:uuid references through the records' fullUrls", () => {
    const bundle = exportBundle({
      records: [{ category: Category.Conditions, bundle: { ...transactionBundle(), type: "collection" } }],
    });
    expect(validateResource(bundle)).to.deep.equal([]);
  });

  it("leaves references to resources it does not export as they were", () => {
    const imported = importResources(ndjsonResources());
    const notes = imported.records.filter((r) => r.category === Category.ClinicalNotes);
    const bundle = exportBundle({ records: notes });
    const doc = bundle.entry![0].resource as fhir4.DocumentReference;
    expect(doc.subject?.reference).to.equal("Patient/p1");
    expect(validateResource(bundle)).to.deep.equal([]);
  });

  it("removes repeats: the same resource in two records, and the patient given twice", () => {
    const imported = importBundle(transactionBundle());
    const bundle = exportBundle({ patient: imported.patient, records: [...imported.records, ...imported.records] });
    expect(typeCounts(bundle)).to.deep.equal(CLINICAL_RESOURCE_COUNTS);
  });

  it("keeps two different resources that share an id, the later under a new id", () => {
    const imported = importBundle(transactionBundle());
    const conditions = imported.records.find((r) => r.category === Category.Conditions)!;
    const changed = structuredClone(conditions);
    (changed.bundle.entry![0].resource as fhir4.Condition).onsetDateTime = "2021-01-01";
    const bundle = exportBundle({ records: [...imported.records, changed] });
    expect(typeCounts(bundle).Condition).to.equal(2);
    expect(validateResource(bundle)).to.deep.equal([]);
  });

  it("adds the general details, merged into the imported Patient", () => {
    const imported = importBundle(transactionBundle());
    const bundle = exportBundle({ patient: imported.patient, details, records: imported.records });
    expect(validateResource(bundle)).to.deep.equal([]);
    const patients = bundle.entry!.filter((e) => e.resource!.resourceType === "Patient");
    expect(patients).to.have.length(1);
    const patient = patients[0].resource as fhir4.Patient;
    expect(patient.id).to.equal(PATIENT_ID);
    expect(patient.name?.[0].text).to.equal("Alex Example");
    expect(patient.birthDate).to.equal("1980-04-02");
    expect(patient.contact?.[0].name?.text).to.equal("Sam");
    const counts = typeCounts(bundle);
    expect(counts.AllergyIntolerance).to.equal(1);
    expect(counts.Observation).to.equal(2 + 4);
    const allergy = bundle.entry!.find((e) => e.resource!.resourceType === "AllergyIntolerance")!
      .resource as fhir4.AllergyIntolerance;
    expect(allergy.patient.reference).to.equal(patients[0].fullUrl);
  });

  it("exports general details alone", () => {
    const bundle = exportBundle({ details, records: [] });
    expect(validateResource(bundle)).to.deep.equal([]);
    expect(bundle.entry![0].resource!.resourceType).to.equal("Patient");
  });

  it("does not change its input", () => {
    const imported = importBundle(transactionBundle());
    const before = JSON.stringify(imported);
    exportBundle({ patient: imported.patient, details, records: imported.records });
    expect(JSON.stringify(imported)).to.equal(before);
  });

  it("refuses records that are not Bundles of resources", () => {
    expect(() => exportBundle({} as never)).to.throw(FormatError, "The export input must have a list of records.");
    expect(() => exportBundle({ records: [{ category: 1, bundle: {} as fhir4.Bundle }] })).to.throw(
      FormatError,
      "Record 1 (Allergies) is not a FHIR Bundle.",
    );
    expect(() =>
      exportBundle({ records: [{ category: 1, bundle: { resourceType: "Bundle", type: "collection", entry: [{}] } }] }),
    ).to.throw(FormatError, "Record 1 (Allergies) entry 1 is not a FHIR resource.");
  });

  it("exports what an author confirmed when reviewing a report's extraction, beside the report", () => {
    const stored = textSummary([item("Penicillin - anaphylaxis"), item("left foot")], [item("Lisinopril 20 mg daily")]);
    const draft = draftReview(stored.summary);
    draft.allergies[0] = {
      ...draft.allergies[0],
      substance: "Penicillin",
      reaction: "anaphylaxis",
      severity: "severe",
      status: "accepted",
    };
    draft.allergies[1].status = "removed";
    draft.medications[0] = {
      ...draft.medications[0],
      name: "Lisinopril",
      dose: "20 mg",
      frequency: "daily",
      status: "accepted",
    };
    const review = finishReview(draft, reviewContext())!;
    const report: fhir4.Bundle = {
      resourceType: "Bundle",
      type: "collection",
      entry: [
        {
          resource: {
            resourceType: "DocumentReference",
            status: "current",
            content: [{ attachment: { title: "note" } }],
          },
        },
      ],
    };
    const bundle = exportBundle({
      details,
      records: [{ category: Category.ClinicalNotes, bundle: report }],
      summaries: [
        { category: Category.ClinicalNotes, stored: { ...stored, review } },
        { category: Category.ClinicalNotes, stored: textSummary([item("sulfa")]) }, // never reviewed: not exported
      ],
    });
    expect(validateResource(bundle)).to.deep.equal([]);
    const allergies = bundle
      .entry!.map((e) => e.resource!)
      .filter((r): r is fhir4.AllergyIntolerance => r.resourceType === "AllergyIntolerance");
    const confirmed = allergies.filter((a) => a.verificationStatus?.coding?.[0].code === "confirmed");
    expect(confirmed.map((a) => [a.code?.text, a.criticality, a.reaction?.[0].severity])).to.deep.equal([
      ["Penicillin", "high", "severe"],
    ]);
    expect(allergies.map((a) => a.code?.text)).to.have.members(["Peanuts", "Penicillin"]);
    const statements = bundle
      .entry!.map((e) => e.resource!)
      .filter((r): r is fhir4.MedicationStatement => r.resourceType === "MedicationStatement");
    expect(statements.map((m) => [m.medicationCodeableConcept?.text, m.status, m.dosage?.[0].text])).to.deep.equal([
      ["Lisinopril", "active", "20 mg daily"],
    ]);
    expect(typeCounts(bundle).DocumentReference).to.equal(1);
  });
});
