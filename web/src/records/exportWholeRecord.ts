import { toBase64, fromUtf8 } from "@lib/bytes";
import { Category, isCategoryId, type CategoryId } from "@lib/categories";
import { exportBundle, type ExportInput } from "@lib/fhir/export";
import type { Address } from "viem";
import type { UserKey } from "@lib/keys";
import { allRecords, readRecord, type FlowContext } from "@lib/records/flows";
import { parseGeneralDetails } from "@lib/records/generalDetails";
import { parseStoredSummary } from "@lib/summary/stored";
import { recordNumber } from "./recordNumber";

/** A parsed FHIR Bundle when the bytes are one, else undefined. */
function asBundle(plaintext: Uint8Array, mediaType: string): fhir4.Bundle | undefined {
  if (!/json/i.test(mediaType)) return undefined;
  try {
    const value = JSON.parse(fromUtf8(plaintext)) as { resourceType?: unknown };
    return value?.resourceType === "Bundle" ? (value as fhir4.Bundle) : undefined;
  } catch {
    return undefined;
  }
}

/** A report that is not FHIR (PDF, text) as a DocumentReference carrying the original bytes. */
function documentBundle(plaintext: Uint8Array, mediaType: string, title: string): fhir4.Bundle {
  return {
    resourceType: "Bundle",
    type: "collection",
    entry: [
      {
        resource: {
          resourceType: "DocumentReference",
          status: "current",
          content: [{ attachment: { contentType: mediaType, data: toBase64(plaintext), title } }],
        },
      },
    ],
  };
}

/**
 * The patient's whole record as one FHIR R4 Bundle (lib/fhir exportBundle): the newest general
 * details, every FHIR record's resources, and every other report as a DocumentReference with its
 * original bytes, with what authors confirmed when reviewing a report's summary (AllergyIntolerance,
 * MedicationStatement). Each part is read through readRecord, so each is checked against the chain.
 */
export async function exportWholeRecord(
  ctx: FlowContext,
  patient: Address,
  key: UserKey,
  onRecord?: (done: number, total: number) => void,
): Promise<fhir4.Bundle> {
  const records = await allRecords(ctx, patient);
  const input: ExportInput = { records: [] };
  let details: ExportInput["details"];
  for (const [i, record] of records.entries()) {
    onRecord?.(i, records.length);
    const read = await readRecord(ctx, { patient, index: record.index, readerKey: key });
    if (record.category === Category.GeneralDetails) {
      details = parseGeneralDetails(read.plaintext); // oldest first: the newest wins
      continue;
    }
    const category: CategoryId = isCategoryId(record.category) ? record.category : Category.ClinicalNotes;
    const bundle =
      asBundle(read.plaintext, read.mediaType) ??
      documentBundle(read.plaintext, read.mediaType, read.fileName ?? `Record ${recordNumber(record.index)}`);
    input.records.push({ category, bundle });
    if (record.summaryCid) {
      const summary = await readRecord(ctx, { patient, index: record.index, part: "summary", readerKey: key });
      const stored = parseStoredSummary(summary.plaintext);
      if (stored.review) (input.summaries ??= []).push({ category, stored });
    }
  }
  onRecord?.(records.length, records.length);
  if (details) input.details = details;
  return exportBundle(input);
}
