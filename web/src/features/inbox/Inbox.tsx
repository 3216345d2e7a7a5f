import { useEffect, useState } from "react";
import type { Notification } from "@lib/notifications";
import { PatientName } from "../../components/PatientName";
import { DoctorName } from "../../components/DoctorName";
import { formatSent } from "../../components/clinicalFormat";
import { useWallet } from "../../ehr/useEhr";
import { useBrowserNotifications } from "../../hooks/useBrowserNotifications";
import { useInbox } from "../../hooks/useInbox";
import { useQueryErrorBanner } from "../../hooks/useQueryErrorBanner";
import "./inbox.css";

/**
 * The inbox of a patient or a doctor: what others did that concerns them, newest first, read from
 * the chain every few seconds. Opening it marks everything as seen; what was new is tagged "New"
 * for as long as the page stays open.
 */
export function Inbox() {
  const { role } = useWallet();
  const { inbox, unreadItems, markAllSeen, isLoading, error } = useInbox();
  useQueryErrorBanner(error);
  const browser = useBrowserNotifications(inbox, false);
  const [fresh, setFresh] = useState<ReadonlySet<string>>(new Set());

  useEffect(() => {
    if (!unreadItems.length) return;
    setFresh((old) => new Set([...old, ...unreadItems.map((n) => n.id)]));
    markAllSeen();
  }, [unreadItems, markAllSeen]);

  return (
    <>
      <h1 tabIndex={-1}>Inbox</h1>
      <p>
        News about your record: access requests and grants, new records, emergency access and appointments. Messages
        from {role === "patient" ? "your doctors" : "patients"} are under Messages.
      </p>
      <BrowserNotificationsControl permission={browser.permission} onAllow={browser.request} />
      {isLoading ? <p role="status">Reading your notifications from the chain…</p> : null}
      {!isLoading && inbox.length === 0 ? (
        <p>
          {role === "patient"
            ? "Nothing yet. You will see here when a doctor asks for access, adds a record to yours, opens emergency access or writes to you."
            : "Nothing yet. You will see here when a patient gives you access, declines your request or revokes access, books an appointment or writes to you."}
        </p>
      ) : null}
      {inbox.length ? (
        <ul className="inbox-list" aria-label="Notifications, newest first">
          {inbox.map((n) => (
            <InboxItem key={n.id} n={n} fresh={fresh.has(n.id)} actorIsDoctor={role === "patient"} />
          ))}
        </ul>
      ) : null}
    </>
  );
}

function InboxItem({ n, fresh, actorIsDoctor }: { n: Notification; fresh: boolean; actorIsDoctor: boolean }) {
  const urgent = n.priority === "urgent";
  return (
    <li className={`inbox-item${urgent ? " inbox-urgent" : ""}${fresh ? " inbox-new" : ""}`}>
      <p className="inbox-title">
        {urgent ? <strong className="inbox-tag">Urgent</strong> : null}
        {fresh ? <span className="inbox-tag">New</span> : null} {n.title}
      </p>
      <p className="inbox-meta">
        <time dateTime={new Date(n.at).toISOString()}>{formatSent(new Date(n.at))}</time> ·{" "}
        {actorIsDoctor ? <DoctorName address={n.actor} /> : <PatientName address={n.actor} />} ·{" "}
        <a href={`#${n.link}`} className="inbox-open" aria-label={`Open: ${n.title}`}>
          Open
        </a>
      </p>
    </li>
  );
}

function BrowserNotificationsControl({ permission, onAllow }: { permission: string; onAllow: () => void }) {
  if (permission === "unsupported") return null;
  if (permission === "granted") {
    return <p className="inbox-hint">Notifications are on while this app is open.</p>;
  }
  if (permission === "denied") {
    return <p className="inbox-hint">Notifications are blocked in your browser&apos;s site settings.</p>;
  }
  return (
    <p>
      <button type="button" onClick={onAllow}>
        Turn on notifications
      </button>
    </p>
  );
}
