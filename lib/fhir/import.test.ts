import { expect } from "chai";
import { Category } from "../categories";
import { FormatError } from "../errors";
import {
  CLINICAL_RESOURCE_COUNTS,
  CONDITION_ID,
  ENCOUNTER_ID,
  ndjsonResources,
  PATIENT_ID,
  PRACTITIONER_ID,
  transactionBundle,
} from "./fixtures";
import { importBundle, importResources, type ImportResult } from "./import";
import { thrown } from "../testing/thrown";

function resourcesOf(result: ImportResult, category: number): fhir4.Resource[] {
  return (result.records.find((r) => r.category === category)?.bundle.entry ?? []).map((e) => e.resource!);
}

const refusal = (run: () => unknown) => thrown(run, FormatError);

describe("importBundle", () => {
  it("imports a transaction Bundle into records by category", () => {
    const result = importBundle(transactionBundle());
    expect(result.patient?.id).to.equal(PATIENT_ID);
    expect(result.patients).to.have.length(1);
    expect(result.records.map((r) => r.category)).to.deep.equal([
      Category.GeneralDetails,
      Category.Conditions,
      Category.LabResults,
      Category.VitalSigns,
      Category.Prescriptions,
      Category.Encounters,
    ]);
    for (const record of result.records) {
      expect(record.bundle.resourceType).to.equal("Bundle");
      expect(record.bundle.type).to.equal("collection");
    }
    expect(resourcesOf(result, Category.Encounters).map((r) => r.resourceType)).to.deep.equal([
      "Practitioner",
      "Encounter",
    ]);
    expect(result.counts).to.deep.equal({ ...CLINICAL_RESOURCE_COUNTS, Claim: 1 });
    expect(result.skipped).to.deep.equal({ Claim: 1 });
    expect(result.duplicates).to.deep.equal({});
    expect(result.unresolvedReferences).to.equal(0);
  });

  it("stores references as relative Type/id, and ids from urn:uuid fullUrls", () => {
    const result = importBundle(transactionBundle());
    const [condition] = resourcesOf(result, Category.Conditions) as fhir4.Condition[];
    expect(condition.subject.reference).to.equal(`Patient/${PATIENT_ID}`);
    expect(condition.encounter?.reference).to.equal(`Encounter/${ENCOUNTER_ID}`);
    const [encounter] = resourcesOf(result, Category.Encounters).filter(
      (r) => r.resourceType === "Encounter",
    ) as fhir4.Encounter[];
    expect(encounter.participant?.[0].individual?.reference).to.equal(`Practitioner/${PRACTITIONER_ID}`);
    const [medication] = resourcesOf(result, Category.Prescriptions) as fhir4.MedicationRequest[];
    expect(medication.reasonReference?.[0].reference).to.equal(`Condition/${CONDITION_ID}`);
    const [height] = resourcesOf(result, Category.VitalSigns);
    expect(height.id).to.equal("b1e2c3d4-3b7c-4dae-94f2-5a0b1c2d3e05");
  });

  it("does not change its input", () => {
    const bundle = transactionBundle();
    const before = JSON.stringify(bundle);
    importBundle(bundle);
    expect(JSON.stringify(bundle)).to.equal(before);
  });

  it("accepts collection, searchset and batch Bundles, and skips searchset outcomes", () => {
    for (const type of ["collection", "batch", "searchset"] as const) {
      const bundle = { ...transactionBundle(), type };
      expect(importBundle(bundle).counts.Patient).to.equal(1);
    }
    const searchset = { ...transactionBundle(), type: "searchset" as const };
    searchset.entry!.push({
      resource: { resourceType: "OperationOutcome", issue: [] } as fhir4.OperationOutcome,
      search: { mode: "outcome" },
    });
    expect(importBundle(searchset).counts).not.to.have.property("OperationOutcome");
  });

  it("reads through nested Bundles", () => {
    const outer = { resourceType: "Bundle", type: "collection", entry: [{ resource: transactionBundle() }] };
    expect(importBundle(outer).counts.Observation).to.equal(2);
  });

  it("counts exact repeats once, and keeps a different resource with the same id under a new id", () => {
    const bundle = transactionBundle();
    const condition = bundle.entry![3];
    const changed = structuredClone(condition);
    (changed.resource as fhir4.Condition).onsetDateTime = "2021-01-01";
    bundle.entry!.push(structuredClone(condition), changed);
    const result = importBundle(bundle);
    expect(result.duplicates).to.deep.equal({ Condition: 1 });
    const conditions = resourcesOf(result, Category.Conditions);
    expect(conditions).to.have.length(2);
    expect(conditions[0].id).to.equal(CONDITION_ID);
    expect(conditions[1].id).not.to.equal(CONDITION_ID);
  });

  it("counts references to resources that are not in the input", () => {
    const bundle = transactionBundle();
    (bundle.entry![3].resource as fhir4.Condition).asserter = { reference: "Practitioner/elsewhere" };
    const result = importBundle(bundle);
    expect(result.unresolvedReferences).to.equal(1);
    const [condition] = resourcesOf(result, Category.Conditions) as fhir4.Condition[];
    expect(condition.asserter?.reference).to.equal("Practitioner/elsewhere");
  });

  describe("refuses malformed input with a plain FormatError", () => {
    const cases: [string, unknown, RegExp][] = [
      ["not a JSON object", "[]", /The file is not a FHIR Bundle: expected a JSON object/],
      ["an array", [], /The file is not a FHIR Bundle: expected a JSON object/],
      ["null", null, /The file is not a FHIR Bundle/],
      [
        "another resourceType",
        { resourceType: "Patient" },
        /The file is not a FHIR Bundle: its resourceType is not "Bundle"/,
      ],
      [
        "a Bundle type that holds no data",
        { resourceType: "Bundle", type: "batch-response", entry: [{}] },
        /Bundle type that cannot be imported/,
      ],
      [
        "a Bundle without entries",
        { resourceType: "Bundle", type: "collection" },
        /The file has no entries, so there is nothing to import/,
      ],
      [
        "a Bundle with an empty entry list",
        { resourceType: "Bundle", type: "collection", entry: [] },
        /has no entries/,
      ],
      [
        "an entry that is not an object",
        { resourceType: "Bundle", type: "collection", entry: [3] },
        /Bundle entry 1 is not a JSON object/,
      ],
      [
        "an entry without resource",
        { resourceType: "Bundle", type: "collection", entry: [{ fullUrl: "urn:uuid:x" }] },
        /Bundle entry 1 has no resource/,
      ],
      [
        "a resource without resourceType",
        { resourceType: "Bundle", type: "collection", entry: [{ resource: { id: "1" } }] },
        /Bundle entry 1 has no resourceType/,
      ],
      [
        "an unknown resourceType",
        { resourceType: "Bundle", type: "collection", entry: [{ resource: { resourceType: "Pateint" } }] },
        /Bundle entry 1 has an unknown resourceType; it is not a FHIR R4 resource/,
      ],
      [
        "a resource of another FHIR version",
        { resourceType: "Bundle", type: "collection", entry: [{ resource: { resourceType: "ProcedureRequest" } }] },
        /unknown resourceType/,
      ],
      [
        "an invalid resource",
        {
          resourceType: "Bundle",
          type: "collection",
          entry: [{ resource: { resourceType: "Observation", id: "o1" } }],
        },
        /Bundle entry 1 \(Observation\) is not valid FHIR R4: Observation.status: Missing required property/,
      ],
      [
        "a bad date",
        {
          resourceType: "Bundle",
          type: "collection",
          entry: [{ resource: { resourceType: "Patient", birthDate: "1/2/1980" } }],
        },
        /Bundle entry 1 \(Patient\) is not valid FHIR R4: Patient.birthDate: Invalid date format/,
      ],
      [
        "a nested entry without resource",
        {
          resourceType: "Bundle",
          type: "collection",
          entry: [{ resource: { resourceType: "Bundle", type: "collection", entry: [{}] } }],
        },
        /Bundle entry 1 entry 1 has no resource/,
      ],
    ];
    for (const [name, input, message] of cases) {
      it(name, () => {
        const error = refusal(() => importBundle(input));
        expect(error.shortMessage).to.match(message);
      });
    }
    it("names the entry, not its content", () => {
      const bundle = transactionBundle();
      (bundle.entry![0].resource as fhir4.Patient).birthDate = "Alex-1980";
      const error = refusal(() => importBundle(bundle));
      expect(error.shortMessage).to.match(/^Bundle entry 1 \(Patient\)/);
      expect(error.message).not.to.include("Alex");
    });
  });
});

describe("importResources", () => {
  it("imports bulk-export resources, resolving relative and conditional identifier references", () => {
    const result = importResources(ndjsonResources());
    expect(result.patient?.id).to.equal("p1");
    expect(result.records.map((r) => r.category)).to.deep.equal([
      Category.GeneralDetails,
      Category.Procedures,
      Category.ClinicalNotes,
      Category.Encounters,
    ]);
    const encounter = resourcesOf(result, Category.Encounters).find(
      (r) => r.resourceType === "Encounter",
    ) as fhir4.Encounter;
    expect(encounter.location?.[0].location.reference).to.equal("Location/loc1");
    expect(result.unresolvedReferences).to.equal(0);
    expect(result.counts).to.deep.equal({ Patient: 1, Location: 1, Encounter: 1, Procedure: 1, DocumentReference: 1 });
  });
  it("leaves patient unset when there are several patients, and lists them all", () => {
    const result = importResources([...ndjsonResources(), { resourceType: "Patient", id: "p2" }]);
    expect(result.patient).to.equal(undefined);
    expect(result.patients.map((p) => p.id)).to.deep.equal(["p1", "p2"]);
  });
  it("refuses an empty list, a non-list and a line that is not a resource", () => {
    expect(refusal(() => importResources([])).shortMessage).to.equal("There are no resources to import.");
    expect(refusal(() => importResources({} as unknown as unknown[])).shortMessage).to.equal(
      "Expected a list of FHIR resources.",
    );
    expect(refusal(() => importResources([...ndjsonResources(), "x"])).shortMessage).to.equal(
      "Resource 6 is not a JSON object.",
    );
    expect(refusal(() => importResources([{ resourceType: "Foo" }])).shortMessage).to.match(
      /Resource 1 has an unknown resourceType/,
    );
  });
});
