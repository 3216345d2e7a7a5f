import type { AllergyAlert } from "@lib/clinical/allergyCheck";
import { Progress } from "../../../components/Progress";
import { CARD_READ_STAGES, type TaskStage } from "../../../components/stages";
import type { ReadableAllergies } from "../hooks/useReadableAllergies";
import "./reconcile.css";

export interface PrescribingCheckProps {
  /** Ids for the fields, unique in the page. */
  id: string;
  checked?: ReadableAllergies;
  alerts: AllergyAlert[];
  reading: { busy: boolean; stage?: TaskStage };
  onRead(): void;
  reason: string;
  onReason(reason: string): void;
  /** The problem to show beside the check or the reason, once the doctor tried to save. */
  problem?: { field: "check" | "reason"; message: string };
}

/**
 * The prescribing safety check inside the prescription form: read the patient's allergies (each
 * read logged), then the warnings for the drug as typed, and the override reason they require.
 */
export function PrescribingCheck({
  id,
  checked,
  alerts,
  reading,
  onRead,
  reason,
  onReason,
  problem,
}: PrescribingCheckProps) {
  const checkError = problem?.field === "check" ? problem.message : undefined;
  const reasonError = problem?.field === "reason" ? problem.message : undefined;
  const known = checked ? checked.list.allergies.length + checked.list.allergyMentions.length : 0;
  return (
    <div className="prescribing-check">
      <div className="actions">
        <button
          id={`${id}-button`}
          type="button"
          onClick={onRead}
          disabled={reading.busy}
          aria-describedby={checkError ? `${id}-check-error` : undefined}
        >
          {checked ? "Read the patient's allergies again" : "Check the patient's allergies"}
        </button>
      </div>
      {checkError ? (
        <p id={`${id}-check-error`} className="field-error">
          {checkError}
        </p>
      ) : null}
      {reading.busy ? (
        <Progress title="Reading the patient's allergies" stages={CARD_READ_STAGES} current={reading.stage} />
      ) : null}
      {checked ? (
        <p role="status" className="hint">
          {known === 0
            ? checked.list.noKnownAllergies
              ? "The patient has no known allergies."
              : "No allergies are recorded in what you can read."
            : `Checked against ${known} allerg${known === 1 ? "y" : "ies"}: ${[...checked.list.allergies.map((a) => a.substance), ...checked.list.allergyMentions.map((m) => `${m.name} (unconfirmed)`)].join(", ")}.`}
          {checked.unavailable > 0
            ? ` ${checked.unavailable} part${checked.unavailable === 1 ? "" : "s"} of the record could not be read: the check covers only what you can read.`
            : ""}
        </p>
      ) : null}
      {alerts.length > 0 ? (
        <div
          className={`allergy-alerts${alerts.some((a) => a.level === "warning") ? "" : " allergy-alerts-caution"}`}
          role="alert"
        >
          <ul>
            {alerts.map((a) => (
              <li
                key={a.allergy.substance}
                className={`allergy-alert-${a.level}${a.severe ? " allergy-alert-severe" : ""}`}
              >
                {a.message}
              </li>
            ))}
          </ul>
          <label htmlFor={`${id}-override`}>Reason for prescribing despite the warning</label>
          <textarea
            id={`${id}-override`}
            rows={2}
            value={reason}
            onChange={(e) => onReason(e.target.value)}
            aria-invalid={reasonError ? true : undefined}
            aria-describedby={`${id}-override-hint${reasonError ? ` ${id}-override-error` : ""}`}
          />
          <p id={`${id}-override-hint`} className="hint">
            Stored with the prescription, and shown to whoever reads it.
          </p>
          {reasonError ? (
            <p id={`${id}-override-error`} className="field-error">
              {reasonError}
            </p>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
