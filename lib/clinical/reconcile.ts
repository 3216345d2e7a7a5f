/**
 * One reconciled list of allergies and medications from everything a reader could open: the
 * general details, FHIR records (clinical forms, imported Bundles, prescriptions), and what
 * authors confirmed when they reviewed an extraction; then, apart, what notes mention but nobody
 * confirmed, each with its sentence. De-duplicated by substance (case and spacing ignored),
 * keeping the most severe reaction. The emergency card and the patient's records render it.
 */
import type { GeneralDetails } from "../fhir/generalDetails";
import { drugKey, drugOf, sameDrug } from "../summary/drugNames";
import { summarizeFhirBundle } from "../summary/summarizeFhirBundle";
import type { StoredSummary } from "../summary/stored";
import type { AllergySeverity, Item } from "../summary/types";
import { isSevere, type CheckedAllergy } from "./allergyCheck";

/** Where a confirmed item comes from, for people. */
export type ConfirmedSource = "General details" | "Clinical form or FHIR record" | "Confirmed from a report";

/** A summary and the record it belongs to (the record's number as the reader shows it). */
export interface SummarySource {
  stored: StoredSummary;
  /** e.g. "record 3"; shown beside mentions so the reader can open it. */
  record?: string;
}

export interface ReconciledAllergy {
  substance: string;
  reaction: string | null;
  severity: AllergySeverity | null;
  confirmed: true;
  sources: ConfirmedSource[];
}

export interface ReconciledMedication {
  name: string;
  dose: string | null;
  frequency: string | null;
  sources: ConfirmedSource[];
  /** A report stops this drug (the last that does): the reader checks before taking it as current. */
  stoppedBy?: StoppedMention;
}

/** A drug a report stops ("Stop atorvastatin."), or a FHIR record marks stopped, finished or not taken. */
export interface StoppedMention {
  name: string;
  /** The report's words; null for a FHIR record (its status says it). */
  sentence: string | null;
  record?: string;
}

/** An item a note mentions that nobody confirmed: what it names and the note's words. */
export interface Mention {
  /** The substance or drug name (the engine's, else the item's text). */
  name: string;
  /** The sentence or line of the report it was read from. */
  sentence: string;
  record?: string;
  reaction: string | null;
  severity: AllergySeverity | null;
  confirmed: false;
  /** Medications: a report stops this drug (the last that does). */
  stoppedBy?: StoppedMention;
}

export interface ReconciledList {
  allergies: ReconciledAllergy[];
  allergyMentions: Mention[];
  medications: ReconciledMedication[];
  medicationMentions: Mention[];
  /** No allergy is known from any source, and a source says "no known allergies". */
  noKnownAllergies: boolean;
  /** No medication is known from any source, and a source says the patient takes none. */
  noMedications: boolean;
  /** Drugs reports stop that are neither confirmed nor mentioned as current (those carry `stoppedBy`). */
  stoppedMedications: StoppedMention[];
}

/** The key two spellings of one substance share: case and spacing ignored. */
export function substanceKey(name: string): string {
  return name.trim().toLowerCase().replace(/\s+/g, " ");
}

const RANK: Record<AllergySeverity, number> = { mild: 1, moderate: 2, severe: 3 };
const rank = (a: { severity: AllergySeverity | null; reaction: string | null }) =>
  (a.severity ? RANK[a.severity] : 0) * 2 + (isSevere(a) ? 1 : 0) + (a.reaction ? 0.5 : 0);

interface Found {
  allergies: { name: string; reaction: string | null; severity: AllergySeverity | null; source: ConfirmedSource }[];
  medications: { name: string; dose: string | null; frequency: string | null; source: ConfirmedSource }[];
}

function confirmedItems(items: Item[], source: ConfirmedSource, found: Found, field: "allergies" | "medications") {
  for (const item of items) {
    if (item.negated) continue;
    if (field === "allergies") {
      found.allergies.push({
        name: item.allergy?.substance ?? item.text,
        reaction: item.allergy?.reaction ?? null,
        severity: item.allergy?.severity ?? null,
        source,
      });
    } else {
      found.medications.push({
        name: item.medication?.name ?? item.text,
        dose: item.medication?.dose ?? null,
        frequency: item.medication?.frequency ?? null,
        source,
      });
    }
  }
}

function mentionsOf(items: Item[], reviewed: number[], record: string | undefined, field: "allergies" | "medications") {
  return items.flatMap((item, i): Mention[] =>
    item.negated || reviewed.includes(i)
      ? []
      : [
          {
            name: (field === "allergies" ? item.allergy?.substance : item.medication?.name) ?? item.text,
            sentence: item.text,
            record,
            reaction: item.allergy?.reaction ?? null,
            severity: item.allergy?.severity ?? null,
            confirmed: false,
          },
        ],
  );
}

/**
 * One entry per substance key: the first found creates it (its spelling kept), each later one adds
 * its source once and `update` decides what else it changes.
 */
function mergeFound<F extends { name: string; source: ConfirmedSource }, R extends { sources: ConfirmedSource[] }>(
  found: F[],
  create: (f: F) => R,
  update: (known: R, f: F) => void,
): R[] {
  const byKey = new Map<string, R>();
  for (const f of found) {
    const key = substanceKey(f.name);
    if (!key) continue;
    const known = byKey.get(key);
    if (!known) {
      byKey.set(key, create(f));
      continue;
    }
    if (!known.sources.includes(f.source)) known.sources.push(f.source);
    update(known, f);
  }
  return [...byKey.values()];
}

/** Merges entries with one key: first spelling kept, every source listed, the most severe reaction kept. */
function mergeAllergies(found: Found["allergies"]): ReconciledAllergy[] {
  const merged = mergeFound(
    found,
    (f): ReconciledAllergy => ({
      substance: f.name.trim(),
      reaction: f.reaction,
      severity: f.severity,
      confirmed: true,
      sources: [f.source],
    }),
    (known, f) => {
      if (rank(f) > rank(known)) {
        known.reaction = f.reaction ?? known.reaction;
        known.severity = f.severity ?? known.severity;
      }
    },
  );
  // Severe first: the first line of the card is the one that matters.
  return merged.sort((a, b) => rank(b) - rank(a));
}

/** Merges entries with one key: first spelling kept, every source listed, a missing dose or frequency filled in. */
function mergeMedications(found: Found["medications"]): ReconciledMedication[] {
  return mergeFound(
    found,
    (f): ReconciledMedication => ({ name: f.name.trim(), dose: f.dose, frequency: f.frequency, sources: [f.source] }),
    (known, f) => {
      known.dose ??= f.dose;
      known.frequency ??= f.frequency;
    },
  );
}

/** Mentions not confirmed anywhere, one per name (the most severe kept). */
function openMentions(mentions: Mention[], confirmedKeys: Set<string>): Mention[] {
  const byKey = new Map<string, Mention>();
  for (const m of mentions) {
    const key = substanceKey(m.name);
    if (!key || confirmedKeys.has(key)) continue;
    const known = byKey.get(key);
    if (!known || rank(m) > rank(known)) byKey.set(key, m);
  }
  return [...byKey.values()];
}

/** One stop per drug, whatever name each stop used ("Stop Coumadin", "warfarin discontinued"), the last one kept. */
function openStops(stops: StoppedMention[]): StoppedMention[] {
  const byKey = new Map<string, StoppedMention>();
  for (const stop of stops) {
    const key = drugKey(stop.name) ?? substanceKey(stop.name);
    if (!key) continue;
    byKey.delete(key);
    byKey.set(key, stop);
  }
  return [...byKey.values()];
}

/**
 * The reconciled list of a patient from the general details and the summaries a reader opened.
 * FHIR summaries (forms, imported records, prescriptions) count as confirmed; text and PDF
 * summaries give mentions, except the items their author reviewed, whose outcome is the review's
 * confirmed resources.
 */
export function reconcile(input: { details?: GeneralDetails; summaries: SummarySource[] }): ReconciledList {
  const found: Found = { allergies: [], medications: [] };
  const allergyMentions: Mention[] = [];
  const medicationMentions: Mention[] = [];
  const details = input.details;
  for (const name of details?.allergies ?? [])
    found.allergies.push({ name, reaction: null, severity: null, source: "General details" });
  for (const name of details?.currentMedications ?? [])
    found.medications.push({ name, dose: null, frequency: null, source: "General details" });

  let saysNoAllergies = false;
  let saysNoMedications = false;
  const stops: StoppedMention[] = [];
  for (const { stored, record } of input.summaries) {
    const { summary, review } = stored;
    // A record that stops a drug it also lists as current (a FHIR history: stopped in 2015, prescribed
    // again since) says nothing about it now.
    const current = summary.medications.map((i) => drugOf(i.medication?.name ?? i.text));
    for (const item of summary.stoppedMedications ?? []) {
      const name = item.medication?.name ?? item.text;
      const stopped = drugOf(name);
      if (current.some((c) => sameDrug(c, stopped))) continue;
      stops.push({ name, sentence: stored.source === "fhir" ? null : item.text, record });
    }
    saysNoAllergies ||= summary.noKnownAllergies;
    saysNoMedications ||= summary.noMedications === true;
    if (stored.source === "fhir") {
      confirmedItems(summary.allergies, "Clinical form or FHIR record", found, "allergies");
      confirmedItems(summary.medications, "Clinical form or FHIR record", found, "medications");
    } else {
      allergyMentions.push(...mentionsOf(summary.allergies, review?.reviewed.allergies ?? [], record, "allergies"));
      medicationMentions.push(
        ...mentionsOf(summary.medications, review?.reviewed.medications ?? [], record, "medications"),
      );
    }
    if (review) {
      const confirmed = summarizeFhirBundle(review.confirmed);
      confirmedItems(confirmed.allergies, "Confirmed from a report", found, "allergies");
      confirmedItems(confirmed.medications, "Confirmed from a report", found, "medications");
    }
  }

  const allergies = mergeAllergies(found.allergies);
  const medications = mergeMedications(found.medications);
  const openAllergies = openMentions(allergyMentions, new Set(allergies.map((a) => substanceKey(a.substance))));
  const openMedications = openMentions(medicationMentions, new Set(medications.map((m) => substanceKey(m.name))));
  // The last stop of each drug flags its confirmed entry and its mentions, whatever name either uses
  // ("Stop Coumadin" flags warfarin); a stop of one ingredient does not flag a combination ("Stop
  // Glucophage. Start Janumet." is a switch); the others are listed apart.
  // Each name read once: a patient with many records has many entries and stops to compare.
  const stopsLastFirst = [...stops].reverse().map((stop) => ({ stop, drug: drugOf(stop.name) }));
  const flagged = [...medications, ...openMedications].map((entry) => ({ entry, drug: drugOf(entry.name) }));
  const used = new Set<StoppedMention>();
  for (const { entry, drug } of flagged) {
    const last = stopsLastFirst.find((s) => sameDrug(drug, s.drug));
    if (!last) continue;
    entry.stoppedBy = last.stop;
    for (const s of stopsLastFirst) if (sameDrug(drug, s.drug)) used.add(s.stop);
  }
  const stoppedMedications = openStops(stops.filter((stop) => !used.has(stop)));
  return {
    allergies,
    allergyMentions: openAllergies,
    medications,
    medicationMentions: openMedications,
    noKnownAllergies: saysNoAllergies && allergies.length === 0 && openAllergies.length === 0,
    noMedications: saysNoMedications && medications.length === 0 && openMedications.length === 0,
    stoppedMedications,
  };
}

/** Everything the prescribing check should weigh: confirmed allergies and unconfirmed mentions alike. */
export function allergiesToCheck(list: ReconciledList): CheckedAllergy[] {
  return [
    ...list.allergies,
    ...list.allergyMentions.map((m) => ({
      substance: m.name,
      reaction: m.reaction,
      severity: m.severity,
      confirmed: false,
    })),
  ];
}
