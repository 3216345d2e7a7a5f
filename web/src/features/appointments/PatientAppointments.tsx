import { useState } from "react";
import { Category, CATEGORY_LABELS, isCategoryId } from "@lib/categories";
import { TaskProgress } from "../../components/Progress";
import { useBookWrite } from "../../hooks/useBookWrite";
import { useDoctors } from "../../hooks/useDoctors";
import { usePatientAppointments } from "../../hooks/usePatientAppointments";
import { useTaskMutation } from "../../hooks/useTaskMutation";
import { APPOINTMENT_STATUS, formatSlot, formatVisit, shortAddress, viewerTimeZone } from "../../components/format";
import { OutcomeOrder } from "./components/OutcomeOrder";
import "../../components/care.css";
import { recordName } from "../../records/recordNumber";
import { ConfirmButton } from "../../components/ConfirmButton";
import { StatusChip } from "../../ui/StatusChip";
import { useWallet } from "../../ehr/useEhr";
import { useSendNote } from "../../hooks/useSendNote";
import { useChainNow } from "../../hooks/useChainNow";
import type { PatientAppointment } from "../../hooks/usePatientAppointments";
import { AppointmentStatus } from "@deployments/contracts";
import { isActive, splitAppointments } from "./upcoming";

const WRITE_STAGES = ["awaiting-signature", "pending", "confirmed"] as const;

/**
 * The patient's appointments, what is coming first (soonest first) and then the past and the
 * cancelled (latest first), each by day as on the home: status, cancel, and the prescription or
 * test order of completed ones.
 */
export function PatientAppointments() {
  const appointments = usePatientAppointments();
  const doctors = useDoctors();
  const write = useBookWrite();
  const task = useTaskMutation();
  const { address } = useWallet();
  const sendNote = useSendNote();
  const chain = useChainNow();
  const { upcoming, past } = splitAppointments(appointments.data ?? [], chain.now);
  const nameOf = (account: string) =>
    doctors.data?.find((d) => d.account.toLowerCase() === account.toLowerCase())?.name ?? shortAddress(account);

  const [cancelled, setCancelled] = useState<string>();
  const onCancel = (doctor: `0x${string}`, start: number, reason: string) =>
    task.run(async (report) => {
      setCancelled(
        `Cancelled your appointment of ${formatSlot(start)} with ${nameOf(doctor)}. The slot is free again.`,
      );
      // Sent while the appointment still links the two.
      if (reason && address) await sendNote({ patient: address, doctor }, `Reason for cancelling: ${reason}`, start);
      await write("cancel", [doctor, start], "cancel the appointment", report);
      await Promise.all([appointments.refetch(), chain.refetch()]);
    });

  const item = (a: PatientAppointment, coming: boolean) => (
    <li key={`${a.doctor}-${a.start}-${a.seq}`}>
      <h3>
        {/* By day, as on the home ("Tomorrow, Saturday 5 December, 09:00"); another year's with its year. */}
        {formatVisit(a.start, chain.now)} with {nameOf(a.doctor)}
      </h3>
      <p>
        {/* "Booked" reads as settled to a patient: until the doctor answers, say what it is waiting for. */}
        Status:{" "}
        <StatusChip
          status={APPOINTMENT_STATUS[a.status]}
          label={
            a.status === AppointmentStatus.Booked
              ? coming
                ? "Waiting for confirmation"
                : "Never confirmed"
              : undefined
          }
        />
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
      {isActive(a) ? (
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
  );

  return (
    <>
      <h1 tabIndex={-1}>Your appointments</h1>
      <p className="muted">Times are in your time zone, {viewerTimeZone()}.</p>
      {appointments.isPending ? (
        <p role="status">Reading your appointments from the chain…</p>
      ) : appointments.isError ? (
        <p role="alert">Your appointments could not be read from the chain. Try again in a moment.</p>
      ) : appointments.data.length === 0 ? (
        <p>
          You have no appointments yet. <a href="#/doctors">Find a doctor</a> to book one.
        </p>
      ) : (
        <>
          <section aria-labelledby="appointments-upcoming">
            <h2 id="appointments-upcoming">Upcoming</h2>
            {upcoming.length === 0 ? (
              <p>
                No appointment coming up. <a href="#/doctors">Find a doctor</a> to book one.
              </p>
            ) : (
              <ul className="care-list" aria-label="Upcoming appointments">
                {upcoming.map((a) => item(a, true))}
              </ul>
            )}
          </section>
          {past.length > 0 ? (
            <section aria-labelledby="appointments-past">
              <h2 id="appointments-past">Past and cancelled</h2>
              <ul className="care-list" aria-label="Past and cancelled appointments">
                {past.map((a) => item(a, false))}
              </ul>
            </section>
          ) : null}
        </>
      )}
      <TaskProgress title="Cancelling the appointment" stages={WRITE_STAGES} task={task} doneText={cancelled} />
    </>
  );
}
