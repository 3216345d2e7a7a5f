/**
 * Tooth numbers in the two notations dentists use, normalized to FDI (ISO 3950), the code
 * system FHIR R4's tooth codes use. FDI: quadrant digit then position, 11-48 for permanent teeth,
 * 51-85 for primary teeth. Universal (ADA): 1-32 for permanent teeth, A-T for primary teeth.
 */

export const TOOTH_NOTATIONS = ["FDI", "Universal"] as const;
export type ToothNotation = (typeof TOOTH_NOTATIONS)[number];

/** The FDI number of a tooth written in `notation`, or undefined when it names no tooth. */
export function toFdi(tooth: string, notation: ToothNotation): string | undefined {
  const t = tooth.trim().toUpperCase();
  if (notation === "FDI") {
    const m = /^([1-8])([1-8])$/.exec(t);
    if (!m) return undefined;
    const quadrant = +m[1];
    return quadrant <= 4 || +m[2] <= 5 ? t : undefined;
  }
  if (/^\d{1,2}$/.test(t)) {
    const n = +t;
    if (n < 1 || n > 32) return undefined;
    // 1-8 upper right (18..11), 9-16 upper left (21..28), 17-24 lower left (38..31), 25-32 lower right (41..48).
    const quadrant = Math.floor((n - 1) / 8);
    const k = (n - 1) % 8;
    return String([10 + (8 - k), 20 + (k + 1), 30 + (8 - k), 40 + (k + 1)][quadrant]);
  }
  if (/^[A-T]$/.test(t)) {
    const n = t.charCodeAt(0) - 65;
    // A-E upper right (55..51), F-J upper left (61..65), K-O lower left (75..71), P-T lower right (81..85).
    const quadrant = Math.floor(n / 5);
    const k = n % 5;
    return String([50 + (5 - k), 60 + (k + 1), 70 + (5 - k), 80 + (k + 1)][quadrant]);
  }
  return undefined;
}

/** What a valid tooth number looks like in `notation`, for messages. */
export function toothRule(notation: ToothNotation): string {
  return notation === "FDI"
    ? "an FDI number (11-48 for permanent teeth, 51-85 for primary teeth)"
    : "a Universal number (1-32 for permanent teeth, A-T for primary teeth)";
}
