import { useQuery } from "@tanstack/react-query";
import { fromUtf8 } from "@lib/bytes";
import { FormatError } from "@lib/errors";
import { orderFromBundle } from "@lib/fhir/orders";
import { readRecord } from "@lib/records/flows";
import { PRIVATE_QUERY_KEY } from "../../../ehr/context";
import { useWallet, useUserKey } from "../../../ehr/useEhr";

/**
 * The order (MedicationRequest or ServiceRequest) a doctor attached to one of the connected
 * patient's appointments: their own record `index`, read, checked against the chain and decrypted
 * in the browser (kept in memory under PRIVATE_QUERY_KEY only). Waits for the unlocked key.
 */
export function useAppointmentOutcome(index: number | undefined) {
  const { address } = useWallet();
  const { userKey, flowContext } = useUserKey();
  return useQuery({
    queryKey: [PRIVATE_QUERY_KEY, "appointment-outcome", address, index],
    enabled: Boolean(address && userKey) && index !== undefined,
    staleTime: Infinity,
    queryFn: async () => {
      const read = await readRecord(flowContext(), { patient: address!, index: index!, readerKey: userKey! });
      let order: ReturnType<typeof orderFromBundle>;
      try {
        order = orderFromBundle(JSON.parse(fromUtf8(read.plaintext)));
      } catch (error) {
        throw new FormatError("The appointment's outcome record is not a FHIR order.", { cause: error });
      }
      if (!order) throw new FormatError("The appointment's outcome record is not a FHIR order.");
      return order;
    },
  });
}
