import { AppointmentStatus, contractConstants } from "@deployments/contracts";

const SLOT = contractConstants.SLOT_DURATION;

/** What ordering a booking needs: its slot's start (unix seconds), its booking number and status. */
export interface BookingTime {
  start: number;
  seq: number;
  /** IAppointmentBook.AppointmentStatus. */
  status: number;
}

/** Its slot is not over at `now` (a visit under way counts), whatever its status: a doctor's calendar. */
export function isSlotAhead(booking: BookingTime, now: number): boolean {
  return booking.start + SLOT > now;
}

/** Booked or confirmed: not yet completed, declined or cancelled, so either side may still cancel it. */
export function isActive(booking: Pick<BookingTime, "status">): boolean {
  return booking.status === AppointmentStatus.Booked || booking.status === AppointmentStatus.Confirmed;
}

/** Still to happen at `now`: active, and its slot not yet over: a patient's list. */
export function isUpcoming(booking: BookingTime, now: number): boolean {
  return isActive(booking) && isSlotAhead(booking, now);
}

/**
 * Appointments as a person reads them: what is ahead, soonest first, then the rest, latest first.
 * By default what a patient calls upcoming ({@link isUpcoming}: the past holds what is over,
 * completed, declined, cancelled, or never confirmed before its time); a doctor's calendar splits
 * on time alone ({@link isSlotAhead}). Bookings of one slot (booked again after a decline) keep
 * their booking order among themselves, reversed in the past.
 */
export function splitAppointments<T extends BookingTime>(
  bookings: readonly T[],
  now: number,
  ahead: (booking: BookingTime, now: number) => boolean = isUpcoming,
): { upcoming: T[]; past: T[] } {
  const soonest = [...bookings].sort((a, b) => a.start - b.start || a.seq - b.seq);
  return {
    upcoming: soonest.filter((b) => ahead(b, now)),
    past: soonest.filter((b) => !ahead(b, now)).reverse(),
  };
}

/**
 * `bookings` (in the order they come) in runs of one day each: `dayOf` names a booking's day from
 * its slot's start, and bookings on the same day, one after another, share a run.
 */
export function byDay<T extends Pick<BookingTime, "start">>(
  bookings: readonly T[],
  dayOf: (start: number) => string,
): { day: string; bookings: T[] }[] {
  const days: { day: string; bookings: T[] }[] = [];
  for (const booking of bookings) {
    const day = dayOf(booking.start);
    const last = days.at(-1);
    if (last?.day === day) last.bookings.push(booking);
    else days.push({ day, bookings: [booking] });
  }
  return days;
}
