import type { ConversationSummary } from "@lib/messages";
import { formatSent } from "../../../components/clinicalFormat";
import { PartyName } from "./PartyName";

export interface ConversationListProps {
  conversations: ConversationSummary[];
  /** The connected user is the patient side (the other party is a doctor). */
  viewerIsPatient: boolean;
  isUnread(c: ConversationSummary): boolean;
  onOpen(c: ConversationSummary): void;
}

/** The user's conversations, latest message first, with the other party, the time and an unread dot. */
export function ConversationList({ conversations, viewerIsPatient, isUnread, onOpen }: ConversationListProps) {
  if (conversations.length === 0) return <p>No conversations yet.</p>;
  return (
    <ul className="conversation-list" aria-label="Conversations, latest first">
      {conversations.map((c) => {
        const other = viewerIsPatient ? c.doctor : c.patient;
        const unread = isUnread(c);
        return (
          <li key={c.threadId} className={unread ? "unread" : undefined}>
            <button type="button" className="conversation-open" onClick={() => onOpen(c)}>
              {unread ? (
                <span className="unread-dot" data-testid="unread-dot">
                  <span className="visually-hidden">Unread: </span>
                </span>
              ) : null}
              <span className="conversation-party">
                <PartyName address={other} isDoctor={viewerIsPatient} />
              </span>
              <span className="conversation-meta">
                {c.messageCount} message{c.messageCount === 1 ? "" : "s"} · last{" "}
                <time dateTime={c.lastMessageAt}>{formatSent(new Date(c.lastMessageAt))}</time>
              </span>
            </button>
          </li>
        );
      })}
    </ul>
  );
}
