/** `/v1/summaries` (offchain-api/README.md, "Summaries"): nothing is stored by the service. */
import { z } from "zod";
import { SUMMARY_FIELDS, type ClinicalSummary } from "../../summary/types";

/** Content types `POST /v1/summaries` accepts. */
export const summaryContentTypeSchema = z.enum(["text/plain", "application/pdf", "application/fhir+json"]);
export type SummaryContentType = z.infer<typeof summaryContentTypeSchema>;

/**
 * A ClinicalSummary (lib/summary/types.ts): the engine's name and every field's item list. Items
 * are the summarizer's own output; readers of a stored summary check them again (lib/summary/stored.ts).
 */
const clinicalSummarySchema = z.custom<ClinicalSummary>(
  (value) =>
    typeof value === "object" &&
    value !== null &&
    typeof (value as { engine?: unknown }).engine === "string" &&
    SUMMARY_FIELDS.every((field) => Array.isArray((value as Record<string, unknown>)[field])),
  "must be a clinical summary",
);

/** `POST /v1/summaries` answer: the summary, the optional narrative, and what made each. */
export const summaryResultSchema = z.object({
  summary: clinicalSummarySchema,
  narrative: z.object({ engine: z.string(), text: z.string() }).nullable(),
  narrativeStatus: z.enum(["ok", "no-model", "failed"]),
  source: z.enum(["text", "pdf", "fhir"]),
});
export type SummaryResult = z.infer<typeof summaryResultSchema>;
