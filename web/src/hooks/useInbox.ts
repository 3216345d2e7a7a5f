import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useMemo } from "react";
import {
  fetchNotificationEvents,
  inboxFor,
  isUnread,
  markerAfterSeeing,
  type FetchedEvents,
  type Notification,
  type SeenMarker,
} from "@lib/notifications";
import { useWallet } from "../ehr/useEhr";
import { useMessageHeaders } from "./useMessageHeaders";
import { useReadState } from "./useReadState";

/** How often the inbox asks the node for new blocks' events, in ms. */
export const INBOX_POLL_MS = 3_000;

export interface InboxState {
  /** Whether this role has an inbox (patients and doctors). */
  enabled: boolean;
  inbox: Notification[];
  /** The "last seen" marker when the data was read. */
  marker: SeenMarker | undefined;
  unread: number;
  /** The unread items, newest first (none until the marker is read). */
  unreadItems: Notification[];
  /** Marks everything listed now as seen (the badge goes to 0). */
  markAllSeen(): void;
  isLoading: boolean;
  /** The last failed read, for the error banner. */
  error: unknown;
}

/**
 * The connected patient's or doctor's inbox, built from chain events (lib/notifications). Each
 * poll reads only the blocks after the last one read and appends; the events carry no patient
 * data, so they are cached like any chain read. The "last seen" marker is the user's read state on
 * the service (useReadState), so every browser of the user agrees; the query cache holds it, so the
 * badge and the page agree at once.
 */
export function useInbox(): InboxState {
  const { publicClient, core, book, address, role, runtime, onRightChain } = useWallet();
  const queryClient = useQueryClient();
  const side = role === "patient" ? "patient" : role === "doctor" || role === "suspended" ? "doctor" : undefined;
  const enabled = onRightChain && address !== undefined && side !== undefined;
  const eventsKey = useMemo(
    () => ["inbox-events", runtime.chainId, core, book, address, side],
    [runtime.chainId, core, book, address, side],
  );
  const readState = useReadState();

  const events = useQuery({
    queryKey: eventsKey,
    enabled,
    refetchInterval: INBOX_POLL_MS,
    queryFn: async (): Promise<FetchedEvents> => {
      const previous = queryClient.getQueryData<FetchedEvents>(eventsKey);
      const next = await fetchNotificationEvents(
        { publicClient, core, book },
        address!,
        previous?.nextBlock ?? 0n,
        side,
      );
      return { events: [...(previous?.events ?? []), ...next.events], nextBlock: next.nextBlock };
    },
  });

  const messages = useMessageHeaders();
  const inbox = useMemo(
    () => (address && events.data ? inboxFor(address, events.data.events, messages) : []),
    [address, events.data, messages],
  );
  const marker = readState.state?.inboxSeen;
  const { mark } = readState;
  const markAllSeen = useCallback(() => {
    const next = markerAfterSeeing(inbox, marker);
    if (next) mark({ inboxSeen: next });
  }, [inbox, marker, mark]);

  const unreadItems = useMemo(
    () => (readState.isSuccess ? inbox.filter((n) => isUnread(n, marker)) : []),
    [inbox, marker, readState.isSuccess],
  );
  return {
    enabled,
    inbox,
    marker,
    unread: unreadItems.length,
    unreadItems,
    markAllSeen,
    isLoading: events.isLoading,
    error: events.error,
  };
}
