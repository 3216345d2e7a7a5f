import "../features/inbox/inbox.css";
import { useInbox } from "../hooks/useInbox";

/** The unread count next to the Inbox link; nothing when all is read. */
export function InboxBadge() {
  const { unread } = useInbox();
  if (unread === 0) return null;
  return (
    <span className="inbox-badge" data-testid="inbox-badge">
      {unread}
      <span className="visually-hidden"> unread</span>
    </span>
  );
}
