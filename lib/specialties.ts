/**
 * Doctors' specialty codes: the chain stores a uint16 (IProviderRegistry.DoctorView.specialty);
 * names live here, once, for the web and the admin tasks. The demo seed uses 1 (cardiology) and
 * 2 (general practice). Codes without a name show as "Specialty <code>".
 */
export const SPECIALTY_LABELS: Readonly<Record<number, string>> = {
  0: "Not stated",
  1: "Cardiology",
  2: "General practice",
  3: "Internal medicine",
  4: "Paediatrics",
  5: "Obstetrics and gynaecology",
  6: "Surgery",
  7: "Psychiatry",
  8: "Dermatology",
  9: "Neurology",
  10: "Oncology",
  11: "Emergency medicine",
  12: "Radiology",
  13: "Orthopaedics",
  14: "Ophthalmology",
};

/** The plain name of a specialty code. */
export function specialtyLabel(code: number): string {
  return SPECIALTY_LABELS[code] ?? `Specialty ${code}`;
}
