import { CircleAlert } from "lucide-react";
import { Fragment, useId, useState, type FormEvent } from "react";
import {
  BLOOD_GROUPS,
  checkGeneralDetails,
  GENDERS,
  HEIGHT_CM_RANGE,
  WEIGHT_KG_RANGE,
  bmi,
  type EmergencyContact,
  type GeneralDetails,
} from "@lib/fhir/generalDetails";
import { ageInYears, calendarDate } from "@lib/localTime";
import { ErrorSummary } from "../../../components/forms/ErrorSummary";
import { GENDER_LABELS } from "../../../components/GeneralDetailsList";
import { useFocusOn } from "../../../hooks/useFocusOn";

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

/**
 * The draft as the record's input (lib/fhir checkGeneralDetails checks it here, and
 * validateGeneralDetails again in updateGeneralDetails). Every contact is sent: the check leaves
 * out one left blank, and numbers the others as the form does.
 */
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
    emergencyContacts: draft.emergencyContacts,
    updatedAt: new Date().toISOString(),
  };
}

/** The form's fields in the order it shows them, by their path in the record, with their input's id. */
const FIELD_IDS: Record<string, string> = {
  fullName: "gd-name",
  dateOfBirth: "gd-dob",
  gender: "gd-gender",
  heightCm: "gd-height",
  weightKg: "gd-weight",
  bloodGroup: "gd-blood",
  allergies: "gd-allergies",
  currentMedications: "gd-medications",
  chronicConditions: "gd-conditions",
};
/** The lists typed one entry per line, in order. */
const LISTS = [
  { field: "allergies", label: "Known allergies" },
  { field: "currentMedications", label: "Current medications" },
  { field: "chronicConditions", label: "Chronic conditions" },
] as const;
/** An emergency contact's inputs, in order; contact i's input is `gd-contact-<id>-<i>` ({@link contactFieldId}). */
const CONTACT_FIELDS = [
  { field: "name", id: "name", label: "name", type: "text" },
  { field: "relationship", id: "rel", label: "relationship", type: "text" },
  { field: "phone", id: "phone", label: "phone", type: "tel" },
] as const;
const contactFieldId = (field: string, index: number | string) =>
  `gd-contact-${CONTACT_FIELDS.find((f) => f.field === field)?.id}-${index}`;

/** The input a problem's path is about ("emergencyContacts.1.phone": "gd-contact-phone-1"). */
function fieldIdOf(path: string): string | undefined {
  if (FIELD_IDS[path]) return FIELD_IDS[path];
  const contact = /^emergencyContacts\.(\d+)(?:\.(\w+))?$/.exec(path);
  return contact ? contactFieldId(contact[2] ?? "name", contact[1]) : undefined;
}

/** Where an input stands in the form, for the summary's order: the fields, then each contact's three. */
function fieldRank(fieldId: string): number {
  const field = Object.values(FIELD_IDS).indexOf(fieldId);
  if (field >= 0) return field;
  const contact = /^gd-contact-(\w+)-(\d+)$/.exec(fieldId);
  if (!contact) return Number.MAX_SAFE_INTEGER;
  return 100 + Number(contact[2]) * CONTACT_FIELDS.length + CONTACT_FIELDS.findIndex((f) => f.id === contact[1]);
}

/** A field's problem, under it; its input names it with aria-describedby (see {@link problemProps}). */
function FieldProblem({ of, message }: { of: string; message: string | undefined }) {
  if (!message) return null;
  return (
    <p id={`${of}-problem`} className="field-error">
      <CircleAlert className="icon" aria-hidden="true" />
      <span>{message}</span>
    </p>
  );
}

/** What an input with a problem says of it. */
function problemProps(id: string, problems: Record<string, string>) {
  return problems[id] ? { "aria-invalid": true, "aria-describedby": `${id}-problem` } : {};
}

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
  const id = useId();
  const [draft, setDraft] = useState<Draft>(() => draftOf(initial));
  /** The last refused save's problems, by the id of the input each is about ("" the whole form). */
  const [problems, setProblems] = useState<Record<string, string>>({});
  // Bumped by each refused save: the summary takes the focus.
  const [refusals, setRefusals] = useState(0);
  const summary = useFocusOn<HTMLDivElement>(refusals, refusals > 0);
  /** A field the user changes drops its problem. */
  const solved = (fieldId: string) =>
    setProblems((p) => {
      if (!(fieldId in p)) return p;
      const { [fieldId]: _solved, ...rest } = p;
      return rest;
    });
  const set = (field: Exclude<keyof Draft, "emergencyContacts">) => (e: { target: { value: string } }) => {
    solved(FIELD_IDS[field]);
    setDraft((d) => ({ ...d, [field]: e.target.value }));
  };
  const setContact = (i: number, field: keyof EmergencyContact, value: string) => {
    solved(contactFieldId(field, i));
    setDraft((d) => ({
      ...d,
      emergencyContacts: d.emergencyContacts.map((c, j) => (j === i ? { ...c, [field]: value } : c)),
    }));
  };
  const age = draft.dateOfBirth ? ageInYears(draft.dateOfBirth) : undefined;
  const bodyMassIndex = bmi({ heightCm: numberOrEmpty(draft.heightCm), weightKg: numberOrEmpty(draft.weightKg) });

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const checked = checkGeneralDetails(detailsOf(draft));
    if (!checked.ok) {
      // Nothing is sent: each problem stands beside its field, all of them in the summary above.
      const found: Record<string, string> = {};
      for (const problem of checked.problems) found[fieldIdOf(problem.field) ?? ""] ??= problem.message;
      setProblems(found);
      setRefusals((n) => n + 1);
      return;
    }
    setProblems({});
    onSave(checked.value);
  };
  const listed = Object.entries(problems)
    .sort(([a], [b]) => fieldRank(a) - fieldRank(b))
    .map(([target, message]) => ({ message, target: target || undefined }));
  const problemOf = (fieldId: string) => <FieldProblem of={fieldId} message={problems[fieldId]} />;

  return (
    <form className="card details-form" onSubmit={onSubmit} noValidate aria-labelledby="details-form-title">
      <h2 id="details-form-title">{initial ? "Update your details" : "Fill in your details"}</h2>
      <ErrorSummary id={id} problems={listed} ref={summary} />
      <label htmlFor="gd-name">Full name</label>
      <input
        id="gd-name"
        autoComplete="name"
        required
        value={draft.fullName}
        onChange={set("fullName")}
        {...problemProps("gd-name", problems)}
      />
      {problemOf("gd-name")}

      <label htmlFor="gd-dob">Date of birth</label>
      <input
        id="gd-dob"
        type="date"
        autoComplete="bday"
        value={draft.dateOfBirth}
        onChange={set("dateOfBirth")}
        {...problemProps("gd-dob", problems)}
      />
      {problemOf("gd-dob")}
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
              {...problemProps(id, problems)}
            />
            {problemOf(id)}
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

      {LISTS.map(({ field, label }) => (
        <Fragment key={field}>
          <label htmlFor={FIELD_IDS[field]}>{label} (one per line)</label>
          <textarea
            id={FIELD_IDS[field]}
            rows={3}
            value={draft[field]}
            onChange={set(field)}
            {...problemProps(FIELD_IDS[field], problems)}
          />
          {problemOf(FIELD_IDS[field])}
        </Fragment>
      ))}

      <fieldset>
        <legend>Emergency contacts</legend>
        {draft.emergencyContacts.map((c, i) => (
          <div className="contact" key={i} role="group" aria-label={`Emergency contact ${i + 1}`}>
            {CONTACT_FIELDS.map(({ field, label, type }) => {
              const fieldId = contactFieldId(field, i);
              return (
                <Fragment key={field}>
                  <label htmlFor={fieldId}>
                    Contact {i + 1} {label}
                  </label>
                  <input
                    id={fieldId}
                    type={type}
                    value={c[field] ?? ""}
                    onChange={(e) => setContact(i, field, e.target.value)}
                    {...problemProps(fieldId, problems)}
                  />
                  {problemOf(fieldId)}
                </Fragment>
              );
            })}
            <button
              type="button"
              onClick={() => {
                // The contacts after it move up: their problems no longer match their fields.
                setProblems((p) =>
                  Object.fromEntries(Object.entries(p).filter(([key]) => !key.startsWith("gd-contact-"))),
                );
                setDraft((d) => ({ ...d, emergencyContacts: d.emergencyContacts.filter((_, j) => j !== i) }));
              }}
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
