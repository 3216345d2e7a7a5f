import { useQuery } from "@tanstack/react-query";
import { Category } from "@lib/categories";
import type { ChainRecord } from "@lib/chain/ehr";
import type { GeneralDetails } from "@lib/fhir/generalDetails";
import { readRecord } from "@lib/records/flows";
import { parseGeneralDetails } from "@lib/records/generalDetails";
import { parseStoredSummary, type StoredSummary } from "@lib/summary/stored";
import { PRIVATE_QUERY_KEY } from "../../../ehr/context";
import { useWallet, useUserKey } from "../../../ehr/useEhr";

/** What a record's list entry shows: its summary part, or, for general details, the details. */
export type RecordGist = { kind: "summary"; stored: StoredSummary } | { kind: "details"; details: GeneralDetails };

/**
 * The connected patient's gist of one of their records, decrypted in the browser: the summary
 * part when the record has one, the details themselves for a general-details record (they have
 * no summary part), else `null`.
 */
export function useRecordSummary(record: ChainRecord) {
  const { address } = useWallet();
  const { userKey, flowContext } = useUserKey();
  return useQuery({
    queryKey: [PRIVATE_QUERY_KEY, "record-summary", address, record.index],
    enabled: Boolean(address && userKey),
    staleTime: Infinity,
    queryFn: async (): Promise<RecordGist | null> => {
      const ctx = flowContext();
      const input = { patient: address!, index: record.index, readerKey: userKey! };
      if (record.category === Category.GeneralDetails) {
        return { kind: "details", details: parseGeneralDetails((await readRecord(ctx, input)).plaintext) };
      }
      if (!record.summaryCid) return null;
      const read = await readRecord(ctx, { ...input, part: "summary" });
      return { kind: "summary", stored: parseStoredSummary(read.plaintext) };
    },
  });
}
