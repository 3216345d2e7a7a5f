/**
 * Zod building blocks shared by the clinical forms: measurements with a plausible range and a
 * unit, text, lists, the recording time and blood pressure. Every message is one plain sentence
 * that names the field and the rule, never the value typed (it may be patient data).
 */
import { z } from "zod";

/** A closed range of plausible values, in the field's unit. */
export interface Range {
  min: number;
  max: number;
}

/** Longest free text accepted in one field. */
export const MAX_TEXT = 1000;
/** Most entries accepted in one list (allergies, lesions, teeth...). */
export const MAX_ENTRIES = 64;

/** "between 50 and 300 mmHg" */
export function rangeText(range: Range, unit: string): string {
  return `between ${range.min} and ${range.max} ${unit}`;
}

/**
 * A number in `unit` within `range`; NaN and Infinity are refused like any non-number.
 * Message: "Systolic pressure must be between 50 and 300 mmHg."
 */
export function measurement(label: string, unit: string, range: Range) {
  const outside = `${label} must be ${rangeText(range, unit)}.`;
  return z
    .number({ error: `${label} must be a number in ${unit}.` })
    .min(range.min, { error: outside })
    .max(range.max, { error: outside });
}

/** Trimmed text, 1 to MAX_TEXT characters. */
export function requiredText(label: string) {
  return z
    .string({ error: `${label} must be text.` })
    .trim()
    .min(1, { error: `${label} is required.` })
    .max(MAX_TEXT, { error: `${label} is too long (at most ${MAX_TEXT} characters).` });
}

/** Trimmed text or nothing: blank text counts as not given. */
export function optionalText(label: string) {
  return z
    .string({ error: `${label} must be text.` })
    .trim()
    .max(MAX_TEXT, { error: `${label} is too long (at most ${MAX_TEXT} characters).` })
    .optional()
    .transform((v) => (v ? v : undefined));
}

/** One of `values`, with a message listing them. */
export function oneOf<const T extends readonly [string, ...string[]]>(label: string, values: T) {
  return z.enum(values, { error: `${label} must be one of ${values.join(", ")}.` });
}

/** A list of at most MAX_ENTRIES items; `min` entries required (@default 0). */
export function entries<T extends z.ZodType>(label: string, item: T, min = 0) {
  return z
    .array(item, { error: `${label} must be a list.` })
    .min(min, { error: `${label} needs at least ${min} ${min === 1 ? "entry" : "entries"}.` })
    .max(MAX_ENTRIES, { error: `${label} has too many entries (at most ${MAX_ENTRIES}).` });
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
/** Clocks differ: a time up to a day ahead of this machine's is accepted. */
const FUTURE_SLACK_MS = 24 * 3600 * 1000;
const EARLIEST = Date.parse("1900-01-01T00:00:00Z");

/** Date.parse rolls 30 February over into March: check the calendar day and the clock. */
function isRealDateTime(value: string): boolean {
  const [y, m, d, h, min] = value.split(/[-T:]/).map((part) => parseInt(part, 10));
  const day = new Date(Date.UTC(y, m - 1, d));
  return (
    !Number.isNaN(Date.parse(value)) &&
    day.getUTCFullYear() === y &&
    day.getUTCMonth() === m - 1 &&
    day.getUTCDate() === d &&
    h < 24 &&
    min < 60
  );
}

/** When the measurements were taken: an ISO 8601 date-time with a time zone, not in the future. An unreadable time gets one message only. */
export const recordedAt = z
  .string({ error: "Time of recording (recordedAt) is required." })
  .regex(DATE_TIME, {
    error: "Time of recording (recordedAt) must be a date and time with a time zone, e.g. 2026-01-31T12:00:00Z.",
  })
  .refine(isRealDateTime, { error: "Time of recording (recordedAt) is not a real date." })
  .refine((v) => !(Date.parse(v) < EARLIEST), { error: "Time of recording (recordedAt) cannot be before 1900." })
  .refine((v) => !(Date.parse(v) > Date.now() + FUTURE_SLACK_MS), {
    error: "Time of recording (recordedAt) cannot be in the future.",
  });

export const SYSTOLIC_MMHG: Range = { min: 50, max: 300 };
export const DIASTOLIC_MMHG: Range = { min: 20, max: 200 };
export const HEART_RATE_PER_MIN: Range = { min: 20, max: 300 };

/** Optional systolic and diastolic pressure fields (mmHg), checked together by `checkBloodPressure`. */
export const bloodPressureFields = {
  systolicMmHg: measurement("Systolic pressure", "mmHg", SYSTOLIC_MMHG).optional(),
  diastolicMmHg: measurement("Diastolic pressure", "mmHg", DIASTOLIC_MMHG).optional(),
};

/** Heart rate (pulse) in beats per minute. */
export const heartRate = measurement("Pulse", "beats per minute", HEART_RATE_PER_MIN).optional();

/** Both pressures or neither, and the diastolic below the systolic. */
export function checkBloodPressure(
  form: { systolicMmHg?: number; diastolicMmHg?: number },
  ctx: z.RefinementCtx,
): void {
  const { systolicMmHg: sys, diastolicMmHg: dia } = form;
  if ((sys === undefined) !== (dia === undefined)) {
    ctx.addIssue({
      code: "custom",
      path: [sys === undefined ? "systolicMmHg" : "diastolicMmHg"],
      message: "Enter both systolic and diastolic pressure, or neither.",
    });
  } else if (sys !== undefined && dia !== undefined && dia >= sys) {
    ctx.addIssue({
      code: "custom",
      path: ["diastolicMmHg"],
      message: "Diastolic pressure must be lower than systolic pressure.",
    });
  }
}
