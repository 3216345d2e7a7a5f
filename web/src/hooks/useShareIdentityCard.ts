import { useQueryClient } from "@tanstack/react-query";
import { useCallback } from "react";
import type { Address } from "viem";
import { sealIdentityCard } from "@lib/identity/card";
import { participantKeys } from "@lib/messages";
import { useWallet, useApiSession } from "../ehr/useEhr";
import { identityCardsKey } from "./useIdentityCards";
import { useGeneralDetails } from "./useGeneralDetails";

/**
 * Shares the connected patient's name and date of birth (from her general details) with `doctor`,
 * sealed to the doctor and to her: called right after a grant or a booking, which the page says at
 * that moment. Resolves false when there is nothing to share yet (no general details), so the page
 * can say so; a refusal throws with the service's sentence.
 */
export function useShareIdentityCard() {
  const { address, publicClient, runtime, core } = useWallet();
  const { api } = useApiSession();
  const details = useGeneralDetails();
  const queryClient = useQueryClient();
  return useCallback(
    async (doctor: Address, options: { appointmentStart?: number } = {}): Promise<boolean> => {
      const own = details.data?.details ?? (await details.refetch()).data?.details;
      if (!address || !own) return false;
      const card = await sealIdentityCard({
        chainId: runtime.chainId,
        contract: core,
        patient: address,
        doctor,
        card: { name: own.fullName, ...(own.dateOfBirth && { dateOfBirth: own.dateOfBirth }) },
        publicKeys: await participantKeys(publicClient, core, address, doctor),
      });
      await api.shareIdentityCard(card, options);
      await queryClient.invalidateQueries({ queryKey: identityCardsKey(address) });
      return true;
    },
    [api, address, publicClient, runtime.chainId, core, details, queryClient],
  );
}
