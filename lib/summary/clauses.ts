/**
 * Sentence and span helpers shared by the extractors. Transcriptions flatten line breaks to commas
 * (",MEDICATIONS: , Aspirin.,PLAN:"), so a comma directly followed by a non-space is a line break.
 */
export type Piece = { start: number; end: number };

/** Is text[i] the end of a sentence or of a line? */
function isSentenceEnd(text: string, i: number): boolean {
  const ch = text[i];
  if (ch === "\n") return true;
  const next = text[i + 1] ?? " ";
  if (ch === "," && next !== " " && next !== "\t" && !/\d/.test(next)) return true;
  if (ch !== "." && ch !== "?" && ch !== "!") return false;
  if (next !== " " && next !== "," && next !== "\n" && i + 1 < text.length) return false;
  if (ch === "." && /\b(?:no|dr|mr|mrs|ms|st|vs|approx)$/i.test(text.slice(Math.max(0, i - 6), i))) return false;
  // "Cardizem C.D. 180 mg": a dotted abbreviation before a dose does not end the sentence.
  if (
    ch === "." &&
    /(?:^|[^A-Za-z])[A-Z]\.[A-Z]$/.test(text.slice(Math.max(0, i - 4), i)) &&
    /^\s+\d/.test(text.slice(i + 1, i + 4))
  )
    return false;
  // A full stop followed by a capital, a digit (numbered lists) or a flattened line break.
  const after = /^[\s,]*(.)/.exec(text.slice(i + 1, i + 6));
  return !after || /[A-Z0-9(]/.test(after[1]) || /^,\S/.test(text.slice(i + 1, i + 3));
}

/** The last text split, by range: the extractors read the same section body several times. */
let memo: { text: string; byStart: Map<number, { to: number; pieces: Piece[] }> } | null = null;

/** Forgets the memo, so no note text outlives its summary. */
export function forgetSentences(): void {
  memo = null;
}

/** Sentences (and lines) of text[from, to), trimmed, empty ones left out. */
export function sentences(text: string, from: number, to: number): Piece[] {
  if (memo === null || memo.text !== text) memo = { text, byStart: new Map() };
  const found = memo.byStart.get(from);
  if (found && found.to === to) return found.pieces;
  const pieces = split(text, from, to);
  memo.byStart.set(from, { to, pieces });
  return pieces;
}

function split(text: string, from: number, to: number): Piece[] {
  const out: Piece[] = [];
  let start = from;
  for (let i = from; i < to; i++) {
    if (isSentenceEnd(text, i)) {
      const p = trimPiece(text, { start, end: i });
      if (p) out.push(p);
      start = i + 1;
    }
  }
  const last = trimPiece(text, { start, end: to });
  if (last) out.push(last);
  return out;
}

/** Trims whitespace, list markers and trailing punctuation; null when no letter or digit is left. */
export function trimPiece(text: string, p: Piece): Piece | null {
  let { start, end } = p;
  for (;;) {
    const head = text.slice(start, Math.min(end, start + 12));
    const m = /^(?:[\s,;:]+|[-*\u2022\u25cf\u00b7>]+\s*|\d{1,2}[.)](?=\s|$)\s*|#\d+\s+)/.exec(head);
    if (!m || m[0].length === 0) break;
    start += m[0].length;
  }
  while (end > start && /[\s.,;:*]/.test(text[end - 1])) end--;
  if (end <= start || !/[A-Za-z0-9]/.test(text.slice(start, end))) return null;
  return { start, end };
}

/** The piece cut to at most `maxWords` words, ending on a word. */
export function capWords(text: string, p: Piece, maxWords: number): Piece {
  const re = /\S+/g;
  re.lastIndex = p.start;
  let n = 0;
  let end = p.end;
  for (let m = re.exec(text); m && m.index < p.end; m = re.exec(text)) {
    if (++n > maxWords) break;
    end = Math.min(m.index + m[0].length, p.end);
  }
  return trimPiece(text, { start: p.start, end }) ?? p;
}

/** Words that open a clause, strongest first: a long sentence is broken before one of them. */
const CLAUSE_OPENERS = [
  /^(?:but|which|who|because|although|though|whereas|while|since|unless|until|then|however|if|should|so)$/i,
  /^and$/i,
  /^or$/i,
];

/**
 * A long piece as consecutive clauses of at most `maxWords` words each, so a 45-word sentence of a
 * plan reads as two items instead of one cut off mid-phrase (nothing of it is dropped). It breaks
 * before the last clause opener that fits, the strongest kind first ("... to the emergency room |
 * if the redness spreads ..."), or at the word limit when the run has none.
 */
export function clausePieces(text: string, p: Piece, maxWords: number): Piece[] {
  if (capWords(text, p, maxWords).end === p.end) return [p]; // most pieces: short enough
  const words: Piece[] = [];
  const re = /\S+/g;
  re.lastIndex = p.start;
  for (let m = re.exec(text); m && m.index < p.end; m = re.exec(text)) {
    words.push({ start: m.index, end: Math.min(m.index + m[0].length, p.end) });
  }
  const out: Piece[] = [];
  let first = 0;
  while (first < words.length) {
    let next = words.length;
    if (words.length - first > maxWords) {
      const word = (k: number): string => text.slice(words[k].start, words[k].end);
      const fits = (opener: RegExp): number => {
        for (let k = first + maxWords; k >= first + 3; k--) if (opener.test(word(k))) return k;
        return -1;
      };
      const at = CLAUSE_OPENERS.map(fits).find((k) => k !== -1);
      next = at ?? first + maxWords;
    }
    const piece = trimPiece(text, { start: words[first].start, end: words[next - 1].end });
    if (piece) out.push(piece);
    first = next;
  }
  return out;
}
