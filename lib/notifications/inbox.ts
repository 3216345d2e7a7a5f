import type { Address } from "viem";
import { sameAddress } from "../records/context";
import type { MessageHeader, Notification, NotificationEvent, NotificationKind } from "./types";

/** What one event means to the party it concerns; undefined: it concerns nobody but its actor. */
interface Meaning {
  recipient: Address;
  actor: Address;
  kind: NotificationKind;
  title: string;
  link: string;
}

const APPOINTMENT_MOVES = {
  Confirmed: ["appointment-confirmed", "confirmed"],
  Declined: ["appointment-declined", "declined"],
  Cancelled: ["appointment-cancelled", "cancelled"],
  Completed: ["appointment-completed", "completed"],
} as const;

/** The one party an event is news to, and how to say it; never the account that caused it. */
function meaningOf(e: NotificationEvent): Meaning | undefined {
  switch (e.name) {
    case "AccessRequested":
      return {
        recipient: e.patient,
        actor: e.doctor,
        kind: "access-requested",
        title: "A doctor asked for access to your records.",
        link: "/sharing",
      };
    case "AccessRequestClosed":
      // An approval is told by the ConsentGranted event of the same transaction.
      if (e.approved) return undefined;
      return {
        recipient: e.doctor,
        actor: e.patient,
        kind: "access-declined",
        title: "A patient declined your access request.",
        link: "/patients",
      };
    case "ConsentGranted":
      return {
        recipient: e.doctor,
        actor: e.patient,
        kind: "access-granted",
        title:
          e.source === "Request"
            ? "A patient approved your access request."
            : e.source === "Appointment"
              ? "A patient gave you access to their records with a booking."
              : "A patient gave you access to their records.",
        link: "/patients",
      };
    case "ConsentRevoked":
      return {
        recipient: e.doctor,
        actor: e.patient,
        kind: "access-revoked",
        title: "A patient revoked your access to their records.",
        link: "/patients",
      };
    case "RecordAdded":
      return {
        recipient: e.patient,
        actor: e.author,
        kind: "record-added",
        title: "A doctor added a new record to your health record.",
        link: "/records",
      };
    case "EmergencyAccessOpened":
      return {
        recipient: e.patient,
        actor: e.doctor,
        kind: "emergency-opened",
        title: "A doctor opened emergency access to your records.",
        link: "/activity",
      };
    case "AppointmentBooked":
      return {
        recipient: e.doctor,
        actor: e.patient,
        kind: "appointment-booked",
        title: "A patient booked an appointment with you.",
        link: "/appointments",
      };
    case "AppointmentStatusChanged": {
      if (e.status !== "Confirmed" && e.status !== "Declined" && e.status !== "Cancelled" && e.status !== "Completed") {
        return undefined;
      }
      const [kind, verb] = APPOINTMENT_MOVES[e.status];
      const byDoctor = sameAddress(e.by, e.doctor);
      return {
        recipient: byDoctor ? e.patient : e.doctor,
        actor: e.by,
        kind,
        title: byDoctor ? `Your doctor ${verb} your appointment.` : `A patient ${verb} their appointment with you.`,
        link: "/appointments",
      };
    }
  }
}

function messageNotification(m: MessageHeader): Notification {
  return {
    id: `message:${m.id}`,
    kind: m.kind === "request" ? "message-request" : "message",
    at: Date.parse(m.sentAt),
    title: m.kind === "request" ? "You have a new request." : "You have a new message.",
    actor: m.from,
    link: "/messages",
    priority: "normal",
  };
}

/**
 * The inbox of `address`: the events and messages that concern it, newest first. Pure, so the
 * same code serves the dApp, the tests and any server-side digest. An event concerns a user when
 * they are its other party: what a user did themselves is never news to them, and a stranger to
 * every event gets an empty inbox.
 */
export function inboxFor(
  address: Address,
  events: readonly NotificationEvent[],
  messages: readonly MessageHeader[] = [],
): Notification[] {
  const ordered: { n: Notification; order: [number, bigint, number] }[] = [];
  for (const e of events) {
    const m = meaningOf(e);
    if (!m || !sameAddress(m.recipient, address) || sameAddress(m.actor, address)) continue;
    ordered.push({
      n: {
        id: `${e.transactionHash}:${e.logIndex}`,
        kind: m.kind,
        at: e.at,
        title: m.title,
        actor: m.actor,
        link: m.link,
        priority: m.kind === "emergency-opened" ? "urgent" : "normal",
      },
      order: [e.at, e.blockNumber, e.logIndex],
    });
  }
  for (const message of messages) {
    if (!sameAddress(message.to, address) || sameAddress(message.from, address)) continue;
    const n = messageNotification(message);
    if (Number.isNaN(n.at)) continue;
    ordered.push({ n, order: [n.at, -1n, 0] });
  }
  const seen = new Set<string>();
  return ordered
    .sort((a, b) => compareDesc(a.order, b.order))
    .map((o) => o.n)
    .filter((n) => !seen.has(n.id) && (seen.add(n.id), true));
}

function compareDesc(a: [number, bigint, number], b: [number, bigint, number]): number {
  if (a[0] !== b[0]) return b[0] - a[0];
  if (a[1] !== b[1]) return b[1] > a[1] ? 1 : -1;
  return b[2] - a[2];
}
