/**
 * Times as the dApp writes them: "Thu, 3 Dec 2026, 05:10 CET", in the reader's own time zone (or
 * `timeZone`), saying which. Shared by the dApp's pages (web/src/components/format.ts) and the API
 * client, which says a refusal's time in the reader's zone (lib/api/apiError.ts).
 *
 * Each format is built once per style and zone (building one costs some 100 times formatting with
 * it) and kept for the page's life.
 */
const LOCALE = "en-GB";
const STYLES = {
  /** "Thu, 3 Dec 2026, 05:10 CET" */
  minute: {
    weekday: "short",
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    timeZoneName: "short",
  },
  /** "3 Dec 2026, 05:10:12 CET": to the second, for the audit trail */
  second: { dateStyle: "medium", timeStyle: "long" },
  /** "Thursday 3 December" */
  day: { weekday: "long", day: "numeric", month: "long" },
  /** "05:10" */
  time: { hour: "2-digit", minute: "2-digit" },
  /** "15 Apr 1990": a calendar date, read in UTC (it has no zone) */
  date: { day: "numeric", month: "short", year: "numeric" },
  /** "CET", "GMT+5:30": the zone's short name, read from formatToParts */
  zoneName: { timeZoneName: "short" },
  /** "GMT+05:30", "GMT": the offset, read from formatToParts */
  offset: { timeZoneName: "longOffset" },
} as const satisfies Record<string, Intl.DateTimeFormatOptions>;
type Style = keyof typeof STYLES;

const formats = new Map<string, Intl.DateTimeFormat>();

function formatFor(style: Style, timeZone = readerTimeZone()): Intl.DateTimeFormat {
  const key = `${style} ${timeZone}`;
  let format = formats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(LOCALE, { ...STYLES[style], timeZone });
    formats.set(key, format);
  }
  return format;
}

// Two instants half a year apart: their local offsets change when the reader's zone does.
const JANUARY = Date.UTC(2026, 0, 1);
const JULY = Date.UTC(2026, 6, 1);
let reader: { offsets: string; zone: string } | undefined;

/**
 * The reader's time zone ("Asia/Kolkata"). Asked of Intl again only when the computer's offsets
 * change (asking costs as much as building a format): a laptop that travels, or a browser told
 * another zone, shows the new zone without a reload.
 */
export function readerTimeZone(): string {
  const offsets = `${new Date(JANUARY).getTimezoneOffset()} ${new Date(JULY).getTimezoneOffset()}`;
  if (reader?.offsets !== offsets) reader = { offsets, zone: new Intl.DateTimeFormat().resolvedOptions().timeZone };
  return reader.zone;
}

/** "Thu, 3 Dec 2026, 05:10 CET": the time to the minute, in the reader's zone (or `timeZone`), naming it. */
export function localMinute(at: Date | number, timeZone?: string): string {
  return formatFor("minute", timeZone).format(at);
}

/** "3 Dec 2026, 05:10:12 CET": to the second, in the reader's zone (or `timeZone`), naming it. */
export function localSecond(at: Date | number, timeZone?: string): string {
  return formatFor("second", timeZone).format(at);
}

/** "Thursday 3 December", in the reader's zone (or `timeZone`). */
export function localDay(at: Date | number, timeZone?: string): string {
  return formatFor("day", timeZone).format(at);
}

/**
 * The day of `at` as a calendar names it from `now`'s day: "Today, Friday 4 December",
 * "Tomorrow, …", "Yesterday, …", otherwise "Monday 7 December"; both days in the reader's zone
 * (or `timeZone`).
 */
export function localDayFrom(at: Date | number, now: Date | number, timeZone?: string): string {
  const day = localDay(at, timeZone);
  const key = localDate(at, timeZone);
  const from = new Date(now).getTime();
  const near = [
    ["Today", 0],
    ["Tomorrow", 1],
    ["Yesterday", -1],
  ] as const;
  // A day is 24 hours but on the two days a year the clocks change: the words are dropped then, near midnight.
  const word = near.find(([, days]) => localDate(from + days * 86_400_000, timeZone) === key)?.[0];
  return word ? `${word}, ${day}` : day;
}

/** "3 Dec 2026": the day of a moment, in the reader's zone (or `timeZone`). */
export function localDate(at: Date | number, timeZone?: string): string {
  return formatFor("date", timeZone).format(at);
}

/**
 * "15 Apr 1990": a calendar date written `YYYY-MM-DD` (a date of birth), in words, so no reader
 * takes 04/05 for the wrong month; the text as given when it is no such date.
 */
export function calendarDate(isoDate: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  if (!match) return isoDate;
  const [year, month, day] = match.slice(1).map(Number);
  const at = Date.UTC(year, month - 1, day);
  // Date.UTC rolls 30 February over into March: only a date that comes back the same is one.
  if (new Date(at).toISOString().slice(0, 10) !== isoDate) return isoDate;
  return formatFor("date", "UTC").format(at);
}

/**
 * Whole years from a `YYYY-MM-DD` date of birth to `today`'s date where the reader is (the birthday
 * itself counts; someone born on 29 February turns a year older on 1 March); undefined for a date
 * that is no date, or a birth in the future or over 150 years ago.
 */
export function ageInYears(dateOfBirth: string, today: Date = new Date()): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(dateOfBirth);
  if (!m) return undefined;
  const [year, month, day] = [+m[1], +m[2], +m[3]];
  const [ty, tm, td] = [today.getFullYear(), today.getMonth() + 1, today.getDate()];
  const age = ty - year - (tm < month || (tm === month && td < day) ? 1 : 0);
  return age >= 0 && age < 150 ? age : undefined;
}

/** "05:10", in the reader's zone (or `timeZone`). */
export function localClock(at: Date | number, timeZone?: string): string {
  return formatFor("time", timeZone).format(at);
}

function part(style: Style, at: Date | number, timeZone: string | undefined): string | undefined {
  return formatFor(style, timeZone)
    .formatToParts(at)
    .find((p) => p.type === "timeZoneName")?.value;
}

/** The zone in words at `at`: "Asia/Kolkata (GMT+5:30)", "Europe/Paris (CET)", "UTC". */
export function zoneLabel(at: Date | number = Date.now(), timeZone = readerTimeZone()): string {
  const short = part("zoneName", at, timeZone);
  return short && short !== timeZone ? `${timeZone} (${short})` : timeZone;
}

/** The zone's offset from UTC at `at`, in minutes east: 330 in Kolkata, -480 in Los Angeles in winter. */
export function zoneOffsetMinutes(at: Date | number = Date.now(), timeZone = readerTimeZone()): number {
  const offset = /^GMT(?:([+-])(\d{2}):(\d{2}))?$/.exec(part("offset", at, timeZone) ?? "");
  if (!offset) throw new RangeError(`No UTC offset is known for the time zone ${timeZone}.`);
  if (!offset[1]) return 0;
  return (offset[1] === "-" ? -1 : 1) * (Number(offset[2]) * 60 + Number(offset[3]));
}
