/**
 * Observations in words for people: a summary line such as "Blood pressure panel with all children
 * optional: Systolic blood pressure: 131 mm[Hg], Diastolic blood pressure: 84 mm[Hg]" reads
 * "Blood pressure 131/84 mmHg", "Body temperature: 36.8 Cel" reads "Temperature 36.8 °C", and a
 * bare LOINC code gets its name. Applied when showing a summary, so older records read well too.
 */
import { OBSERVATION_CODES } from "../forms/codes";

/** UCUM codes as people write the unit. */
const UNITS: [RegExp, string][] = [
  [/^mm\[Hg\]$/, "mmHg"],
  [/^Cel$/, "°C"],
  [/^\[degF\]$/, "°F"],
  [/^kg\/m2$/, "kg/m²"],
  [/^\{[a-z]+\}\/min$/, "/min"],
  [/^\[in_i\]$/, "in"],
  [/^\[lb_av\]$/, "lb"],
  [/^10\*3\/uL$/, "×10³/µL"],
  [/^10\*6\/uL$/, "×10⁶/µL"],
  [/^10\*9\/L$/, "×10⁹/L"],
  [/^ug\/dL$/, "µg/dL"],
  [/^\{score\}$/, "points"],
];

/** Long LOINC names and the words a clinician uses. */
const NAMES: [RegExp, string][] = [
  [/^body temperature|^oral temperature|^temperature/i, "Temperature"],
  [/^body height/i, "Height"],
  [/^body weight/i, "Weight"],
  [/^body mass index.*/i, "BMI"],
  [/^heart rate/i, "Heart rate"],
  [/^respiratory rate/i, "Respiratory rate"],
  [/^glucose \[mass\/volume\] in blood/i, "Blood glucose"],
  [/^abo and rh group.*/i, "Blood group"],
  [/^cholesterol \[mass\/volume\] in serum or plasma/i, "Total cholesterol"],
  [/^cholesterol in ldl.*/i, "LDL cholesterol"],
  [/^cholesterol in hdl.*/i, "HDL cholesterol"],
  [/^triglyceride.*/i, "Triglycerides"],
  [/^hemoglobin a1c.*/i, "Hemoglobin A1c"],
  [/^oxygen saturation.*/i, "Oxygen saturation"],
];

const LOINC_NAMES = new Map<string, string>(Object.values(OBSERVATION_CODES).map((c) => [c.code, c.display]));

function plainUnit(unit: string): string {
  for (const [code, words] of UNITS) if (code.test(unit)) return words;
  return unit;
}

/** "Glucose [Mass/volume] in Blood" → "Blood glucose"; a LOINC code → its name; other names keep their words. */
function plainName(name: string): string {
  const trimmed = name.trim();
  const named = LOINC_NAMES.get(trimmed) ?? trimmed;
  for (const [pattern, words] of NAMES) if (pattern.test(named)) return named.replace(pattern, words);
  // LOINC's property brackets ("[Mass/volume]", "[Moles/volume]") say nothing to a reader.
  return named.replace(/\s*\[[A-Za-z/#. ]+\]/g, "");
}

const BLOOD_PRESSURE = /^(?:blood pressure|85354-9|55284-4)[^:]*:/i;
const reading = (label: string, text: string) => new RegExp(`${label}[^:]*:\\s*([\\d.]+)`, "i").exec(text)?.[1] ?? null;

/** One summary line of a vital sign or result, in words. Lines that are not "name: value" pass unchanged. */
export function plainObservation(text: string): string {
  if (BLOOD_PRESSURE.test(text)) {
    const systolic = reading("systolic", text);
    const diastolic = reading("diastolic", text);
    if (systolic && diastolic) return `Blood pressure ${systolic}/${diastolic} mmHg`;
  }
  const m = /^([^:]+):\s*(.+)$/.exec(text.trim());
  if (!m) return text;
  const [, name, value] = m;
  const quantity = /^([<>≤≥]?\s*-?\d[\d.,]*)\s*(\S+)?$/.exec(value);
  if (quantity) return `${plainName(name)} ${quantity[1]}${quantity[2] ? ` ${plainUnit(quantity[2])}` : ""}`;
  return `${plainName(name)}: ${value}`;
}
