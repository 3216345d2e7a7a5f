import { expect } from "chai";
import { Category } from "../categories";
import { FormatError } from "../errors";
import { categoryOfResource } from "../fhir/categorize";
import { validateResource } from "../fhir/validate";
import { summarizeFhirBundle } from "../summary/summarizeFhirBundle";
import { checkForm, FORM_KINDS, FORM_MEDIA_TYPE, FORMS, formToBundle, type FormKind } from "./forms";
import { EXAMPLES, PATIENT, sequentialIds, WHEN } from "./testing";
import { thrown } from "../testing/thrown";

const bundleOf = (kind: FormKind, input: unknown = EXAMPLES[kind]) =>
  formToBundle(kind, input as never, { patient: PATIENT, newId: sequentialIds() });
const resources = (kind: FormKind) => bundleOf(kind).bundle.entry!.map((e) => e.resource!);
const ofType = <T extends fhir4.FhirResource>(kind: FormKind, type: T["resourceType"]) =>
  resources(kind).filter((r): r is T => r.resourceType === type);
const byLoinc = (kind: FormKind, code: string) =>
  ofType<fhir4.Observation>(kind, "Observation").find((o) => o.code.coding?.[0].code === code)!;
const UCUM = "http://unitsofmeasure.org";

const refusal = (run: () => unknown) => thrown(run, FormatError);

describe("formToBundle", () => {
  for (const kind of FORM_KINDS) {
    it(`${kind}: a valid FHIR R4 collection Bundle whose references resolve, with its category and media type`, () => {
      const { bundle, category, mediaType } = bundleOf(kind);
      expect(validateResource(bundle)).to.deep.equal([]);
      expect(bundle.type).to.equal("collection");
      expect(bundle.timestamp).to.equal(WHEN);
      expect(category).to.equal(FORMS[kind].category);
      expect(mediaType).to.equal(FORM_MEDIA_TYPE).and.to.equal("application/fhir+json");
      const [encounter, ...rest] = bundle.entry!.map((e) => e.resource!);
      expect(encounter.resourceType).to.equal("Encounter");
      expect(rest.length).to.be.greaterThan(0);
      for (const entry of bundle.entry!) expect(entry.fullUrl).to.equal(`urn:uuid:${entry.resource!.id}`);
      type Clinical = {
        resourceType: string;
        subject?: fhir4.Reference;
        patient?: fhir4.Reference;
        encounter?: fhir4.Reference;
      };
      for (const r of rest as Clinical[]) {
        expect((r.subject ?? r.patient)!.reference, r.resourceType).to.equal(PATIENT);
        expect(r.encounter!.reference).to.equal(bundle.entry![0].fullUrl);
      }
    });
  }

  it("files vitals under VitalSigns, cardiac under LabResults, dermatology under Conditions, dentistry under Procedures", () => {
    expect(FORM_KINDS.map((k) => FORMS[k].category)).to.deep.equal([
      Category.VitalSigns,
      Category.LabResults,
      Category.Conditions,
      Category.Procedures,
    ]);
  });

  it("vitals: LOINC codes, UCUM units and vital-signs / laboratory categories", () => {
    const expected: [string, number, string, string][] = [
      ["8302-2", 172, "cm", "vital-signs"],
      ["29463-7", 70, "kg", "vital-signs"],
      ["39156-5", 23.7, "kg/m2", "vital-signs"],
      ["8867-4", 72, "/min", "vital-signs"],
      ["8310-5", 36.8, "Cel", "vital-signs"],
      ["15074-8", 5.5, "mmol/L", "laboratory"],
    ];
    for (const [code, value, unit, category] of expected) {
      const o = byLoinc("vitals", code);
      expect(o.valueQuantity, code).to.deep.equal({ value, unit, system: UCUM, code: unit });
      expect(o.category![0].coding![0].code, code).to.equal(category);
      expect(o.code.coding![0].system).to.equal("http://loinc.org");
      expect(o.effectiveDateTime).to.equal(WHEN);
      expect(o.status).to.equal("final");
    }
    const bp = byLoinc("vitals", "85354-9");
    expect(bp.component!.map((c) => [c.code.coding![0].code, c.valueQuantity])).to.deep.equal([
      ["8480-6", { value: 128, unit: "mm[Hg]", system: UCUM, code: "mm[Hg]" }],
      ["8462-4", { value: 82, unit: "mm[Hg]", system: UCUM, code: "mm[Hg]" }],
    ]);
    expect(categoryOfResource(bp)).to.equal(Category.VitalSigns);
  });

  it("vitals: glucose is stored in the unit it was entered in, by mass (2339-0) or by moles (15074-8)", () => {
    const inMgDl = bundleOf("vitals", { ...EXAMPLES.vitals, glucose: { value: 99, unit: "mg/dL" } }).bundle.entry!;
    const glucose = inMgDl
      .map((e) => e.resource!)
      .filter((r): r is fhir4.Observation => r.resourceType === "Observation")
      .filter((o) => ["2339-0", "15074-8"].includes(o.code.coding![0].code!));
    expect(glucose.map((o) => [o.code.coding![0].code, o.valueQuantity])).to.deep.equal([
      ["2339-0", { value: 99, unit: "mg/dL", system: UCUM, code: "mg/dL" }],
    ]);
    expect(byLoinc("vitals", "15074-8").code.coding![0].display).to.equal("Glucose [Moles/volume] in Blood");
  });

  it("vitals: blood group as LOINC 882-1 with a SNOMED CT answer, diabetes as a Condition", () => {
    expect(byLoinc("vitals", "882-1").valueCodeableConcept).to.deep.equal({
      coding: [{ system: "http://snomed.info/sct", code: "278148006", display: "Blood group O Rh(D) negative" }],
      text: "O-",
    });
    const [condition] = ofType<fhir4.Condition>("vitals", "Condition");
    expect(condition.code!.coding![0]).to.deep.include({ system: "http://snomed.info/sct", code: "44054006" });
    const none = bundleOf("vitals", { ...EXAMPLES.vitals, diabetes: "none" }).bundle.entry!;
    expect(none.filter((e) => e.resource!.resourceType === "Condition")).to.have.length(0);
  });

  it("vitals: allergies as AllergyIntolerance with category, reaction and severity", () => {
    const [penicillin, peanut] = ofType<fhir4.AllergyIntolerance>("vitals", "AllergyIntolerance");
    expect(penicillin).to.deep.include({ category: ["medication"], criticality: "high", code: { text: "Penicillin" } });
    expect(penicillin.reaction).to.deep.equal([{ manifestation: [{ text: "Hives" }], severity: "severe" }]);
    expect(peanut).to.deep.include({ category: ["food"], code: { text: "Peanut" } });
    expect(peanut.reaction).to.equal(undefined);
  });

  it("cardiac: BP and heart rate as vital signs, ECG with a coded interpretation, lipids in mg/dL", () => {
    expect(byLoinc("cardiac", "85354-9").component).to.have.length(2);
    expect(byLoinc("cardiac", "8867-4").valueQuantity!.unit).to.equal("/min");
    const ecg = byLoinc("cardiac", "11524-6");
    expect(ecg.valueString).to.equal("Sinus rhythm, left ventricular hypertrophy");
    expect(ecg.interpretation![0].coding![0]).to.deep.include({ code: "A", display: "Abnormal" });
    for (const [code, value] of [
      ["2093-3", 210],
      ["18262-6", 130],
      ["2085-9", 45],
      ["2571-8", 160],
    ] as const) {
      const o = byLoinc("cardiac", code);
      expect(o.valueQuantity).to.deep.equal({ value, unit: "mg/dL", system: UCUM, code: "mg/dL" });
      expect(categoryOfResource(o)).to.equal(Category.LabResults);
    }
  });

  it("cardiac: a lipid panel in mmol/L is stored in mmol/L under the by-moles LOINC codes", () => {
    const lipids = { unit: "mmol/L", totalCholesterol: 5.2, ldl: 3.1, hdl: 1.3, triglycerides: 1.7 };
    const observations = bundleOf("cardiac", { ...EXAMPLES.cardiac, lipids })
      .bundle.entry!.map((e) => e.resource!)
      .filter((r): r is fhir4.Observation => r.resourceType === "Observation")
      .filter((o) => o.valueQuantity?.unit === "mmol/L");
    expect(observations.map((o) => [o.code.coding![0].code, o.valueQuantity!.value])).to.deep.equal([
      ["14647-2", 5.2],
      ["22748-8", 3.1],
      ["14646-4", 1.3],
      ["14927-8", 1.7],
    ]);
    for (const o of observations) {
      expect(o.valueQuantity).to.include({ system: UCUM, code: "mmol/L" });
      expect(categoryOfResource(o)).to.equal(Category.LabResults);
    }
  });

  it("dermatology: one Condition per lesion, site as bodySite, description as note", () => {
    const [c] = ofType<fhir4.Condition>("dermatology", "Condition");
    expect(c.code).to.deep.equal({ text: "Atypical naevus" });
    expect(c.bodySite).to.deep.equal([{ text: "Left forearm" }]);
    expect(c.note).to.deep.equal([{ text: "6 mm asymmetric pigmented macule" }]);
    expect(categoryOfResource(c)).to.equal(Category.Conditions);
  });

  it("dentistry: tooth as FDI code with the Universal number kept, surfaces coded", () => {
    const [finding] = ofType<fhir4.Condition>("dentistry", "Condition");
    const [filling, scaling] = ofType<fhir4.Procedure>("dentistry", "Procedure");
    const site = [
      {
        coding: [{ system: "http://terminology.hl7.org/CodeSystem/ex-tooth", code: "16" }],
        text: "Tooth 3 (Universal), FDI 16",
      },
      {
        coding: [{ system: "http://terminology.hl7.org/CodeSystem/FDI-surface", code: "O", display: "Occlusal" }],
        text: "Occlusal",
      },
      {
        coding: [{ system: "http://terminology.hl7.org/CodeSystem/FDI-surface", code: "M", display: "Mesial" }],
        text: "Mesial",
      },
    ];
    expect(finding.bodySite).to.deep.equal(site);
    expect(filling).to.deep.include({
      status: "completed",
      performedDateTime: WHEN,
      code: { text: "Composite restoration" },
    });
    expect(filling.bodySite).to.deep.equal(site);
    expect(scaling.bodySite).to.equal(undefined);
  });

  it("refuses an invalid form with the first problem as the message and all in details, without values", () => {
    const input = { ...EXAMPLES.vitals, systolicMmHg: 333, temperatureC: 51.5 };
    const error = refusal(() => bundleOf("vitals", input));
    expect(error.shortMessage).to.equal("Systolic pressure must be between 50 and 300 mmHg.");
    expect(error.details).to.equal(
      "systolicMmHg: Systolic pressure must be between 50 and 300 mmHg. temperatureC: Temperature must be between 25 and 45 °C.",
    );
    expect(error.message).not.to.include("333").and.not.to.include("51.5");
  });

  it("refuses a patient that is not Patient/<id>, and an unknown form", () => {
    for (const patient of [
      "p-1",
      "Practitioner/1",
      "Patient/",
      "Patient/a b",
      "urn:uuid:00000000-0000-4000-8000-000000000001",
    ])
      expect(refusal(() => formToBundle("vitals", EXAMPLES.vitals, { patient })).shortMessage).to.equal(
        'The patient must be given as "Patient/<id>".',
      );
    expect(refusal(() => checkForm("x-ray" as FormKind, {})).shortMessage).to.equal(
      "Unknown form: choose one of vitals, cardiac, dermatology, dentistry.",
    );
    expect(refusal(() => checkForm("toString" as FormKind, {})).shortMessage).to.match(/^Unknown form/);
  });

  it("does not change its input, and makes random UUIDs by default", () => {
    const input = structuredClone(EXAMPLES.vitals);
    const a = formToBundle("vitals", input, { patient: PATIENT });
    const b = formToBundle("vitals", input, { patient: PATIENT });
    expect(input).to.deep.equal(EXAMPLES.vitals);
    expect(a.bundle.entry![0].fullUrl).to.match(/^urn:uuid:[0-9a-f-]{36}$/);
    expect(a.bundle.entry![0].fullUrl).not.to.equal(b.bundle.entry![0].fullUrl);
  });
});

describe("summarizeFhirBundle on a form's Bundle", () => {
  it("gives the allergies and the blood group an emergency card shows", () => {
    const summary = summarizeFhirBundle(bundleOf("vitals").bundle);
    expect(summary.allergies.map((a) => a.text)).to.deep.equal(["Penicillin", "Peanut"]);
    expect(summary.noKnownAllergies).to.equal(false);
    expect(summary.results.map((r) => r.text)).to.include("ABO and Rh group [Type] in Blood: O-");
    expect(summary.conditions.map((c) => c.text)).to.deep.equal(["Diabetes mellitus type 2"]);
    expect(summary.vitals.map((v) => v.text)).to.include(
      "Blood pressure panel with all children optional: Systolic blood pressure: 128 mm[Hg], Diastolic blood pressure: 82 mm[Hg]",
    );
  });

  it("gives the cardiac ECG impression, dermatology diagnoses and dental procedures", () => {
    expect(summarizeFhirBundle(bundleOf("cardiac").bundle).results.map((r) => r.text)).to.include(
      "EKG study: Sinus rhythm, left ventricular hypertrophy",
    );
    expect(summarizeFhirBundle(bundleOf("dermatology").bundle).conditions.map((c) => c.text)).to.deep.equal([
      "Atypical naevus",
    ]);
    expect(summarizeFhirBundle(bundleOf("dentistry").bundle).procedures.map((c) => c.text)).to.deep.equal([
      "Composite restoration",
      "Scaling",
    ]);
  });
});
