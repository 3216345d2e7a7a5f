import { fromUtf8 } from "@lib/bytes";
import { Category } from "@lib/categories";
import { RecordFlags, type ChainRecord } from "@lib/chain/ehr";
import type { Address } from "viem";
import { extractTrends, TREND_METRICS, type Trends } from "@lib/forms";
import { generalDetailsToFhir } from "@lib/fhir/generalDetails";
import { parseGeneralDetails } from "@lib/records/generalDetails";
import type { UserKey } from "@lib/keys/types";
import { readRecord, type FlowContext } from "@lib/records/flows";

/** Media types a FHIR Bundle is stored under (our forms' and imported ones). */
const FHIR_TYPES = ["application/fhir+json", "application/json"];

/**
 * Records that may hold measurements: current versions, and every version of the general details
 * (each one's weight and BMI is a reading at the time it was saved).
 */
export function trendCandidates(records: ChainRecord[]): ChainRecord[] {
  return records.filter((r) => r.category === Category.GeneralDetails || (r.flags & RecordFlags.Superseded) === 0);
}

/** What reading gave: the series, how many of the records read gave at least one point, and how many were read. */
export interface ReadTrends {
  trends: Trends;
  withMeasurements: number;
  read: number;
}

/** Whether `bundle` gives at least one point of any series. */
function hasMeasurements(bundle: unknown): boolean {
  const trends = extractTrends(bundle);
  return TREND_METRICS.some((metric) => trends[metric].length > 0);
}

/**
 * Reads each record's report, keeps those that are FHIR JSON (and the general details, as FHIR) and
 * draws the series out of them
 * (lib/forms extractTrends). Decrypted bytes stay in this function; only numbers leave it. A
 * record that is not JSON (a PDF, a note) is skipped; a failed read fails the whole (it is a
 * real problem: a missing key or a tampered file).
 */
export async function readTrends(
  ctx: FlowContext,
  patient: Address,
  records: ChainRecord[],
  readerKey: UserKey,
): Promise<ReadTrends> {
  const bundles: unknown[] = [];
  for (const record of records) {
    const result = await readRecord(ctx, { patient, index: record.index, readerKey });
    if (record.category === Category.GeneralDetails) {
      // The details' weight, height and BMI as Observations at the time they were saved.
      bundles.push(generalDetailsToFhir(parseGeneralDetails(result.plaintext), `Patient/${patient.toLowerCase()}`));
      continue;
    }
    if (!FHIR_TYPES.includes(result.mediaType)) continue;
    try {
      bundles.push(JSON.parse(fromUtf8(result.plaintext)));
    } catch {
      // JSON in name only: nothing to draw from it.
    }
  }
  // Not every record read counts: general details without a weight, a FHIR record of other things.
  return {
    trends: extractTrends(bundles),
    withMeasurements: bundles.filter(hasMeasurements).length,
    read: records.length,
  };
}
