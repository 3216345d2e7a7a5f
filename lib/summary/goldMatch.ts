/**
 * The matching rule of the summarizer's gold standard (bench/data/ANNOTATION.md, "Matching rule"),
 * in one place so the benchmark and its tests use the same one. Pure and universal.
 */

/** Lower case, punctuation other than `/` and `-` removed, whitespace collapsed. */
export function normalizeForMatch(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s/-]/gu, " ")
    .replace(/\s+/g, " ")
    .trim();
}

const words = (s: string): string[] => {
  const n = normalizeForMatch(s);
  return n === "" ? [] : n.split(" ");
};

const allIn = (needles: string[], haystack: string[]): boolean =>
  needles.length > 0 && needles.every((w) => haystack.includes(w));

/**
 * An emitted allergy matches a gold one when all the gold substance's words appear in the emitted
 * substance, or all the emitted substance's words appear in the gold one.
 */
export function allergyMatches(emitted: string, gold: string): boolean {
  const e = words(emitted);
  const g = words(gold);
  return allIn(g, e) || allIn(e, g);
}

/**
 * An emitted medication matches a gold one when the gold name's first word is a word of the
 * emitted item, or the emitted item's first word is a word of the gold name.
 */
export function medicationMatches(emitted: string, gold: string): boolean {
  const e = words(emitted);
  const g = words(gold);
  if (e.length === 0 || g.length === 0) return false;
  return e.includes(g[0]) || g.includes(e[0]);
}

export type Pairing = {
  /** [emitted index, gold index] of each match. */
  matched: [number, number][];
  /** Emitted items that match nothing: false positives. */
  unmatchedEmitted: number[];
  /** Gold items matched by nothing: false negatives. */
  unmatchedGold: number[];
};

/**
 * Pairs emitted items with gold items, each gold item matched at most once, each emitted item
 * counted once. Greedy in emitted order, after a first pass over exact (normalized) equals so an
 * ambiguous item ("aspirin" vs "aspirin" and "low-dose aspirin") does not steal a better pair.
 */
export function pairItems(
  emitted: readonly string[],
  gold: readonly string[],
  matches: (emitted: string, gold: string) => boolean,
): Pairing {
  const goldTaken = new Array<boolean>(gold.length).fill(false);
  const emittedTaken = new Array<boolean>(emitted.length).fill(false);
  const matched: [number, number][] = [];
  const pass = (accept: (e: string, g: string) => boolean): void => {
    for (let i = 0; i < emitted.length; i++) {
      if (emittedTaken[i]) continue;
      const j = gold.findIndex((g, k) => !goldTaken[k] && accept(emitted[i], g));
      if (j === -1) continue;
      goldTaken[j] = true;
      emittedTaken[i] = true;
      matched.push([i, j]);
    }
  };
  pass((e, g) => normalizeForMatch(e) === normalizeForMatch(g));
  pass(matches);
  matched.sort((a, b) => a[0] - b[0]);
  return {
    matched,
    unmatchedEmitted: emitted.flatMap((_, i) => (emittedTaken[i] ? [] : [i])),
    unmatchedGold: gold.flatMap((_, j) => (goldTaken[j] ? [] : [j])),
  };
}
