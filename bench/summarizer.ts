/**
 * `npm run bench:summarizer -- <path>`: quality and speed of the default summarizer engine
 * (lib/summary, "clinical-sections/1") in Node. Writes bench/results/summarizer.json and prints it.
 *
 * - <path> a FHIR bulk-export NDJSON folder: every DocumentReference note (base64 text attachment)
 *   is summarized; allergies and medications are scored (micro precision and recall over
 *   normalised item strings) against the items listed under the note's own "# Allergies" and
 *   "# Medications" sections (Synthea lists: allergies comma-separated, medications
 *   semicolon-separated, "No Known Allergies." and "No active medications." meaning none).
 * - <path> a JSONL file with a `transcription` or `text` field per line: faithfulness (share of
 *   output items whose text is found verbatim at its span in the source; must be 1.0) and section
 *   capture (share of notes with an allergy or medication header, found by an independent
 *   pattern, whose summary filled allergies or medications or set noKnownAllergies).
 * - latencyMs: p50 and p99 of summarizeText per note.
 */
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { summarizeText } from "../lib/summary/summarizeText";
import { SUMMARY_FIELDS, type ClinicalSummary } from "../lib/summary/types";

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return Math.round(sorted[Math.max(0, i)] * 1000) / 1000;
}

function timed(text: string, latencies: number[]): ClinicalSummary {
  const start = performance.now();
  const summary = summarizeText(text);
  latencies.push(performance.now() - start);
  return summary;
}

const normalise = (s: string): string =>
  s
    .toLowerCase()
    .replace(/\s+/g, " ")
    .replace(/[\s.;,]+$/, "")
    .trim();

/** Items listed under "# <name>" in a Synthea note. */
function goldSection(note: string, name: string, separator: string): string[] {
  const m = new RegExp(`^# ${name}\\s*\\n([\\s\\S]*?)(?=^# |$(?![\\s\\S]))`, "m").exec(note);
  if (!m) return [];
  const body = m[1].trim();
  if (body === "" || /^no (?:known allergies|active medications)\.?$/i.test(body)) return [];
  return body
    .split(separator)
    .map(normalise)
    .filter((s) => s !== "");
}

type Score = { tp: number; predicted: number; gold: number };

function score(acc: Score, predicted: string[], gold: string[]): void {
  const remaining = new Map<string, number>();
  for (const g of gold) remaining.set(g, (remaining.get(g) ?? 0) + 1);
  for (const p of predicted) {
    const n = remaining.get(p) ?? 0;
    if (n > 0) {
      acc.tp++;
      remaining.set(p, n - 1);
    }
  }
  acc.predicted += predicted.length;
  acc.gold += gold.length;
}

const ratio = (num: number, den: number): number => (den === 0 ? 1 : Math.round((num / den) * 10000) / 10000);

function benchNdjson(dir: string): Record<string, unknown> {
  const latencies: number[] = [];
  const allergies: Score = { tp: 0, predicted: 0, gold: 0 };
  const medications: Score = { tp: 0, predicted: 0, gold: 0 };
  let notes = 0;
  let nkaAgree = 0;
  const files = readdirSync(dir).filter((f) => /^DocumentReference.*\.ndjson$/.test(f));
  for (const file of files) {
    for (const line of readFileSync(path.join(dir, file), "utf8").split("\n")) {
      if (!line.trim()) continue;
      const doc = JSON.parse(line) as { content?: { attachment?: { data?: string; contentType?: string } }[] };
      const data = doc.content?.find((c) => c.attachment?.data)?.attachment?.data;
      if (!data) continue;
      const note = Buffer.from(data, "base64").toString("utf8");
      notes++;
      const summary = timed(note, latencies);
      const goldAllergies = goldSection(note, "Allergies", ",");
      score(
        allergies,
        summary.allergies.map((i) => normalise(i.text)),
        goldAllergies,
      );
      score(
        medications,
        summary.medications.map((i) => normalise(i.text)),
        goldSection(note, "Medications", ";"),
      );
      if (summary.noKnownAllergies === (goldAllergies.length === 0)) nkaAgree++;
    }
  }
  latencies.sort((a, b) => a - b);
  return {
    notes,
    allergies: { precision: ratio(allergies.tp, allergies.predicted), recall: ratio(allergies.tp, allergies.gold) },
    medications: {
      precision: ratio(medications.tp, medications.predicted),
      recall: ratio(medications.tp, medications.gold),
    },
    noKnownAllergiesAgreement: ratio(nkaAgree, notes),
    latencyMs: { p50: percentile(latencies, 50), p99: percentile(latencies, 99) },
  };
}

/** Independent of the engine: an allergy or medication header followed by a colon. */
const HAS_ALLERGY = /(?:^|[\n,.;])\s*(?:[A-Za-z]+ ){0,2}allerg(?:y|ies)(?: [A-Za-z]+){0,2}\s*:/i;
const HAS_MEDICATION = /(?:^|[\n,.;])\s*(?:[A-Za-z]+ ){0,2}medications?(?: [A-Za-z]+){0,2}\s*:/i;

function benchJsonl(file: string): Record<string, unknown> {
  const latencies: number[] = [];
  let notes = 0;
  let items = 0;
  let faithful = 0;
  let withSection = 0;
  let captured = 0;
  for (const line of readFileSync(file, "utf8").split("\n")) {
    if (!line.trim()) continue;
    const row = JSON.parse(line) as { transcription?: string; text?: string };
    const text = row.transcription ?? row.text;
    if (typeof text !== "string") continue;
    notes++;
    const summary = timed(text, latencies);
    for (const field of SUMMARY_FIELDS) {
      for (const item of summary[field]) {
        items++;
        if (item.text !== "" && text.slice(item.span.start, item.span.end) === item.text) faithful++;
      }
    }
    const hasAllergy = HAS_ALLERGY.test(text);
    const hasMedication = HAS_MEDICATION.test(text);
    if (hasAllergy || hasMedication) {
      withSection++;
      const allergyFilled = summary.allergies.length > 0 || summary.noKnownAllergies;
      const medicationFilled = summary.medications.length > 0;
      if ((hasAllergy && allergyFilled) || (hasMedication && medicationFilled)) captured++;
    }
  }
  latencies.sort((a, b) => a - b);
  return {
    notes,
    items,
    faithfulness: ratio(faithful, items),
    notesWithAllergyOrMedicationSection: withSection,
    sectionCapture: ratio(captured, withSection),
    latencyMs: { p50: percentile(latencies, 50), p99: percentile(latencies, 99) },
  };
}

function main(): void {
  const target = process.argv[2];
  if (!target) {
    console.error("usage: npm run bench:summarizer -- <ndjson folder | notes.jsonl>");
    process.exit(2);
  }
  const results = statSync(target).isDirectory() ? benchNdjson(target) : benchJsonl(target);
  const dir = path.join(__dirname, "results");
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, "summarizer.json"), `${JSON.stringify(results, null, 2)}\n`);
  console.log(JSON.stringify(results, null, 2));
}

main();
