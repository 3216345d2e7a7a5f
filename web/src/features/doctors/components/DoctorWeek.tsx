import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { TaskProgress } from "../../../components/Progress";
import { useWallet } from "../../../ehr/useEhr";
import { BookingReview, type BookingChoice } from "../../booking/BookingReview";
import { useSendNote } from "../../../hooks/useSendNote";
import { useShareIdentityCard } from "../../../hooks/useShareIdentityCard";
import { useBookWrite } from "../../../hooks/useBookWrite";
import { useDoctorWeek } from "../hooks/useDoctorWeek";
import { useTaskMutation } from "../../../hooks/useTaskMutation";
import type { DirectoryDoctor } from "../../../hooks/useDoctors";
import { formatDay, formatSlot, formatTime, viewerTimeZone } from "../../../components/format";
import { Button } from "../../../ui/Button";
import { AppointmentStatus } from "@deployments/contracts";
import { sameAddress } from "@lib/records/context";
import { usePatientAppointments } from "../../../hooks/usePatientAppointments";

const WRITE_STAGES = ["awaiting-signature", "pending", "confirmed"] as const;

/**
 * One doctor's coming week: their offered slots by day. Choosing a free one opens the review
 * (reason, optional sharing until the visit ends); confirming books it with one transaction (with
 * the grant in the same one), then shares the patient's name card and sends the reason, sealed.
 */
export function DoctorWeek({ doctor }: { doctor: DirectoryDoctor }) {
  const week = useDoctorWeek(doctor.account);
  const write = useBookWrite();
  const task = useTaskMutation();
  const queryClient = useQueryClient();
  const [booked, setBooked] = useState<number | undefined>();
  const [chosen, setChosen] = useState<number | undefined>();
  const [nameShared, setNameShared] = useState<boolean>();
  const { address } = useWallet();
  const shareName = useShareIdentityCard();
  const sendNote = useSendNote();

  const onConfirm = (choice: BookingChoice) =>
    task.run(async (report) => {
      const { start } = choice;
      if (choice.shareCategories !== 0) {
        await write(
          "bookWithConsent",
          [doctor.account, start, choice.shareCategories, choice.shareUntil],
          "book the appointment",
          report,
        );
      } else {
        await write("book", [doctor.account, start], "book the appointment", report);
      }
      setBooked(start);
      setChosen(undefined);
      // Booked: the name card and the reason follow; a failure of either leaves the booking standing.
      setNameShared(await shareName(doctor.account, { appointmentStart: start }).catch(() => false));
      if (choice.reason && address) {
        await sendNote({ patient: address, doctor: doctor.account }, `Reason for the visit: ${choice.reason}`, start);
      }
      await Promise.all([week.refetch(), queryClient.invalidateQueries({ queryKey: ["patient-appointments"] })]);
    });

  // Grouped by the viewer's own day: a 23:30 UTC slot is tomorrow morning further east.
  const days = new Map<string, { start: number; free: boolean }[]>();
  for (const slot of week.data ?? []) {
    const day = formatDay(slot.start);
    days.set(day, [...(days.get(day) ?? []), slot]);
  }
  const headingId = `week-${doctor.account}`;
  // A taken slot that is the patient's own booking says so, not "(taken)".
  const appointments = usePatientAppointments();
  const mine = new Set(
    (appointments.data ?? [])
      .filter(
        (a) =>
          sameAddress(a.doctor, doctor.account) &&
          (a.status === AppointmentStatus.Booked || a.status === AppointmentStatus.Confirmed),
      )
      .map((a) => a.start),
  );
  const takenLabel = (start: number) => (mine.has(start) ? "your appointment" : "taken");

  return (
    <section className="card" aria-labelledby={headingId}>
      <h2 id={headingId}>{doctor.name}&apos;s coming week</h2>
      <p className="muted">Times are in your time zone, {viewerTimeZone()}. Each appointment lasts 30 minutes.</p>
      {!doctor.active ? (
        <p>This doctor is not taking appointments.</p>
      ) : week.isPending ? (
        <p role="status">Reading the schedule from the chain…</p>
      ) : week.isError ? (
        <p role="alert">The schedule could not be read from the chain. Try again in a moment.</p>
      ) : days.size === 0 ? (
        <p>No slots are offered in the next seven days.</p>
      ) : (
        [...days].map(([day, slots]) => (
          <div key={day}>
            <h3>{day}</h3>
            <ul className="slots">
              {slots.map((slot) => (
                <li key={slot.start}>
                  <Button
                    isDisabled={!slot.free || task.busy}
                    aria-label={
                      slot.free
                        ? `Book ${formatSlot(slot.start)}`
                        : `${formatSlot(slot.start)} (${takenLabel(slot.start)})`
                    }
                    aria-pressed={chosen === slot.start}
                    onPress={() => setChosen(slot.start)}
                  >
                    {formatTime(slot.start)}
                    {slot.free ? "" : ` (${takenLabel(slot.start)})`}
                  </Button>
                </li>
              ))}
            </ul>
            {chosen !== undefined && slots.some((slot) => slot.start === chosen) ? (
              <BookingReview
                key={chosen}
                doctor={doctor}
                start={chosen}
                busy={task.busy}
                onConfirm={(choice) => void onConfirm(choice)}
                onCancel={() => setChosen(undefined)}
              />
            ) : null}
          </div>
        ))
      )}
      <TaskProgress title="Booking the appointment" stages={WRITE_STAGES} task={task} />
      {booked !== undefined && task.done ? (
        <p role="status">
          Booked for {formatSlot(booked)}. The doctor will confirm it; see{" "}
          <a href="#/appointments">Your appointments</a>.
          {nameShared === false
            ? " Add your general details so your doctor knows you by name."
            : nameShared
              ? ` ${doctor.name} now knows you by name.`
              : ""}
        </p>
      ) : null}
    </section>
  );
}
