import { z } from "zod";
import type { SummaryResult } from "../../lib/api/wire/summaries";

/**
 * What the summaries route reads that has no wire counterpart in lib/api/wire/summaries.ts: the
 * media types it maps to a source, charsets, and the least a FHIR Bundle must be.
 */

/** Where a summary's input came from, as the answer names it (README, "Summaries"). */
export type SummarySource = SummaryResult["source"];

/** The media types `POST /v1/summaries` reads, and the source each one is. */
export const SUMMARY_MEDIA_TYPES: Readonly<Record<string, SummarySource>> = {
  "text/plain": "text",
  "application/pdf": "pdf",
  "application/fhir+json": "fhir",
  "application/json": "fhir",
};

/** Charsets a text or JSON body may declare: we decode UTF-8 only (ASCII is a subset). */
const UTF8_CHARSETS = new Set(["utf-8", "utf8", "us-ascii"]);

/**
 * The source a `Content-Type` header names, or why it cannot be read: `null` for a media type we do
 * not accept, "charset" for text declared in another encoding than UTF-8.
 */
export function summarySourceOf(contentType: string | undefined): SummarySource | null | "charset" {
  const [mediaType, ...params] = (contentType ?? "").split(";").map((part) => part.trim().toLowerCase());
  const source = SUMMARY_MEDIA_TYPES[mediaType] ?? null;
  if (!source || source === "pdf") return source;
  const charset = params
    .find((p) => p.startsWith("charset="))
    ?.slice("charset=".length)
    .replace(/^"|"$/g, "");
  return charset === undefined || UTF8_CHARSETS.has(charset) ? source : "charset";
}

/**
 * The least a FHIR R4 Bundle must be for the summarizer: `resourceType: "Bundle"` and, when
 * present, an `entry` array. Resources inside are read leniently by `summarizeFhirBundle`.
 */
export const fhirBundle = z.looseObject({
  resourceType: z.literal("Bundle"),
  entry: z.array(z.unknown()).optional(),
});
