/** Summaries and reviews for the clinical tests: a text note's summary with engine details, or without. */
import type { StoredSummary } from "../summary/stored";
import { emptySummary, type Item } from "../summary/types";
import type { ReviewContext } from "./review";

export const item = (text: string, more: Partial<Item> = {}): Item => ({
  text,
  span: { start: 0, end: text.length },
  section: "Allergies",
  ...more,
});

/** A text summary holding `allergies` and `medications` items. */
export function textSummary(allergies: Item[], medications: Item[] = []): StoredSummary {
  return { summary: { ...emptySummary(), allergies, medications }, narrative: null, source: "text" };
}

/** A fixed review context: ids a-1, a-2... (valid FHIR ids), a fixed time. */
export function reviewContext(): ReviewContext {
  let n = 0;
  return {
    patient: {
      identifier: { system: "urn:ietf:rfc:3986", value: "urn:ethereum:0x00000000000000000000000000000000000000aa" },
    },
    recorder: {
      identifier: { system: "urn:ietf:rfc:3986", value: "urn:ethereum:0x00000000000000000000000000000000000000bb" },
    },
    now: new Date("2026-12-02T10:00:00Z"),
    newId: () => `0000000${++n}-0000-4000-8000-000000000000`,
  };
}
