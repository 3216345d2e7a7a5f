import type { Address } from "viem";
import { MAX_CONVERSATION_MARKS, MAX_SEEN_IDS, type ReadMarks, type ReadState } from "../../lib/api/wire/readState";
import { laterMarker, type SeenMarker } from "../../lib/notifications/unread";
import { tooLarge } from "../http/errors";
import type { StateDatabase } from "../state/database";

const MIGRATIONS = [
  {
    id: "read-state/1-marks",
    up(db: StateDatabase["db"]) {
      db.exec(`
        CREATE TABLE read_inbox (
          address TEXT PRIMARY KEY,
          seen_at INTEGER NOT NULL,
          -- JSON array of the notification ids seen at seen_at
          seen_ids TEXT NOT NULL
        );
        CREATE TABLE read_conversations (
          address TEXT NOT NULL,
          thread_id TEXT NOT NULL,
          read_at INTEGER NOT NULL,
          PRIMARY KEY (address, thread_id)
        );
      `);
    },
  },
];

/**
 * Each user's read state in the service's SQLite state (`state.sqlite`, WAL, synchronous FULL): the
 * inbox's "last seen" marker and, per conversation, the time of the newest message read. Times and
 * ids only, never content. A merge runs in one transaction (it never awaits, so two browsers'
 * merges cannot interleave) and only moves marks forward; a merge that would break a bound throws
 * before anything is written.
 */
export class ReadStateStore {
  constructor(private readonly state: StateDatabase) {
    state.migrate(MIGRATIONS);
  }

  /** `user`'s read state (empty before their first mark). */
  read(user: Address): ReadState {
    return this.readIn(this.state.db, user.toLowerCase());
  }

  /**
   * Merges `marks` into `user`'s state: the later inbox marker, the later time per conversation.
   * Beyond {@link MAX_CONVERSATION_MARKS} the oldest marks go (a conversation whose newest read
   * message is older than a thousand others' is far below the first page of the listing). A marker
   * holding more than {@link MAX_SEEN_IDS} ids is refused (413) and nothing changes.
   */
  merge(user: Address, marks: ReadMarks): ReadState {
    const address = user.toLowerCase();
    return this.state.transaction((db) => {
      const before = this.readIn(db, address);
      const seen = laterMarker(before.inboxSeen, marks.inboxSeen);
      if (seen && seen !== before.inboxSeen) {
        if (seen.ids.length > MAX_SEEN_IDS) {
          throw tooLarge(`The inbox marker holds more than ${MAX_SEEN_IDS} notification ids; nothing was changed.`);
        }
        db.prepare(
          `INSERT INTO read_inbox (address, seen_at, seen_ids) VALUES (?, ?, ?)
           ON CONFLICT (address) DO UPDATE SET seen_at = excluded.seen_at, seen_ids = excluded.seen_ids`,
        ).run(address, seen.at, JSON.stringify(seen.ids));
      }
      const upsert = db.prepare(
        `INSERT INTO read_conversations (address, thread_id, read_at) VALUES (?, ?, ?)
         ON CONFLICT (address, thread_id) DO UPDATE SET read_at = max(read_at, excluded.read_at)`,
      );
      for (const [thread, at] of Object.entries(marks.conversations ?? {})) upsert.run(address, thread, at);
      db.prepare(
        `DELETE FROM read_conversations WHERE address = ? AND thread_id IN (
           SELECT thread_id FROM read_conversations WHERE address = ?
           ORDER BY read_at DESC, thread_id LIMIT -1 OFFSET ?)`,
      ).run(address, address, MAX_CONVERSATION_MARKS);
      return this.readIn(db, address);
    });
  }

  private readIn(db: StateDatabase["db"], address: string): ReadState {
    const inbox = db.prepare("SELECT seen_at, seen_ids FROM read_inbox WHERE address = ?").get(address) as
      { seen_at: number; seen_ids: string } | undefined;
    const rows = db.prepare("SELECT thread_id, read_at FROM read_conversations WHERE address = ?").all(address) as {
      thread_id: string;
      read_at: number;
    }[];
    const conversations = Object.fromEntries(rows.map((row) => [row.thread_id, Number(row.read_at)]));
    if (!inbox) return { conversations };
    const inboxSeen: SeenMarker = { at: Number(inbox.seen_at), ids: JSON.parse(inbox.seen_ids) as string[] };
    return { inboxSeen, conversations };
  }
}
