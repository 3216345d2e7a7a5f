import { expect } from "chai";
import { Category } from "../categories";
import { FormatError } from "../errors";
import { categoryOfResource } from "./categorize";
import {
  describeOrder,
  orderBundle,
  orderCategory,
  orderFromBundle,
  orderProblems,
  orderToFhir,
  OVERRIDE_NOTE_PREFIX,
  validateOrder,
  type OrderContext,
} from "./orders";
import { validateResource } from "./validate";

const CTX: OrderContext = {
  id: "0b6a3c1e-5d2f-4e8a-9c7b-1f2e3d4c5b6a",
  patient: { reference: "Patient/3f1c2b9e-0d4a-4c7e-9a51-6b8f2e7d1a01" },
  requester: { display: "Dr Noor Haddad" },
  authoredOn: new Date("2026-06-01T12:00:00Z"),
};

function prescription(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    kind: "prescription",
    medication: " Amoxicillin 500 mg capsules ",
    doseValue: 500,
    doseUnit: "mg",
    route: "oral",
    timesPerDay: 3,
    durationDays: 7,
    instructions: "Take with food.",
    ...overrides,
  };
}

function testOrder(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    kind: "test-order",
    testName: "Hemoglobin A1c",
    loinc: "4548-4",
    reason: "Diabetes follow-up",
    priority: "routine",
    ...overrides,
  };
}

function refuses(input: unknown, message: RegExp): void {
  let error: unknown;
  try {
    validateOrder(input);
  } catch (e) {
    error = e;
  }
  expect(error, "a FormatError").to.be.instanceOf(FormatError);
  expect((error as FormatError).shortMessage).to.match(message);
}

describe("lib/fhir/orders", () => {
  describe("validateOrder", () => {
    it("accepts a prescription, trimming text and dropping empty instructions", () => {
      expect(validateOrder(prescription())).to.deep.equal({
        ...prescription(),
        medication: "Amoxicillin 500 mg capsules",
      });
      expect(validateOrder(prescription({ instructions: "  " }))).to.not.have.property("instructions");
    });

    it("accepts a test order with or without a LOINC code", () => {
      expect(validateOrder(testOrder())).to.deep.equal(testOrder());
      expect(validateOrder(testOrder({ loinc: "" }))).to.not.have.property("loinc");
    });

    it("refuses an input that is neither kind", () => {
      refuses(null, /prescription or a test order/);
      refuses({ kind: "referral" }, /prescription or a test order/);
      refuses("prescription", /prescription or a test order/);
    });

    const badPrescriptions: [string, Record<string, unknown>, RegExp][] = [
      ["a missing medication", { medication: undefined }, /medication must be text/],
      ["an empty medication", { medication: "   " }, /medication is required/],
      ["a medication that is not text", { medication: 12 }, /medication must be text/],
      ["an overlong medication", { medication: "x".repeat(501) }, /too long/],
      ["a zero dose", { doseValue: 0 }, /dose must be between/],
      ["a negative dose", { doseValue: -5 }, /dose must be between/],
      ["an absurd dose", { doseValue: 1e6 }, /dose must be between/],
      ["a dose that is not a number", { doseValue: "500" }, /dose must be a number/],
      ["a NaN dose", { doseValue: NaN }, /dose must be a number/],
      ["no dose", { doseValue: undefined }, /dose is required/],
      ["an unknown dose unit", { doseUnit: "bucket" }, /dose unit must be one of/],
      ["an unknown route", { route: "by post" }, /route must be one of/],
      ["zero times a day", { timesPerDay: 0 }, /frequency must be between 1 and 24/],
      ["25 times a day", { timesPerDay: 25 }, /frequency must be between 1 and 24/],
      ["a fractional frequency", { timesPerDay: 1.5 }, /frequency must be a whole number/],
      ["a zero duration", { durationDays: 0 }, /duration must be between 1 and 365/],
      ["a duration over a year", { durationDays: 366 }, /duration must be between 1 and 365/],
      ["a fractional duration", { durationDays: 2.5 }, /duration must be a whole number/],
      ["instructions that are not text", { instructions: 3 }, /instructions must be text/],
      ["an unknown field", { refills: 3 }, /field this form does not know/],
    ];
    for (const [name, overrides, message] of badPrescriptions) {
      it(`refuses a prescription with ${name}`, () => refuses(prescription(overrides), message));
    }

    const badTestOrders: [string, Record<string, unknown>, RegExp][] = [
      ["no test name", { testName: "" }, /test name is required/],
      ["an unknown LOINC code", { loinc: "1234-5" }, /LOINC code must be one of/],
      ["no reason", { reason: " " }, /reason is required/],
      ["an unknown priority", { priority: "asap" }, /priority must be one of routine, urgent, stat/],
      ["a missing priority", { priority: undefined }, /priority must be one of/],
      ["an unknown field", { dose: 1 }, /field this form does not know/],
    ];
    for (const [name, overrides, message] of badTestOrders) {
      it(`refuses a test order with ${name}`, () => refuses(testOrder(overrides), message));
    }
  });

  describe("orderProblems", () => {
    it("has none for values validateOrder accepts", () => {
      expect(orderProblems(prescription())).to.deep.equal({});
      expect(orderProblems(testOrder({ loinc: "" }))).to.deep.equal({});
    });

    it("puts each problem under its field, the same sentence as validateOrder's", () => {
      expect(orderProblems(prescription({ doseValue: undefined, medication: " ", durationDays: 1.5 }))).to.deep.equal({
        medication: "The medication is required.",
        doseValue: "The dose is required.",
        durationDays: "The duration must be a whole number of days.",
      });
      expect(orderProblems(testOrder({ testName: "", reason: "" }))).to.deep.equal({
        testName: "The test name is required.",
        reason: "The reason is required.",
      });
      expect(orderProblems(prescription({ allergyOverride: { reason: "", warnings: ["w"] } }))).to.deep.equal({
        allergyOverride: "The reason for prescribing despite the allergy warning is required.",
      });
    });

    it("puts a problem of the whole under kind", () => {
      expect(orderProblems({ kind: "referral" })).to.deep.equal({ kind: "Choose a prescription or a test order." });
      expect(Object.keys(orderProblems(prescription({ extra: 1 })))).to.deep.equal(["kind"]);
    });
  });

  describe("orderToFhir", () => {
    it("maps a prescription to a valid MedicationRequest filed under Prescriptions", () => {
      const order = validateOrder(prescription());
      const resource = orderToFhir(order, CTX) as fhir4.MedicationRequest;
      expect(validateResource(resource)).to.deep.equal([]);
      expect(resource).to.include({ resourceType: "MedicationRequest", id: CTX.id, status: "active", intent: "order" });
      expect(resource.authoredOn).to.equal("2026-06-01T12:00:00.000Z");
      expect(resource.subject).to.deep.equal(CTX.patient);
      expect(resource.medicationCodeableConcept).to.deep.equal({ text: "Amoxicillin 500 mg capsules" });
      const dosage = resource.dosageInstruction![0];
      expect(dosage.text).to.equal("500 mg oral, 3 times a day for 7 days");
      expect(dosage.doseAndRate![0].doseQuantity).to.deep.equal({ value: 500, unit: "mg" });
      expect(dosage.timing!.repeat).to.deep.equal({ frequency: 3, period: 1, periodUnit: "d" });
      expect(dosage.route!.coding![0]).to.include({ system: "http://snomed.info/sct", code: "26643006" });
      expect(dosage.patientInstruction).to.equal("Take with food.");
      expect(resource.dispenseRequest!.expectedSupplyDuration).to.include({ value: 7, code: "d" });
      expect(categoryOfResource(resource)).to.equal(Category.Prescriptions);
      expect(orderCategory(order)).to.equal(Category.Prescriptions);
    });

    it("maps a test order to a valid ServiceRequest filed under Test orders", () => {
      const order = validateOrder(testOrder({ priority: "stat" }));
      const resource = orderToFhir(order, CTX) as fhir4.ServiceRequest;
      expect(validateResource(resource)).to.deep.equal([]);
      expect(resource).to.include({ resourceType: "ServiceRequest", priority: "stat", intent: "order" });
      expect(resource.code).to.deep.equal({
        coding: [{ system: "http://loinc.org", code: "4548-4", display: "Hemoglobin A1c" }],
        text: "Hemoglobin A1c",
      });
      expect(resource.reasonCode).to.deep.equal([{ text: "Diabetes follow-up" }]);
      expect(categoryOfResource(resource)).to.equal(Category.TestOrders);
      expect(orderCategory(order)).to.equal(Category.TestOrders);
    });

    it("stores an allergy override's reason and the warnings shown as the MedicationRequest's notes", () => {
      const order = validateOrder(
        prescription({
          medication: "Flucloxacillin",
          allergyOverride: {
            reason: " Penicillin allergy disproved by oral challenge in 2025 ",
            warnings: ["Severe allergy: Flucloxacillin is a penicillin, and the patient is allergic to Penicillin."],
          },
        }),
      );
      const resource = orderToFhir(order, CTX) as fhir4.MedicationRequest;
      expect(validateResource(resource)).to.deep.equal([]);
      expect(resource.note).to.deep.equal([
        {
          text: `${OVERRIDE_NOTE_PREFIX} Reason: Penicillin allergy disproved by oral challenge in 2025`,
        },
        {
          text: "Warning shown: Severe allergy: Flucloxacillin is a penicillin, and the patient is allergic to Penicillin.",
        },
      ]);
      expect((orderToFhir(validateOrder(prescription()), CTX) as fhir4.MedicationRequest).note).to.equal(undefined);
    });

    it("refuses an allergy override without a reason", () => {
      refuses(
        prescription({ allergyOverride: { reason: "  ", warnings: ["Allergy: x"] } }),
        /^The reason for prescribing despite the allergy warning is required\.$/,
      );
      refuses(prescription({ allergyOverride: { reason: "ok", warnings: [] } }), /^The allergy warning is missing\.$/);
    });

    it("names a test without a LOINC code by text only", () => {
      const resource = orderToFhir(validateOrder(testOrder({ loinc: undefined, testName: "Vitamin D" })), CTX);
      expect((resource as fhir4.ServiceRequest).code).to.deep.equal({ text: "Vitamin D" });
      expect(validateResource(resource)).to.deep.equal([]);
    });
  });

  describe("orderBundle and orderFromBundle", () => {
    it("wraps the resource in a collection Bundle and reads it back", () => {
      const bundle = orderBundle(validateOrder(prescription()), CTX);
      expect(validateResource(bundle)).to.deep.equal([]);
      expect(bundle).to.include({ resourceType: "Bundle", type: "collection" });
      expect(bundle.entry![0].fullUrl).to.equal(`urn:uuid:${CTX.id}`);
      expect(orderFromBundle(JSON.parse(JSON.stringify(bundle)))?.resourceType).to.equal("MedicationRequest");
    });

    it("finds no order in other bundles or non-bundles", () => {
      expect(orderFromBundle({ resourceType: "Bundle", type: "collection", entry: [] })).to.equal(undefined);
      expect(orderFromBundle({ entry: [{ resource: { resourceType: "Patient" } }] })).to.equal(undefined);
      expect(orderFromBundle(null)).to.equal(undefined);
    });
  });

  describe("describeOrder", () => {
    it("says a prescription and a test order in one line", () => {
      expect(describeOrder(validateOrder(prescription()))).to.equal(
        "Amoxicillin 500 mg capsules 500 mg oral, 3 times a day for 7 days",
      );
      expect(describeOrder(validateOrder(prescription({ timesPerDay: 1, durationDays: 1 })))).to.contain(
        "once a day for 1 day",
      );
      expect(describeOrder(validateOrder(testOrder()))).to.equal("Hemoglobin A1c (routine) for Diabetes follow-up");
    });
  });
});
