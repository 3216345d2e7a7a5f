import { useCallback } from "react";
import type { ConversationSummary } from "@lib/messages";
import { sameAddress } from "@lib/records/context";
import { useWallet } from "../ehr/useEhr";
import { useReadState } from "./useReadState";

/**
 * Which conversations the user has read: per conversation, the time of the newest message read,
 * in the user's read state on the service (useReadState), so every browser of the user agrees.
 * Thread ids and times only, no content.
 */
export function useReadMarks() {
  const { address } = useWallet();
  const { state, mark } = useReadState();

  /** Marks `threadId` read up to `sentAt`; a mark never moves back. */
  const markRead = useCallback(
    (threadId: string, sentAt: string) => {
      const at = Date.parse(sentAt);
      if (Number.isFinite(at)) mark({ conversations: { [threadId.toLowerCase()]: at } });
    },
    [mark],
  );

  /** Whether the conversation's latest message is the other party's and newer than the mark. */
  const isUnread = useCallback(
    (c: ConversationSummary) => {
      if (!address || sameAddress(c.lastSender, address)) return false;
      const mark = state?.conversations[c.threadId.toLowerCase()];
      return mark === undefined || Date.parse(c.lastMessageAt) > mark;
    },
    [address, state],
  );
  return { isUnread, markRead };
}
