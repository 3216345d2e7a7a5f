import type { Address, Hex } from "viem";
import {
  APPOINTMENT_STATUSES,
  GRANT_SOURCES,
  type EventPosition,
  type NotificationEvent,
  type NotificationEventName,
} from "./types";

/** A log as viem decodes it with the contracts' ABIs (getContractEvents, parseEventLogs). */
export interface DecodedLog {
  eventName: string;
  args: Record<string, unknown>;
  blockNumber: bigint;
  logIndex: number;
  transactionHash: Hex;
}

const num = (v: unknown) => Number(v as number | bigint);
const addr = (v: unknown) => v as Address;

/**
 * Flattens one decoded log into the inbox's event shape; undefined for an event no notification
 * is built from. `at` is the block's time in milliseconds.
 */
export function decodeNotificationEvent(log: DecodedLog, at: number): NotificationEvent | undefined {
  const a = log.args;
  const pos: EventPosition = {
    blockNumber: log.blockNumber,
    logIndex: log.logIndex,
    transactionHash: log.transactionHash,
    at,
  };
  const name = log.eventName as NotificationEventName;
  switch (name) {
    case "AccessRequested":
      return {
        ...pos,
        name,
        patient: addr(a.patient),
        doctor: addr(a.doctor),
        categories: num(a.categories),
        duration: num(a.duration),
      };
    case "AccessRequestClosed":
      return { ...pos, name, patient: addr(a.patient), doctor: addr(a.doctor), approved: Boolean(a.approved) };
    case "ConsentGranted":
      return {
        ...pos,
        name,
        patient: addr(a.patient),
        doctor: addr(a.doctor),
        categories: num(a.categories),
        expiresAt: num(a.expiresAt),
        source: GRANT_SOURCES[num(a.source)] ?? "None",
      };
    case "ConsentRevoked":
      return { ...pos, name, patient: addr(a.patient), doctor: addr(a.doctor) };
    case "RecordAdded":
      return {
        ...pos,
        name,
        patient: addr(a.patient),
        author: addr(a.author),
        index: num(a.index),
        category: num(a.category),
      };
    case "EmergencyAccessOpened":
      return {
        ...pos,
        name,
        id: num(a.id),
        patient: addr(a.patient),
        doctor: addr(a.doctor),
        expiresAt: num(a.expiresAt),
      };
    case "AppointmentBooked":
      return { ...pos, name, patient: addr(a.patient), doctor: addr(a.doctor), start: num(a.start) };
    case "AppointmentStatusChanged":
      return {
        ...pos,
        name,
        patient: addr(a.patient),
        doctor: addr(a.doctor),
        start: num(a.start),
        status: APPOINTMENT_STATUSES[num(a.status)] ?? "None",
        by: addr(a.by),
      };
    default:
      return undefined;
  }
}
