import { useQuery } from "@tanstack/react-query";
import { decodeReads, summarySources } from "@lib/clinical/decodeReads";
import { readClinicalSources } from "@lib/clinical/readClinicalSources";
import { reconcile } from "@lib/clinical/reconcile";
import { PRIVATE_QUERY_KEY } from "../../../ehr/context";
import { useWallet, useUserKey } from "../../../ehr/useEhr";

/**
 * The connected patient's reconciled allergies and medications, from their newest general details
 * and every summary, decrypted in the browser (the patient's own reads are not logged; the same
 * parts a doctor's emergency card reads). `recordCount` is part of the key: a new record refreshes it.
 */
export function useOwnReconciledList(recordCount: number | undefined) {
  const { address } = useWallet();
  const { userKey, flowContext } = useUserKey();
  return useQuery({
    queryKey: [PRIVATE_QUERY_KEY, "reconciled-list", address, recordCount],
    enabled: Boolean(address && userKey && recordCount !== undefined),
    staleTime: Infinity,
    queryFn: async () => {
      const decoded = decodeReads(await readClinicalSources(flowContext(), { patient: address!, readerKey: userKey! }));
      return {
        list: reconcile({ details: decoded.details, summaries: summarySources(decoded) }),
        unavailable: decoded.unavailable.length,
      };
    },
  });
}
