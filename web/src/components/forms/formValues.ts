/**
 * The form editor's state (input text by dotted key, entries per list) and what it becomes: the
 * input lib/forms checks, and its problems placed beside the inputs they are about.
 */
import type { FieldProblem } from "@lib/forms";
import type { FieldSpec, FormSpec } from "./formSpecs";

export interface FormDraft {
  /** Input text by full dotted key ("weightKg", "allergies.0.substance"). */
  values: Record<string, string>;
  /** Entries shown per list key. */
  counts: Record<string, number>;
}

/** "YYYY-MM-DDTHH:mm" in local time, what a datetime-local input holds. */
export function localDateTime(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** A fresh draft: recorded now, each select without a blank on its first option, lists at their initial size. */
export function emptyDraft(spec: FormSpec, now = new Date()): FormDraft {
  const values: Record<string, string> = { recordedAt: localDateTime(now) };
  for (const f of spec.fields) if (f.kind === "select" && f.blank === undefined) values[f.key] = f.options![0];
  const counts = Object.fromEntries(spec.lists.map((l) => [l.key, l.initial]));
  return { values, counts };
}

/** Every input key of the draft, list entries expanded, in screen order. */
export function draftKeys(spec: FormSpec, draft: FormDraft): string[] {
  const keys = ["recordedAt", ...spec.fields.map((f) => f.key)];
  for (const list of spec.lists)
    for (let i = 0; i < (draft.counts[list.key] ?? 0); i++)
      keys.push(...list.fields.map((f) => `${list.key}.${i}.${f.key}`));
  return keys;
}

/**
 * Where each problem key sits on the screen, top to bottom: the whole form (""), the time, the
 * form's fields, then each list (its own problem first, then its entries' fields). The error
 * summary lists problems in this order, so its first link is the first invalid field.
 */
export function screenOrder(spec: FormSpec, draft: FormDraft): string[] {
  const order = ["", "recordedAt", ...spec.fields.map((f) => f.key)];
  for (const list of spec.lists) {
    order.push(list.key);
    for (let i = 0; i < (draft.counts[list.key] ?? 0); i++)
      order.push(...list.fields.map((f) => `${list.key}.${i}.${f.key}`));
  }
  return order;
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const part of path.slice(0, -1)) node = (node[part] ??= {}) as Record<string, unknown>;
  node[path[path.length - 1]] = value;
}

/** An input's text as the form's value: numbers (a comma taken as the decimal point), surface letters, text. */
function valueOf(field: FieldSpec, raw: string): unknown {
  if (field.kind === "number") return Number(raw.trim().replace(",", "."));
  if (field.kind === "surfaces") return [...raw.toUpperCase().replace(/[\s,]/g, "")];
  return raw;
}

/** Copies the filled inputs of `fields` (blank ones are absent) from `values` under `prefix` into `out`. */
function fill(out: Record<string, unknown>, fields: FieldSpec[], values: Record<string, string>, prefix: string) {
  const filled = (key: string) => (values[prefix + key] ?? "").trim() !== "";
  const required = (f: FieldSpec) => {
    if (!f.requires?.endsWith(".*")) return !f.requires || filled(f.requires);
    const group = f.requires.slice(0, -1);
    return fields.some((other) => other !== f && other.key.startsWith(group) && filled(other.key));
  };
  for (const f of fields) {
    if (!filled(f.key) || !required(f)) continue;
    setPath(out, f.key.split("."), valueOf(f, values[prefix + f.key]));
  }
}

/**
 * The input lib/forms checks. recordedAt becomes an ISO instant (left as typed when it is not a
 * date, so the check says so); a list entry left empty is still sent, so its problems are shown.
 */
export function draftToInput(spec: FormSpec, draft: FormDraft): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const at = draft.values.recordedAt ?? "";
  const instant = new Date(at);
  if (at) out.recordedAt = Number.isNaN(instant.getTime()) ? at : instant.toISOString();
  fill(out, spec.fields, draft.values, "");
  for (const list of spec.lists) {
    out[list.key] = Array.from({ length: draft.counts[list.key] ?? 0 }, (_, i) => {
      const item: Record<string, unknown> = {};
      fill(item, list.fields, draft.values, `${list.key}.${i}.`);
      return item;
    });
  }
  return out;
}

/**
 * Problems by the key they are shown beside: the input itself, else the list or group it is in
 * (e.g. "glucose" beside the glucose value, "lesions" beside the lesions list), else "" (the form).
 * Several problems on one key are joined.
 */
export function placeProblems(problems: FieldProblem[], keys: string[], listKeys: string[]): Record<string, string> {
  const placed: Record<string, string> = {};
  const home = (field: string): string => {
    if (keys.includes(field) || listKeys.includes(field)) return field;
    const inside = keys.find((k) => k.startsWith(`${field}.`));
    if (field && inside) return inside;
    const parent = field.split(".").slice(0, -1).join(".");
    return field ? home(parent) : "";
  };
  for (const p of problems) {
    const at = home(p.field);
    placed[at] = placed[at] ? `${placed[at]} ${p.message}` : p.message;
  }
  return placed;
}

/** The draft without entry `index` of `list` (later entries move up). */
export function removeEntry(spec: FormSpec, draft: FormDraft, list: string, index: number): FormDraft {
  const fields = spec.lists.find((l) => l.key === list)!.fields;
  const count = draft.counts[list] ?? 0;
  const values = { ...draft.values };
  for (let i = index; i < count; i++)
    for (const f of fields) {
      const next = values[`${list}.${i + 1}.${f.key}`];
      if (next === undefined || i === count - 1) delete values[`${list}.${i}.${f.key}`];
      else values[`${list}.${i}.${f.key}`] = next;
    }
  return { values, counts: { ...draft.counts, [list]: count - 1 } };
}
