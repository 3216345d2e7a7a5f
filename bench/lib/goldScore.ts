/**
 * Scores summaries against the hand-annotated gold standard (bench/data/gold/part-*.jsonl), with
 * the matching rule of bench/data/ANNOTATION.md (lib/summary/goldMatch.ts). One note gives counts
 * and the list of its errors; counts add up per gold part and overall.
 */
import { allergyMatches, medicationMatches, pairItems } from "../../lib/summary/goldMatch";
import type { ClinicalSummary, Item } from "../../lib/summary/types";

export type GoldLine = {
  note_id: number;
  allergies: { substance: string; reaction?: string | null }[];
  noKnownAllergies: boolean;
  medications: { name: string }[];
  noMedications: boolean;
  dischargeMedications: { name: string }[];
  traps: {
    discharge: string[];
    procedural: string[];
    plan: string[];
    discontinued: string[];
    reviewOfSystems: boolean;
  };
};

export const TRAPS = ["discharge", "procedural", "plan", "discontinued"] as const;

export type Counts = {
  notes: number;
  allergy: { tp: number; emitted: number; gold: number };
  medication: { tp: number; emitted: number; gold: number };
  discharge: { tp: number; emitted: number; gold: number };
  nka: { gold: number; detected: number; emittedWhenNotGold: number; falseAlarmsOnAllergen: number };
  noMedications: { gold: number; detected: number; emittedWhenNotGold: number };
  negatives: { notes: number; notesWithItems: number; items: number };
  /** Drugs the summary says the note stops: the gold's discontinued drugs, or its current ones (a current drug hidden). */
  stopped: { emitted: number; goldDiscontinued: number; goldCurrent: number };
  traps: Record<(typeof TRAPS)[number] | "reviewOfSystems", number>;
};

export type GoldError = { noteId: number; field: string; kind: "emitted" | "missed"; item: string; sentence: string };

export function emptyCounts(): Counts {
  return {
    notes: 0,
    allergy: { tp: 0, emitted: 0, gold: 0 },
    medication: { tp: 0, emitted: 0, gold: 0 },
    discharge: { tp: 0, emitted: 0, gold: 0 },
    nka: { gold: 0, detected: 0, emittedWhenNotGold: 0, falseAlarmsOnAllergen: 0 },
    noMedications: { gold: 0, detected: 0, emittedWhenNotGold: 0 },
    negatives: { notes: 0, notesWithItems: 0, items: 0 },
    stopped: { emitted: 0, goldDiscontinued: 0, goldCurrent: 0 },
    traps: { discharge: 0, procedural: 0, plan: 0, discontinued: 0, reviewOfSystems: 0 },
  };
}

/** Adds `b` into `a`, field by field. */
export function addCounts(a: Counts, b: Counts): void {
  const add = (x: Record<string, unknown>, y: Record<string, unknown>): void => {
    for (const k of Object.keys(y)) {
      if (typeof y[k] === "number") x[k] = (x[k] as number) + (y[k] as number);
      else add(x[k] as Record<string, unknown>, y[k] as Record<string, unknown>);
    }
  };
  add(a as unknown as Record<string, unknown>, b as unknown as Record<string, unknown>);
}

/** The sentence (or list line) around [start, end): what a reader checks an error against. */
export function sentenceAround(text: string, start: number, end: number): string {
  const isStop = (i: number): boolean =>
    text[i] === "\n" ||
    (text[i] === "." && /\s|,/.test(text[i + 1] ?? " ")) ||
    (text[i] === "," && /\S/.test(text[i + 1] ?? " ") && !/\d/.test(text[i + 1] ?? ""));
  let s = start;
  while (s > 0 && start - s < 160 && !isStop(s - 1)) s--;
  let e = end;
  while (e < text.length && e - end < 160 && !isStop(e)) e++;
  return text.slice(s, e).replace(/\s+/g, " ").trim();
}

function locate(text: string, needle: string): string {
  const lower = text.toLowerCase();
  let at = lower.indexOf(needle.toLowerCase());
  if (at === -1) at = lower.indexOf(needle.toLowerCase().split(/\s+/)[0]);
  return at === -1 ? "(not found verbatim)" : sentenceAround(text, at, at + needle.length);
}

const allergyName = (i: Item): string => i.allergy?.substance ?? i.text;
const medicationName = (i: Item): string => i.medication?.name ?? i.text;

/** Scores one note's summary against its gold line. */
export function scoreNote(
  text: string,
  gold: GoldLine,
  summary: ClinicalSummary,
): { counts: Counts; errors: GoldError[] } {
  const c = emptyCounts();
  const errors: GoldError[] = [];
  c.notes = 1;
  const score = (
    field: string,
    items: Item[],
    name: (i: Item) => string,
    goldNames: string[],
    match: (e: string, g: string) => boolean,
    acc: { tp: number; emitted: number; gold: number },
  ): number[] => {
    const p = pairItems(items.map(name), goldNames, match);
    acc.tp += p.matched.length;
    acc.emitted += items.length;
    acc.gold += goldNames.length;
    for (const i of p.unmatchedEmitted) {
      const it = items[i];
      errors.push({
        noteId: gold.note_id,
        field,
        kind: "emitted",
        item: it.text,
        sentence: sentenceAround(text, it.span.start, it.span.end),
      });
    }
    for (const j of p.unmatchedGold) {
      errors.push({
        noteId: gold.note_id,
        field,
        kind: "missed",
        item: goldNames[j],
        sentence: locate(text, goldNames[j]),
      });
    }
    return p.unmatchedEmitted;
  };
  score(
    "allergies",
    summary.allergies,
    allergyName,
    gold.allergies.map((a) => a.substance),
    allergyMatches,
    c.allergy,
  );
  const falseMeds = score(
    "medications",
    summary.medications,
    medicationName,
    gold.medications.map((m) => m.name),
    medicationMatches,
    c.medication,
  );
  score(
    "dischargeMedications",
    summary.dischargeMedications ?? [],
    medicationName,
    gold.dischargeMedications.map((m) => m.name),
    medicationMatches,
    c.discharge,
  );

  for (const it of summary.stoppedMedications ?? []) {
    const name = medicationName(it);
    c.stopped.emitted++;
    if (gold.traps.discontinued.some((t) => medicationMatches(name, t))) c.stopped.goldDiscontinued++;
    if (gold.medications.some((m) => medicationMatches(name, m.name))) {
      c.stopped.goldCurrent++;
      const sentence = sentenceAround(text, it.span.start, it.span.end);
      errors.push({ noteId: gold.note_id, field: "stoppedMedications", kind: "emitted", item: it.text, sentence });
    }
  }

  const nka = summary.noKnownAllergies;
  if (gold.noKnownAllergies) c.nka.gold++;
  if (gold.noKnownAllergies && nka) c.nka.detected++;
  if (!gold.noKnownAllergies && nka) c.nka.emittedWhenNotGold++;
  if (gold.allergies.length > 0 && nka) c.nka.falseAlarmsOnAllergen++;
  if (nka !== gold.noKnownAllergies) {
    errors.push({
      noteId: gold.note_id,
      field: "noKnownAllergies",
      kind: nka ? "emitted" : "missed",
      item: "NKA",
      sentence: locate(text, "allerg"),
    });
  }
  const noMeds = summary.noMedications === true;
  if (gold.noMedications) c.noMedications.gold++;
  if (gold.noMedications && noMeds) c.noMedications.detected++;
  if (!gold.noMedications && noMeds) c.noMedications.emittedWhenNotGold++;
  if (noMeds !== gold.noMedications) {
    errors.push({
      noteId: gold.note_id,
      field: "noMedications",
      kind: noMeds ? "emitted" : "missed",
      item: "no medications",
      sentence: locate(text, "medication"),
    });
  }

  const negative =
    gold.allergies.length === 0 &&
    gold.medications.length === 0 &&
    gold.dischargeMedications.length === 0 &&
    !gold.noKnownAllergies &&
    !gold.noMedications;
  if (negative) {
    const items = summary.allergies.length + summary.medications.length + (summary.dischargeMedications?.length ?? 0);
    c.negatives.notes++;
    c.negatives.items += items;
    if (items > 0 || nka || noMeds) c.negatives.notesWithItems++;
  }

  for (const i of falseMeds) {
    const name = medicationName(summary.medications[i]);
    for (const trap of TRAPS) if (gold.traps[trap].some((t) => medicationMatches(name, t))) c.traps[trap]++;
  }
  if (gold.traps.reviewOfSystems && gold.allergies.length === 0) c.traps.reviewOfSystems += summary.allergies.length;
  return { counts: c, errors };
}

const ratio = (num: number, den: number): number | null => (den === 0 ? null : Math.round((num / den) * 1000) / 1000);

/** The figures reported for a set of counts. */
export function figures(c: Counts): Record<string, unknown> {
  return {
    notes: c.notes,
    allergyPrecision: ratio(c.allergy.tp, c.allergy.emitted),
    allergyRecall: ratio(c.allergy.tp, c.allergy.gold),
    nkaDetection: ratio(c.nka.detected, c.nka.gold),
    nkaFalseAlarmsOnAllergen: c.nka.falseAlarmsOnAllergen,
    nkaEmittedWhenNotGold: c.nka.emittedWhenNotGold,
    medicationPrecision: ratio(c.medication.tp, c.medication.emitted),
    medicationRecall: ratio(c.medication.tp, c.medication.gold),
    noMedicationsDetection: ratio(c.noMedications.detected, c.noMedications.gold),
    noMedicationsEmittedWhenNotGold: c.noMedications.emittedWhenNotGold,
    dischargePrecision: ratio(c.discharge.tp, c.discharge.emitted),
    dischargeRecall: ratio(c.discharge.tp, c.discharge.gold),
    negativeNotes: c.negatives.notes,
    negativeNotesWithItems: c.negatives.notesWithItems,
    negativeItems: c.negatives.items,
    stoppedEmitted: c.stopped.emitted,
    stoppedGoldDiscontinued: c.stopped.goldDiscontinued,
    stoppedGoldCurrent: c.stopped.goldCurrent,
    trapDischarge: c.traps.discharge,
    trapProcedural: c.traps.procedural,
    trapPlan: c.traps.plan,
    trapDiscontinued: c.traps.discontinued,
    trapReviewOfSystems: c.traps.reviewOfSystems,
    counts: c,
  };
}
