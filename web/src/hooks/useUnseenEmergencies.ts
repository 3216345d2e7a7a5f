import { useInbox } from "./useInbox";

/**
 * Emergency accesses opened on the connected patient that she has not marked as seen, newest first
 * (the inbox's urgent unread items), and the acknowledgement that marks them (and the rest of the
 * inbox) seen. The global banner and the patient's Home card show the same list.
 */
export function useUnseenEmergencies() {
  const { unreadItems, markAllSeen } = useInbox();
  return { unseen: unreadItems.filter((n) => n.priority === "urgent"), markAllSeen };
}
