/** A chart's value axis: its range and the values marked on it. */
export interface ValueAxis {
  /** The bottom and the top of the axis, each a tick. */
  min: number;
  max: number;
  /** Round values from min to max, one step apart (3 to 7 of them). */
  ticks: number[];
}

/** `v` without binary noise (0.1 * 3 is 0.30000000000000004). */
const clean = (v: number) => Number(v.toFixed(6));

/**
 * The value axis of `values` (at least one): the readings widened by 15% of their spread (10% of a
 * lone value's size, at least 1) so that no point sits on the frame, then out to whole round steps
 * (1, 2 or 5 times a power of ten, at most five steps across the widened range), so that the top
 * and bottom gridlines are labelled and every reading lies between them.
 */
export function valueAxis(values: number[]): ValueAxis {
  const low = Math.min(...values);
  const high = Math.max(...values);
  const spread = high - low || Math.max(1, Math.abs(low) * 0.1);
  const [from, to] = [low - spread * 0.15, high + spread * 0.15];
  const power = Math.pow(10, Math.floor(Math.log10(to - from)) - 1);
  const step = [1, 2, 5, 10, 20, 50].map((m) => m * power).find((s) => (to - from) / s <= 5) ?? power * 100;
  const min = clean(Math.floor(from / step) * step);
  const max = clean(Math.ceil(to / step) * step);
  const ticks: number[] = [];
  for (let i = 0; clean(min + i * step) <= max; i++) ticks.push(clean(min + i * step));
  return { min, max, ticks };
}
