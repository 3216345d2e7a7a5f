/**
 * Lab concentrations come in mass units (mg/dL, the US) or molar units (mmol/L, most other
 * countries). A form stores a value in the unit it was entered in; charts convert with these.
 */
import type { Range } from "./fields";

/** The two units glucose and lipids are entered in (UCUM codes, also printed as is). */
export const CONCENTRATION_UNITS = ["mg/dL", "mmol/L"] as const;
export type ConcentrationUnit = (typeof CONCENTRATION_UNITS)[number];

/**
 * mg/dL in one mmol/L of each analyte: a tenth of its molar mass in g/mol (glucose 180.16;
 * cholesterol 386.7, for total, LDL and HDL alike; triglycerides as triolein, 885.7).
 */
export const MG_DL_PER_MMOL_L = {
  glucose: 18.016,
  cholesterol: 38.67,
  triglycerides: 88.57,
} as const;
export type Analyte = keyof typeof MG_DL_PER_MMOL_L;

const round = (value: number, decimals: number) => Math.round(value * 10 ** decimals) / 10 ** decimals;

/** `value` of `analyte` in `unit` as mg/dL, to one decimal. */
export function toMgDl(analyte: Analyte, value: number, unit: ConcentrationUnit): number {
  return unit === "mg/dL" ? value : round(value * MG_DL_PER_MMOL_L[analyte], 1);
}

/** `mgDl` of `analyte` in `unit`: mg/dL to one decimal, mmol/L to two. */
export function fromMgDl(analyte: Analyte, mgDl: number, unit: ConcentrationUnit): number {
  return unit === "mg/dL" ? round(mgDl, 1) : round(mgDl / MG_DL_PER_MMOL_L[analyte], 2);
}

/** A mg/dL range in `unit`, widened outwards to one decimal so a boundary value typed either way passes. */
export function rangeIn(analyte: Analyte, mgDl: Range, unit: ConcentrationUnit): Range {
  if (unit === "mg/dL") return mgDl;
  const factor = MG_DL_PER_MMOL_L[analyte];
  return { min: Math.floor((mgDl.min / factor) * 10) / 10, max: Math.ceil((mgDl.max / factor) * 10) / 10 };
}
