/**
 * The reasons a doctor can give for emergency access. The chain keeps only the code (and a hash of
 * the written justification), so the names live here, once, for the doctor's form and the
 * patient's activity page.
 */
export const EMERGENCY_REASONS: Record<number, string> = {
  1: "Patient unconscious or unable to consent",
  2: "Life-threatening condition needing immediate treatment",
  3: "Suspected allergic reaction or drug interaction",
  4: "Trauma or accident",
  5: "Other urgent clinical need",
};

/** The reason's name, or its code when this version of the app does not know it. */
export function emergencyReasonLabel(code: number): string {
  return EMERGENCY_REASONS[code] ?? `Reason code ${code}`;
}
