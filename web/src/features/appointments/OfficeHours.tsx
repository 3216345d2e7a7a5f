import { CalendarClock } from "lucide-react";
import { useEffect, useId, useState, type FormEvent } from "react";
import { formatDayHours, parseWeek, WEEKDAYS } from "@lib/appointments/officeHours";
import { TaskProgress } from "../../components/Progress";
import { useWallet } from "../../ehr/useEhr";
import { useBookRead } from "../../hooks/useBookRead";
import { useBookWrite } from "../../hooks/useBookWrite";
import { useTaskMutation } from "../../hooks/useTaskMutation";
import { Button } from "../../ui/Button";
import { TextField } from "../../ui/TextField";
import "../../components/care.css";

const WRITE_STAGES = ["awaiting-signature", "pending", "confirmed"] as const;
const EMPTY_WEEK = ["", "", "", "", "", "", ""];

/**
 * The doctor's weekly office hours: the published ones, and a form of one text field per day
 * ("09:00-12:00, 13:00-17:00", UTC, empty for closed) that publishes the whole week in one
 * transaction (setWeeklyAvailability). Patients book these slots under Doctors.
 */
export function OfficeHours() {
  const { address } = useWallet();
  const id = useId();
  const current = useBookRead("weeklyAvailability", [address!], { enabled: address !== undefined });
  const write = useBookWrite();
  const task = useTaskMutation();
  const [texts, setTexts] = useState<string[]>(EMPTY_WEEK);
  const published = current.data?.map((mask) => formatDayHours(mask));
  const publishedKey = published?.join("|");

  // The form starts from the published hours, and again after each publish.
  useEffect(() => {
    if (publishedKey !== undefined) setTexts(publishedKey.split("|"));
  }, [publishedKey]);

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void task.run(async (report) => {
      const schedule = parseWeek(texts);
      await write("setWeeklyAvailability", [schedule], "publish your office hours", report);
      await current.refetch();
    });
  };

  return (
    <>
      <h1 tabIndex={-1}>Office hours</h1>
      <p className="muted">
        Times are in UTC. Each appointment lasts 30 minutes; patients can book any slot you offer.
      </p>
      <section className="card" aria-labelledby={`${id}-current`}>
        <h2 id={`${id}-current`}>Published hours</h2>
        {current.isPending ? (
          <p role="status">Reading your hours from the chain…</p>
        ) : current.isError ? (
          <p role="alert">Your hours could not be read from the chain. Try again in a moment.</p>
        ) : (
          <dl className="outcome" aria-label="Published hours">
            {WEEKDAYS.map((day, d) => (
              <div key={day}>
                <dt>{day}</dt>
                <dd>{published?.[d] || "Closed"}</dd>
              </div>
            ))}
          </dl>
        )}
      </section>
      <form className="card office-hours" onSubmit={onSubmit} noValidate aria-labelledby={`${id}-edit`}>
        <h2 id={`${id}-edit`}>Change your hours</h2>
        <p id={`${id}-hint`} className="muted">
          Write each day&apos;s hours like 09:00-12:00, 13:00-17:00, on the hour or the half hour. Leave a day empty
          when you are closed. Publishing replaces the whole week; booked appointments stay.
        </p>
        {WEEKDAYS.map((day, d) => (
          <TextField
            key={day}
            label={`${day} hours (UTC)`}
            value={texts[d]}
            aria-describedby={`${id}-hint`}
            placeholder="Closed"
            autoComplete="off"
            onChange={(value) => setTexts(texts.map((t, i) => (i === d ? value : t)))}
          />
        ))}
        <div className="actions">
          <Button
            type="submit"
            variant="primary"
            icon={CalendarClock}
            isPending={task.busy}
            isDisabled={current.isPending}
          >
            Publish office hours
          </Button>
        </div>
      </form>
      <TaskProgress title="Publishing your office hours" stages={WRITE_STAGES} task={task} />
    </>
  );
}
