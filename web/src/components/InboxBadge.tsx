import "../features/inbox/inbox.css";
import { useInbox } from "../hooks/useInbox";

/**
 * The unread count next to the Inbox link, and on a phone's "More" button when the Inbox is behind it
 * (`onMore`); nothing when all is read.
 */
export function InboxBadge({ onMore = false }: { onMore?: boolean }) {
  const { unread } = useInbox();
  if (unread === 0) return null;
  return (
    <span className="inbox-badge" data-testid={onMore ? "inbox-badge-more" : "inbox-badge"}>
      {unread}
      <span className="visually-hidden"> unread</span>
    </span>
  );
}
