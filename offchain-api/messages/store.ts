import { existsSync, readdirSync, readFileSync, renameSync } from "node:fs";
import path from "node:path";
import { getAddress, type Address, type Hex } from "viem";
import { sameAddress } from "../../lib/records/context";
import { ConflictError, StorageError } from "../../lib/errors";
import type {
  ConversationPage,
  ConversationSummary,
  MessagePage,
  SealedMessage,
  StoredMessage,
} from "../../lib/api/wire/messages";
import type { Migration, StateDatabase } from "../state/database";

/** A page request: `cursor` from the previous page's `nextCursor` (absent: the newest). */
export interface PageRequest {
  cursor?: string;
  limit: number;
}

/** {@link MessageStore.append} refused: the sender reached `limit` messages in this conversation in a day. */
export class SendLimitReached extends Error {
  /**
   * @param limit the limit reached: messages in this conversation (`per: "conversation"`), or
   *   bytes of messages in all of the sender's conversations (`per: "sender"`), in 24 hours.
   */
  constructor(
    readonly limit: number,
    readonly per: "conversation" | "sender" = "conversation",
  ) {
    super(
      per === "conversation"
        ? `The sender reached ${limit} messages in this conversation in a day.`
        : `The sender reached ${limit} bytes of messages in a day.`,
    );
  }
}

const DAY_MS = 86_400_000;

/** A message file of the layout before this store (`<folder>/<threadId>/<seq>.json`). */
const LEGACY_FILE = /^(\d{12})\.json$/;

/**
 * The store's schema: `messages`, one row per message (its sealed JSON as sent, with the columns
 * the listings and the daily limit read), `seq` the order of arrival; `message_threads`, one row
 * per conversation with its latest message and count, kept in the same transaction as each insert,
 * so a user's conversation list reads their conversations and nothing else. The second step imports
 * the file-per-message layout of earlier versions once, inside its own transaction.
 */
function migrations(legacyFolder: string | undefined): Migration[] {
  return [
    {
      id: "messages/1-store",
      up(db) {
        db.exec(`
          CREATE TABLE messages (
            seq INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            thread TEXT NOT NULL,
            sender TEXT NOT NULL,
            sent_at TEXT NOT NULL,
            sent_ms INTEGER NOT NULL,
            body TEXT NOT NULL
          );
          CREATE INDEX messages_thread ON messages (thread, seq);
          CREATE TABLE message_threads (
            thread TEXT PRIMARY KEY,
            patient TEXT NOT NULL,
            doctor TEXT NOT NULL,
            last_seq INTEGER NOT NULL,
            count INTEGER NOT NULL
          );
          CREATE INDEX message_threads_patient ON message_threads (patient, last_seq);
          CREATE INDEX message_threads_doctor ON message_threads (doctor, last_seq);
        `);
      },
    },
    {
      id: "messages/2-import-files",
      up(db) {
        if (!legacyFolder || !existsSync(legacyFolder)) return;
        for (const dir of readdirSync(legacyFolder)) {
          if (!/^0x[0-9a-f]{64}$/.test(dir)) continue;
          for (const name of readdirSync(path.join(legacyFolder, dir)).sort()) {
            const match = LEGACY_FILE.exec(name);
            if (!match) continue; // a temporary file left by a crash mid-write: never a message
            const message = JSON.parse(readFileSync(path.join(legacyFolder, dir, name), "utf8")) as StoredMessage;
            insert(db, Number(match[1]), message);
          }
        }
      },
    },
    {
      // What one sender stored in the last 24 hours, in all conversations (the daily byte limit).
      id: "messages/3-by-sender",
      up(db) {
        db.exec("CREATE INDEX messages_sender_time ON messages (sender, sent_ms)");
      },
    },
    {
      // The daily byte limit from the index alone: each message's size beside its sender and time,
      // so a send no longer reads the bodies of the sender's day (up to 4 MiB) to sum them. A stored
      // column (SQLite reads the row for a generated one, even when an index holds it).
      id: "messages/4-size",
      up(db) {
        db.exec(`
          ALTER TABLE messages ADD COLUMN size INTEGER NOT NULL DEFAULT 0;
          UPDATE messages SET size = LENGTH(body);
          DROP INDEX messages_sender_time;
          CREATE INDEX messages_sender_time_size ON messages (sender, sent_ms, size);
        `);
      },
    },
  ];
}

/** What one sender stored since a time, summed from the index `messages/4-size` makes (no body is read). */
export const SENT_BYTES_SINCE = "SELECT COALESCE(SUM(size), 0) AS sent FROM messages WHERE sender = ? AND sent_ms >= ?";

/**
 * Inside a transaction: stores `message` as number `seq` and moves its conversation's latest to it.
 * `sized`: the table has its `size` column (migration `messages/4-size`, which sizes the rows the
 * import before it wrote).
 */
function insert(
  db: StateDatabase["db"],
  seq: number,
  message: StoredMessage,
  body = JSON.stringify(message),
  sized = false,
): void {
  const thread = message.threadId.toLowerCase();
  const values = [
    seq,
    message.id.toLowerCase(),
    thread,
    message.sender.toLowerCase(),
    message.sentAt,
    Date.parse(message.sentAt),
    body,
    ...(sized ? [body.length] : []),
  ];
  const columns = `seq, id, thread, sender, sent_at, sent_ms, body${sized ? ", size" : ""}`;
  db.prepare(`INSERT INTO messages (${columns}) VALUES (${values.map(() => "?").join(", ")})`).run(...values);
  db.prepare(
    `INSERT INTO message_threads (thread, patient, doctor, last_seq, count) VALUES (?, ?, ?, ?, 1)
     ON CONFLICT (thread) DO UPDATE SET last_seq = MAX(last_seq, excluded.last_seq), count = count + 1`,
  ).run(thread, message.patient.toLowerCase(), message.doctor.toLowerCase(), seq);
}

interface ThreadRow {
  thread: string;
  patient: string;
  doctor: string;
  last_seq: number;
  count: number;
  id: string;
  sender: string;
  sent_at: string;
  body: string;
}

/**
 * Sealed messages in the service's SQLite state (`state.sqlite`, synchronous FULL): a message is
 * committed, durably, before `append` resolves, and a crash leaves it stored or not, never half.
 * `seq` is a store-wide counter: the order of arrival, and the cursor of both listings (newest
 * first). Opening reads nothing but the schema: a page of a conversation is one indexed range
 * (O(page)), a user's conversation list one indexed range of their conversations, and memory holds
 * no message at all, so a sender filling conversations fills the disk (up to the daily limit per
 * conversation, {@link append}), never the process's memory, and a start takes as long with a
 * million messages as with none. The first start after an upgrade imports the file-per-message
 * layout of earlier versions (`legacyFolder`) once and renames it `<folder>.migrated`. The store
 * holds ciphertext only and never logs a message.
 */
export class MessageStore {
  private closed = false;

  private constructor(private readonly state: StateDatabase) {}

  static open(state: StateDatabase, legacyFolder?: string): MessageStore {
    state.migrate(migrations(legacyFolder));
    try {
      if (legacyFolder && existsSync(legacyFolder)) renameSync(legacyFolder, `${legacyFolder}.migrated`);
    } catch (error) {
      throw new StorageError("The message store could not be migrated.", { cause: error, details: legacyFolder });
    }
    return new MessageStore(state);
  }

  /** Whether a message with this id is stored. */
  has(id: Hex): boolean {
    return this.read((db) => db.prepare("SELECT 1 FROM messages WHERE id = ?").get(id.toLowerCase()) !== undefined);
  }

  /** The participants of a conversation, or undefined before its first message. */
  participants(threadId: Hex): { patient: Address; doctor: Address } | undefined {
    const row = this.read(
      (db) =>
        db.prepare("SELECT patient, doctor FROM message_threads WHERE thread = ?").get(threadId.toLowerCase()) as
          { patient: string; doctor: string } | undefined,
    );
    return row && { patient: getAddress(row.patient), doctor: getAddress(row.doctor) };
  }

  /**
   * The participants of a conversation `user` is in; undefined when there is none or it is someone
   * else's, which callers answer alike (a 404), so a stranger cannot learn whether two people write.
   */
  participantsFor(threadId: Hex, user: Address): { patient: Address; doctor: Address } | undefined {
    const found = this.participants(threadId);
    return found && (sameAddress(user, found.patient) || sameAddress(user, found.doctor)) ? found : undefined;
  }

  /**
   * Stores a message (its id not yet stored: the caller checks {@link has}); resolves once it is
   * committed, with the time the service took it. With `perSenderPerDay`, refuses
   * (SendLimitReached) a sender who stored that many in this conversation in the last 24 hours;
   * with `bytesPerSenderPerDay`, one whose stored messages in all conversations in the last 24 hours
   * would pass that many bytes with this one. The checks and the insert are one transaction.
   */
  async append(
    sealed: SealedMessage,
    limits: { perSenderPerDay?: number; bytesPerSenderPerDay?: number } = {},
  ): Promise<StoredMessage> {
    if (this.closed) throw new StorageError("The message store is closed.");
    const message: StoredMessage = { ...sealed, sentAt: new Date().toISOString() };
    const thread = message.threadId.toLowerCase();
    let outcome: "stored" | "duplicate" | "limit" | "bytes";
    try {
      outcome = this.state.transaction((db) => {
        if (db.prepare("SELECT 1 FROM messages WHERE id = ?").get(message.id.toLowerCase())) return "duplicate";
        const limit = limits.perSenderPerDay;
        const sender = message.sender.toLowerCase();
        const since = Date.now() - DAY_MS;
        if (limit !== undefined) {
          const { n } = db
            .prepare("SELECT COUNT(*) AS n FROM messages WHERE thread = ? AND sender = ? AND sent_ms >= ?")
            .get(thread, sender, since) as { n: number };
          if (Number(n) >= limit) return "limit";
        }
        const body = JSON.stringify(message);
        const bytes = limits.bytesPerSenderPerDay;
        if (bytes !== undefined) {
          const { sent } = db.prepare(SENT_BYTES_SINCE).get(sender, since) as { sent: number };
          if (Number(sent) + body.length > bytes) return "bytes";
        }
        const { last } = db.prepare("SELECT COALESCE(MAX(seq), 0) AS last FROM messages").get() as { last: number };
        insert(db, Number(last) + 1, message, body, true);
        return "stored";
      });
    } catch (error) {
      throw new StorageError("The message could not be stored.", { cause: error });
    }
    if (outcome === "duplicate") throw new ConflictError("A message with this id is already stored.");
    if (outcome === "limit") throw new SendLimitReached(limits.perSenderPerDay!);
    if (outcome === "bytes") throw new SendLimitReached(limits.bytesPerSenderPerDay!, "sender");
    return message;
  }

  /** One page of a conversation's messages, newest first. */
  async messages(threadId: Hex, page: PageRequest): Promise<MessagePage> {
    const before = page.cursor === undefined ? Number.MAX_SAFE_INTEGER : Number(page.cursor);
    const rows = this.read(
      (db) =>
        db
          .prepare("SELECT seq, body FROM messages WHERE thread = ? AND seq < ? ORDER BY seq DESC LIMIT ?")
          .all(threadId.toLowerCase(), before, page.limit + 1) as { seq: number; body: string }[],
    );
    const slice = rows.slice(0, page.limit);
    return {
      messages: slice.map((row) => JSON.parse(row.body) as StoredMessage),
      ...(rows.length > slice.length && { nextCursor: String(slice[slice.length - 1].seq) }),
    };
  }

  /**
   * One page of `user`'s conversations, by latest message, newest first. A conversation that gets a
   * new message between two pages moves to the top and is not repeated further down.
   */
  conversations(user: Address, page: PageRequest): ConversationPage {
    const before = page.cursor === undefined ? Number.MAX_SAFE_INTEGER : Number(page.cursor);
    const key = user.toLowerCase();
    const rows = this.read(
      (db) =>
        db
          .prepare(
            `SELECT t.thread, t.patient, t.doctor, t.last_seq, t.count, m.id, m.sender, m.sent_at, m.body
             FROM (SELECT * FROM message_threads WHERE patient = ? AND last_seq < ?
                   UNION ALL
                   SELECT * FROM message_threads WHERE doctor = ? AND last_seq < ?) AS t
             JOIN messages AS m ON m.seq = t.last_seq
             ORDER BY t.last_seq DESC LIMIT ?`,
          )
          .all(key, before, key, before, page.limit + 1) as unknown as ThreadRow[],
    );
    const slice = rows.slice(0, page.limit);
    const conversations: ConversationSummary[] = slice.map((row) => {
      const last = JSON.parse(row.body) as StoredMessage;
      return {
        threadId: row.thread as Hex,
        patient: last.patient,
        doctor: last.doctor,
        messageCount: Number(row.count),
        lastMessageId: last.id,
        lastSender: last.sender,
        lastMessageAt: last.sentAt,
      };
    });
    return {
      conversations,
      ...(rows.length > slice.length && { nextCursor: String(slice[slice.length - 1].last_seq) }),
    };
  }

  /** Appends after this are refused; the database is the services' to close. */
  async close(): Promise<void> {
    this.closed = true;
  }

  /** A read of the state, its failure a StorageError. */
  private read<T>(work: (db: StateDatabase["db"]) => T): T {
    try {
      return work(this.state.db);
    } catch (error) {
      throw new StorageError("The messages could not be read.", { cause: error });
    }
  }
}
