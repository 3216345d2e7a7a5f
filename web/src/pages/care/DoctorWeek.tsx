import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { TaskProgress } from "../../components/Progress";
import { useBookWrite } from "../../hooks/useBookWrite";
import { useDoctorWeek } from "../../hooks/useDoctorWeek";
import { useTask } from "../../hooks/useTask";
import type { DirectoryDoctor } from "../../hooks/useDoctors";
import { formatDay, formatSlot, formatTime, viewerTimeZone } from "./format";

const WRITE_STAGES = ["awaiting-signature", "pending", "confirmed"] as const;

/** One doctor's coming week: their offered slots by day, free ones bookable with one transaction. */
export function DoctorWeek({ doctor }: { doctor: DirectoryDoctor }) {
  const week = useDoctorWeek(doctor.account);
  const write = useBookWrite();
  const task = useTask();
  const queryClient = useQueryClient();
  const [booked, setBooked] = useState<number | undefined>();

  const onBook = (start: number) =>
    task.run(async (report) => {
      await write("book", [doctor.account, start], "book the appointment", report);
      setBooked(start);
      await Promise.all([week.refetch(), queryClient.invalidateQueries({ queryKey: ["patient-appointments"] })]);
    });

  // Grouped by the viewer's own day: a 23:30 UTC slot is tomorrow morning further east.
  const days = new Map<string, { start: number; free: boolean }[]>();
  for (const slot of week.data ?? []) {
    const day = formatDay(slot.start);
    days.set(day, [...(days.get(day) ?? []), slot]);
  }
  const headingId = `week-${doctor.account}`;

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
                  <button
                    type="button"
                    disabled={!slot.free || task.busy}
                    aria-label={slot.free ? `Book ${formatSlot(slot.start)}` : `${formatSlot(slot.start)} (taken)`}
                    onClick={() => void onBook(slot.start)}
                  >
                    {formatTime(slot.start)}
                    {slot.free ? "" : " (taken)"}
                  </button>
                </li>
              ))}
            </ul>
          </div>
        ))
      )}
      <TaskProgress title="Booking the appointment" stages={WRITE_STAGES} task={task} />
      {booked !== undefined && task.done ? (
        <p role="status">Booked for {formatSlot(booked)}. The doctor will confirm it; see Appointments.</p>
      ) : null}
    </section>
  );
}
