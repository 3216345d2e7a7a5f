import type { EhrApiClient } from "../api/client";
import type { ReadMarks, ReadState } from "../api/wire/readState";
import { NotFoundError, SessionError, StorageError } from "../errors";
import type { Notification } from "./types";

/**
 * How far a user has read their inbox: the time of the newest notification they saw, and the ids
 * seen at exactly that time (so one arriving later in the same second still counts as unread).
 */
export interface SeenMarker {
  at: number;
  ids: string[];
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

/** Where a marker is kept, for tests of the inbox over time (the dApp keeps it in the service). */
export interface UnreadStore {
  lastSeen(): SeenMarker | undefined;
  setLastSeen(marker: SeenMarker): void;
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

/** Whether marker `a` says at least what `b` says: later, or as late and every id `b` saw. */
export function markerCovers(a: SeenMarker | undefined, b: SeenMarker | undefined): boolean {
  if (!b) return true;
  if (!a) return false;
  return a.at > b.at || (a.at === b.at && b.ids.every((id) => a.ids.includes(id)));
}

/**
 * The later of two markers (same time: the ids of both). Read state only moves forward, so a
 * browser that is behind never makes read things unread again; the service merges with this too.
 */
export function laterMarker(a: SeenMarker | undefined, b: SeenMarker | undefined): SeenMarker | undefined {
  if (markerCovers(a, b)) return a;
  if (markerCovers(b, a)) return b;
  // Same time, different ids (b covers a otherwise).
  return { at: a!.at, ids: [...new Set([...a!.ids, ...b!.ids])] };
}

/** Both read states merged forward: the later inbox marker, the later time per conversation. */
export function mergeReadState(a: ReadMarks | undefined, b: ReadMarks | undefined): ReadState {
  const conversations = { ...(a?.conversations ?? {}) };
  for (const [thread, at] of Object.entries(b?.conversations ?? {})) {
    if ((conversations[thread] ?? -1) < at) conversations[thread] = at;
  }
  const inboxSeen = laterMarker(a?.inboxSeen, b?.inboxSeen);
  return inboxSeen ? { inboxSeen, conversations } : { conversations };
}

/** Whether `state` already holds every mark of `marks`. */
export function readStateCovers(state: ReadState | undefined, marks: ReadMarks | undefined): boolean {
  if (!markerCovers(state?.inboxSeen, marks?.inboxSeen)) return false;
  return Object.entries(marks?.conversations ?? {}).every(([thread, at]) => (state?.conversations[thread] ?? -1) >= at);
}

/** The part of the Web Storage API the store uses. */
export type KeyValueStorage = Pick<Storage, "getItem" | "setItem" | "removeItem">;

/**
 * Read marks this browser made that the service has not accepted yet: written before they are sent
 * and forgotten once the service has them, so while the service cannot be reached the badge stays
 * right here and nothing is lost. The service's read state (`/v1/read-state`) is the truth.
 */
export interface PendingReadMarks {
  /** The marks not yet accepted (undefined: none). */
  pending(): ReadMarks | undefined;
  /** Adds `marks` (merged forward with those kept). */
  keep(marks: ReadMarks): void;
  /** Drops the kept marks that `accepted` (the service's state) holds. */
  forget(accepted: ReadState): void;
}

/**
 * {@link PendingReadMarks} in Web Storage (the dApp passes `localStorage`), per chain, contract and
 * account: times and ids only, no patient data. The keys are the ones the dApp kept its whole read
 * state in before the service kept it, so those marks are sent once after the update. A damaged
 * value reads as "nothing kept".
 */
export function webPendingReadMarks(
  storage: KeyValueStorage,
  chainId: number,
  core: string,
  address: string,
): PendingReadMarks {
  const scope = `${chainId}:${core.toLowerCase()}:${address.toLowerCase()}`;
  const inboxKey = `ehr:inbox-seen:${scope}`;
  const conversationsKey = `ehr:messages-read:${scope}`;
  const read = (key: string): unknown => {
    try {
      return JSON.parse(storage.getItem(key) ?? "null");
    } catch {
      return null;
    }
  };
  const write = (key: string, value: unknown) =>
    value === undefined ? storage.removeItem(key) : storage.setItem(key, JSON.stringify(value));
  const inbox = (): SeenMarker | undefined => {
    const value = read(inboxKey) as Partial<SeenMarker> | null;
    if (typeof value?.at !== "number" || !Array.isArray(value.ids)) return undefined;
    return { at: value.at, ids: value.ids.filter((id): id is string => typeof id === "string") };
  };
  const conversations = (): Record<string, number> => {
    const value = read(conversationsKey);
    if (typeof value !== "object" || value === null || Array.isArray(value)) return {};
    const marks: Record<string, number> = {};
    // Numbers (ms) now; ISO times as the dApp kept them before.
    for (const [thread, at] of Object.entries(value)) {
      const ms = typeof at === "number" ? at : typeof at === "string" ? Date.parse(at) : NaN;
      if (/^0x[0-9a-fA-F]{64}$/.test(thread) && Number.isSafeInteger(ms) && ms >= 0) marks[thread.toLowerCase()] = ms;
    }
    return marks;
  };
  const pending = (): ReadMarks | undefined => {
    const seen = inbox();
    const marks = conversations();
    if (!seen && Object.keys(marks).length === 0) return undefined;
    return { ...(seen && { inboxSeen: seen }), ...(Object.keys(marks).length > 0 && { conversations: marks }) };
  };
  const save = (marks: ReadMarks | undefined) => {
    write(inboxKey, marks?.inboxSeen);
    const entries = Object.entries(marks?.conversations ?? {});
    write(conversationsKey, entries.length ? Object.fromEntries(entries) : undefined);
  };
  return {
    pending,
    keep(marks) {
      save(mergeReadState(pending(), marks));
    },
    forget(accepted) {
      const kept = pending();
      if (!kept) return;
      const left = Object.entries(kept.conversations ?? {}).filter(
        ([thread, at]) => (accepted.conversations[thread] ?? -1) < at,
      );
      save({
        ...(!markerCovers(accepted.inboxSeen, kept.inboxSeen) && { inboxSeen: kept.inboxSeen }),
        ...(left.length > 0 && { conversations: Object.fromEntries(left) }),
      });
    },
  };
}

/** Whether `error` says the service could not be reached (or failed), rather than refused. */
function unreachable(error: unknown): boolean {
  return error instanceof StorageError && !(error instanceof NotFoundError);
}

/**
 * One round with the service: sends the marks `pending` keeps (or only reads, when there are none)
 * and answers the service's state with what was kept meanwhile merged in. While the service cannot
 * be reached, or the session has to be renewed, the marks stay kept and `previous` with them is
 * answered (the local view). Marks the service refused as malformed are dropped (they would be
 * refused forever); a refused read throws.
 */
export async function syncReadState(
  api: Pick<EhrApiClient, "readState" | "markRead">,
  pending: PendingReadMarks,
  previous: ReadState | undefined,
): Promise<ReadState> {
  const marks = pending.pending();
  let state: ReadState;
  try {
    state = marks ? await api.markRead(marks) : await api.readState();
  } catch (error) {
    if (!unreachable(error) && !(error instanceof SessionError)) {
      if (!marks) throw error;
      pending.forget(mergeReadState(undefined, marks));
    }
    return mergeReadState(previous, pending.pending());
  }
  pending.forget(state);
  // Marks made while the request was out are not in the answer yet.
  return mergeReadState(state, pending.pending());
}
