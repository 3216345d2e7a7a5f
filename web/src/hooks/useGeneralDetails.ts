import { useQuery } from "@tanstack/react-query";
import { latestGeneralDetails } from "@lib/records/flows";
import { PRIVATE_QUERY_KEY } from "../ehr/context";
import { useWallet, useUserKey } from "../ehr/useEhr";

/** The query key of the connected patient's decrypted general details (cleared by lock()). */
export function generalDetailsKey(address: string | undefined) {
  return [PRIVATE_QUERY_KEY, "general-details", address] as const;
}

/**
 * The connected patient's newest general details, decrypted in the browser; `null` when there are
 * none yet. Runs only while the key is unlocked.
 */
export function useGeneralDetails() {
  const { address } = useWallet();
  const { userKey, flowContext } = useUserKey();
  return useQuery({
    queryKey: generalDetailsKey(address),
    enabled: Boolean(address && userKey),
    queryFn: async () =>
      (await latestGeneralDetails(flowContext(), { patient: address!, readerKey: userKey! })) ?? null,
  });
}
