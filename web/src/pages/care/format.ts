import { AppointmentStatusNames } from "@deployments/contracts";

/**
 * Shared formatting for the care pages. Appointment slots are defined in UTC on-chain (weekly
 * availability is per UTC day), so times are shown in UTC and say so: no off-by-a-timezone bookings.
 */
const DATE_TIME = new Intl.DateTimeFormat("en-GB", {
  weekday: "short",
  day: "numeric",
  month: "short",
  hour: "2-digit",
  minute: "2-digit",
  timeZone: "UTC",
});
const DAY = new Intl.DateTimeFormat("en-GB", { weekday: "long", day: "numeric", month: "long", timeZone: "UTC" });
const TIME = new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit", timeZone: "UTC" });

/** "Mon 24 Nov, 09:00 UTC". */
export function formatSlot(unixSeconds: number): string {
  return `${DATE_TIME.format(unixSeconds * 1000)} UTC`;
}

/** "Monday 24 November". */
export function formatDay(unixSeconds: number): string {
  return DAY.format(unixSeconds * 1000);
}

/** "09:00". */
export function formatTime(unixSeconds: number): string {
  return TIME.format(unixSeconds * 1000);
}

/** IAppointmentBook.AppointmentStatus, in words. */
export const APPOINTMENT_STATUS = AppointmentStatusNames;

/** IConsentRegistry.GrantSource, in words. */
export const GRANT_SOURCE = ["", "granted by you", "approved request", "with an appointment"] as const;

/** "0x1234…abcd": enough to tell accounts apart on a small screen; the full address is in the title. */
export function shortAddress(address: string): string {
  return `${address.slice(0, 6)}…${address.slice(-4)}`;
}
