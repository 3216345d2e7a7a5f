import { useState } from "react";
import type { Address } from "viem";
import { AppointmentStatus } from "@deployments/contracts";
import { describeCategories } from "../../components/CategoryPicker";
import { Countdown } from "../../components/Countdown";
import { DoctorName } from "../../components/DoctorName";
import { TaskProgress } from "../../components/Progress";
import { WRITE_STAGES } from "../../components/stages";
import { useWallet, useUserKey } from "../../ehr/useEhr";
import { useAccessEvents } from "../../hooks/useAccessEvents";
import { useConsents } from "../../hooks/useConsents";
import { useFocusOn } from "../../hooks/useFocusOn";
import { useInbox } from "../../hooks/useInbox";
import { usePatientAppointments } from "../../hooks/usePatientAppointments";
import { useTaskMutation } from "../../hooks/useTaskMutation";
import { formatDayFrom, formatSlot, formatTime } from "../../components/format";
import { formatWhen } from "../../components/clinicalFormat";
import { Button } from "../../ui/Button";
import { useUnseenEmergencies } from "../../hooks/useUnseenEmergencies";
import { APPROVE_STAGES, useAnswerRequest } from "../sharing/useAnswerRequest";
import { HomeCard } from "./HomeCard";
import { useChainNow } from "../../hooks/useChainNow";
import { splitAppointments } from "../appointments/upcoming";
import { isEndingSoon } from "./endingSoon";

const DAY = 86_400;
/** Emergency openings of this many seconds back stay on the home after their window closed. */
const EMERGENCY_RECENT = 7 * DAY;
const nowSeconds = () => Math.floor(Date.now() / 1000);

/** Doctors asking for access, each answered in place (the same action as on Sharing). */
export function AccessRequestsCard() {
  const { userKey } = useUserKey();
  const consents = useConsents("patient");
  const answer = useAnswerRequest();
  const task = useTaskMutation();
  const [approving, setApproving] = useState(false);
  /** The doctor whose request was answered last: named in what the card says was done. */
  const [answered, setAnswered] = useState<Address>();
  const requests = consents.data?.requests ?? [];
  // Once answered, the card stays, saying what was done, until the page is left.
  if (requests.length === 0 && !task.stage) return null;
  return (
    <HomeCard title="Access requests" testId="home-requests" link={{ to: "/sharing", label: "See all your sharing" }}>
      {task.done && !task.busy ? (
        <p role="status">
          {approving ? "Approved: " : "Denied: "}
          {answered ? <DoctorName address={answered} /> : "the doctor"}
          {approving ? " can now read what you shared." : " was not given access."}
        </p>
      ) : null}
      {requests.length === 0 ? (
        <p>No other doctor is asking for access.</p>
      ) : (
        <ul aria-label="Access requests">
          {requests.map((r) => (
            <li key={r.doctor}>
              <p id={`request-${r.doctor}`}>
                <strong>
                  <DoctorName address={r.doctor} />
                </strong>{" "}
                asks to read {describeCategories(r.categories)} for {Math.max(1, Math.round(r.duration / DAY))} days
                from your approval.
              </p>
              <div className="actions">
                <button
                  type="button"
                  className="primary"
                  aria-describedby={`request-${r.doctor}`}
                  disabled={task.busy || !userKey}
                  onClick={() => {
                    setApproving(true);
                    setAnswered(r.doctor);
                    void task.run((report) => answer.approve(r.doctor, r.categories, report));
                  }}
                >
                  Approve
                </button>
                <button
                  type="button"
                  aria-describedby={`request-${r.doctor}`}
                  disabled={task.busy}
                  onClick={() => {
                    setApproving(false);
                    setAnswered(r.doctor);
                    void task.run((report) => answer.deny(r.doctor, report));
                  }}
                >
                  Deny
                </button>
              </div>
              {userKey ? null : <p className="muted">Unlock your key to approve.</p>}
            </li>
          ))}
        </ul>
      )}
      {task.done && !task.busy ? null : (
        <TaskProgress title="Answering the request" stages={approving ? APPROVE_STAGES : WRITE_STAGES} task={task} />
      )}
    </HomeCard>
  );
}

/** Grants ending soon (see isEndingSoon): renew them on Sharing, or let them end. */
export function EndingGrantsCard() {
  const consents = useConsents("patient");
  const now = nowSeconds();
  const ending = (consents.data?.grants ?? [])
    .filter((g) => isEndingSoon(g, now))
    .sort((a, b) => a.expiresAt - b.expiresAt);
  if (ending.length === 0) return null;
  return (
    <HomeCard
      title="Access ending soon"
      testId="home-ending"
      link={{ to: "/sharing", label: "Renew or revoke on Sharing" }}
    >
      <ul aria-label="Access ending soon">
        {ending.map((g) => (
          <li key={g.doctor}>
            <DoctorName address={g.doctor} /> can read {describeCategories(g.categories)} until{" "}
            <span className="home-when">{formatSlot(g.expiresAt)}</span>.
          </li>
        ))}
      </ul>
    </HomeCard>
  );
}

/**
 * Emergency access opened on the patient: open windows with their countdown, the past week's, and
 * any older one she has not marked as seen. While one is unseen the card announces it and carries
 * the acknowledgement ("I have seen this"), in place of the banner other pages show.
 */
export function EmergencyOpeningsCard() {
  const { address } = useWallet();
  const trail = useAccessEvents(address ? { patient: address } : undefined);
  const { unseen, markAllSeen } = useUnseenEmergencies();
  const newest = unseen[0]?.id;
  const alert = useFocusOn<HTMLDivElement>(newest, newest !== undefined);
  const now = nowSeconds();
  const since = Math.min(now - EMERGENCY_RECENT, ...unseen.map((n) => Math.floor(n.at / 1000)));
  const openings = (trail.data ?? []).filter((e) => e.kind === "emergency" && e.at.getTime() / 1000 >= since);
  if (openings.length === 0 && unseen.length === 0) return null;
  const open = openings.filter((e) => e.kind === "emergency" && e.expiresAt.getTime() / 1000 > now);
  return (
    <HomeCard
      title={open.length ? "Emergency access is open on your record" : "Emergency access was opened on your record"}
      urgent={open.length > 0 || unseen.length > 0}
      testId="home-emergency"
      link={{ to: "/activity", label: "See what was read in Activity" }}
    >
      {unseen.length ? (
        <div className="home-unseen" role="alert" tabIndex={-1} ref={alert}>
          <p>
            <strong>New:</strong> <DoctorName address={unseen[0].actor} /> opened emergency access to your records
            {/* When: in the list below, once the chain's trail is read. */}
            {openings.length ? "" : ` on ${formatWhen(new Date(unseen[0].at))}`}.
            {unseen.length > 1 ? ` ${unseen.length - 1} more you have not seen.` : ""}
          </p>
          <Button onPress={markAllSeen}>I have seen this</Button>
        </div>
      ) : null}
      {openings.length ? (
        <ul aria-label="Emergency openings">
          {openings.map((e) =>
            e.kind === "emergency" ? (
              <li key={e.key}>
                <p>
                  <DoctorName address={e.doctor} /> opened emergency access on {formatSlot(e.at.getTime() / 1000)}.
                </p>
                {e.expiresAt.getTime() / 1000 > now ? (
                  <Countdown until={e.expiresAt} label="Time left in the emergency window" />
                ) : (
                  <p>The window closed at {formatSlot(e.expiresAt.getTime() / 1000)}.</p>
                )}
              </li>
            ) : null,
          )}
        </ul>
      ) : null}
      <p>The administrator reviews every emergency access. If you did not expect it, tell your hospital.</p>
    </HomeCard>
  );
}

/** The next visit booked or confirmed (a visit under way is still the next one), by day in the patient's own time ("Today, Friday 4 December, 22:00"). */
export function NextAppointmentCard() {
  const appointments = usePatientAppointments();
  const chain = useChainNow();
  const { upcoming: coming } = splitAppointments(appointments.data ?? [], chain.now);
  const next = coming[0];
  return (
    <HomeCard
      title="Next appointment"
      testId="home-appointment"
      link={next ? { to: "/appointments", label: "See your appointments" } : { to: "/doctors", label: "Find a doctor" }}
    >
      {appointments.isPending ? (
        <p role="status">Reading your appointments from the chain…</p>
      ) : appointments.isError ? (
        <p role="alert">Your appointments could not be read from the chain. Try again in a moment.</p>
      ) : !next ? (
        <p>No appointment booked — find a doctor and book a time that suits you.</p>
      ) : (
        <>
          <p className="home-when">
            {formatDayFrom(next.start, chain.now)}, {formatTime(next.start)}
          </p>
          <p>
            With <DoctorName address={next.doctor} />:{" "}
            {next.status === AppointmentStatus.Confirmed ? "confirmed." : "waiting for the doctor to confirm."}
          </p>
          {coming.length > 1 ? <p className="muted">{coming.length - 1} more after it.</p> : null}
        </>
      )}
    </HomeCard>
  );
}

/** Records doctors added since the patient last read the inbox (the read state her browsers share). */
export function NewRecordsCard() {
  const { unreadItems, isLoading } = useInbox();
  const added = unreadItems.filter((n) => n.kind === "record-added").length;
  return (
    <HomeCard
      title="New records"
      testId="home-records"
      link={added ? { to: "/records", label: "Read your records" } : { to: "/upload", label: "Upload a record" }}
    >
      {isLoading ? (
        <p role="status">Looking for new records…</p>
      ) : added === 0 ? (
        <p>No new records since you last looked. You can add a report of your own.</p>
      ) : (
        <p>
          <strong className="home-count">{added}</strong> new record{added === 1 ? "" : "s"} added by your doctors since
          you last looked.
        </p>
      )}
    </HomeCard>
  );
}
