import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useMemo } from "react";
import type { ConversationSummary } from "@lib/messages";
import { sameAddress } from "@lib/records/context";
import { useEhr } from "../ehr/useEhr";

/** Per conversation, the time (ISO 8601, the service's `sentAt`) of the newest message read. */
type Marks = Record<string, string>;

/**
 * Which conversations the user has read, kept in localStorage per chain, contract and account
 * (the service leaves read state to the client): thread ids and times only, no content. A
 * damaged value reads as "nothing read".
 */
export function useReadMarks() {
  const { address, runtime, core } = useEhr();
  const queryClient = useQueryClient();
  const storageKey = address
    ? `ehr:messages-read:${runtime.chainId}:${core.toLowerCase()}:${address.toLowerCase()}`
    : "";
  const queryKey = useMemo(() => ["message-read-marks", storageKey], [storageKey]);
  const marks = useQuery({
    queryKey,
    enabled: storageKey !== "",
    staleTime: Infinity,
    queryFn: (): Marks => {
      try {
        const value = JSON.parse(window.localStorage.getItem(storageKey) ?? "{}") as unknown;
        return typeof value === "object" && value !== null ? (value as Marks) : {};
      } catch {
        return {};
      }
    },
  });

  /** Marks `threadId` read up to `sentAt`; a mark never moves back. */
  const markRead = useCallback(
    (threadId: string, sentAt: string) => {
      if (!storageKey) return;
      const current = queryClient.getQueryData<Marks>(queryKey) ?? {};
      const old = current[threadId.toLowerCase()];
      if (old && Date.parse(old) >= Date.parse(sentAt)) return;
      const next = { ...current, [threadId.toLowerCase()]: sentAt };
      window.localStorage.setItem(storageKey, JSON.stringify(next));
      queryClient.setQueryData(queryKey, next);
    },
    [queryClient, queryKey, storageKey],
  );

  /** Whether the conversation's latest message is the other party's and newer than the mark. */
  const isUnread = useCallback(
    (c: ConversationSummary) => {
      if (!address || sameAddress(c.lastSender, address)) return false;
      const mark = marks.data?.[c.threadId.toLowerCase()];
      return !mark || Date.parse(c.lastMessageAt) > Date.parse(mark);
    },
    [address, marks.data],
  );
  return { isUnread, markRead };
}
