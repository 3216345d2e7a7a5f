/**
 * Section headers of clinical notes: finds them in many styles and maps their names to summary
 * fields. Styles: "ALLERGIES:" (also inline, after a comma or a full stop, as in transcriptions
 * whose line breaks became commas), "Current Medications:", "Drug Allergies - ...",
 * "# Allergies" / "## Plan" (markdown), "**Plan:**", and a header alone on its line
 * ("ALLERGIES", "Medications").
 */
import type { SummaryField } from "./types";

export type Header = {
  /** Header name as written, without markers ("#", ":", "-"). */
  name: string;
  /** Where the header starts (section start) and where its body starts. */
  start: number;
  bodyStart: number;
  field: SummaryField | null;
};

const MAX_HEADER = 60;

/** Maps a header name to the summary field it feeds, or null. */
export function classifyHeader(name: string): SummaryField | null {
  const n = name.toLowerCase().replace(/\s+/g, " ").trim();
  if (/family|social|present illness|chief complaint|review of systems/.test(n)) return null;
  if (/allerg|^nkda$|adverse (drug )?reactions?/.test(n)) return "allergies";
  if (/vital|^vs$/.test(n)) return "vitals";
  if (/\bplan\b|recommendation|disposition|follow[- ]?up|instructions/.test(n)) return "plan";
  if (/medications?\b|medicines?\b|\bmeds\b|^drugs$|prescriptions|^rx$/.test(n)) return "medications";
  if (/diagnos[ie]s|impression|assessment|medical history|^pmh$|^pmhx$|problems?\b|conditions|^dx$/.test(n))
    return "conditions";
  if (/indication|description|technique|details|in detail|anesthesia/.test(n)) return null;
  if (/procedures?\b|operations?\b|surgical history|^psh$|surgeries/.test(n)) return "procedures";
  if (/\blabs?\b|laborator|results?\b|imaging|radiolog|diagnostic (data|studies|tests)|studies|^data$|findings/.test(n))
    return "results";
  return null;
}

/** Words that make a mixed-case phrase prose rather than a header. */
const PROSE =
  /\b(she|he|they|patient|pt|is|was|has|had|have|takes|taking|following|these|this|her|his|were|are|no|denies|with|for)\b/i;

function isCaps(name: string): boolean {
  if (name.length < 2 || name.length > MAX_HEADER) return false;
  if (!/^[A-Z][A-Z0-9 /&'()+.-]*$/.test(name)) return false;
  if (/\d$/.test(name)) return false;
  return (name.match(/[A-Z]/g) ?? []).length >= 2;
}

function isKnownHeader(name: string): boolean {
  if (name.length < 2 || name.length > MAX_HEADER) return false;
  if (!/^[A-Za-z][A-Za-z /&'()-]*$/.test(name)) return false;
  if (name.split(" ").length > 6 || PROSE.test(name)) return false;
  return classifyHeader(name) !== null;
}

const BOUNDARY = /[\n,;.]/;

/** Headers of `text`, in order, not overlapping. */
export function findHeaders(text: string): Header[] {
  const found: Header[] = [];
  const add = (rawStart: number, rawEnd: number, bodyStart: number): void => {
    let s = rawStart;
    let e = rawEnd;
    while (s < e && /[\s#*]/.test(text[s])) s++;
    while (e > s && /[\s*:]/.test(text[e - 1])) e--;
    const name = text.slice(s, e);
    found.push({ name, start: rawStart, bodyStart, field: classifyHeader(name) });
  };

  // 1. "NAME:" anywhere after a boundary (start, line break, comma, semicolon, full stop).
  for (let i = text.indexOf(":"); i !== -1; i = text.indexOf(":", i + 1)) {
    if (/\d/.test(text[i + 1] ?? "")) continue; // a time or a ratio
    let b = i - 1;
    while (b >= 0 && i - b <= MAX_HEADER + 8 && !BOUNDARY.test(text[b])) b--;
    if (b >= 0 && !BOUNDARY.test(text[b])) continue;
    const segStart = b + 1;
    const raw = text.slice(segStart, i);
    const name = raw.replace(/^[\s#*-]+/, "").replace(/[\s*]+$/, "");
    if (!name) continue;
    if (!isCaps(name) && !isKnownHeader(name)) continue;
    let body = i + 1;
    while (text[body] === "*") body++;
    add(segStart, i, body);
  }

  // 2. Line styles: markdown, "Name - body", a header alone on its line.
  let lineStart = 0;
  while (lineStart <= text.length) {
    let lineEnd = text.indexOf("\n", lineStart);
    if (lineEnd === -1) lineEnd = text.length;
    const line = text.slice(lineStart, lineEnd);
    const trimmed = line.trim();
    let dashed = false;
    if (line.length < 400) {
      const dash = /^(\s*[A-Za-z][A-Za-z /&'()]{1,60}?)\s+[-\u2013\u2014]\s+/.exec(line);
      if (dash && !line.slice(0, dash[0].length).includes(":") && isKnownHeader(dash[1].trim())) {
        add(lineStart, lineStart + dash[1].length, lineStart + dash[0].length);
        dashed = true;
      }
    }
    if (!dashed && trimmed && trimmed.length <= MAX_HEADER + 10) {
      const md = /^#{1,6}\s*(.+)$/.exec(trimmed);
      const bare = trimmed
        .replace(/^\*+|\*+$/g, "")
        .replace(/:$/, "")
        .trim();
      if (md) add(lineStart, lineEnd, lineEnd);
      else if (!trimmed.includes(":") && (isCaps(bare) || isKnownHeader(bare))) add(lineStart, lineEnd, lineEnd);
    }
    lineStart = lineEnd + 1;
  }

  found.sort((a, b) => a.start - b.start || b.bodyStart - a.bodyStart);
  const out: Header[] = [];
  for (const h of found) {
    const last = out[out.length - 1];
    if (last && h.start < last.bodyStart) continue;
    out.push(h);
  }
  return out;
}
