import type { Address, Hex } from "viem";
import { AppointmentStatusNames, GrantSourceNames } from "../../deployments/contracts";

/** Where a chain event sits: its block, its position in the block, its transaction and block time. */
export interface EventPosition {
  blockNumber: bigint;
  logIndex: number;
  transactionHash: Hex;
  /** The block's time, in milliseconds since 1970. */
  at: number;
}

/** The AppointmentBook's `AppointmentStatus` values, by name. */
export const APPOINTMENT_STATUSES = AppointmentStatusNames;
export type AppointmentStatusName = (typeof APPOINTMENT_STATUSES)[number];

/** The ConsentRegistry's `GrantSource` values, by name. */
export const GRANT_SOURCES = GrantSourceNames;
export type GrantSourceName = (typeof GRANT_SOURCES)[number];

/**
 * The chain events an inbox is built from, decoded and flattened (decodeEvent.ts). Only the fields
 * a notification needs are kept; everything else stays on the chain.
 */
export type NotificationEvent = EventPosition &
  (
    | { name: "AccessRequested"; patient: Address; doctor: Address; categories: number; duration: number }
    | { name: "AccessRequestClosed"; patient: Address; doctor: Address; approved: boolean }
    | {
        name: "ConsentGranted";
        patient: Address;
        doctor: Address;
        categories: number;
        expiresAt: number;
        source: GrantSourceName;
      }
    | { name: "ConsentRevoked"; patient: Address; doctor: Address }
    | { name: "RecordAdded"; patient: Address; author: Address; index: number; category: number }
    | { name: "EmergencyAccessOpened"; id: number; patient: Address; doctor: Address; expiresAt: number }
    | { name: "AppointmentBooked"; patient: Address; doctor: Address; start: number }
    | {
        name: "AppointmentStatusChanged";
        patient: Address;
        doctor: Address;
        start: number;
        status: AppointmentStatusName;
        by: Address;
      }
  );

export type NotificationEventName = NotificationEvent["name"];

/**
 * The header of an off-chain message: all an inbox needs, never its (encrypted) body. The
 * messaging service (lib/messages) produces these.
 */
export interface MessageHeader {
  id: string;
  from: Address;
  to: Address;
  /** ISO 8601 time the service accepted the message. */
  sentAt: string;
  /** The record the message is about, if any (its index in the patient's list). */
  recordRef?: number;
  kind: "message" | "request";
}

export type NotificationKind =
  | "access-requested"
  | "access-granted"
  | "access-declined"
  | "access-revoked"
  | "record-added"
  | "emergency-opened"
  | "appointment-booked"
  | "appointment-confirmed"
  | "appointment-declined"
  | "appointment-cancelled"
  | "appointment-completed"
  | "message"
  | "message-request";

/** One entry of a user's inbox. */
export interface Notification {
  /** Stable across fetches: the transaction hash and log index, or the message id. */
  id: string;
  kind: NotificationKind;
  /** When it happened, in milliseconds since 1970. */
  at: number;
  /** A plain sentence, with no patient data. */
  title: string;
  /** Who did it: the other party. */
  actor: Address;
  /** The dApp path (after `#`) that deals with it. */
  link: string;
  /** "urgent" only for an emergency access opened on the user. */
  priority: "urgent" | "normal";
}
