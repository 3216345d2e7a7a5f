import type { Notification } from "./types";

/**
 * How far a user has read their inbox: the time of the newest notification they saw, and the ids
 * seen at exactly that time (so one arriving later in the same second still counts as unread).
 */
export interface SeenMarker {
  at: number;
  ids: string[];
}

/** Where the marker is kept: memory in tests, localStorage in the dApp. */
export interface UnreadStore {
  lastSeen(): SeenMarker | undefined;
  setLastSeen(marker: SeenMarker): void;
}

/** Whether `n` is newer than the marker. */
export function isUnread(n: Notification, marker: SeenMarker | undefined): boolean {
  if (!marker) return true;
  return n.at > marker.at || (n.at === marker.at && !marker.ids.includes(n.id));
}

/** How many of `inbox` the user has not seen. */
export function unreadCount(inbox: readonly Notification[], marker: SeenMarker | undefined): number {
  return inbox.filter((n) => isUnread(n, marker)).length;
}

/**
 * The marker after the user has seen all of `inbox`; the old marker when the inbox is empty or
 * older (a marker never moves back).
 */
export function markerAfterSeeing(inbox: readonly Notification[], old: SeenMarker | undefined): SeenMarker | undefined {
  const newest = inbox.reduce((t, n) => Math.max(t, n.at), -Infinity);
  if (newest === -Infinity || (old && old.at > newest)) return old;
  const ids = inbox.filter((n) => n.at === newest).map((n) => n.id);
  const keep = old && old.at === newest ? old.ids : [];
  return { at: newest, ids: [...new Set([...keep, ...ids])] };
}

/** A store in memory. */
export function memoryUnreadStore(initial?: SeenMarker): UnreadStore {
  let marker = initial;
  return {
    lastSeen: () => marker,
    setLastSeen: (m) => {
      marker = m;
    },
  };
}

/** The part of the Web Storage API the store uses. */
export type KeyValueStorage = Pick<Storage, "getItem" | "setItem">;

/**
 * A store in Web Storage (the dApp passes `localStorage`), one key per chain, contract and
 * account: the marker holds no patient data. A damaged value reads as "nothing seen".
 */
export function webUnreadStore(storage: KeyValueStorage, chainId: number, core: string, address: string): UnreadStore {
  const key = `ehr:inbox-seen:${chainId}:${core.toLowerCase()}:${address.toLowerCase()}`;
  return {
    lastSeen() {
      const raw = storage.getItem(key);
      if (!raw) return undefined;
      try {
        const value = JSON.parse(raw) as Partial<SeenMarker>;
        if (typeof value.at !== "number" || !Array.isArray(value.ids)) return undefined;
        return { at: value.at, ids: value.ids.filter((id): id is string => typeof id === "string") };
      } catch {
        return undefined;
      }
    },
    setLastSeen(marker) {
      storage.setItem(key, JSON.stringify(marker));
    },
  };
}
