import { useQuery } from "@tanstack/react-query";
import type { ConversationSummary } from "@lib/messages";
import { useWallet, useApiSession } from "../ehr/useEhr";

/** How often the conversations list is read again, in ms: new messages show up within it. */
export const CONVERSATIONS_POLL_MS = 3_000;
/** Conversations read per poll: the newest ones; older ones wait for the page's "More". */
const LIMIT = 50;

/**
 * The connected patient's or doctor's conversations, latest message first (GET
 * /v1/messages/conversations). Headers only (who, when, how many): the content stays sealed, so
 * this is cached like any other read and also feeds the inbox (useMessageHeaders).
 */
export function useConversations() {
  const { address, role, runtime, core } = useWallet();
  const { api, signedIn } = useApiSession();
  const enabled =
    signedIn && address !== undefined && (role === "patient" || role === "doctor" || role === "suspended");
  return useQuery({
    queryKey: ["message-conversations", runtime.chainId, core, address],
    enabled,
    refetchInterval: CONVERSATIONS_POLL_MS,
    queryFn: async (): Promise<ConversationSummary[]> => (await api.listConversations({ limit: LIMIT })).conversations,
  });
}
