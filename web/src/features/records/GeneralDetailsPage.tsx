import { useQueryClient } from "@tanstack/react-query";
import "../../components/patient.css";
import { bmi, type GeneralDetails } from "@lib/fhir/generalDetails";
import { calendarDate, localMinute } from "@lib/localTime";
import { updateGeneralDetails } from "@lib/records/flows";
import { Progress } from "../../components/Progress";
import type { TaskStage } from "../../components/stages";
import { UnlockGate } from "../../components/UnlockGate";
import { useWallet, useUserKey } from "../../ehr/useEhr";
import { generalDetailsKey, useGeneralDetails } from "../../hooks/useGeneralDetails";
import { RECORDS_QUERY_KEY } from "./hooks/usePatientRecords";
import { useQueryErrorBanner } from "../../hooks/useQueryErrorBanner";
import { useTaskMutation } from "../../hooks/useTaskMutation";
import { ageInYears } from "../../records/age";
import { GENDER_LABELS, GeneralDetailsForm } from "./components/GeneralDetailsForm";

const SAVE_STAGES: readonly TaskStage[] = ["encrypt", "upload", "awaiting-signature", "pending", "confirmed"];

const list = (items: string[]) => (items.length ? items.join(", ") : "None recorded");
/** When the details were saved, in the reader's time with its zone; "—" when the record does not say. */
const lastUpdated = (iso: string) => (Number.isNaN(Date.parse(iso)) ? "—" : localMinute(Date.parse(iso)));

/** The saved details, read back from the chain and storage (what doctors with consent see). */
function SavedDetails({ details }: { details: GeneralDetails }) {
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
    <section className="card" aria-labelledby="saved-details-title">
      <h2 id="saved-details-title">Your saved details</h2>
      <dl className="details-list">
        {rows.map(([term, value]) => (
          <div key={term}>
            <dt>{term}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

function DetailsContent() {
  const { address } = useWallet();
  const { userKey, flowContext } = useUserKey();
  const queryClient = useQueryClient();
  const query = useGeneralDetails();
  useQueryErrorBanner(query.error);
  const task = useTaskMutation();

  const onSave = (details: GeneralDetails) =>
    void task.run(async (report) => {
      const ctx = flowContext(({ stage }) => report(stage));
      await updateGeneralDetails(ctx, { patient: address!, details, patientKey: userKey! });
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: generalDetailsKey(address) }),
        queryClient.invalidateQueries({ queryKey: [RECORDS_QUERY_KEY] }),
      ]);
    });

  if (query.isPending) return <p role="status">Reading your details…</p>;
  const saved = query.data ?? undefined;
  return (
    <>
      {task.done ? (
        <p role="status" className="notice">
          Your details were saved as a new encrypted record.
        </p>
      ) : null}
      {saved ? <SavedDetails details={saved.details} /> : <p>You have not filled in your details yet.</p>}
      <GeneralDetailsForm key={saved?.index ?? "new"} initial={saved?.details} busy={task.busy} onSave={onSave} />
      {task.busy ? <Progress title="Saving your details" stages={SAVE_STAGES} current={task.stage} /> : null}
    </>
  );
}

/**
 * The patient's general details: shown decrypted, and saved as a new encrypted record each time
 * (category 0, the one a doctor's emergency window opens unless the patient opted out).
 */
export function GeneralDetailsPage() {
  return (
    <>
      <h1 tabIndex={-1}>General details</h1>
      <p>
        Your name, contacts and the basics a doctor needs first. They are encrypted in your browser; doctors read them
        only with your consent, or in an emergency unless you opt out.
      </p>
      <UnlockGate>
        <DetailsContent />
      </UnlockGate>
    </>
  );
}
