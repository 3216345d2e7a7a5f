/**
 * `npm run bench:summarizer [-- --parts 1,2,3] [--errors]`: quality and speed of the default
 * summarizer engine (lib/summary) in Node. Writes bench/results/summarizer.json and prints a table.
 *
 * Primary: item-level precision and recall of allergies, current and discharge medications
 * against the hand-annotated gold standard (bench/data/gold/part-N.jsonl, matching rule in
 * bench/data/ANNOTATION.md), NKA and "no medications" detection and false alarms, items emitted on
 * the gold negatives and counts per trap, per gold part and overall. `--parts` picks the parts;
 * `--set <name>` picks a named set of BLIND_SETS (the blind set of each round, scored once at its end).
 * Without either, every part except the current round's blind set (HELD_OUT) is scored, so a
 * development run never sees it: `--set blind5` is round 6's blind figure, `--set blind6` round 7's
 * (both are development data since they were scored). `--errors` prints every error with
 * its sentence;
 * `--no-write` leaves bench/results/summarizer.json as it is (a development run on parts whose
 * recorded blind figure must stay).
 *
 * Secondary (self-consistency, no gold): faithfulness (every item verbatim at its span) and
 * section capture over all MTSamples notes; Synthea notes' own Allergies/Medications sections
 * (same matching rule);
 * latency p50/p95 per note; the output size of a repetitive 1 MB note (a summary is bounded).
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { allergyMatches, medicationMatches, pairItems } from "../lib/summary/goldMatch";
import { findTerms } from "../lib/summary/lexicon/lexicon";
import { summarizeText } from "../lib/summary/summarizeText";
import { ENGINE, SUMMARY_FIELDS } from "../lib/summary/types";
import { addCounts, emptyCounts, figures, scoreNote, type GoldError, type GoldLine } from "./lib/goldScore";

const ROOT = path.resolve(__dirname, "..");
const GOLD_DIR = path.join(ROOT, "bench/data/gold");
const NOTES = path.resolve(ROOT, "../shared/data/notes/mtsamples_dev.jsonl");
const SYNTHEA = path.resolve(ROOT, "../shared/data/fhir/synthea-bulk-ndjson");

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return Math.round(sorted[Math.max(0, i)] * 1000) / 1000;
}
const ratio = (num: number, den: number): number | null => (den === 0 ? null : Math.round((num / den) * 10000) / 10000);

const readJsonl = <T>(file: string): T[] =>
  readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as T);

type Note = { note_id: number; transcription: string };

/** The blind set of each round (bench/data/ANNOTATION.md, keys of gold-note-ids.json). */
const BLIND_SETS: Record<string, number[]> = {
  blind1: [4, 6], // round 1
  blind: [7, 8], // round 2
  blind2: [9, 10], // round 3
  blind3: [11, 12], // round 4
  blind4: [13, 14], // round 5
  blind5: [15, 16], // round 6
  blind6: [17, 18], // round 7
  blind7: [19, 20], // round 8
};
/**
 * The current round's blind set, left out of a run that names no parts; null between rounds (round
 * 8's blind7 was scored; the next round draws blind8 in bench/data/selectGoldNotes.ts).
 */
const HELD_OUT: keyof typeof BLIND_SETS | null = null;

function goldParts(selected: number[] | null): Map<number, GoldLine[]> {
  const parts = new Map<number, GoldLine[]>();
  for (const f of readdirSync(GOLD_DIR).sort()) {
    const m = /^part-(\d+)\.jsonl$/.exec(f);
    if (!m) continue;
    const n = Number(m[1]);
    if (selected && !selected.includes(n)) continue;
    parts.set(n, readJsonl<GoldLine>(path.join(GOLD_DIR, f)));
  }
  return parts;
}

function benchGold(
  notes: Map<number, string>,
  selected: number[] | null,
): { table: Record<string, Record<string, unknown>>; errors: GoldError[] } {
  const table: Record<string, Record<string, unknown>> = {};
  const overall = emptyCounts();
  const errors: GoldError[] = [];
  for (const [part, lines] of goldParts(selected)) {
    const counts = emptyCounts();
    for (const gold of lines) {
      const text = notes.get(gold.note_id);
      if (text === undefined) throw new Error(`gold part ${part}: note ${gold.note_id} is not in ${NOTES}`);
      const r = scoreNote(text, gold, summarizeText(text));
      addCounts(counts, r.counts);
      errors.push(...r.errors);
    }
    addCounts(overall, counts);
    table[`part-${part}`] = figures(counts);
  }
  table.overall = figures(overall);
  return { table, errors };
}

/** Independent of the engine: an allergy or medication header followed by a colon. */
const HAS_ALLERGY = /(?:^|[\n,.;])\s*(?:[A-Za-z]+ ){0,2}allerg(?:y|ies)(?: [A-Za-z]+){0,2}\s*:/i;
const HAS_MEDICATION = /(?:^|[\n,.;])\s*(?:[A-Za-z]+ ){0,2}medications?(?: [A-Za-z]+){0,2}\s*:/i;

function selfConsistency(texts: string[]): Record<string, unknown> {
  const latencies: number[] = [];
  for (const text of texts.slice(0, 300)) summarizeText(text); // warm up: the service runs warm
  let items = 0;
  let faithful = 0;
  let withSection = 0;
  let captured = 0;
  for (const text of texts) {
    const t0 = performance.now();
    const s = summarizeText(text);
    latencies.push(performance.now() - t0);
    for (const field of SUMMARY_FIELDS) {
      for (const item of s[field]) {
        items++;
        if (item.text !== "" && text.slice(item.span.start, item.span.end) === item.text) faithful++;
      }
    }
    const hasAllergy = HAS_ALLERGY.test(text);
    const hasMedication = HAS_MEDICATION.test(text);
    if (hasAllergy || hasMedication) {
      withSection++;
      const allergy = s.allergies.length > 0 || s.noKnownAllergies;
      const medication = s.medications.length > 0 || s.noMedications === true;
      if ((hasAllergy && allergy) || (hasMedication && medication)) captured++;
    }
  }
  latencies.sort((a, b) => a - b);
  return {
    notes: texts.length,
    items,
    faithfulness: ratio(faithful, items),
    sectionCapture: ratio(captured, withSection),
    latencyMs: { p50: percentile(latencies, 50), p95: percentile(latencies, 95), max: percentile(latencies, 100) },
  };
}

/** Synthea notes list their own allergies and medications: a self-check of the markdown path. */
function synthea(): Record<string, unknown> | null {
  if (!existsSync(SYNTHEA)) return null;
  const section = (note: string, name: string, sep: string): string[] => {
    const m = new RegExp(`^# ${name}\\s*\\n([\\s\\S]*?)(?=^# |$(?![\\s\\S]))`, "m").exec(note);
    const body = m?.[1].trim() ?? "";
    if (body === "" || /^no (?:known allergies|active medications)\.?$/i.test(body)) return [];
    return body
      .split(sep)
      .map((s) =>
        s
          .trim()
          .replace(/[.;,]+$/, "")
          .toLowerCase(),
      )
      .filter(Boolean);
  };
  const acc = { a: [0, 0, 0], m: [0, 0, 0] };
  let notes = 0;
  const tally = (t: number[], emitted: string[], gold: string[], match: (e: string, g: string) => boolean): void => {
    t[0] += pairItems(emitted, gold, match).matched.length;
    t[1] += emitted.length;
    t[2] += gold.length;
  };
  for (const file of readdirSync(SYNTHEA).filter((f) => f.startsWith("DocumentReference"))) {
    for (const doc of readJsonl<{ content?: { attachment?: { data?: string } }[] }>(path.join(SYNTHEA, file))) {
      const data = doc.content?.find((c) => c.attachment?.data)?.attachment?.data;
      if (!data) continue;
      const note = Buffer.from(data, "base64").toString("utf8");
      notes++;
      const s = summarizeText(note);
      tally(
        acc.a,
        s.allergies.map((i) => i.allergy?.substance ?? i.text),
        section(note, "Allergies", ","),
        allergyMatches,
      );
      tally(
        acc.m,
        s.medications.map((i) => i.medication?.name ?? i.text),
        section(note, "Medications", ";"),
        medicationMatches,
      );
    }
  }
  return {
    notes,
    allergies: { precision: ratio(acc.a[0], acc.a[1]), recall: ratio(acc.a[0], acc.a[2]) },
    medications: { precision: ratio(acc.m[0], acc.m[1]), recall: ratio(acc.m[0], acc.m[2]) },
  };
}

/** A repetitive 1 MB note: the summary must stay bounded. */
function bounded(): Record<string, unknown> {
  const chunk =
    "ALLERGIES: Penicillin (rash), sulfa.,MEDICATIONS: , Aspirin 81 mg daily, lisinopril 10 mg daily.,PLAN: , Continue the same. ";
  const text = chunk.repeat(Math.ceil((1024 * 1024) / chunk.length));
  const t0 = performance.now();
  const s = summarizeText(text);
  const ms = performance.now() - t0;
  return {
    inputBytes: text.length,
    items: SUMMARY_FIELDS.reduce((n, f) => n + s[f].length, 0),
    outputBytes: JSON.stringify(s).length,
    omitted: s.omitted ?? {},
    ms: Math.round(ms),
  };
}

/**
 * One medication list sentence of n drugs ("aaapril 10 mg daily, ..."), summarized, against the
 * lexicon's own scan of the same text in the same run (findTerms, which reads it once): the ratio
 * should stay flat as n doubles when the extractor reads each sentence about once.
 */
function longSentence(): Record<string, unknown> {
  const letters = "abcdefghijklmnopqrstuvwxyz";
  const name = (i: number) => `${letters[i % 26]}${letters[((i / 26) | 0) % 26]}${letters[((i / 676) | 0) % 26]}pril`;
  const out: Record<string, unknown> = {};
  for (const n of [8_000, 16_000, 32_000]) {
    const text = `MEDICATIONS: ${Array.from({ length: n }, (_, i) => `${name(i)} 10 mg daily`).join(", ")}.`;
    const t0 = performance.now();
    findTerms(text);
    const scanMs = performance.now() - t0;
    const t1 = performance.now();
    summarizeText(text);
    const ms = performance.now() - t1;
    out[`${n} drugs`] = { ms: Math.round(ms), scanMs: Math.round(scanMs), ratio: Math.round((ms / scanMs) * 10) / 10 };
  }
  return out;
}

function printTable(table: Record<string, Record<string, unknown>>): void {
  const cols = Object.keys(table);
  const rows = Object.keys(table[cols[0]] ?? {}).filter((k) => k !== "counts");
  const cell = (v: unknown): string => (v === null ? "-" : String(v));
  console.log(["measure".padEnd(32), ...cols.map((c) => c.padStart(9))].join(" "));
  for (const r of rows) console.log([r.padEnd(32), ...cols.map((c) => cell(table[c][r]).padStart(9))].join(" "));
}

function main(): void {
  const args = process.argv.slice(2);
  const partsArg = args.indexOf("--parts");
  const setArg = args.indexOf("--set");
  const setName = setArg !== -1 ? args[setArg + 1] : null;
  if (setName !== null && !(setName in BLIND_SETS)) {
    throw new Error(`--set ${setName}: unknown set (known: ${Object.keys(BLIND_SETS).join(", ")})`);
  }
  const heldOut = HELD_OUT ? BLIND_SETS[HELD_OUT] : [];
  const allParts = [...goldParts(null).keys()];
  const selected =
    partsArg !== -1
      ? args[partsArg + 1].split(",").map(Number)
      : setName !== null
        ? BLIND_SETS[setName]
        : allParts.filter((n) => !heldOut.includes(n));
  const notes = readJsonl<Note>(NOTES);
  const byId = new Map(notes.map((n) => [n.note_id, n.transcription]));
  const { table, errors } = benchGold(byId, selected);
  const key =
    partsArg !== -1
      ? `parts ${selected.join(",")}`
      : setName !== null
        ? `${setName} (parts ${selected.join(",")})`
        : HELD_OUT
          ? `all parts but ${HELD_OUT} (parts ${selected.join(",")})`
          : `all parts (${selected.join(",")})`;
  const out = path.join(ROOT, "bench/results/summarizer.json");
  mkdirSync(path.dirname(out), { recursive: true });
  // Runs on different part selections (development, held-out) are kept side by side.
  const previous = existsSync(out)
    ? (JSON.parse(readFileSync(out, "utf8")) as { engine?: string; gold?: Record<string, unknown> })
    : {};
  const gold = previous.engine === ENGINE && previous.gold ? previous.gold : {};
  gold[key] = table;
  const results = {
    engine: ENGINE,
    gold,
    selfConsistency: { mtsamples: selfConsistency(notes.map((n) => n.transcription)), synthea: synthea() },
    bounded: bounded(),
    longSentence: longSentence(),
  };
  if (!args.includes("--no-write")) writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`${ENGINE}: gold ${key}`);
  printTable(table);
  console.log("\nself-consistency:", JSON.stringify(results.selfConsistency));
  console.log("bounded 1 MB note:", JSON.stringify(results.bounded));
  console.log("one list sentence:", JSON.stringify(results.longSentence));
  if (args.includes("--errors")) {
    console.log(`\n${errors.length} errors:`);
    for (const e of errors) console.log(`${e.noteId}\t${e.field}\t${e.kind}\t${e.item}\t| ${e.sentence}`);
  }
}

main();
