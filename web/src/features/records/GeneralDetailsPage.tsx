import { useQueryClient } from "@tanstack/react-query";
import "../../components/patient.css";
import type { GeneralDetails } from "@lib/fhir/generalDetails";
import { updateGeneralDetails } from "@lib/records/flows";
import { Progress } from "../../components/Progress";
import type { TaskStage } from "../../components/stages";
import { UnlockGate } from "../../components/UnlockGate";
import { useWallet, useUserKey } from "../../ehr/useEhr";
import { generalDetailsKey, useGeneralDetails } from "../../hooks/useGeneralDetails";
import { RECORDS_QUERY_KEY } from "./hooks/usePatientRecords";
import { useQueryErrorBanner } from "../../hooks/useQueryErrorBanner";
import { useTaskMutation } from "../../hooks/useTaskMutation";
import { GeneralDetailsForm } from "./components/GeneralDetailsForm";
import { GeneralDetailsList } from "../../components/GeneralDetailsList";

const SAVE_STAGES: readonly TaskStage[] = ["encrypt", "upload", "awaiting-signature", "pending", "confirmed"];

/** The saved details, read back from the chain and storage (what doctors with consent see). */
function SavedDetails({ details }: { details: GeneralDetails }) {
  return (
    <section className="card" aria-labelledby="saved-details-title">
      <h2 id="saved-details-title">Your saved details</h2>
      <GeneralDetailsList details={details} />
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
