import { useCallback } from "react";
import type { Address } from "viem";
import { participantKeys, sealMessage } from "@lib/messages";
import { useWallet, useApiSession } from "../ehr/useEhr";

/**
 * Sends a short text message, sealed to the patient and the doctor, from the connected user: the
 * reason given with a booking, a revoke, a cancellation or a decline. `appointmentStart` names the
 * appointment that links the two when no grant does.
 */
export function useSendNote() {
  const { address, publicClient, runtime, core } = useWallet();
  const { api } = useApiSession();
  return useCallback(
    async (pair: { patient: Address; doctor: Address }, text: string, appointmentStart?: number) => {
      if (!address) return;
      const sealed = await sealMessage({
        chainId: runtime.chainId,
        contract: core,
        ...pair,
        sender: address,
        content: { kind: "text", text },
        publicKeys: await participantKeys(publicClient, core, pair.patient, pair.doctor),
      });
      await api.sendMessage(sealed, { appointmentStart });
    },
    [api, address, publicClient, runtime.chainId, core],
  );
}
