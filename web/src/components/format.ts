import { AppointmentStatusNames } from "@deployments/contracts";
import { localClock, localDay, localDayFrom, localMinute, zoneLabel } from "@lib/localTime";

/**
 * Shared formatting for the care pages. Times are shown in the viewer's own time zone and say which
 * ("Mon 24 Nov 2026, 10:00 CET"): slots are defined in UTC on-chain, but a patient books in her own
 * hours, and a doctor enters office hours in theirs (OfficeHours, lib/appointments/localWeek.ts).
 */

/** "Mon 24 Nov 2026, 10:00 CET": the viewer's time with its zone. */
export function formatSlot(unixSeconds: number): string {
  return localMinute(unixSeconds * 1000);
}

/** "Monday 24 November", in the viewer's time zone. */
export function formatDay(unixSeconds: number): string {
  return localDay(unixSeconds * 1000);
}

/** "Today, Monday 24 November", "Tomorrow, …", "Yesterday, …" or "Thursday 27 November", from `nowSeconds`, in the viewer's time zone. */
export function formatDayFrom(unixSeconds: number, nowSeconds: number): string {
  return localDayFrom(unixSeconds * 1000, nowSeconds * 1000);
}

/**
 * A visit as a calendar says it: "Today, Saturday 5 December, 09:00", "Monday 7 December, 09:00",
 * with the year when it is not this one ("Friday 27 November 2025, 09:00"); in the viewer's time
 * zone, which the page names once.
 */
export function formatVisit(unixSeconds: number, nowSeconds: number): string {
  const year = new Date(unixSeconds * 1000).getFullYear();
  const day = formatDayFrom(unixSeconds, nowSeconds);
  const thisYear = year === new Date(nowSeconds * 1000).getFullYear();
  return `${thisYear ? day : `${day} ${year}`}, ${formatTime(unixSeconds)}`;
}

/** "10:00", in the viewer's time zone. */
export function formatTime(unixSeconds: number): string {
  return localClock(unixSeconds * 1000);
}

/** The viewer's time zone in words: "Europe/Paris (CET)". */
export function viewerTimeZone(at = Date.now()): string {
  return zoneLabel(at);
}

/** IAppointmentBook.AppointmentStatus, in words. */
export const APPOINTMENT_STATUS = AppointmentStatusNames;

/** IConsentRegistry.GrantSource, in words. */
export const GRANT_SOURCE = ["", "granted by you", "approved request", "with an appointment"] as const;

/** "0x1234…abcd": enough to tell accounts apart on a small screen; the full address is in the title. */
export function shortAddress(address: string): string {
  return `${address.slice(0, 6)}…${address.slice(-4)}`;
}

/** "1 record", "2 records": a count with its noun in the right number. */
export function countOf(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** "389 bytes", "12 KB", "1.4 MB": a file's size as people read it. */
export function fileSize(bytes: number): string {
  if (bytes < 1024) return countOf(bytes, "byte");
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** A media type in words: "PDF", "Text", "FHIR record"; the type itself when it is none of ours. */
export function fileKind(mediaType: string): string {
  if (/^application\/pdf\b/.test(mediaType)) return "PDF";
  if (/^text\/plain\b/.test(mediaType)) return "Text";
  if (/fhir\+json/.test(mediaType)) return "FHIR record";
  if (/json/.test(mediaType)) return "Structured data";
  if (/^image\//.test(mediaType)) return "Image";
  return mediaType;
}
