/**
 * Picks the MTSamples notes we annotate by hand for the summarizer's gold standard
 * (bench/data/summarizer-gold.jsonl). Deterministic: a seeded shuffle, one note per dup_group,
 * notes of at most 9,000 characters, and quotas for the traps the benchmark must cover.
 * The buckets only steer the draw; the annotation decides what a note contains.
 *
 *   npx ts-node --transpile-only bench/data/selectGoldNotes.ts > bench/data/gold-note-ids.json
 */
import { readFileSync } from "node:fs";
import path from "node:path";

interface Note {
  note_id: number;
  medical_specialty: string;
  transcription: string;
  dup_group?: number | string;
}

const source = path.resolve(__dirname, "../../../shared/data/notes/mtsamples_dev.jsonl");
const notes: Note[] = readFileSync(source, "utf8")
  .split("\n")
  .filter(Boolean)
  .map((line) => JSON.parse(line) as Note);

// mulberry32: a small seeded generator, so the selection is the same on every machine.
function seeded(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = seeded(20261202);
const shuffled = notes
  .map((note) => ({ note, key: random() }))
  .sort((a, b) => a.key - b.key)
  .map((entry) => entry.note);

const seenGroups = new Set<string>();
const eligible = shuffled.filter((note) => {
  const text = note.transcription ?? "";
  if (text.length < 300 || text.length > 9000) return false;
  const group = String(note.dup_group ?? `id-${note.note_id}`);
  if (seenGroups.has(group)) return false;
  seenGroups.add(group);
  return true;
});

const buckets: Array<{ name: string; quota: number; test: (text: string) => boolean }> = [
  {
    name: "no-known-allergies",
    quota: 48,
    test: (t) => /\b(no known|nkda|nka\b|no allerg|denies (any )?(drug |medication )?allerg)/i.test(t),
  },
  {
    name: "discharge-list",
    quota: 36,
    test: (t) => /discharge medications?|medications? (on|at) discharge|discharge (meds|instructions)/i.test(t),
  },
  {
    name: "procedural-drugs",
    quota: 28,
    test: (t) => /\banesthesia\b|\bsedation\b|lidocaine|marcaine|propofol|versed|fentanyl|bupivacaine/i.test(t),
  },
  {
    name: "no-allergy-or-medication-content",
    quota: 32,
    test: (t) => !/allerg|medication|meds\b|\bmg\b|taking|prescri|tablet|rx\b/i.test(t),
  },
  { name: "narrative-or-other", quota: 64, test: () => true },
];

const chosen = new Map<number, string>();
const perSpecialty = new Map<string, number>();
for (const bucket of buckets) {
  let taken = 0;
  for (const note of eligible) {
    if (taken >= bucket.quota) break;
    if (chosen.has(note.note_id)) continue;
    if (!bucket.test(note.transcription)) continue;
    // spread across specialties: at most 12 notes from any one
    const specialty = note.medical_specialty.trim();
    if ((perSpecialty.get(specialty) ?? 0) >= 12) continue;
    perSpecialty.set(specialty, (perSpecialty.get(specialty) ?? 0) + 1);
    chosen.set(note.note_id, bucket.name);
    taken++;
  }
}

const ids = [...chosen.entries()].map(([id, bucket]) => ({ id, bucket }));
process.stdout.write(JSON.stringify({ source: "mtsamples_dev.jsonl", count: ids.length, notes: ids }, null, 1) + "\n");
process.stderr.write(`${ids.length} notes, ${perSpecialty.size} specialties\n`);
