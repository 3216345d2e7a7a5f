import { mkdir, readdir, readFile } from "node:fs/promises";
import path from "node:path";
import type { Address, Hex } from "viem";
import { ConflictError, StorageError } from "../../lib/errors";
import type {
  ConversationPage,
  ConversationSummary,
  MessagePage,
  SealedMessage,
  StoredMessage,
} from "../../lib/api/wire/messages";
import { writeFileAtomic } from "../storage/atomicFile";

/** A page request: `cursor` from the previous page's `nextCursor` (absent: the newest). */
export interface PageRequest {
  cursor?: string;
  limit: number;
}

/** What memory keeps of a message: where it is on disk and what the listings say of it, never its ciphertext. */
interface Entry {
  seq: number;
  id: Hex;
  sender: Address;
  sentAt: string;
}

interface Thread {
  threadId: Hex;
  patient: Address;
  doctor: Address;
  /** Oldest first; each with its store-wide sequence number. */
  messages: Entry[];
}

/** {@link MessageStore.append} refused: the sender reached `limit` messages in this conversation in a day. */
export class SendLimitReached extends Error {
  constructor(readonly limit: number) {
    super(`The sender reached ${limit} messages in this conversation in a day.`);
  }
}

const DAY_MS = 86_400_000;

const FILE = /^(\d{12})\.json$/;

/**
 * Sealed messages on disk: one file per message, `<folder>/<threadId>/<seq>.json`, written
 * atomically (temporary file, fsync, rename) before `append` resolves, so a stored message survives
 * a crash and a torn write leaves no half message. `seq` is a store-wide counter: the order of
 * arrival, and the cursor of both listings (newest first). Every message is indexed in memory at
 * open (O(messages) once; then O(page) per conversation page, O(user's conversations) per list), but
 * memory keeps only its sequence number, id, sender and time: a page's messages are read from
 * their files, so a sender filling conversations fills the disk (up to the daily limit per
 * conversation, {@link append}), never the process's memory. The store holds ciphertext only and
 * never logs a message.
 */
export class MessageStore {
  private readonly threads = new Map<string, Thread>();
  private readonly byUser = new Map<string, Set<string>>();
  private readonly ids = new Set<string>();
  private seq = 0;
  private writing: Promise<void> = Promise.resolve();

  private constructor(readonly folder: string) {}

  static async open(folder: string): Promise<MessageStore> {
    const store = new MessageStore(folder);
    try {
      await mkdir(folder, { recursive: true, mode: 0o700 });
      for (const dir of await readdir(folder)) {
        if (!/^0x[0-9a-f]{64}$/.test(dir)) continue;
        for (const name of (await readdir(path.join(folder, dir))).sort()) {
          const match = FILE.exec(name);
          if (!match) continue; // a temporary file left by a crash mid-write: never a message
          const message = JSON.parse(await readFile(path.join(folder, dir, name), "utf8")) as StoredMessage;
          store.index(Number(match[1]), message);
        }
      }
    } catch (error) {
      throw new StorageError("The message store could not be opened.", { cause: error, details: folder });
    }
    return store;
  }

  /** Whether a message with this id is stored. */
  has(id: Hex): boolean {
    return this.ids.has(id.toLowerCase());
  }

  /** The participants of a conversation, or undefined before its first message. */
  participants(threadId: Hex): { patient: Address; doctor: Address } | undefined {
    const thread = this.threads.get(threadId.toLowerCase());
    return thread && { patient: thread.patient, doctor: thread.doctor };
  }

  /**
   * Stores a message (its id not yet stored: the caller checks {@link has}); resolves once it is on
   * disk, with the time the service took it. With `perSenderPerDay`, refuses (SendLimitReached) a
   * sender who stored that many in this conversation in the last 24 hours.
   */
  async append(sealed: SealedMessage, limits: { perSenderPerDay?: number } = {}): Promise<StoredMessage> {
    const task = this.writing.then(async () => {
      if (this.has(sealed.id)) throw new ConflictError("A message with this id is already stored.");
      const limit = limits.perSenderPerDay;
      if (limit !== undefined && this.sentSince(sealed.threadId, sealed.sender, Date.now() - DAY_MS) >= limit) {
        throw new SendLimitReached(limit);
      }
      const seq = this.seq + 1;
      const message: StoredMessage = { ...sealed, sentAt: new Date().toISOString() };
      const file = this.fileOf(message.threadId, seq);
      try {
        await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
        await writeFileAtomic(file, JSON.stringify(message));
      } catch (error) {
        throw new StorageError("The message could not be stored.", { cause: error });
      }
      this.index(seq, message);
      return message;
    });
    this.writing = task.then(
      () => undefined,
      () => undefined,
    );
    return task;
  }

  /** One page of a conversation's messages, newest first, read from their files. */
  async messages(threadId: Hex, page: PageRequest): Promise<MessagePage> {
    const thread = this.threads.get(threadId.toLowerCase());
    const all = thread?.messages ?? [];
    const before = page.cursor === undefined ? Infinity : Number(page.cursor);
    // Binary search for the first message at or after the cursor; the page ends just before it.
    let lo = 0;
    let hi = all.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (all[mid].seq < before) lo = mid + 1;
      else hi = mid;
    }
    const slice = all.slice(Math.max(lo - page.limit, 0), lo).reverse();
    const more = lo - slice.length > 0;
    let messages: StoredMessage[];
    try {
      messages = await Promise.all(
        slice.map(
          async (m) => JSON.parse(await readFile(this.fileOf(thread!.threadId, m.seq), "utf8")) as StoredMessage,
        ),
      );
    } catch (error) {
      throw new StorageError("The messages could not be read.", { cause: error });
    }
    return {
      messages,
      ...(more && { nextCursor: String(slice[slice.length - 1].seq) }),
    };
  }

  /**
   * One page of `user`'s conversations, by latest message, newest first. A conversation that gets a
   * new message between two pages moves to the top and is not repeated further down.
   */
  conversations(user: Address, page: PageRequest): ConversationPage {
    const before = page.cursor === undefined ? Infinity : Number(page.cursor);
    const threads = [...(this.byUser.get(user.toLowerCase()) ?? [])]
      .map((id) => this.threads.get(id) as Thread)
      .map((thread) => ({ thread, last: thread.messages[thread.messages.length - 1] }))
      .filter(({ last }) => last.seq < before)
      .sort((a, b) => b.last.seq - a.last.seq);
    const slice = threads.slice(0, page.limit);
    const conversations: ConversationSummary[] = slice.map(({ thread, last }) => ({
      threadId: thread.threadId,
      patient: thread.patient,
      doctor: thread.doctor,
      messageCount: thread.messages.length,
      lastMessageId: last.id,
      lastSender: last.sender,
      lastMessageAt: last.sentAt,
    }));
    return {
      conversations,
      ...(threads.length > slice.length && { nextCursor: String(slice[slice.length - 1].last.seq) }),
    };
  }

  /** Waits for the writes in flight. */
  async close(): Promise<void> {
    await this.writing;
  }

  /** How many messages `sender` stored in the conversation since `since` (unix ms). */
  private sentSince(threadId: Hex, sender: Address, since: number): number {
    const all = this.threads.get(threadId.toLowerCase())?.messages ?? [];
    let count = 0;
    // Newest first; sequence order is arrival order, so the first older one ends the count.
    for (let i = all.length - 1; i >= 0 && Date.parse(all[i].sentAt) >= since; i--) {
      if (all[i].sender.toLowerCase() === sender.toLowerCase()) count++;
    }
    return count;
  }

  private fileOf(threadId: Hex, seq: number): string {
    return path.join(this.folder, threadId.toLowerCase(), `${String(seq).padStart(12, "0")}.json`);
  }

  private index(seq: number, message: StoredMessage): void {
    const key = message.threadId.toLowerCase();
    let thread = this.threads.get(key);
    if (!thread) {
      thread = { threadId: key as Hex, patient: message.patient, doctor: message.doctor, messages: [] };
      this.threads.set(key, thread);
      for (const user of [message.patient, message.doctor]) {
        const set = this.byUser.get(user.toLowerCase()) ?? new Set<string>();
        set.add(key);
        this.byUser.set(user.toLowerCase(), set);
      }
    }
    thread.messages.push({ seq, id: message.id, sender: message.sender, sentAt: message.sentAt });
    this.ids.add(message.id.toLowerCase());
    this.seq = Math.max(this.seq, seq);
  }
}
