/**
 * Record categories: bit `c` of a consent grant's 32-bit mask covers category `c`. The contract
 * only knows numbers; names and FHIR mappings live here, once, for the web, the API and the tests.
 * Category 0 is the patient's general details, the one full record an emergency window opens.
 */
export const Category = {
  GeneralDetails: 0,
  Allergies: 1,
  Medications: 2,
  Conditions: 3,
  Procedures: 4,
  Immunizations: 5,
  LabResults: 6,
  VitalSigns: 7,
  Imaging: 8,
  ClinicalNotes: 9,
  Prescriptions: 10,
  TestOrders: 11,
  Encounters: 12,
  CarePlans: 13,
} as const;

export type CategoryName = keyof typeof Category;
export type CategoryId = (typeof Category)[CategoryName];

/** Plain names for people. */
export const CATEGORY_LABELS: Record<CategoryId, string> = {
  0: "General details",
  1: "Allergies",
  2: "Medications",
  3: "Conditions",
  4: "Procedures",
  5: "Immunizations",
  6: "Lab results",
  7: "Vital signs",
  8: "Imaging",
  9: "Clinical notes and reports",
  10: "Prescriptions",
  11: "Test orders",
  12: "Visits and admissions",
  13: "Care plans",
};

export const ALL_CATEGORIES_MASK = 0xffffffff;

/** The grant bitmask covering `categories`. */
export function categoryMask(categories: readonly CategoryId[]): number {
  let mask = 0;
  for (const c of categories) mask |= 1 << c;
  return mask >>> 0;
}

/** The categories a bitmask covers, among the known ones. */
export function categoriesOf(mask: number): CategoryId[] {
  return (Object.values(Category) as CategoryId[]).filter((c) => ((mask >>> c) & 1) === 1);
}

export function isCategoryId(value: number): value is CategoryId {
  return Number.isInteger(value) && value >= 0 && value in CATEGORY_LABELS;
}
