import { HomeCard } from "./HomeCard";
import { useUnreadConversations } from "./useUnreadConversations";

/** The home's messages card, for either role: how many conversations wait for the user's reading. */
export function UnreadMessagesCard({ emptyHint }: { emptyHint: string }) {
  const unread = useUnreadConversations();
  return (
    <HomeCard
      title="Messages"
      testId="home-messages"
      link={{ to: "/messages", label: unread ? "Read your messages" : "Open Messages" }}
    >
      {unread === undefined ? (
        <p role="status">Reading your conversations…</p>
      ) : unread === 0 ? (
        <p>No unread messages. {emptyHint}</p>
      ) : (
        <p>
          <strong className="home-count">{unread}</strong> conversation{unread === 1 ? " has" : "s have"} a new message.
        </p>
      )}
    </HomeCard>
  );
}
