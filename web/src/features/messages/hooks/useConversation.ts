import { useInfiniteQuery } from "@tanstack/react-query";
import { useMemo, useRef } from "react";
import type { Hex } from "viem";
import { StorageError } from "@lib/errors";
import { openMessage, type OpenedMessage, type StoredMessage } from "@lib/messages";
import { PRIVATE_QUERY_KEY } from "../../../ehr/context";
import { useWallet, useApiSession, useUserKey } from "../../../ehr/useEhr";

/** Messages per page: one screen of a chat. */
export const CONVERSATION_PAGE = 20;

/** One message of the view: opened, or why not (its neighbours still show). */
export type ConversationItem =
  { ok: true; message: OpenedMessage } | { ok: false; id: Hex; sender: StoredMessage["sender"]; sentAt: string };

interface Page {
  items: ConversationItem[];
  nextCursor?: string;
}

/** The service answered 404: nobody has written in this conversation yet. */
function isUnknownThread(error: unknown): boolean {
  return error instanceof StorageError && (error.details ?? "").includes("HTTP 404");
}

/**
 * One conversation, decrypted in this browser with the unlocked key, oldest first; `fetchNextPage`
 * reads older messages. Decrypted content lives only under PRIVATE_QUERY_KEY (lock() drops it)
 * and in this hook's per-id cache, so a refetch for a new message does not open the others again.
 * A message that cannot be opened (altered, or not for this key) becomes a placeholder item.
 */
export function useConversation(threadId: Hex | undefined) {
  const { address, runtime, core } = useWallet();
  const { api } = useApiSession();
  const { userKey } = useUserKey();
  const opened = useRef(new Map<string, OpenedMessage>());
  const query = useInfiniteQuery({
    queryKey: [PRIVATE_QUERY_KEY, "messages", runtime.chainId, core, address, threadId],
    enabled: threadId !== undefined && userKey !== undefined && address !== undefined,
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last: Page) => last.nextCursor,
    queryFn: async ({ pageParam }): Promise<Page> => {
      let page;
      try {
        page = await api.listMessages(threadId!, { cursor: pageParam, limit: CONVERSATION_PAGE });
      } catch (error) {
        if (isUnknownThread(error)) return { items: [] };
        throw error;
      }
      const items = await Promise.all(
        page.messages.map(async (m): Promise<ConversationItem> => {
          const cached = opened.current.get(m.id);
          if (cached) return { ok: true, message: cached };
          try {
            const message = await openMessage(m, {
              chainId: runtime.chainId,
              contract: core,
              reader: address!,
              privateKey: userKey!.privateKey,
            });
            opened.current.set(m.id, message);
            return { ok: true, message };
          } catch {
            return { ok: false, id: m.id, sender: m.sender, sentAt: m.sentAt };
          }
        }),
      );
      return { items, nextCursor: page.nextCursor };
    },
  });
  // The service pages newest first; the view reads oldest first.
  const items = useMemo(() => (query.data?.pages.flatMap((p) => p.items) ?? []).reverse(), [query.data]);
  return { ...query, items };
}

/** The id and time of an item, opened or not. */
export function itemMeta(item: ConversationItem): { id: Hex; sender: string; sentAt: string | undefined } {
  return item.ok
    ? { id: item.message.id, sender: item.message.sender, sentAt: item.message.sentAt }
    : { id: item.id, sender: item.sender, sentAt: item.sentAt };
}
