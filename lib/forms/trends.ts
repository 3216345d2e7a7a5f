/**
 * Time series for charts, from any mix of FHIR R4 Bundles and resources: our forms' Bundles and
 * imported ones (Synthea transaction Bundles, bulk-export lines). Reads Observations of weight,
 * BMI, blood pressure (the 85354-9 or 55284-4 panel's components, or lone 8480-6/8462-4), blood
 * glucose and total cholesterol; converts units (lb and g to kg, mmol/L glucose and cholesterol to
 * mg/dL, each point keeping the unit it was written in), sorts by time and
 * removes duplicates (the same metric, instant and value, e.g. a record imported twice).
 * Observations it cannot place (no time, unknown unit, entered in error) are left out.
 */
import { LOINC, OBSERVATION_CODES } from "./codes";
import { MG_DL_PER_MMOL_L } from "./units";

export const TREND_METRICS = ["weight", "bmi", "systolic", "diastolic", "glucose", "cholesterol"] as const;
export type TrendMetric = (typeof TREND_METRICS)[number];

/** The unit every point of a metric is given in (UCUM). */
export const TREND_UNITS: Record<TrendMetric, string> = {
  weight: "kg",
  bmi: "kg/m2",
  systolic: "mm[Hg]",
  diastolic: "mm[Hg]",
  glucose: "mg/dL",
  cholesterol: "mg/dL",
};

export interface TrendPoint {
  /** The Observation's time as written (effectiveDateTime, period start, instant or issued). */
  time: string;
  /** Milliseconds since 1970, for sorting and plotting. */
  epochMs: number;
  /** In TREND_UNITS[metric], to two decimals. */
  value: number;
  /** The unit the Observation wrote the value in (its UCUM code, else its unit), e.g. "mmol/L". */
  unit: string;
  /** "Observation/<id>" the point came from. */
  source: string;
}

export type Trends = Record<TrendMetric, TrendPoint[]>;

const c = OBSERVATION_CODES;
const BLOOD_PRESSURE_PANELS = new Set([c.bloodPressure.code, "55284-4"]);
/** Codes read as one metric, each with the units it may come in and the factor to the metric's unit. */
const SINGLE_VALUE: Record<string, { metric: TrendMetric; units: Record<string, number> }> = {};
const WEIGHT_UNITS = { kg: 1, g: 0.001, "[lb_av]": 0.45359237, lb: 0.45359237, lbs: 0.45359237 };
const concentrationUnits = (mgDlPerMmolL: number) => ({
  "mg/dL": 1,
  "mg/dl": 1,
  "mmol/L": mgDlPerMmolL,
  "mmol/l": mgDlPerMmolL,
});
const PRESSURE_UNITS = { "mm[Hg]": 1, mmHg: 1 };
for (const code of [c.weight.code, "3141-9"]) SINGLE_VALUE[code] = { metric: "weight", units: WEIGHT_UNITS };
SINGLE_VALUE[c.bmi.code] = { metric: "bmi", units: { "kg/m2": 1, "kg/m^2": 1 } };
SINGLE_VALUE[c.systolic.code] = { metric: "systolic", units: PRESSURE_UNITS };
SINGLE_VALUE[c.diastolic.code] = { metric: "diastolic", units: PRESSURE_UNITS };
// Glucose in blood, serum/plasma, and by glucometer; by mass (mg/dL) or by moles (mmol/L).
for (const code of [c.glucose.code, "2345-7", "41653-7", "15074-8", "14749-6"])
  SINGLE_VALUE[code] = { metric: "glucose", units: concentrationUnits(MG_DL_PER_MMOL_L.glucose) };
// Total cholesterol in serum/plasma, by mass or by moles.
for (const code of [c.totalCholesterol.code, c.totalCholesterolMolar.code])
  SINGLE_VALUE[code] = { metric: "cholesterol", units: concentrationUnits(MG_DL_PER_MMOL_L.cholesterol) };

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

function loincCodes(concept: unknown): string[] {
  if (!isObject(concept) || !Array.isArray(concept.coding)) return [];
  return concept.coding.flatMap((coding) =>
    isObject(coding) && typeof coding.code === "string" && (coding.system === undefined || coding.system === LOINC)
      ? [coding.code]
      : [],
  );
}

interface Reading {
  metric: TrendMetric;
  /** In the metric's unit. */
  value: number;
  /** As written. */
  unit: string;
}

/** The value in the metric's unit and the unit it was written in, or undefined when the unit is not one we convert. */
function normalized(quantity: unknown, units: Record<string, number>): { value: number; unit: string } | undefined {
  if (!isObject(quantity) || typeof quantity.value !== "number" || !Number.isFinite(quantity.value)) return undefined;
  const unit = typeof quantity.code === "string" ? quantity.code : quantity.unit;
  const factor = typeof unit === "string" ? units[unit] : undefined;
  return factor === undefined || typeof unit !== "string"
    ? undefined
    : { value: Math.round(quantity.value * factor * 100) / 100, unit };
}

function timeOf(o: Json): string | undefined {
  const period = isObject(o.effectivePeriod) ? o.effectivePeriod.start : undefined;
  const time = [o.effectiveDateTime, period, o.effectiveInstant, o.issued].find((t) => typeof t === "string");
  return typeof time === "string" && !Number.isNaN(Date.parse(time)) ? time : undefined;
}

/** The readings one Observation gives. */
function readings(o: Json): Reading[] {
  const out: Reading[] = [];
  for (const code of loincCodes(o.code)) {
    if (BLOOD_PRESSURE_PANELS.has(code) && Array.isArray(o.component)) {
      for (const component of o.component) {
        if (!isObject(component)) continue;
        for (const part of loincCodes(component.code)) {
          const single = SINGLE_VALUE[part];
          if (single?.metric !== "systolic" && single?.metric !== "diastolic") continue;
          const value = normalized(component.valueQuantity, single.units);
          if (value !== undefined) out.push({ metric: single.metric, ...value });
        }
      }
      return out;
    }
    const single = SINGLE_VALUE[code];
    if (single) {
      const value = normalized(o.valueQuantity, single.units);
      if (value !== undefined) out.push({ metric: single.metric, ...value });
      return out;
    }
  }
  return out;
}

/** Every resource in `input`: Bundles are opened (nested too), arrays walked. */
function* resourcesOf(input: unknown): Generator<Json> {
  if (Array.isArray(input)) {
    for (const item of input) yield* resourcesOf(item);
  } else if (isObject(input)) {
    if (input.resourceType === "Bundle" && Array.isArray(input.entry)) {
      for (const entry of input.entry) if (isObject(entry)) yield* resourcesOf(entry.resource);
    } else {
      yield input;
    }
  }
}

const LEFT_OUT_STATUSES = new Set(["entered-in-error", "cancelled"]);

/** The weight, BMI, blood pressure, glucose and total cholesterol series of `input` (Bundles, resources, or lists of them). */
export function extractTrends(input: unknown): Trends {
  const trends = Object.fromEntries(TREND_METRICS.map((m) => [m, [] as TrendPoint[]])) as Trends;
  const seen = new Set<string>();
  for (const o of resourcesOf(input)) {
    if (o.resourceType !== "Observation" || LEFT_OUT_STATUSES.has(String(o.status))) continue;
    const time = timeOf(o);
    if (!time) continue;
    const epochMs = Date.parse(time);
    for (const { metric, value, unit } of readings(o)) {
      const key = `${metric}|${epochMs}|${value}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const source = `Observation/${typeof o.id === "string" ? o.id : ""}`;
      trends[metric].push({ time, epochMs, value, unit, source });
    }
  }
  for (const metric of TREND_METRICS) trends[metric].sort((a, b) => a.epochMs - b.epochMs || a.value - b.value);
  return trends;
}
