import { Progress } from "../../components/Progress";
import { EmergencyQrCard } from "../emergencyCard/EmergencyQrCard";
import "../../components/patient.css";
import type { TaskStage } from "../../components/stages";
import { useWallet } from "../../ehr/useEhr";
import { useCoreRead } from "../../hooks/useCoreRead";
import { useCoreWrite } from "../../hooks/useCoreWrite";
import { useQueryErrorBanner } from "../../hooks/useQueryErrorBanner";
import { useTaskMutation } from "../../hooks/useTaskMutation";

const WRITE_STAGES: readonly TaskStage[] = ["awaiting-signature", "pending", "confirmed"];

/**
 * Emergency (break-glass) access, explained, with the patient's opt-out: the setting lives on the
 * chain (setEmergencyOptOut), so every doctor's emergency request is checked against it.
 */
export function EmergencySettingsPage() {
  const { address } = useWallet();
  const read = useCoreRead("patient", [address!], { enabled: Boolean(address) });
  useQueryErrorBanner(read.error);
  const write = useCoreWrite();
  const task = useTaskMutation();
  const optedOut = read.data?.emergencyOptOut;

  const onToggle = () =>
    void task.run(async (report) => {
      await write(
        "setEmergencyOptOut",
        [!optedOut],
        optedOut ? "opt back in to emergency access" : "opt out of emergency access",
        report,
      );
      await read.refetch();
    });

  return (
    <>
      <h1 tabIndex={-1}>Emergency access</h1>
      <section className="card" aria-labelledby="emergency-what">
        <h2 id="emergency-what">What it is</h2>
        <p>
          If you arrive at a hospital unable to answer, a registered doctor can open emergency access to your record.
          They must state a reason, and the access lasts only a short, fixed time.
        </p>
        <p>
          It opens your general details (such as allergies, medications and blood group) and the summaries of your
          records, not the full reports. You see every emergency access on your record at once, and the administrator
          reviews each one.
        </p>
        <p>
          If you opt out, no doctor can open emergency access, and new records are no longer shared with the emergency
          service. Records added while you were opted out stay closed to emergency access even after you opt back in;
          save your general details again to include them.
        </p>
      </section>
      <section className="card" aria-labelledby="emergency-setting">
        <h2 id="emergency-setting">Your setting</h2>
        {read.isPending ? (
          <p role="status">Reading your setting…</p>
        ) : optedOut === undefined ? (
          <p>Your setting could not be read.</p>
        ) : (
          <>
            <p role="status" data-testid="emergency-status">
              {optedOut
                ? "You have opted out: doctors cannot open emergency access to your record."
                : "Emergency access is allowed: a doctor can open it in an emergency."}
            </p>
            {/* Opting out is allowed, never the suggested step: only allowing it back is the primary action. */}
            <button type="button" className={optedOut ? "primary" : undefined} onClick={onToggle} disabled={task.busy}>
              {optedOut ? "Allow emergency access" : "Opt out of emergency access"}
            </button>
          </>
        )}
        {task.busy ? <Progress title="Changing your setting" stages={WRITE_STAGES} current={task.stage} /> : null}
      </section>
      <EmergencyQrCard optedOut={optedOut} />
    </>
  );
}
