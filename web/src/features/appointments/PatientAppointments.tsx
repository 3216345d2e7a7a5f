import { Category, CATEGORY_LABELS, isCategoryId } from "@lib/categories";
import { TaskProgress } from "../../components/Progress";
import { useBookWrite } from "../../hooks/useBookWrite";
import { useDoctors } from "../../hooks/useDoctors";
import { usePatientAppointments } from "../../hooks/usePatientAppointments";
import { useTaskMutation } from "../../hooks/useTaskMutation";
import { APPOINTMENT_STATUS, formatSlot, shortAddress } from "../../components/format";
import { OutcomeOrder } from "./components/OutcomeOrder";
import "../../components/care.css";
import { recordName } from "../../records/recordNumber";
import { ConfirmButton } from "../../components/ConfirmButton";
import { StatusChip } from "../../ui/StatusChip";
import { useWallet } from "../../ehr/useEhr";
import { useSendNote } from "../../hooks/useSendNote";

const WRITE_STAGES = ["awaiting-signature", "pending", "confirmed"] as const;
/** Booked and Confirmed appointments can still be cancelled. */
const CANCELLABLE = new Set([1, 2]);

/** The patient's appointments: status, cancel, and the prescription or test order of completed ones. */
export function PatientAppointments() {
  const appointments = usePatientAppointments();
  const doctors = useDoctors();
  const write = useBookWrite();
  const task = useTaskMutation();
  const { address } = useWallet();
  const sendNote = useSendNote();
  const nameOf = (account: string) =>
    doctors.data?.find((d) => d.account.toLowerCase() === account.toLowerCase())?.name ?? shortAddress(account);

  const onCancel = (doctor: `0x${string}`, start: number, reason: string) =>
    task.run(async (report) => {
      // Sent while the appointment still links the two.
      if (reason && address) await sendNote({ patient: address, doctor }, `Reason for cancelling: ${reason}`, start);
      await write("cancel", [doctor, start], "cancel the appointment", report);
      await appointments.refetch();
    });

  return (
    <>
      <h1 tabIndex={-1}>Your appointments</h1>
      {appointments.isPending ? (
        <p role="status">Reading your appointments from the chain…</p>
      ) : appointments.isError ? (
        <p role="alert">Your appointments could not be read from the chain. Try again in a moment.</p>
      ) : appointments.data.length === 0 ? (
        <p>
          You have no appointments yet. <a href="#/doctors">Find a doctor</a> to book one.
        </p>
      ) : (
        <ul className="care-list" aria-label="Appointments">
          {appointments.data.map((a) => (
            <li key={`${a.doctor}-${a.start}-${a.seq}`}>
              <h3>
                {formatSlot(a.start)} with {nameOf(a.doctor)}
              </h3>
              <p>
                Status: <StatusChip status={APPOINTMENT_STATUS[a.status]} />
              </p>
              {a.outcomeIndex !== undefined ? (
                <p>
                  Outcome:{" "}
                  {a.outcomeCategory !== undefined && isCategoryId(a.outcomeCategory)
                    ? CATEGORY_LABELS[a.outcomeCategory]
                    : "record"}{" "}
                  ({recordName(a.outcomeIndex)} in your records)
                </p>
              ) : null}
              {a.outcomeIndex !== undefined &&
              (a.outcomeCategory === Category.Prescriptions || a.outcomeCategory === Category.TestOrders) ? (
                <OutcomeOrder index={a.outcomeIndex} label={CATEGORY_LABELS[a.outcomeCategory]} />
              ) : null}
              {CANCELLABLE.has(a.status) ? (
                <ConfirmButton
                  label="Cancel appointment"
                  ariaLabel={`Cancel the appointment of ${formatSlot(a.start)}`}
                  disabled={task.busy}
                  question={`Cancel your appointment with ${nameOf(a.doctor)} on ${formatSlot(a.start)}? The slot is freed for others.`}
                  reasonLabel={`Reason, sent to ${nameOf(a.doctor)} (optional)`}
                  confirmLabel="Yes, cancel it"
                  keepLabel="Keep the appointment"
                  onConfirm={(reason) => void onCancel(a.doctor, a.start, reason)}
                />
              ) : null}
            </li>
          ))}
        </ul>
      )}
      <TaskProgress title="Cancelling the appointment" stages={WRITE_STAGES} task={task} />
    </>
  );
}
