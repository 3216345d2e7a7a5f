import { validateGeneralDetails, type GeneralDetails } from "../fhir/generalDetails";
import { fromUtf8, utf8 } from "../bytes";
import { FormatError } from "../errors";
import { Category } from "../categories";
import type { Address } from "viem";
import type { UserKey } from "../keys/types";
import { createRecord, type CreatedRecord } from "./createRecord";
import { readRecord } from "./readRecord";
import { listRecords } from "./listRecords";
import type { ChainRecord } from "../chain/ehr";
import type { FlowContext, ReadBasis } from "./types";

export const GENERAL_DETAILS_MEDIA_TYPE = "application/json";

/** Validates the patient's general details and adds them as a new category-0 record. */
export async function updateGeneralDetails(
  ctx: FlowContext,
  input: { patient: Address; details: GeneralDetails; patientKey: UserKey },
): Promise<CreatedRecord> {
  const details = validateGeneralDetails(input.details);
  return createRecord(ctx, {
    patient: input.patient,
    category: Category.GeneralDetails,
    content: utf8(JSON.stringify(details)),
    mediaType: GENERAL_DETAILS_MEDIA_TYPE,
    authorKey: input.patientKey,
  });
}

/** The newest general-details record, or undefined. Scans pages newest first. */
export async function newestGeneralDetailsRecord(
  ctx: Pick<FlowContext, "publicClient" | "core">,
  patient: Address,
): Promise<ChainRecord | undefined> {
  for (let offset = 0; ; offset += 100) {
    const { records, total } = await listRecords(ctx, { patient, offset, limit: 100, newestFirst: true });
    const found = records.find((r) => r.category === Category.GeneralDetails);
    if (found) return found;
    if (offset + 100 >= total) return undefined;
  }
}

/** Decodes a general-details plaintext (JSON, validated). */
export function parseGeneralDetails(plaintext: Uint8Array): GeneralDetails {
  try {
    return validateGeneralDetails(JSON.parse(fromUtf8(plaintext)));
  } catch (error) {
    throw new FormatError("The stored general details are malformed.", { cause: error });
  }
}

/**
 * The patient's newest general details, read through {@link readRecord} (so a doctor's read is
 * logged); undefined when there are none.
 */
export async function latestGeneralDetails(
  ctx: FlowContext,
  input: { patient: Address; readerKey: UserKey },
): Promise<{ details: GeneralDetails; index: number; basis: ReadBasis } | undefined> {
  const record = await newestGeneralDetailsRecord(ctx, input.patient);
  if (!record) return undefined;
  const read = await readRecord(ctx, { patient: input.patient, index: record.index, readerKey: input.readerKey });
  return { details: parseGeneralDetails(read.plaintext), index: record.index, basis: read.basis };
}
