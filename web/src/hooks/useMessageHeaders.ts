import { useMemo } from "react";
import type { MessageHeader } from "@lib/notifications";
import { sameAddress } from "@lib/records/context";
import { useWallet } from "../ehr/useEhr";
import { useConversations } from "./useConversations";

/**
 * The inbox's message headers: each conversation whose latest message came from the other party,
 * as one "new message" (the listing names the latest message only, and its kind travels sealed).
 * Empty until the service answers; a failed read leaves the chain notifications alone.
 */
export function useMessageHeaders(): MessageHeader[] {
  const { address } = useWallet();
  const conversations = useConversations();
  return useMemo(() => {
    if (!address || !conversations.data) return [];
    return conversations.data
      .filter((c) => !sameAddress(c.lastSender, address))
      .map((c) => ({
        id: c.lastMessageId,
        from: c.lastSender,
        to: address,
        sentAt: c.lastMessageAt,
        kind: "message" as const,
      }));
  }, [address, conversations.data]);
}
