import { expect } from "chai";
import { FormatError } from "../errors";
import {
  bmi,
  checkGeneralDetails,
  type GeneralDetails,
  generalDetailsToFhir,
  HEIGHT_CM_RANGE,
  validateGeneralDetails,
  WEIGHT_KG_RANGE,
} from "./generalDetails";
import { validateResource } from "./validate";

const NOW = new Date("2026-06-01T12:00:00Z");

function form(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    fullName: "  Alex Example ",
    dateOfBirth: "1980-04-02",
    gender: "female",
    heightCm: 170,
    weightKg: 65,
    bloodGroup: "O-",
    allergies: ["Penicillin"],
    chronicConditions: ["Asthma"],
    currentMedications: ["Salbutamol inhaler"],
    emergencyContacts: [{ name: "Sam Example", relationship: "Partner", phone: "+44 20 7946 0000" }],
    updatedAt: "2026-05-30T09:00:00Z",
    ...overrides,
  };
}

function refuses(input: unknown, message: RegExp): void {
  let error: unknown;
  try {
    validateGeneralDetails(input, NOW);
  } catch (e) {
    error = e;
  }
  expect(error).to.be.instanceOf(FormatError);
  expect((error as FormatError).shortMessage).to.match(message);
}

describe("validateGeneralDetails", () => {
  it("returns a clean copy: text trimmed, unknown fields left out, missing lists empty", () => {
    const d = validateGeneralDetails({ ...form(), allergies: undefined, extra: "x" }, NOW);
    expect(d.fullName).to.equal("Alex Example");
    expect(d.allergies).to.deep.equal([]);
    expect(d).not.to.have.property("extra");
    expect(d.bloodGroup).to.equal("O-");
    expect(d.emergencyContacts).to.deep.equal([
      { name: "Sam Example", relationship: "Partner", phone: "+44 20 7946 0000" },
    ]);
  });

  it("accepts only a full name and updatedAt", () => {
    const d = validateGeneralDetails({ fullName: "A", updatedAt: "2026-05-30T09:00:00+02:00" }, NOW);
    expect(d).to.deep.equal({
      fullName: "A",
      allergies: [],
      chronicConditions: [],
      currentMedications: [],
      emergencyContacts: [],
      updatedAt: "2026-05-30T09:00:00+02:00",
    });
  });

  it("does not change its input", () => {
    const input = form();
    const before = JSON.stringify(input);
    validateGeneralDetails(input, NOW);
    expect(JSON.stringify(input)).to.equal(before);
  });

  it("refuses what is not an object", () => {
    refuses(null, /General details must be an object/);
    refuses("x", /General details must be an object/);
    refuses([], /General details must be an object/);
  });
  it("refuses a missing or blank fullName", () => {
    refuses(form({ fullName: undefined }), /Full name is required/);
    refuses(form({ fullName: "   " }), /Full name is required/);
    refuses(form({ fullName: 5 }), /Full name must be text/);
    refuses(form({ fullName: "x".repeat(501) }), /Full name is too long/);
  });
  it("refuses a bad dateOfBirth", () => {
    refuses(form({ dateOfBirth: "02/04/1980" }), /Date of birth must be a real date written YYYY-MM-DD/);
    refuses(form({ dateOfBirth: "1980-02-30" }), /Date of birth must be a real date/);
    refuses(form({ dateOfBirth: "1899-12-31" }), /Date of birth cannot be before 1900/);
    refuses(form({ dateOfBirth: "2026-06-03" }), /Date of birth cannot be in the future/);
  });
  it("accepts a date of birth of 1900-01-01 and of today", () => {
    expect(validateGeneralDetails(form({ dateOfBirth: "1900-01-01" }), NOW).dateOfBirth).to.equal("1900-01-01");
    expect(validateGeneralDetails(form({ dateOfBirth: "2026-06-01" }), NOW).dateOfBirth).to.equal("2026-06-01");
  });
  it("refuses a gender outside female, male, other, unknown", () => {
    refuses(form({ gender: "F" }), /Gender must be one of female, male, other, unknown/);
  });
  it("refuses a height outside 30-272 cm or not a number", () => {
    refuses(form({ heightCm: 29.9 }), /Height must be between 30 and 272 cm/);
    refuses(form({ heightCm: 273 }), /Height must be between 30 and 272 cm/);
    refuses(form({ heightCm: "170" }), /Height must be a number in cm/);
    refuses(form({ heightCm: Number.NaN }), /Height must be a number/);
  });
  it("refuses a weight outside 0.5-650 kg or not a number", () => {
    refuses(form({ weightKg: 0.4 }), /Weight must be between 0.5 and 650 kg/);
    refuses(form({ weightKg: 651 }), /Weight must be between 0.5 and 650 kg/);
    refuses(form({ weightKg: Infinity }), /Weight must be a number in kg/);
  });
  it("accepts the range limits", () => {
    const d = validateGeneralDetails(form({ heightCm: 30, weightKg: 650 }), NOW);
    expect([d.heightCm, d.weightKg]).to.deep.equal([30, 650]);
    expect(validateGeneralDetails(form({ heightCm: 272, weightKg: 0.5 }), NOW).weightKg).to.equal(0.5);
  });
  it("refuses an unknown blood group", () => {
    refuses(form({ bloodGroup: "O" }), /Blood group must be one of A\+, A-, B\+/);
  });
  it("refuses lists that are not lists of text", () => {
    refuses(form({ allergies: "Penicillin" }), /Allergies must be a list/);
    refuses(form({ chronicConditions: ["Asthma", ""] }), /Chronic conditions entry 2 is required/);
    refuses(form({ currentMedications: [3] }), /Current medications entry 1 must be text/);
    refuses(form({ allergies: new Array(201).fill("x") }), /Allergies has too many entries/);
  });
  it("refuses bad emergency contacts", () => {
    refuses(form({ emergencyContacts: {} }), /Emergency contacts must be a list/);
    refuses(form({ emergencyContacts: ["Sam"] }), /Emergency contact 1 must be an object with a name/);
    refuses(form({ emergencyContacts: [{ phone: "123" }] }), /Emergency contact 1 name is required/);
    refuses(
      form({ emergencyContacts: [{ name: "Sam", phone: "call me" }] }),
      /Emergency contact 1 phone must be digits/,
    );
    refuses(
      form({ emergencyContacts: [{ name: "Sam", relationship: 1 }] }),
      /Emergency contact 1 relationship must be text/,
    );
  });
  it("leaves out a contact with every field blank, and numbers the others as given", () => {
    const checked = checkGeneralDetails(
      form({
        emergencyContacts: [
          {},
          { name: " ", relationship: "", phone: "  " },
          { name: "Sam", phone: "+44 20 7946 0000" },
          { relationship: "Brother" },
          { name: null, phone: "call me" },
        ],
      }),
      NOW,
    );
    expect(checked.ok ? [] : checked.problems).to.deep.equal([
      { field: "emergencyContacts.3.name", message: "Emergency contact 4 name is required." },
      { field: "emergencyContacts.4.name", message: "Emergency contact 5 name is required." },
      {
        field: "emergencyContacts.4.phone",
        message: "Emergency contact 5 phone must be digits, spaces, brackets or dashes, optionally starting with +.",
      },
    ]);
    const d = validateGeneralDetails(form({ emergencyContacts: [{ name: "" }, { name: " Sam " }, {}] }), NOW);
    expect(d.emergencyContacts).to.deep.equal([{ name: "Sam" }]);
  });
  it("refuses a missing or malformed updatedAt", () => {
    refuses(form({ updatedAt: undefined }), /Last updated is required/);
    refuses(form({ updatedAt: "2026-05-30" }), /Last updated must be a date and time with a time zone/);
    refuses(form({ updatedAt: "2026-05-30T09:00:00" }), /Last updated must be a date and time with a time zone/);
  });
  it("gives every problem at once, each against its field, and the first as validateGeneralDetails' error", () => {
    const input = form({
      fullName: " ",
      dateOfBirth: "2030-01-01",
      heightCm: 500,
      allergies: ["Penicillin", "x".repeat(501)],
      emergencyContacts: [{ name: "Sam" }, { phone: "call me" }],
    });
    const checked = checkGeneralDetails(input, NOW);
    expect(checked.ok).to.equal(false);
    expect(checked.ok ? [] : checked.problems).to.deep.equal([
      { field: "fullName", message: "Full name is required." },
      { field: "allergies", message: "Allergies entry 2 is too long (at most 500 characters)." },
      { field: "emergencyContacts.1.name", message: "Emergency contact 2 name is required." },
      {
        field: "emergencyContacts.1.phone",
        message: "Emergency contact 2 phone must be digits, spaces, brackets or dashes, optionally starting with +.",
      },
      { field: "dateOfBirth", message: "Date of birth cannot be in the future." },
      { field: "heightCm", message: "Height must be between 30 and 272 cm." },
    ]);
    let error: FormatError | undefined;
    try {
      validateGeneralDetails(input, NOW);
    } catch (e) {
      error = e as FormatError;
    }
    expect(error?.shortMessage).to.equal("Full name is required.");
    expect(error?.details).to.equal("field fullName");
    expect(checkGeneralDetails([], NOW)).to.deep.equal({
      ok: false,
      problems: [{ field: "", message: "General details must be an object." }],
    });
  });
  it("answers the same clean copy as validateGeneralDetails when nothing is wrong", () => {
    expect(checkGeneralDetails(form(), NOW)).to.deep.equal({ ok: true, value: validateGeneralDetails(form(), NOW) });
  });
  it("never echoes the value it refuses", () => {
    let error: FormatError | undefined;
    try {
      validateGeneralDetails(form({ emergencyContacts: [{ name: "Sam", phone: "secret-555" }] }), NOW);
    } catch (e) {
      error = e as FormatError;
    }
    expect(error?.message).not.to.include("secret-555");
  });
});

describe("bmi", () => {
  it("is weight / height² to one decimal", () => {
    expect(bmi({ heightCm: 170, weightKg: 65 })).to.equal(22.5);
    expect(bmi({ heightCm: 180, weightKg: 80 })).to.equal(24.7);
    expect(bmi({ heightCm: 160, weightKg: 100 })).to.equal(39.1);
  });
  it("is undefined without both height and weight", () => {
    expect(bmi({ heightCm: 170 })).to.equal(undefined);
    expect(bmi({ weightKg: 65 })).to.equal(undefined);
    expect(bmi({})).to.equal(undefined);
    expect(bmi({ heightCm: 0, weightKg: 65 })).to.equal(undefined);
  });
  it("is undefined when height or weight is impossible, and given at the ranges' ends", () => {
    expect(bmi({ heightCm: 170, weightKg: 6500 })).to.equal(undefined);
    expect(bmi({ heightCm: 1700, weightKg: 65 })).to.equal(undefined);
    expect(bmi({ heightCm: 29.9, weightKg: 65 })).to.equal(undefined);
    expect(bmi({ heightCm: 170, weightKg: 0.4 })).to.equal(undefined);
    expect(bmi({ heightCm: 170, weightKg: Number.NaN })).to.equal(undefined);
    expect(bmi({ heightCm: HEIGHT_CM_RANGE.max, weightKg: WEIGHT_KG_RANGE.max })).to.equal(87.9);
    expect(bmi({ heightCm: HEIGHT_CM_RANGE.min, weightKg: WEIGHT_KG_RANGE.min })).to.equal(5.6);
  });
});

describe("generalDetailsToFhir", () => {
  const details = validateGeneralDetails(form(), NOW) as GeneralDetails;
  const resources = generalDetailsToFhir(details, "Patient/p-123");
  const observation = (code: string) =>
    resources.find(
      (r) => r.resourceType === "Observation" && (r as fhir4.Observation).code.coding?.[0].code === code,
    ) as fhir4.Observation | undefined;

  it("gives valid FHIR R4 resources, all about the patient", () => {
    for (const resource of resources) {
      expect(validateResource(resource), resource.resourceType).to.deep.equal([]);
      if (resource.resourceType !== "Patient")
        expect(JSON.stringify(resource)).to.include('"reference":"Patient/p-123"');
    }
    expect(resources.map((r) => r.resourceType)).to.deep.equal([
      "Patient",
      "AllergyIntolerance",
      "Condition",
      "MedicationStatement",
      "Observation",
      "Observation",
      "Observation",
      "Observation",
    ]);
  });
  it("fills the Patient: name, gender, birth date and emergency contact", () => {
    const patient = resources[0] as fhir4.Patient;
    expect(patient.id).to.equal("p-123");
    expect(patient.name?.[0].text).to.equal("Alex Example");
    expect(patient.gender).to.equal("female");
    expect(patient.birthDate).to.equal("1980-04-02");
    expect(patient.contact?.[0].relationship?.[0].coding?.[0].code).to.equal("C");
    expect(patient.contact?.[0].relationship?.[1].text).to.equal("Partner");
    expect(patient.contact?.[0].telecom).to.deep.equal([{ system: "phone", value: "+44 20 7946 0000" }]);
  });
  it("writes allergies, conditions and medications as text codes", () => {
    expect((resources[1] as fhir4.AllergyIntolerance).code?.text).to.equal("Penicillin");
    expect((resources[2] as fhir4.Condition).code?.text).to.equal("Asthma");
    expect((resources[3] as fhir4.MedicationStatement).medicationCodeableConcept?.text).to.equal("Salbutamol inhaler");
  });
  it("writes height, weight and BMI with LOINC codes and UCUM units", () => {
    const expected: [string, number, string][] = [
      ["8302-2", 170, "cm"],
      ["29463-7", 65, "kg"],
      ["39156-5", 22.5, "kg/m2"],
    ];
    for (const [code, value, unit] of expected) {
      const o = observation(code)!;
      expect(o.code.coding?.[0].system).to.equal("http://loinc.org");
      expect(o.category?.[0].coding?.[0].code).to.equal("vital-signs");
      expect(o.valueQuantity).to.deep.equal({ value, unit, system: "http://unitsofmeasure.org", code: unit });
      expect(o.effectiveDateTime).to.equal("2026-05-30T09:00:00Z");
    }
  });
  it("writes the blood group as LOINC 882-1 with a SNOMED CT answer", () => {
    const o = observation("882-1")!;
    expect(o.valueCodeableConcept?.coding?.[0]).to.deep.include({
      system: "http://snomed.info/sct",
      code: "278148006",
    });
    expect(o.valueCodeableConcept?.text).to.equal("O-");
  });
  it("leaves out what is not filled in, and gives the same ids each time", () => {
    const minimal = generalDetailsToFhir(
      validateGeneralDetails({ fullName: "A", updatedAt: "2026-05-30T09:00:00Z" }, NOW),
      "urn:uuid:3f1c2b9e-0d4a-4c7e-9a51-6b8f2e7d1a01",
    );
    expect(minimal.map((r) => r.resourceType)).to.deep.equal(["Patient"]);
    expect(minimal[0].id).to.equal("3f1c2b9e-0d4a-4c7e-9a51-6b8f2e7d1a01");
    expect(generalDetailsToFhir(details, "Patient/p-123")).to.deep.equal(resources);
    expect(
      generalDetailsToFhir({ ...details, heightCm: undefined }, "Patient/p-123").some((r) => r.id?.endsWith("bmi-0")),
    ).to.equal(false);
  });
  it("refuses a patient reference without a valid id", () => {
    expect(() => generalDetailsToFhir(details, "Patient/")).to.throw(FormatError, /valid FHIR id/);
  });
});
