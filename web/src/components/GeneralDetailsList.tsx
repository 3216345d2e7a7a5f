import "./patient.css";
import { bmi, type GeneralDetails } from "@lib/fhir/generalDetails";
import { ageInYears, calendarDate, localMinute } from "@lib/localTime";

/** How each gender value reads on screen. */
export const GENDER_LABELS: Record<NonNullable<GeneralDetails["gender"]>, string> = {
  female: "Female",
  male: "Male",
  other: "Other",
  unknown: "Prefer not to say",
};

const list = (items: string[]) => (items.length ? items.join(", ") : "None recorded");
/** When the details were saved, in the reader's time with its zone; "—" when the record does not say. */
const lastUpdated = (iso: string) => (Number.isNaN(Date.parse(iso)) ? "—" : localMinute(Date.parse(iso)));

/**
 * A patient's general details, field by field in words (age beside the date of birth, BMI from
 * height and weight, "None recorded" for an empty list): what the patient saved, as the patient
 * and a doctor with consent read it.
 */
export function GeneralDetailsList({ details }: { details: GeneralDetails }) {
  const age = details.dateOfBirth ? ageInYears(details.dateOfBirth) : undefined;
  const bodyMassIndex = bmi(details);
  const rows: [string, string][] = [
    ["Full name", details.fullName],
    [
      "Date of birth",
      details.dateOfBirth ? `${calendarDate(details.dateOfBirth)}${age !== undefined ? ` (age ${age})` : ""}` : "—",
    ],
    ["Gender", details.gender ? GENDER_LABELS[details.gender] : "—"],
    ["Height", details.heightCm !== undefined ? `${details.heightCm} cm` : "—"],
    ["Weight", details.weightKg !== undefined ? `${details.weightKg} kg` : "—"],
    ["BMI", bodyMassIndex !== undefined ? `${bodyMassIndex} kg/m²` : "—"],
    ["Blood group", details.bloodGroup ?? "—"],
    ["Allergies", list(details.allergies)],
    ["Current medications", list(details.currentMedications)],
    ["Chronic conditions", list(details.chronicConditions)],
    [
      "Emergency contacts",
      list(
        details.emergencyContacts.map((c) =>
          [c.name, c.relationship && `(${c.relationship})`, c.phone].filter(Boolean).join(" "),
        ),
      ),
    ],
    ["Last updated", lastUpdated(details.updatedAt)],
  ];
  return (
    <dl className="details-list">
      {rows.map(([term, value]) => (
        <div key={term}>
          <dt>{term}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}
