import { expect } from "chai";
import { isResourceType, referenceProblem, validateResource } from "./validate";

describe("validateResource", () => {
  it("finds nothing wrong with a valid resource", () => {
    expect(
      validateResource({
        resourceType: "Observation",
        status: "final",
        code: { coding: [{ system: "http://loinc.org", code: "8302-2" }] },
        subject: { reference: "Patient/p1" },
        effectiveDateTime: "2020-01-01T10:00:00Z",
      }),
    ).to.deep.equal([]);
  });
  it("refuses what is not a resource", () => {
    expect(validateResource(null)).to.deep.equal(["the resource is not a JSON object"]);
    expect(validateResource([])).to.deep.equal(["the resource is not a JSON object"]);
    expect(validateResource({ id: "x" })).to.deep.equal(["resourceType is missing"]);
    expect(validateResource({ resourceType: "Pateint" })).to.deep.equal([
      "resourceType is not a FHIR R4 resource type",
    ]);
    expect(validateResource({ resourceType: "ProcedureRequest" })).to.deep.equal([
      "resourceType is not a FHIR R4 resource type",
    ]);
  });
  it("names missing required elements", () => {
    expect(validateResource({ resourceType: "Observation" })).to.deep.equal([
      "Observation.status: Missing required property",
      "Observation.code: Missing required property",
    ]);
  });
  it("names bad dates and unknown properties, without their values", () => {
    const problems = validateResource({ resourceType: "Patient", birthDate: "02/04/1980", nickname: "Al" });
    expect(problems).to.have.members([
      'Patient.nickname: Invalid additional property "nickname"',
      "Patient.birthDate: Invalid date format",
    ]);
    expect(problems.join()).not.to.include("1980");
  });
  it("names wrong JSON types and malformed references", () => {
    expect(validateResource({ resourceType: "Condition", subject: { reference: 3 } })).to.deep.equal([
      "Condition.subject.reference: Invalid JSON type: expected string, but got number",
    ]);
    expect(validateResource({ resourceType: "Condition", subject: { reference: "not a reference" } })).to.deep.equal([
      "Condition.subject.reference: is not a relative (Type/id), absolute, urn:uuid or local (#id) reference",
    ]);
    expect(validateResource({ resourceType: "Condition", subject: { reference: "Pateint/1" } })).to.deep.equal([
      "Condition.subject.reference: names an unknown resource type",
    ]);
  });
  it("checks a Bundle's fullUrls are unique and its urn:uuid references resolve", () => {
    const id = "3f1c2b9e-0d4a-4c7e-9a51-6b8f2e7d1a01";
    const other = "5a2e7c10-8b3d-4f6e-a1c9-2d7b8e9f0a02";
    const bundle = (ref: string, fullUrl2: string) => ({
      resourceType: "Bundle",
      type: "collection",
      entry: [
        { fullUrl: `urn:uuid:${id}`, resource: { resourceType: "Patient", id } },
        { fullUrl: fullUrl2, resource: { resourceType: "Condition", subject: { reference: ref } } },
      ],
    });
    expect(validateResource(bundle(`urn:uuid:${id}`, `urn:uuid:${other}`))).to.deep.equal([]);
    expect(
      validateResource(bundle("urn:uuid:9e6f0a32-2a6b-4c9d-83e1-4f9d0a1b2c04", `urn:uuid:${other}`)),
    ).to.deep.equal(["Bundle.entry[1].resource.subject.reference: urn:uuid reference to no entry of the Bundle"]);
    expect(validateResource(bundle(`urn:uuid:${id}`, `urn:uuid:${id}`))).to.deep.equal([
      "Bundle.entry[1].fullUrl: repeats an earlier entry's fullUrl",
    ]);
  });
  it("validates the resources inside a Bundle", () => {
    const problems = validateResource({
      resourceType: "Bundle",
      type: "collection",
      entry: [{ resource: { resourceType: "Observation" } }],
    });
    expect(problems.length).to.be.greaterThan(0);
  });
});

describe("referenceProblem", () => {
  for (const ok of [
    "Patient/1",
    "Patient/1/_history/2",
    "#contained",
    "urn:uuid:3f1c2b9e-0d4a-4c7e-9a51-6b8f2e7d1a01",
    "https://x.org/fhir/Patient/1",
    "urn:oid:1.2.3",
    "Location?identifier=a|b",
  ]) {
    it(`accepts ${ok}`, () => expect(referenceProblem(ok)).to.equal(undefined));
  }
  for (const bad of ["", "Patient", "patient/1", "Patient/has space", "urn:uuid:nope"]) {
    it(`refuses "${bad}"`, () => expect(referenceProblem(bad)).to.be.a("string"));
  }
});

describe("isResourceType", () => {
  it("knows the R4 resource types, not data types or other versions", () => {
    expect(["Patient", "Observation", "Bundle", "ImagingStudy"].every(isResourceType)).to.equal(true);
    expect(["HumanName", "Resource", "DomainResource", "ProcedureRequest", "", 3].some(isResourceType)).to.equal(false);
  });
});
