/**
 * A doctor's week in their own time and on the chain. AppointmentBook keeps seven masks of
 * 30-minute UTC slots, Monday first (lib/appointments/officeHours.ts); a doctor in Kolkata
 * (UTC+5:30) means 09:00-17:00 of their own Monday, which is 03:30-11:30 of the UTC Monday. Laid
 * end to end, the seven masks are one ring of 336 half hours, and moving between zones turns the
 * ring: a local range that crosses a UTC midnight lands on two UTC days, and a Sunday evening west
 * of Greenwich lands on the UTC Monday.
 *
 * The offset is one number for the whole week: the doctor's offset now. When their clocks change
 * for daylight saving, the published UTC hours stay where they are, so their local hours move by
 * the change until they publish again.
 */
import { FormatError } from "../errors";
import { SLOTS_PER_DAY } from "./officeHours";

const SLOT_MINUTES = 30;
const WEEK_SLOTS = 7n * BigInt(SLOTS_PER_DAY);
const DAY_MASK = (1n << BigInt(SLOTS_PER_DAY)) - 1n;
const WEEK_MASK = (1n << WEEK_SLOTS) - 1n;

/** Seven slot masks, Monday first, as AppointmentBook.setWeeklyAvailability takes them. */
export type WeekMasks = [number, number, number, number, number, number, number];

/** True when a zone `offsetMinutes` from UTC has its half hours on the chain's (not Nepal's +5:45). */
export function onSlotGrid(offsetMinutes: number): boolean {
  return Number.isInteger(offsetMinutes) && offsetMinutes % SLOT_MINUTES === 0;
}

/** The week turned by `slots` half hours, later (positive) or earlier (negative). */
function turn(week: readonly (number | bigint)[], slots: number): WeekMasks {
  if (week.length !== 7) throw new FormatError("A week has seven days of hours.");
  let ring = 0n;
  week.forEach((day, d) => (ring |= (BigInt(day) & DAY_MASK) << BigInt(d * SLOTS_PER_DAY)));
  const by = ((BigInt(slots) % WEEK_SLOTS) + WEEK_SLOTS) % WEEK_SLOTS;
  const turned = ((ring << by) | (ring >> (WEEK_SLOTS - by))) & WEEK_MASK;
  return Array.from({ length: 7 }, (_, d) => Number((turned >> BigInt(d * SLOTS_PER_DAY)) & DAY_MASK)) as WeekMasks;
}

function slotsOf(offsetMinutes: number): number {
  if (!onSlotGrid(offsetMinutes)) {
    throw new FormatError(`A time zone ${offsetMinutes} minutes from UTC does not keep the chain's half hours.`);
  }
  return offsetMinutes / SLOT_MINUTES;
}

/** The chain's UTC week as seen from a zone `offsetMinutes` east of UTC (330 for Kolkata). */
export function weekToLocal(utc: readonly (number | bigint)[], offsetMinutes: number): WeekMasks {
  return turn(utc, slotsOf(offsetMinutes));
}

/** A week of local hours in a zone `offsetMinutes` east of UTC, as the chain's UTC week. */
export function weekToUtc(local: readonly (number | bigint)[], offsetMinutes: number): WeekMasks {
  return turn(local, -slotsOf(offsetMinutes));
}
