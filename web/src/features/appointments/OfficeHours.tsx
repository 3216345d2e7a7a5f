import { CalendarClock } from "lucide-react";
import { useEffect, useId, useMemo, useRef, useState, type FormEvent } from "react";
import { formatDayHours, parseDayHours, WEEKDAYS } from "@lib/appointments/officeHours";
import { onSlotGrid, weekToLocal, weekToUtc, type WeekMasks } from "@lib/appointments/localWeek";
import { FormatError } from "@lib/errors";
import { zoneLabel, zoneOffsetMinutes } from "@lib/localTime";
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
 * The zone the doctor's hours are written in: their own, at its offset now, or UTC when their zone
 * is not a whole number of half hours from UTC (Kathmandu, +05:45), whose hours fall between the
 * chain's slots.
 */
function useHoursZone() {
  return useMemo(() => {
    const now = Date.now();
    const offset = zoneOffsetMinutes(now);
    const own = zoneLabel(now);
    return onSlotGrid(offset)
      ? { offset, label: own, offsetText: offsetText(offset), own: true as const }
      : { offset: 0, label: "UTC", offsetText: offsetText(offset), ownLabel: own, own: false as const };
  }, []);
}

/** "UTC+5:30", "UTC-8", "UTC". */
function offsetText(minutes: number): string {
  if (minutes === 0) return "UTC";
  const abs = Math.abs(minutes);
  const rest = abs % 60;
  return `UTC${minutes < 0 ? "-" : "+"}${Math.floor(abs / 60)}${rest ? `:${String(rest).padStart(2, "0")}` : ""}`;
}

/**
 * The doctor's weekly office hours, in their own time zone: the published ones, and a form of one
 * text field per day ("09:00-12:00, 13:00-17:00", empty for closed) that publishes the whole week
 * in one transaction (setWeeklyAvailability). The chain keeps the week in UTC; the page turns it
 * at the doctor's offset now (lib/appointments/localWeek.ts), so a day's hours may land on two UTC
 * days. Patients book these slots under Doctors, each in their own time.
 */
export function OfficeHours() {
  const { address } = useWallet();
  const id = useId();
  const zone = useHoursZone();
  const current = useBookRead("weeklyAvailability", [address!], { enabled: address !== undefined });
  const write = useBookWrite();
  const task = useTaskMutation();
  const [texts, setTexts] = useState<string[]>(EMPTY_WEEK);
  const [problems, setProblems] = useState<(string | undefined)[]>([]);
  const fields = useRef<(HTMLInputElement | null)[]>([]);
  const published = current.data ? weekToLocal(current.data, zone.offset).map(formatDayHours) : undefined;
  const publishedKey = published?.join("|");

  // The form starts from the published hours, and again after each publish.
  useEffect(() => {
    if (publishedKey !== undefined) setTexts(publishedKey.split("|"));
  }, [publishedKey]);

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    // Each day is checked on its own, so every bad day says so beside its field.
    const masks: number[] = [];
    const found = texts.map((text, d) => {
      try {
        masks.push(parseDayHours(text, WEEKDAYS[d]));
        return undefined;
      } catch (error) {
        if (error instanceof FormatError) return error.shortMessage;
        throw error;
      }
    });
    setProblems(found);
    const first = found.findIndex(Boolean);
    if (first >= 0) {
      fields.current[first]?.focus();
      return;
    }
    void task.run(async (report) => {
      const schedule = weekToUtc(masks as WeekMasks, zone.offset);
      await write("setWeeklyAvailability", [schedule], "publish your office hours", report);
      await current.refetch();
    });
  };

  return (
    <>
      <h1 tabIndex={-1}>Office hours</h1>
      <p className="muted">
        Times are in {zone.own ? "your time zone, " : ""}
        {zone.label}. Each appointment lasts 30 minutes; patients can book any slot you offer and see it in their own
        time.
      </p>
      {zone.own ? null : (
        <p>
          Your time zone, {zone.ownLabel}, is {zone.offsetText}: its hours fall between the appointment book&apos;s half
          hours, which are kept in UTC. Write your hours in UTC.
        </p>
      )}
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
        <fieldset>
          <legend>{zone.own ? `Hours, your time: ${zone.label}` : "Hours in UTC"}</legend>
          {zone.own ? (
            <p id={`${id}-offset`} className="muted">
              They follow your current offset, {zone.offsetText}. If your clocks change for summer or winter time, check
              your hours here and publish them again.
            </p>
          ) : null}
          {WEEKDAYS.map((day, d) => (
            <TextField
              key={day}
              label={`${day} hours`}
              value={texts[d]}
              inputRef={(el) => {
                fields.current[d] = el;
              }}
              aria-describedby={`${id}-hint`}
              placeholder="Closed"
              autoComplete="off"
              errorMessage={problems[d]}
              onChange={(value) => {
                setTexts(texts.map((t, i) => (i === d ? value : t)));
                if (problems[d]) setProblems(problems.map((p, i) => (i === d ? undefined : p)));
              }}
            />
          ))}
        </fieldset>
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
      <TaskProgress
        title="Publishing your office hours"
        stages={WRITE_STAGES}
        task={task}
        doneText="Published: patients can now book the hours you offer."
      />
    </>
  );
}
