import { useState, type FormEvent } from "react";
import {
  BLOOD_GROUPS,
  GENDERS,
  HEIGHT_CM_RANGE,
  WEIGHT_KG_RANGE,
  bmi,
  type EmergencyContact,
  type GeneralDetails,
} from "@lib/fhir/generalDetails";
import { calendarDate } from "@lib/localTime";
import { ageInYears } from "../../../records/age";

/** The form's own state: text as typed, lists one entry per line. */
interface Draft {
  fullName: string;
  dateOfBirth: string;
  gender: string;
  heightCm: string;
  weightKg: string;
  bloodGroup: string;
  allergies: string;
  chronicConditions: string;
  currentMedications: string;
  emergencyContacts: EmergencyContact[];
}

function draftOf(details: GeneralDetails | undefined): Draft {
  return {
    fullName: details?.fullName ?? "",
    dateOfBirth: details?.dateOfBirth ?? "",
    gender: details?.gender ?? "",
    heightCm: details?.heightCm?.toString() ?? "",
    weightKg: details?.weightKg?.toString() ?? "",
    bloodGroup: details?.bloodGroup ?? "",
    allergies: details?.allergies.join("\n") ?? "",
    chronicConditions: details?.chronicConditions.join("\n") ?? "",
    currentMedications: details?.currentMedications.join("\n") ?? "",
    emergencyContacts: details?.emergencyContacts.map((c) => ({ ...c })) ?? [],
  };
}

const lines = (text: string) =>
  text
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
const numberOrEmpty = (text: string) => (text.trim() === "" ? undefined : Number(text));

/** The draft as the record's input; lib/fhir validateGeneralDetails checks it (in updateGeneralDetails). */
function detailsOf(draft: Draft): GeneralDetails {
  return {
    fullName: draft.fullName,
    dateOfBirth: draft.dateOfBirth || undefined,
    gender: (draft.gender || undefined) as GeneralDetails["gender"],
    heightCm: numberOrEmpty(draft.heightCm),
    weightKg: numberOrEmpty(draft.weightKg),
    bloodGroup: (draft.bloodGroup || undefined) as GeneralDetails["bloodGroup"],
    allergies: lines(draft.allergies),
    chronicConditions: lines(draft.chronicConditions),
    currentMedications: lines(draft.currentMedications),
    emergencyContacts: draft.emergencyContacts.filter((c) => c.name.trim() || c.phone?.trim()),
    updatedAt: new Date().toISOString(),
  };
}

/** How each gender value reads on screen. */
export const GENDER_LABELS: Record<(typeof GENDERS)[number], string> = {
  female: "Female",
  male: "Male",
  other: "Other",
  unknown: "Prefer not to say",
};

/** The measured fields, side by side, each limited to the range the record accepts. */
const MEASUREMENTS = [
  { field: "heightCm", id: "gd-height", label: "Height (cm)", range: HEIGHT_CM_RANGE },
  { field: "weightKg", id: "gd-weight", label: "Weight (kg)", range: WEIGHT_KG_RANGE },
] as const;

export interface GeneralDetailsFormProps {
  /** The saved details the form starts from; undefined for a first fill. */
  initial: GeneralDetails | undefined;
  busy: boolean;
  onSave(details: GeneralDetails): void;
}

/**
 * The general details form. Age and BMI are computed as the user types (BMI from height and
 * weight, the same `bmi` the FHIR export uses), so what is shown is what a doctor would see.
 */
export function GeneralDetailsForm({ initial, busy, onSave }: GeneralDetailsFormProps) {
  const [draft, setDraft] = useState<Draft>(() => draftOf(initial));
  const set = (field: keyof Draft) => (e: { target: { value: string } }) =>
    setDraft((d) => ({ ...d, [field]: e.target.value }));
  const setContact = (i: number, field: keyof EmergencyContact, value: string) =>
    setDraft((d) => ({
      ...d,
      emergencyContacts: d.emergencyContacts.map((c, j) => (j === i ? { ...c, [field]: value } : c)),
    }));
  const age = draft.dateOfBirth ? ageInYears(draft.dateOfBirth) : undefined;
  const bodyMassIndex = bmi({ heightCm: numberOrEmpty(draft.heightCm), weightKg: numberOrEmpty(draft.weightKg) });

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    onSave(detailsOf(draft));
  };

  return (
    <form className="card details-form" onSubmit={onSubmit} noValidate aria-labelledby="details-form-title">
      <h2 id="details-form-title">{initial ? "Update your details" : "Fill in your details"}</h2>
      <label htmlFor="gd-name">Full name</label>
      <input id="gd-name" autoComplete="name" required value={draft.fullName} onChange={set("fullName")} />

      <label htmlFor="gd-dob">Date of birth</label>
      <input id="gd-dob" type="date" autoComplete="bday" value={draft.dateOfBirth} onChange={set("dateOfBirth")} />
      <p className="hint" aria-live="polite" data-testid="age">
        {age !== undefined ? `Age: ${age} (born ${calendarDate(draft.dateOfBirth)})` : "Age: enter your date of birth"}
      </p>

      <label htmlFor="gd-gender">Gender</label>
      <select id="gd-gender" value={draft.gender} onChange={set("gender")}>
        <option value="">Not stated</option>
        {GENDERS.map((g) => (
          <option key={g} value={g}>
            {GENDER_LABELS[g]}
          </option>
        ))}
      </select>

      <div className="field-row">
        {MEASUREMENTS.map(({ field, id, label, range }) => (
          <div key={field}>
            <label htmlFor={id}>{label}</label>
            <input
              id={id}
              type="number"
              inputMode="decimal"
              min={range.min}
              max={range.max}
              step="any"
              value={draft[field]}
              onChange={set(field)}
            />
          </div>
        ))}
      </div>
      <p className="hint" aria-live="polite" data-testid="bmi">
        {bodyMassIndex !== undefined
          ? `BMI: ${bodyMassIndex} kg/m²`
          : draft.heightCm && draft.weightKg
            ? "BMI: check your height and weight"
            : "BMI: enter your height and weight"}
      </p>

      <label htmlFor="gd-blood">Blood group</label>
      <select id="gd-blood" value={draft.bloodGroup} onChange={set("bloodGroup")}>
        <option value="">Not known</option>
        {BLOOD_GROUPS.map((g) => (
          <option key={g} value={g}>
            {g}
          </option>
        ))}
      </select>

      <label htmlFor="gd-allergies">Known allergies (one per line)</label>
      <textarea id="gd-allergies" rows={3} value={draft.allergies} onChange={set("allergies")} />
      <label htmlFor="gd-medications">Current medications (one per line)</label>
      <textarea id="gd-medications" rows={3} value={draft.currentMedications} onChange={set("currentMedications")} />
      <label htmlFor="gd-conditions">Chronic conditions (one per line)</label>
      <textarea id="gd-conditions" rows={3} value={draft.chronicConditions} onChange={set("chronicConditions")} />

      <fieldset>
        <legend>Emergency contacts</legend>
        {draft.emergencyContacts.map((c, i) => (
          <div className="contact" key={i} role="group" aria-label={`Emergency contact ${i + 1}`}>
            <label htmlFor={`gd-contact-name-${i}`}>Contact {i + 1} name</label>
            <input id={`gd-contact-name-${i}`} value={c.name} onChange={(e) => setContact(i, "name", e.target.value)} />
            <label htmlFor={`gd-contact-rel-${i}`}>Contact {i + 1} relationship</label>
            <input
              id={`gd-contact-rel-${i}`}
              value={c.relationship ?? ""}
              onChange={(e) => setContact(i, "relationship", e.target.value)}
            />
            <label htmlFor={`gd-contact-phone-${i}`}>Contact {i + 1} phone</label>
            <input
              id={`gd-contact-phone-${i}`}
              type="tel"
              value={c.phone ?? ""}
              onChange={(e) => setContact(i, "phone", e.target.value)}
            />
            <button
              type="button"
              onClick={() =>
                setDraft((d) => ({ ...d, emergencyContacts: d.emergencyContacts.filter((_, j) => j !== i) }))
              }
            >
              Remove contact {i + 1}
            </button>
          </div>
        ))}
        <button
          type="button"
          onClick={() => setDraft((d) => ({ ...d, emergencyContacts: [...d.emergencyContacts, { name: "" }] }))}
        >
          Add an emergency contact
        </button>
      </fieldset>

      <button type="submit" className="primary" disabled={busy}>
        {busy ? "Saving…" : "Save my details"}
      </button>
    </form>
  );
}
