import type { Hex } from "viem";
import { MAX_MARKS_PER_REQUEST, type ReadMarks, type ReadState } from "../../lib/api/wire/readState";
import { NotFoundError } from "../../lib/errors";
import { tooLarge } from "../http/errors";
import type { Caller } from "../http/validate";
import type { ApiServices } from "../services";
import type { ReadStateStore } from "./store";

/** What the read-state functions use: the store and, to check conversation marks, the messages. */
export interface ReadStateDeps {
  store: ReadStateStore;
  messages: Pick<ApiServices["messages"], "participantsFor">;
}

/** The caller's own read state; nobody can ask for another's. */
export function readState({ store }: ReadStateDeps, caller: Caller): ReadState {
  return store.read(caller.me);
}

/**
 * Merges the caller's marks into their own read state, forward only, and answers the result. At
 * most {@link MAX_MARKS_PER_REQUEST} conversation marks (413), each for a conversation the caller
 * is in (404 for an unknown one and for someone else's alike); on any refusal nothing changes. Nothing is logged: when
 * someone read what is metadata about a patient.
 */
export function mergeReadMarks({ store, messages }: ReadStateDeps, caller: Caller, marks: ReadMarks): ReadState {
  const threads = Object.keys(marks.conversations ?? {});
  if (threads.length > MAX_MARKS_PER_REQUEST) {
    throw tooLarge(`Send at most ${MAX_MARKS_PER_REQUEST} conversation marks at once; nothing was changed.`);
  }
  for (const thread of threads) {
    // Someone else's conversation is answered as one that does not exist (MessageStore.participantsFor).
    if (!messages.participantsFor(thread as Hex, caller.me)) {
      throw new NotFoundError("There is no such conversation of yours; nothing was changed.");
    }
  }
  return store.merge(caller.me, marks);
}
