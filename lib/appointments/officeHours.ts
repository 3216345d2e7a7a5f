/**
 * A doctor's weekly office hours as people write them ("09:00-12:00, 13:00-17:00" per day, UTC)
 * and as AppointmentBook.setWeeklyAvailability stores them: seven uint48 masks, Monday first, bit
 * s set when the 30-minute slot starting s * 30 minutes past midnight is offered.
 */
import { FormatError } from "../errors";

export const WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"] as const;
export const SLOTS_PER_DAY = 48;
const SLOT_MINUTES = 30;
const RANGE = /^(\d{1,2}):(\d{2})\s*[-–]\s*(\d{1,2}):(\d{2})$/;

/** Minutes past midnight of "HH:MM" on a slot boundary (24:00 allowed as the end of the day). */
function minutesOf(hours: string, minutes: string, day: string): number {
  const total = Number(hours) * 60 + Number(minutes);
  if (Number(minutes) >= 60 || total > 24 * 60)
    throw new FormatError(`${day}: ${hours}:${minutes} is not a time of day.`);
  if (total % SLOT_MINUTES !== 0) {
    throw new FormatError(`${day}: times must be on the hour or the half hour.`);
  }
  return total;
}

/** One day's text ("" or "closed": no hours) as its slot mask. */
export function parseDayHours(text: string, day: string = "The day"): number {
  const trimmed = text.trim();
  if (trimmed === "" || /^closed$/i.test(trimmed)) return 0;
  let mask = 0n;
  for (const part of trimmed.split(/[,;]/)) {
    const match = RANGE.exec(part.trim());
    if (!match) throw new FormatError(`${day}: write hours like 09:00-12:00, 13:00-17:00, or leave it empty.`);
    const from = minutesOf(match[1], match[2], day);
    const until = minutesOf(match[3], match[4], day);
    if (until <= from) throw new FormatError(`${day}: each range must end after it starts.`);
    for (let s = from / SLOT_MINUTES; s < until / SLOT_MINUTES; s++) mask |= 1n << BigInt(s);
  }
  return Number(mask);
}

const hhmm = (slot: number) =>
  `${String(Math.floor((slot * SLOT_MINUTES) / 60)).padStart(2, "0")}:${String((slot * SLOT_MINUTES) % 60).padStart(2, "0")}`;

/** One day's mask as text: its ranges ("09:00-12:00, 13:00-17:00"), "" when closed. */
export function formatDayHours(mask: number | bigint): string {
  const bits = BigInt(mask);
  const ranges: string[] = [];
  for (let s = 0; s < SLOTS_PER_DAY; s++) {
    if (((bits >> BigInt(s)) & 1n) === 0n) continue;
    let end = s;
    while (end < SLOTS_PER_DAY && ((bits >> BigInt(end)) & 1n) === 1n) end++;
    ranges.push(`${hhmm(s)}-${hhmm(end)}`);
    s = end;
  }
  return ranges.join(", ");
}

/** The seven days' texts (Monday first) as the contract's schedule; the first bad day throws. */
export function parseWeek(texts: readonly string[]): [number, number, number, number, number, number, number] {
  if (texts.length !== 7) throw new FormatError("Give hours for each of the seven days.");
  return texts.map((t, d) => parseDayHours(t, WEEKDAYS[d])) as [number, number, number, number, number, number, number];
}
