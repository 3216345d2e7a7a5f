import { useState } from "react";
import type { Address } from "viem";
import { AppointmentStatus } from "@deployments/contracts";
import { describeCategories } from "../../components/CategoryPicker";
import { Countdown } from "../../components/Countdown";
import { PatientName } from "../../components/PatientName";
import { TaskProgress } from "../../components/Progress";
import { WRITE_STAGES } from "../../components/stages";
import { useWallet } from "../../ehr/useEhr";
import { useAccessEvents } from "../../hooks/useAccessEvents";
import { useBookRead } from "../../hooks/useBookRead";
import { useBookWrite } from "../../hooks/useBookWrite";
import { useChainNow } from "../../hooks/useChainNow";
import { useConsents } from "../../hooks/useConsents";
import { useCoreRead } from "../../hooks/useCoreRead";
import { useDoctorAppointments, type DoctorAppointment } from "../../hooks/useDoctorAppointments";
import { useTaskMutation } from "../../hooks/useTaskMutation";
import { formatDayFrom, formatSlot, formatTime } from "../../components/format";
import { HomeCard } from "./HomeCard";
import { isSlotAhead } from "../appointments/upcoming";

const DAY = 86_400;
/** Grants given within this many seconds count as "shared recently". */
const RECENT_SHARE = 14 * DAY;
/** Upcoming visits listed after today's. */
const UPCOMING_SHOWN = 5;

/** One open emergency window: the chain says whether it is still open (an opt-out closes it early). */
function EmergencyWindow({ patient, expiresAt }: { patient: Address; expiresAt: Date }) {
  const { address } = useWallet();
  const open = useCoreRead("hasEmergencyAccess", [patient, address!]);
  if (open.data === false) return null;
  return (
    <li>
      <p>
        <strong>
          <PatientName address={patient} />
        </strong>
      </p>
      <Countdown until={expiresAt} label="Time left in the emergency window" />
      <p>
        <a href={`#/emergency-access/${patient}`}>Read the emergency card on Emergency access</a>
      </p>
    </li>
  );
}

/** The doctor's open break-glass windows, each with its countdown, in urgent style. */
export function EmergencyWindowsCard() {
  const { address } = useWallet();
  const trail = useAccessEvents(address ? { doctor: address } : undefined);
  const { now } = useChainNow();
  // The newest opening per patient decides its window.
  const windows = new Map<string, { patient: Address; expiresAt: Date }>();
  for (const e of trail.data ?? []) {
    if (e.kind !== "emergency" || windows.has(e.patient.toLowerCase())) continue;
    windows.set(e.patient.toLowerCase(), { patient: e.patient, expiresAt: e.expiresAt });
  }
  const open = [...windows.values()].filter((w) => w.expiresAt.getTime() / 1000 > now);
  if (open.length === 0) return null;
  return (
    <HomeCard title="Emergency access open" urgent testId="home-emergency">
      <ul aria-label="Open emergency windows">
        {open.map((w) => (
          <EmergencyWindow key={w.patient} patient={w.patient} expiresAt={w.expiresAt} />
        ))}
      </ul>
      <p>The patient has been told; the administrator reviews every emergency access.</p>
    </HomeCard>
  );
}

/** Bookings waiting for the doctor: confirm in place, or decline on Appointments. */
export function BookingsToConfirmCard() {
  const appointments = useDoctorAppointments();
  const write = useBookWrite();
  const task = useTaskMutation();
  const { now } = useChainNow();
  const waiting = (appointments.data ?? []).filter((a) => a.status === AppointmentStatus.Booked && isSlotAhead(a, now));
  if (waiting.length === 0 && !task.stage) return null;
  const confirm = (a: DoctorAppointment) =>
    task.run(async (report) => {
      await write("confirm", [a.start], "confirm the appointment", report);
      await appointments.refetch();
    });
  return (
    <HomeCard
      title="Bookings to confirm"
      testId="home-bookings"
      link={{ to: "/appointments", label: "Decline or see all on Appointments" }}
    >
      {waiting.length === 0 ? (
        <p>Every booking is answered.</p>
      ) : (
        <ul aria-label="Bookings to confirm">
          {waiting.map((a) => {
            const when = formatSlot(a.start);
            return (
              <li key={`${a.start}-${a.seq}`}>
                <p className="home-when">{when}</p>
                <p>
                  <PatientName address={a.patient} />
                </p>
                <div className="actions">
                  <button
                    type="button"
                    className="primary"
                    disabled={task.busy}
                    aria-label={`Confirm the appointment of ${when}`}
                    onClick={() => void confirm(a)}
                  >
                    Confirm
                  </button>
                </div>
              </li>
            );
          })}
        </ul>
      )}
      {task.done && !task.busy ? (
        <p role="status">Confirmed: the patient has been told.</p>
      ) : (
        <TaskProgress title="Confirming the appointment" stages={WRITE_STAGES} task={task} />
      )}
    </HomeCard>
  );
}

/** Today's confirmed visits, then the next few by day ("Tomorrow, Saturday 5 December, 09:00"), in the doctor's own time (Appointments names the zone). */
export function ScheduleCard() {
  const appointments = useDoctorAppointments();
  const { address } = useWallet();
  const hours = useBookRead("weeklyAvailability", [address!], { enabled: address !== undefined });
  const { now } = useChainNow();
  const endOfToday = new Date(now * 1000);
  endOfToday.setHours(24, 0, 0, 0);
  const todayEnds = endOfToday.getTime() / 1000;
  const confirmed = (appointments.data ?? []).filter(
    (a) => a.status === AppointmentStatus.Confirmed && isSlotAhead(a, now),
  );
  const waiting = (appointments.data ?? []).some((a) => a.status === AppointmentStatus.Booked && isSlotAhead(a, now));
  const hoursPublished = hours.data?.some((day) => BigInt(day) !== 0n);
  const today = confirmed.filter((a) => a.start < todayEnds);
  const upcoming = confirmed.filter((a) => a.start >= todayEnds).slice(0, UPCOMING_SHOWN);
  return (
    <HomeCard
      title="Today and upcoming"
      testId="home-schedule"
      link={{ to: "/appointments", label: "Open your calendar" }}
    >
      {appointments.isPending ? (
        <p role="status">Reading your calendar from the chain…</p>
      ) : appointments.isError ? (
        <p role="alert">Your calendar could not be read from the chain. Try again in a moment.</p>
      ) : confirmed.length === 0 ? (
        // What to do next depends on why it is empty: bookings to answer, no bookings yet, or no hours to book.
        waiting ? (
          <p>Nothing confirmed yet: answer the bookings waiting for you.</p>
        ) : hoursPublished ? (
          <p>No appointments coming up. Patients can book in the office hours you published.</p>
        ) : (
          <p>
            No appointments yet — <a href="#/office-hours">publish your office hours</a> so patients can book.
          </p>
        )
      ) : (
        <>
          <h3 className="home-subhead">Today</h3>
          {today.length === 0 ? (
            <p>Nothing today.</p>
          ) : (
            <ul aria-label="Today's appointments">
              {today.map((a) => (
                <li key={`${a.start}-${a.seq}`}>
                  <span className="home-when">{formatTime(a.start)}</span> · <PatientName address={a.patient} />
                </li>
              ))}
            </ul>
          )}
          {upcoming.length ? (
            <>
              <h3 className="home-subhead">Upcoming</h3>
              <ul aria-label="Upcoming appointments">
                {upcoming.map((a) => (
                  <li key={`${a.start}-${a.seq}`}>
                    <span className="home-when">
                      {formatDayFrom(a.start, now)}, {formatTime(a.start)}
                    </span>{" "}
                    · <PatientName address={a.patient} />
                  </li>
                ))}
              </ul>
            </>
          ) : null}
        </>
      )}
    </HomeCard>
  );
}

/** Patients who gave access in the last two weeks, newest first, by name. */
export function RecentSharesCard() {
  const consents = useConsents("doctor");
  const [nowAtRender] = useState(() => Math.floor(Date.now() / 1000));
  const recent = (consents.data?.grants ?? [])
    .filter((g) => g.grantedAt >= nowAtRender - RECENT_SHARE)
    .sort((a, b) => b.grantedAt - a.grantedAt);
  return (
    <HomeCard
      title="Patients who shared recently"
      testId="home-shared"
      link={{ to: "/patients", label: "See all your patients" }}
    >
      {consents.isPending ? (
        <p role="status">Reading your patients from the chain…</p>
      ) : recent.length === 0 ? (
        <p>
          No patient shared records in the last two weeks. <a href="#/request-access">Ask a patient for access</a>.
        </p>
      ) : (
        <ul aria-label="Patients who shared recently">
          {recent.map((g) => (
            <li key={g.patient}>
              <a href={`#/chart/${g.patient}`}>
                <PatientName address={g.patient} />
              </a>{" "}
              shared {describeCategories(g.categories)} until {formatSlot(g.expiresAt)}.
            </li>
          ))}
        </ul>
      )}
    </HomeCard>
  );
}
