/** Test helpers for the forms: deterministic UUIDs and one filled example of each form. */
import type { FormInput, FormKind } from "./forms";

/** UUIDs 00000000-0000-4000-8000-000000000001, ...2, ... in order. */
export function sequentialIds(): () => string {
  let n = 0;
  return () => `00000000-0000-4000-8000-${String(++n).padStart(12, "0")}`;
}

export const PATIENT = "Patient/p-1";
export const WHEN = "2026-03-14T09:30:00Z";

export const EXAMPLES: { [K in FormKind]: FormInput<K> } = {
  vitals: {
    recordedAt: WHEN,
    heightCm: 172,
    weightKg: 70,
    systolicMmHg: 128,
    diastolicMmHg: 82,
    pulsePerMin: 72,
    temperatureC: 36.8,
    glucose: { value: 5.5, unit: "mmol/L" },
    diabetes: "type-2",
    bloodGroup: "O-",
    allergies: [
      { substance: "Penicillin", category: "medication", reaction: "Hives", severity: "severe" },
      { substance: "Peanut", category: "food" },
    ],
  },
  cardiac: {
    recordedAt: WHEN,
    systolicMmHg: 142,
    diastolicMmHg: 91,
    heartRatePerMin: 64,
    ecg: { impression: "Sinus rhythm, left ventricular hypertrophy", interpretation: "abnormal" },
    lipids: { totalCholesterol: 210, ldl: 130, hdl: 45, triglycerides: 160 },
  },
  dermatology: {
    recordedAt: WHEN,
    lesions: [{ site: "Left forearm", description: "6 mm asymmetric pigmented macule", diagnosis: "Atypical naevus" }],
  },
  dentistry: {
    recordedAt: WHEN,
    notation: "Universal",
    findings: [{ tooth: 3, surfaces: ["O", "M"], finding: "Caries" }],
    procedures: [{ tooth: "3", surfaces: ["O", "M"], procedure: "Composite restoration" }, { procedure: "Scaling" }],
  },
};

/** The example of `kind` with `changes` applied (a key set to undefined is removed). */
export function example<K extends FormKind>(kind: K, changes: Record<string, unknown> = {}): unknown {
  const copy: Record<string, unknown> = { ...structuredClone(EXAMPLES[kind]), ...changes };
  for (const [key, value] of Object.entries(changes)) if (value === undefined) delete copy[key];
  return copy;
}
