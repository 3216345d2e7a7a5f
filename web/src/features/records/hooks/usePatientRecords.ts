import { useQuery } from "@tanstack/react-query";
import { listRecords } from "@lib/records/flows";
import { useWallet } from "../../../ehr/useEhr";

/** The query key prefix of the connected patient's record list (chain data, not decrypted). */
export const RECORDS_QUERY_KEY = "patient-records";

/** One page of the connected patient's records, newest first, from the chain. @default pageSize 20 */
export function usePatientRecords(offset: number, pageSize = 20) {
  const { address, publicClient, core, onRightChain } = useWallet();
  return useQuery({
    queryKey: [RECORDS_QUERY_KEY, core, address, offset, pageSize],
    enabled: Boolean(address && onRightChain),
    queryFn: () =>
      listRecords({ publicClient, core }, { patient: address!, offset, limit: pageSize, newestFirst: true }),
  });
}
