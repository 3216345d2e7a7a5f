import { useState } from "react";
import { ConfirmButton } from "../../components/ConfirmButton";
import { PatientName } from "../../components/PatientName";
import { TaskProgress } from "../../components/Progress";
import { WRITE_STAGES, type TaskStage } from "../../components/stages";
import { useWallet } from "../../ehr/useEhr";
import { useBookWrite } from "../../hooks/useBookWrite";
import { useChainNow } from "../../hooks/useChainNow";
import { useCompleteAppointment } from "./hooks/useCompleteAppointment";
import { useDoctorAppointments, type DoctorAppointment } from "../../hooks/useDoctorAppointments";
import { useSendNote } from "../../hooks/useSendNote";
import { useTaskMutation } from "../../hooks/useTaskMutation";
import { CompleteForm } from "./components/CompleteForm";
import { StatusChip } from "../../ui/StatusChip";
import { APPOINTMENT_STATUS, formatDayFrom, formatSlot, formatTime, viewerTimeZone } from "../../components/format";
import "../../components/care.css";
import { AppointmentStatus, contractConstants } from "@deployments/contracts";
import { recordName } from "../../records/recordNumber";
import { byDay, isSlotAhead, splitAppointments } from "./upcoming";

const RECORD_STAGES = ["encrypt", "upload", "awaiting-signature", "pending", "confirmed"] as const;
const SLOT = contractConstants.SLOT_DURATION;

/**
 * The doctor's calendar, day by day ("Today, Friday 4 December", then each visit's time): what is
 * coming up first (soonest first), then the past week (latest first):
 * confirm or decline new bookings, cancel confirmed ones, and complete started ones with no
 * outcome, a prescription or a test order (an encrypted record for the patient).
 */
export function DoctorAppointments() {
  const { address } = useWallet();
  const sendNote = useSendNote();
  // Sent while the appointment still links the two: after a decline or cancel no message could reach the patient.
  const note = (patient: `0x${string}`, start: number, text: string) =>
    sendNote({ patient, doctor: address! }, text, start);
  const appointments = useDoctorAppointments();
  const write = useBookWrite();
  const task = useTaskMutation();
  const complete = useCompleteAppointment();
  const chain = useChainNow();
  const [doing, setDoing] = useState("Updating the appointment");
  const [finished, setFinished] = useState<string>();
  const [stages, setStages] = useState<readonly TaskStage[]>(WRITE_STAGES);
  const [completing, setCompleting] = useState<number>();
  const now = chain.now;
  const { upcoming: ahead, past: earlier } = splitAppointments(appointments.data ?? [], now, isSlotAhead);

  const act = (
    title: string,
    finished: string,
    work: (report: (stage: TaskStage) => void) => Promise<unknown>,
    steps: readonly TaskStage[] = WRITE_STAGES,
  ) => {
    setDoing(title);
    setFinished(finished);
    setStages(steps);
    return task.run(async (report) => {
      await work(report);
      await Promise.all([appointments.refetch(), chain.refetch()]);
    });
  };

  const row = (a: DoctorAppointment) => {
    const when = formatSlot(a.start);
    return (
      <li key={`${a.start}-${a.seq}`}>
        {/* Under its day's heading the time says enough; a screen reader moving by headings hears the day too. */}
        <h4>
          <span aria-hidden="true">
            {formatTime(a.start)}–{formatTime(a.start + SLOT)}
          </span>
          <span className="visually-hidden">{when}</span>
        </h4>
        <p>
          <PatientName address={a.patient} details />
        </p>
        <p>
          Status:{" "}
          <StatusChip
            status={APPOINTMENT_STATUS[a.status]}
            label={
              a.status === AppointmentStatus.Booked
                ? isSlotAhead(a, now)
                  ? "Needs your answer"
                  : "Not answered"
                : undefined
            }
          />
          {a.outcomeRecord > 0 ? ` · outcome: ${recordName(a.outcomeRecord - 1)}` : ""}
        </p>
        <div className="actions">
          {a.status === AppointmentStatus.Booked ? (
            <>
              <button
                type="button"
                className="primary"
                disabled={task.busy}
                aria-label={`Confirm the appointment of ${when}`}
                onClick={() =>
                  void act("Confirming the appointment", `Confirmed the appointment of ${when}.`, (r) =>
                    write("confirm", [a.start], "confirm the appointment", r),
                  )
                }
              >
                Confirm
              </button>
              <ConfirmButton
                label="Decline"
                ariaLabel={`Decline the appointment of ${when}`}
                disabled={task.busy}
                question={`Decline the booking of ${when}? The patient is told, and the slot is freed.`}
                reasonLabel="Reason, sent to the patient (optional)"
                confirmLabel="Yes, decline"
                keepLabel="Keep the booking"
                onConfirm={(reason) =>
                  void act(
                    "Declining the appointment",
                    `Declined the booking of ${when}; the slot is free again.`,
                    async (r) => {
                      if (reason) await note(a.patient, a.start, `Reason for declining: ${reason}`);
                      await write("decline", [a.start], "decline the appointment", r);
                    },
                  )
                }
              />
            </>
          ) : null}
          {a.status === AppointmentStatus.Confirmed && a.start <= now && completing !== a.start ? (
            <button
              type="button"
              className="primary"
              disabled={task.busy}
              aria-label={`Complete the appointment of ${when}`}
              onClick={() => setCompleting(a.start)}
            >
              Complete
            </button>
          ) : null}
          {a.status === AppointmentStatus.Confirmed ? (
            <ConfirmButton
              label="Cancel appointment"
              ariaLabel={`Cancel the appointment of ${when}`}
              disabled={task.busy}
              question={`Cancel the confirmed appointment of ${when}? The patient is told, and the slot is freed.`}
              reasonLabel="Reason, sent to the patient (optional)"
              confirmLabel="Yes, cancel it"
              keepLabel="Keep the appointment"
              onConfirm={(reason) =>
                void act(
                  "Cancelling the appointment",
                  `Cancelled the appointment of ${when}; the patient is told.`,
                  async (r) => {
                    if (reason) await note(a.patient, a.start, `Reason for cancelling: ${reason}`);
                    await write("cancel", [address!, a.start], "cancel the appointment", r);
                  },
                )
              }
            />
          ) : null}
        </div>
        {a.status === AppointmentStatus.Confirmed && completing === a.start ? (
          <CompleteForm
            when={when}
            patient={a.patient}
            busy={task.busy}
            onCancel={() => setCompleting(undefined)}
            onSubmit={(order) =>
              void act(
                "Completing the appointment",
                `Completed the appointment of ${when}.`,
                async (r) => {
                  await complete(a, order(), r);
                  setCompleting(undefined);
                },
                RECORD_STAGES,
              )
            }
          />
        ) : null}
      </li>
    );
  };

  /** `list` under a heading per day, each day's visits a list named `label` and the day. */
  const days = (list: DoctorAppointment[], label: string) =>
    byDay(list, (start) => formatDayFrom(start, now)).map(({ day, bookings }) => (
      <div key={day} className="calendar-day">
        <h3>{day}</h3>
        <ul className="care-list" aria-label={`${label}, ${day}`}>
          {bookings.map(row)}
        </ul>
      </div>
    ));

  return (
    <>
      <h1 tabIndex={-1}>Appointments</h1>
      <p className="muted">From a week ago to four weeks ahead. Times are in your time zone, {viewerTimeZone()}.</p>
      <TaskProgress title={doing} stages={stages} task={task} doneText={finished} />
      {appointments.isPending ? (
        <p role="status">Reading your calendar from the chain…</p>
      ) : appointments.isError ? (
        <p role="alert">Your calendar could not be read from the chain. Try again in a moment.</p>
      ) : appointments.data.length === 0 ? (
        <p>
          No appointments in this period. Patients book in the hours you publish:{" "}
          <a href="#/office-hours">set your office hours</a>.
        </p>
      ) : (
        <>
          <section aria-labelledby="calendar-ahead">
            <h2 id="calendar-ahead">Coming up</h2>
            {ahead.length === 0 ? <p>Nothing booked in the next four weeks.</p> : days(ahead, "Coming appointments")}
          </section>
          {earlier.length > 0 ? (
            <section aria-labelledby="calendar-earlier">
              <h2 id="calendar-earlier">Earlier</h2>
              {days(earlier, "Earlier appointments")}
            </section>
          ) : null}
        </>
      )}
    </>
  );
}
