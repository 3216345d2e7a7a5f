import { useQuery } from "@tanstack/react-query";
import { allRecords } from "@lib/records/flows";
import { readTrends, trendCandidates } from "../../../components/trends/readTrends";
import { PRIVATE_QUERY_KEY } from "../../../ehr/context";
import { useWallet, useUserKey } from "../../../ehr/useEhr";

/**
 * The connected patient's measurement series, drawn from their records that are FHIR Bundles
 * (decrypted in the browser; a patient's own reads are not logged, so all are read). Kept in
 * memory under PRIVATE_QUERY_KEY.
 */
export function usePatientTrends() {
  const { address, publicClient, core, onRightChain } = useWallet();
  const { userKey, flowContext } = useUserKey();
  return useQuery({
    queryKey: [PRIVATE_QUERY_KEY, "trends", core, address],
    enabled: Boolean(address && userKey && onRightChain),
    queryFn: async () => {
      const records = trendCandidates(await allRecords({ publicClient, core }, address!));
      return readTrends(flowContext(), address!, records, userKey!);
    },
  });
}
