/**
 * A record's summary part as the dApp seals it: the ClinicalSummary at the top level (what every
 * reader of summaries parses), the narrative and source kind beside it, and, when the author
 * reviewed the extracted allergies and medications before saving, that review.
 */
import type { SummaryResult } from "../api/types";
import { fromUtf8, utf8 } from "../bytes";
import { FormatError } from "../errors";
import type { ClinicalSummary } from "./types";

/**
 * What the author confirmed of the extraction. `confirmed` is a FHIR R4 collection Bundle of
 * AllergyIntolerance (verificationStatus confirmed) and MedicationStatement resources, so it
 * exports with the rest of the record; `reviewed` lists the summary's items (by index) the author
 * accepted, edited or removed: every other item stays a mention, never silently confirmed.
 */
export interface SummaryReview {
  /** ISO 8601 date-time of the review. */
  reviewedAt: string;
  confirmed: fhir4.Bundle;
  reviewed: { allergies: number[]; medications: number[] };
}

/** The service's summary as shown before saving: fields, narrative, the engines, and the review. */
export type StoredSummary = Pick<SummaryResult, "summary" | "narrative" | "source"> & { review?: SummaryReview };

/** The bytes of a summary part. */
export function encodeStoredSummary(result: StoredSummary): Uint8Array {
  return utf8(
    JSON.stringify({
      ...result.summary,
      narrative: result.narrative,
      source: result.source,
      ...(result.review ? { review: result.review } : {}),
    }),
  );
}

function isReview(value: unknown): value is SummaryReview {
  const r = value as SummaryReview | null;
  return (
    typeof r === "object" &&
    r !== null &&
    typeof r.reviewedAt === "string" &&
    r.confirmed?.resourceType === "Bundle" &&
    Array.isArray(r.reviewed?.allergies) &&
    Array.isArray(r.reviewed?.medications)
  );
}

/** Decodes a summary part (with or without the narrative and the review beside it). */
export function parseStoredSummary(plaintext: Uint8Array): StoredSummary {
  let value: ClinicalSummary & Partial<Pick<StoredSummary, "narrative" | "source" | "review">>;
  try {
    value = JSON.parse(fromUtf8(plaintext));
  } catch (error) {
    throw new FormatError("The record's summary is malformed.", { cause: error });
  }
  if (!value || typeof value !== "object" || !Array.isArray(value.allergies)) {
    throw new FormatError("The record's summary is malformed.");
  }
  const { narrative, source, review, ...summary } = value;
  if (review !== undefined && !isReview(review)) throw new FormatError("The record's summary review is malformed.");
  return { summary, narrative: narrative ?? null, source: source ?? "text", ...(review ? { review } : {}) };
}
