import type { SummaryResult } from "@lib/api/types";
import { fromUtf8, utf8 } from "@lib/bytes";
import { FormatError } from "@lib/errors";
import type { ClinicalSummary } from "@lib/summary/types";

/** The service's summary as shown to the doctor before saving: fields, narrative, and the engines. */
export type StoredSummary = Pick<SummaryResult, "summary" | "narrative" | "source">;

/**
 * What the dApp seals as a record's summary part: the ClinicalSummary itself at the top level
 * (what every reader of summaries parses), plus the narrative and the source kind beside it.
 */
export function encodeStoredSummary(result: StoredSummary): Uint8Array {
  return utf8(JSON.stringify({ ...result.summary, narrative: result.narrative, source: result.source }));
}

/** Decodes a summary part (with or without the narrative beside it). */
export function parseStoredSummary(plaintext: Uint8Array): StoredSummary {
  let value: ClinicalSummary & Partial<Pick<SummaryResult, "narrative" | "source">>;
  try {
    value = JSON.parse(fromUtf8(plaintext));
  } catch (error) {
    throw new FormatError("The record's summary is malformed.", { cause: error });
  }
  if (!value || typeof value !== "object" || !Array.isArray(value.allergies)) {
    throw new FormatError("The record's summary is malformed.");
  }
  const { narrative, source, ...summary } = value;
  return { summary, narrative: narrative ?? null, source: source ?? "text" };
}
