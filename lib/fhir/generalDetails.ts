/**
 * The patient's general details record (category 0), as the web form fills it: checked here,
 * and turned into FHIR R4 resources for export.
 */
import { FormatError } from "../errors";

export interface EmergencyContact {
  name: string;
  relationship?: string;
  phone?: string;
}

export interface GeneralDetails {
  fullName: string;
  /** YYYY-MM-DD */
  dateOfBirth?: string;
  gender?: "female" | "male" | "other" | "unknown";
  heightCm?: number;
  weightKg?: number;
  bloodGroup?: "A+" | "A-" | "B+" | "B-" | "AB+" | "AB-" | "O+" | "O-";
  allergies: string[];
  chronicConditions: string[];
  currentMedications: string[];
  emergencyContacts: EmergencyContact[];
  /** ISO 8601 date-time with a time zone, e.g. 2026-11-21T15:00:00Z */
  updatedAt: string;
}

export const GENDERS = ["female", "male", "other", "unknown"] as const;
export const BLOOD_GROUPS = ["A+", "A-", "B+", "B-", "AB+", "AB-", "O+", "O-"] as const;
export const HEIGHT_CM_RANGE = { min: 30, max: 272 } as const;
export const WEIGHT_KG_RANGE = { min: 0.5, max: 650 } as const;
const MAX_TEXT = 500;
const MAX_LIST = 200;

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const PHONE = /^\+?[0-9][0-9 ()\-.]{2,31}$/;

function invalid(message: string): never {
  throw new FormatError(message);
}

function text(value: unknown, label: string, required: boolean): string | undefined {
  if (value === undefined || value === null || value === "") {
    if (required) invalid(`${label} is required.`);
    return undefined;
  }
  if (typeof value !== "string") invalid(`${label} must be text.`);
  const trimmed = value.trim();
  if (!trimmed && required) invalid(`${label} is required.`);
  if (trimmed.length > MAX_TEXT) invalid(`${label} is too long (at most ${MAX_TEXT} characters).`);
  return trimmed || undefined;
}

function numberIn(
  value: unknown,
  label: string,
  unit: string,
  range: { min: number; max: number },
): number | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value !== "number" || !Number.isFinite(value)) invalid(`${label} must be a number in ${unit}.`);
  if (value < range.min || value > range.max)
    invalid(`${label} must be between ${range.min} and ${range.max} ${unit}.`);
  return value;
}

function oneOf<T extends string>(value: unknown, label: string, allowed: readonly T[]): T | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  if (!allowed.includes(value as T)) invalid(`${label} must be one of ${allowed.join(", ")}.`);
  return value as T;
}

/** Nothing given: absent, null, or text of spaces only. */
const blank = (value: unknown) => value === undefined || value === null || (typeof value === "string" && !value.trim());

function textList(value: unknown, label: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) invalid(`${label} must be a list.`);
  if (value.length > MAX_LIST) invalid(`${label} has too many entries (at most ${MAX_LIST}).`);
  return value.map((item, i) => text(item, `${label} entry ${i + 1}`, true) as string);
}

/** Whether YYYY-MM-DD names a real calendar day. */
function isCalendarDate(value: string): boolean {
  const m = DATE.exec(value);
  if (!m) return false;
  const date = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  return date.getUTCFullYear() === +m[1] && date.getUTCMonth() === +m[2] - 1 && date.getUTCDate() === +m[3];
}

function dateOfBirth(value: unknown, now: Date): string | undefined {
  const date = text(value, "Date of birth", false);
  if (date === undefined) return undefined;
  if (!isCalendarDate(date)) invalid("Date of birth must be a real date written YYYY-MM-DD.");
  if (date < "1900-01-01") invalid("Date of birth cannot be before 1900.");
  // Compare as dates in UTC; a birth "today" in any time zone is accepted.
  const tomorrow = new Date(now.getTime() + 24 * 3600 * 1000).toISOString().slice(0, 10);
  if (date > tomorrow) invalid("Date of birth cannot be in the future.");
  return date;
}

function emergencyContacts(
  value: unknown,
  field: <T>(name: string, check: () => T) => T | undefined,
): EmergencyContact[] {
  const listed = field("emergencyContacts", () => {
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) invalid("Emergency contacts must be a list.");
    if (value.length > MAX_LIST) invalid(`Emergency contacts has too many entries (at most ${MAX_LIST}).`);
    return value as unknown[];
  });
  return (listed ?? []).flatMap((item, i) => {
    const label = `Emergency contact ${i + 1}`;
    const at = `emergencyContacts.${i}`;
    const c = field(at, () => {
      if (item === null || typeof item !== "object" || Array.isArray(item))
        invalid(`${label} must be an object with a name.`);
      return item as Record<string, unknown>;
    });
    // A contact with every field blank is a row the form added and left empty: left out, not refused,
    // and the contacts after it keep their numbers (the form's numbers).
    if (!c || ["name", "relationship", "phone"].every((key) => blank(c[key]))) return [];
    const name = field(`${at}.name`, () => text(c.name, `${label} name`, true));
    const contact: EmergencyContact = { name: name ?? "" };
    const relationship = field(`${at}.relationship`, () => text(c.relationship, `${label} relationship`, false));
    if (relationship) contact.relationship = relationship;
    const phone = field(`${at}.phone`, () => {
      const given = text(c.phone, `${label} phone`, false);
      if (given && !PHONE.test(given))
        invalid(`${label} phone must be digits, spaces, brackets or dashes, optionally starting with +.`);
      return given;
    });
    if (phone) contact.phone = phone;
    return [contact];
  });
}

/** A field's problem: `field` its path in the input ("fullName", "emergencyContacts.0.phone"; "" the whole). */
export interface GeneralDetailsProblem {
  field: string;
  message: string;
}

/**
 * Checks a general details record as the web form sends it. Never throws for bad input: answers a
 * clean copy (text trimmed, empty optional fields removed, unknown fields left out, missing lists
 * empty, an emergency contact with every field blank left out), or every problem, one per field, in
 * a plain sentence naming the field, never its value.
 */
export function checkGeneralDetails(
  input: unknown,
  now: Date = new Date(),
): { ok: true; value: GeneralDetails } | { ok: false; problems: GeneralDetailsProblem[] } {
  if (input === null || typeof input !== "object" || Array.isArray(input))
    return { ok: false, problems: [{ field: "", message: "General details must be an object." }] };
  const i = input as Record<string, unknown>;
  const problems: GeneralDetailsProblem[] = [];
  /** `check()`, or undefined with its problem noted against `field`. */
  const field = <T>(name: string, check: () => T): T | undefined => {
    try {
      return check();
    } catch (error) {
      if (!(error instanceof FormatError)) throw error;
      problems.push({ field: name, message: error.shortMessage });
      return undefined;
    }
  };
  const list = (name: "allergies" | "chronicConditions" | "currentMedications", label: string) =>
    field(name, () => textList(i[name], label)) ?? [];
  const details: GeneralDetails = {
    fullName: field("fullName", () => text(i.fullName, "Full name", true)) as string,
    allergies: list("allergies", "Allergies"),
    chronicConditions: list("chronicConditions", "Chronic conditions"),
    currentMedications: list("currentMedications", "Current medications"),
    emergencyContacts: emergencyContacts(i.emergencyContacts, field),
    updatedAt: "",
  };
  const dob = field("dateOfBirth", () => dateOfBirth(i.dateOfBirth, now));
  if (dob) details.dateOfBirth = dob;
  const gender = field("gender", () => oneOf(i.gender, "Gender", GENDERS));
  if (gender) details.gender = gender;
  const height = field("heightCm", () => numberIn(i.heightCm, "Height", "cm", HEIGHT_CM_RANGE));
  if (height !== undefined) details.heightCm = height;
  const weight = field("weightKg", () => numberIn(i.weightKg, "Weight", "kg", WEIGHT_KG_RANGE));
  if (weight !== undefined) details.weightKg = weight;
  const bloodGroup = field("bloodGroup", () => oneOf(i.bloodGroup, "Blood group", BLOOD_GROUPS));
  if (bloodGroup) details.bloodGroup = bloodGroup;
  const updatedAt = field("updatedAt", () => {
    const at = text(i.updatedAt, "Last updated", true) as string;
    if (!DATE_TIME.test(at) || Number.isNaN(Date.parse(at))) {
      invalid("Last updated must be a date and time with a time zone, e.g. 2026-01-31T12:00:00Z.");
    }
    return at;
  });
  if (problems.length) return { ok: false, problems };
  details.updatedAt = updatedAt!;
  return { ok: true, value: details };
}

/**
 * {@link checkGeneralDetails}, throwing FormatError with the first problem (its field path in
 * `details`, for developers) instead of answering them.
 */
export function validateGeneralDetails(input: unknown, now: Date = new Date()): GeneralDetails {
  const checked = checkGeneralDetails(input, now);
  if (checked.ok) return checked.value;
  const [first] = checked.problems;
  throw new FormatError(first.message, { details: first.field ? `field ${first.field}` : undefined });
}

/**
 * Body mass index in kg/m², to one decimal; undefined unless both height and weight are known and
 * possible ({@link HEIGHT_CM_RANGE}, {@link WEIGHT_KG_RANGE}): a form showing "BMI 216" beside
 * "Weight must be between 0.5 and 650 kg" states a figure nobody measured.
 */
export function bmi(details: Pick<GeneralDetails, "heightCm" | "weightKg">): number | undefined {
  const { heightCm, weightKg } = details;
  const within = (value: number | undefined, range: { min: number; max: number }) =>
    typeof value === "number" && value >= range.min && value <= range.max;
  if (!within(heightCm, HEIGHT_CM_RANGE) || !within(weightKg, WEIGHT_KG_RANGE)) return undefined;
  const metres = heightCm! / 100;
  return Math.round((weightKg! / (metres * metres)) * 10) / 10;
}

export const LOINC = "http://loinc.org";
export const UCUM = "http://unitsofmeasure.org";
export const SNOMED = "http://snomed.info/sct";
const OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category";

/** SNOMED CT codes for ABO and Rh(D) groups, the usual answers to LOINC 882-1. */
export const BLOOD_GROUP_SNOMED: Record<
  NonNullable<GeneralDetails["bloodGroup"]>,
  { code: string; display: string }
> = {
  "A+": { code: "278149003", display: "Blood group A Rh(D) positive" },
  "A-": { code: "278152006", display: "Blood group A Rh(D) negative" },
  "B+": { code: "278150003", display: "Blood group B Rh(D) positive" },
  "B-": { code: "278153001", display: "Blood group B Rh(D) negative" },
  "AB+": { code: "278151004", display: "Blood group AB Rh(D) positive" },
  "AB-": { code: "278154007", display: "Blood group AB Rh(D) negative" },
  "O+": { code: "278147001", display: "Blood group O Rh(D) positive" },
  "O-": { code: "278148006", display: "Blood group O Rh(D) negative" },
};

/** The id part of "Patient/123", "urn:uuid:abc" or "https://x/fhir/Patient/123". */
function idOf(patientRef: string): string {
  const id =
    patientRef
      .replace(/^urn:uuid:/, "")
      .split("/")
      .pop() ?? "";
  if (!/^[A-Za-z0-9\-.]{1,64}$/.test(id))
    throw new FormatError("The patient reference does not end in a valid FHIR id.");
  return id;
}

/**
 * The general details as FHIR R4 resources: the Patient (name, gender, birth date, emergency
 * contacts), one AllergyIntolerance, Condition and MedicationStatement per entry, and
 * Observations for height (LOINC 8302-2, cm), weight (29463-7, kg), BMI (39156-5, kg/m2) and
 * blood group (882-1, SNOMED CT answer). Ids are derived from the patient id, so exporting the
 * same details twice gives the same resources. `patientRef` is "Patient/<id>" (or a urn:uuid).
 */
export function generalDetailsToFhir(d: GeneralDetails, patientRef: string): fhir4.FhirResource[] {
  const patientId = idOf(patientRef);
  const subject: fhir4.Reference = { reference: `Patient/${patientId}` };
  const idBase = patientId.slice(0, 40);
  const id = (kind: string, n = 0) => `${idBase}-${kind}-${n}`;
  const when = d.updatedAt;

  const patient: fhir4.Patient = {
    resourceType: "Patient",
    id: patientId,
    name: [{ use: "official", text: d.fullName }],
  };
  if (d.gender) patient.gender = d.gender;
  if (d.dateOfBirth) patient.birthDate = d.dateOfBirth;
  if (d.emergencyContacts.length) {
    patient.contact = d.emergencyContacts.map((c) => {
      const relationship: fhir4.CodeableConcept[] = [
        {
          coding: [
            { system: "http://terminology.hl7.org/CodeSystem/v2-0131", code: "C", display: "Emergency Contact" },
          ],
        },
      ];
      if (c.relationship) relationship.push({ text: c.relationship });
      const contact: fhir4.PatientContact = { relationship, name: { text: c.name } };
      if (c.phone) contact.telecom = [{ system: "phone", value: c.phone }];
      return contact;
    });
  }

  const resources: fhir4.FhirResource[] = [patient];
  d.allergies.forEach((text, n) =>
    resources.push({
      resourceType: "AllergyIntolerance",
      id: id("allergy", n),
      clinicalStatus: {
        coding: [{ system: "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical", code: "active" }],
      },
      verificationStatus: {
        coding: [
          { system: "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification", code: "unconfirmed" },
        ],
      },
      code: { text },
      patient: subject,
      recordedDate: when,
      asserter: subject,
    } satisfies fhir4.AllergyIntolerance),
  );
  d.chronicConditions.forEach((text, n) =>
    resources.push({
      resourceType: "Condition",
      id: id("condition", n),
      clinicalStatus: {
        coding: [{ system: "http://terminology.hl7.org/CodeSystem/condition-clinical", code: "active" }],
      },
      category: [
        { coding: [{ system: "http://terminology.hl7.org/CodeSystem/condition-category", code: "problem-list-item" }] },
      ],
      code: { text },
      subject,
      recordedDate: when,
      asserter: subject,
    } satisfies fhir4.Condition),
  );
  d.currentMedications.forEach((text, n) =>
    resources.push({
      resourceType: "MedicationStatement",
      id: id("medication", n),
      status: "active",
      medicationCodeableConcept: { text },
      subject,
      dateAsserted: when,
      informationSource: subject,
    } satisfies fhir4.MedicationStatement),
  );

  const observation = (
    kind: string,
    category: "vital-signs" | "laboratory",
    code: string,
    display: string,
    value: Pick<fhir4.Observation, "valueQuantity" | "valueCodeableConcept">,
  ): fhir4.Observation => ({
    resourceType: "Observation",
    id: id(kind),
    status: "final",
    category: [{ coding: [{ system: OBSERVATION_CATEGORY, code: category }] }],
    code: { coding: [{ system: LOINC, code, display }], text: display },
    subject,
    effectiveDateTime: when,
    ...value,
  });
  const quantity = (value: number, unit: string): fhir4.Quantity => ({ value, unit, system: UCUM, code: unit });
  if (d.heightCm !== undefined) {
    resources.push(
      observation("height", "vital-signs", "8302-2", "Body height", { valueQuantity: quantity(d.heightCm, "cm") }),
    );
  }
  if (d.weightKg !== undefined) {
    resources.push(
      observation("weight", "vital-signs", "29463-7", "Body weight", { valueQuantity: quantity(d.weightKg, "kg") }),
    );
  }
  const bodyMassIndex = bmi(d);
  if (bodyMassIndex !== undefined) {
    resources.push(
      observation("bmi", "vital-signs", "39156-5", "Body mass index (BMI) [Ratio]", {
        valueQuantity: quantity(bodyMassIndex, "kg/m2"),
      }),
    );
  }
  if (d.bloodGroup) {
    const answer = BLOOD_GROUP_SNOMED[d.bloodGroup];
    resources.push(
      observation("blood-group", "laboratory", "882-1", "ABO and Rh group [Type] in Blood", {
        valueCodeableConcept: { coding: [{ system: SNOMED, ...answer }], text: d.bloodGroup },
      }),
    );
  }
  return resources;
}
