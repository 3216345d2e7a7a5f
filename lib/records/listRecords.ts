import { readRecordPage, recordCount, type ChainRecord } from "../chain/ehr";
import { FormatError } from "../errors";
import type { Address } from "viem";
import type { FlowContext } from "./types";

export interface ListRecordsInput {
  patient: Address;
  /** Records to skip, counted from the oldest (or the newest with `newestFirst`). @default 0 */
  offset?: number;
  /** Page size, 1..100. @default 20 */
  limit?: number;
  /** @default false */
  newestFirst?: boolean;
}

export interface RecordPage {
  records: ChainRecord[];
  /** The patient's record count when the page was read. */
  total: number;
}

export const MAX_PAGE = 100;

/** One page of a patient's records, each with its hashes and CIDs from its `RecordAdded` event. */
export async function listRecords(
  ctx: Pick<FlowContext, "publicClient" | "core">,
  input: ListRecordsInput,
): Promise<RecordPage> {
  const offset = input.offset ?? 0;
  const limit = input.limit ?? 20;
  if (!Number.isSafeInteger(offset) || offset < 0) throw new FormatError("The page offset is not valid.");
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_PAGE) {
    throw new FormatError(`The page size must be between 1 and ${MAX_PAGE}.`);
  }
  const total = await recordCount(ctx.publicClient, ctx.core, input.patient);
  if (!input.newestFirst) {
    if (offset >= total) return { records: [], total };
    return { records: await readRecordPage(ctx.publicClient, ctx.core, input.patient, offset, limit), total };
  }
  const end = total - offset; // exclusive, oldest-first index
  if (end <= 0) return { records: [], total };
  const start = Math.max(0, end - limit);
  const page = await readRecordPage(ctx.publicClient, ctx.core, input.patient, start, end - start);
  return { records: page.reverse(), total };
}

/** Every record of a patient, oldest first, read page by page. */
export async function allRecords(
  ctx: Pick<FlowContext, "publicClient" | "core">,
  patient: Address,
): Promise<ChainRecord[]> {
  const out: ChainRecord[] = [];
  for (let offset = 0; ; offset += MAX_PAGE) {
    const { records, total } = await listRecords(ctx, { patient, offset, limit: MAX_PAGE });
    out.push(...records);
    if (offset + MAX_PAGE >= total) return out;
  }
}
