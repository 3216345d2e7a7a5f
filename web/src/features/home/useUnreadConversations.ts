import { useConversations } from "../../hooks/useConversations";
import { useReadMarks } from "../../hooks/useReadMarks";

/**
 * How many of the user's conversations have a message from the other party not yet read (the read
 * state every browser of the user shares); undefined until the list is read.
 */
export function useUnreadConversations(): number | undefined {
  const conversations = useConversations();
  const { isUnread } = useReadMarks();
  return conversations.data?.filter(isUnread).length;
}
