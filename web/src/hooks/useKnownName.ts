import { useEffect } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import type { Address } from "viem";
import type { GeneralDetails } from "@lib/fhir/generalDetails";
import { PRIVATE_QUERY_KEY } from "../ehr/context";
import { useWallet } from "../ehr/useEhr";

/** A patient's name as the connected doctor read it in their general details (decrypted: cleared by lock()). */
export interface KnownName {
  name: string;
  dateOfBirth?: string;
}

const knownNameKey = (reader: string | undefined, patient: string | undefined) =>
  [PRIVATE_QUERY_KEY, "known-name", reader, patient?.toLowerCase()] as const;

/**
 * The name this doctor has read in `patient`'s general details in this session (the chart, the
 * chart's summary, an emergency card), for PatientName where the patient shared no name card: a
 * doctor who has the name on screen should not see "Patient 0x…" in the heading above it. Held
 * in memory with the other decrypted data and dropped with it on lock.
 */
export function useKnownName(patient: Address | undefined): KnownName | undefined {
  const { address } = useWallet();
  const known = useQuery<KnownName | null>({
    queryKey: knownNameKey(address, patient),
    queryFn: () => null,
    enabled: false,
    staleTime: Infinity,
  });
  return known.data ?? undefined;
}

/** Remembers the name in `details` (the general details just read) as {@link useKnownName} answers it. */
export function useRememberName(patient: Address, details: GeneralDetails | undefined): void {
  const { address } = useWallet();
  const queryClient = useQueryClient();
  const name = details?.fullName?.trim();
  const dateOfBirth = details?.dateOfBirth;
  useEffect(() => {
    if (!name) return;
    queryClient.setQueryData<KnownName>(knownNameKey(address, patient), {
      name,
      ...(dateOfBirth && { dateOfBirth }),
    });
  }, [queryClient, address, patient, name, dateOfBirth]);
}
