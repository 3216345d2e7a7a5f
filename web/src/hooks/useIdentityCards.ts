import { useQuery } from "@tanstack/react-query";
import type { Address } from "viem";
import { openIdentityCard, type OpenedIdentityCard } from "@lib/identity/card";
import { PRIVATE_QUERY_KEY } from "../ehr/context";
import { useWallet, useApiSession, useUserKey } from "../ehr/useEhr";

/** How often the cards are read again, in ms: a patient who books or grants shows by name within it. */
const CARDS_POLL_MS = 15_000;

/** The query key of the opened cards (decrypted: cleared by lock()). */
export function identityCardsKey(address: string | undefined) {
  return [PRIVATE_QUERY_KEY, "identity-cards", address] as const;
}

/**
 * The name cards patients shared with the connected doctor (and those the connected patient
 * shared), opened in the browser with the unlocked key: patient address (lowercase) -> card. A card
 * that does not open (altered, another key) is left out, so the page falls back to the address.
 */
export function useIdentityCards() {
  const { address, runtime, core } = useWallet();
  const { api, signedIn } = useApiSession();
  const { userKey } = useUserKey();
  return useQuery({
    queryKey: identityCardsKey(address),
    enabled: Boolean(signedIn && address && userKey),
    refetchInterval: CARDS_POLL_MS,
    queryFn: async () => {
      const { received, shared } = await api.identityCards();
      const scope = { chainId: runtime.chainId, contract: core, reader: address!, privateKey: userKey!.privateKey };
      const opened = await Promise.allSettled([...received, ...shared].map((card) => openIdentityCard(card, scope)));
      const byPatient = new Map<string, OpenedIdentityCard>();
      for (const result of opened) {
        if (result.status === "fulfilled") byPatient.set(result.value.patient.toLowerCase(), result.value);
      }
      return byPatient;
    },
  });
}

/** One patient's card from {@link useIdentityCards}, or undefined. */
export function usePatientCard(patient: Address | undefined): OpenedIdentityCard | undefined {
  const cards = useIdentityCards();
  return patient ? cards.data?.get(patient.toLowerCase()) : undefined;
}
