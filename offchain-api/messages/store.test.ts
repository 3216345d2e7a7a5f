import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect } from "chai";
import type { Address, Hex } from "viem";
import type { StoredMessage } from "../../lib/api/wire/messages";
import { ConflictError } from "../../lib/errors";
import { StateDatabase } from "../state/database";
import { MessageStore, SENT_BYTES_SINCE, SendLimitReached } from "./store";

const PATIENT = "0x1111111111111111111111111111111111111111" as Address;
const DOCTOR = "0x2222222222222222222222222222222222222222" as Address;
const OTHER = "0x3333333333333333333333333333333333333333" as Address;
const thread = (n: number) => `0x${n.toString(16).padStart(64, "0")}` as Hex;
const id = (n: number) => `0x${(1000 + n).toString(16).padStart(64, "0")}` as Hex;

function message(n: number, threadId: Hex, sender: Address, doctor = DOCTOR): StoredMessage {
  return {
    v: 1,
    id: id(n),
    threadId,
    chainId: 31337,
    contract: "0x4444444444444444444444444444444444444444",
    patient: PATIENT,
    doctor,
    sender,
    ciphertext: `sealed-${n}`,
    sentAt: new Date(Date.UTC(2026, 11, 1, 9, n)).toISOString(),
  } as unknown as StoredMessage;
}

describe("MessageStore (messages in the state database)", () => {
  let dir: string;
  let state: StateDatabase;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "ehr-messages-"));
    state = StateDatabase.open(path.join(dir, "state.sqlite"), []);
  });
  afterEach(() => {
    state.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("imports the file-per-message folder of earlier versions once, in order, and renames it", async () => {
    const legacy = path.join(dir, "messages");
    const a = thread(1);
    const b = thread(2);
    mkdirSync(path.join(legacy, a), { recursive: true });
    mkdirSync(path.join(legacy, b), { recursive: true });
    const files: [Hex, number, StoredMessage][] = [
      [a, 1, message(1, a, PATIENT)],
      [a, 2, message(2, a, DOCTOR)],
      [b, 3, message(3, b, OTHER, OTHER)],
      [a, 4, message(4, a, PATIENT)],
    ];
    for (const [t, seq, m] of files) {
      writeFileSync(path.join(legacy, t, `${String(seq).padStart(12, "0")}.json`), JSON.stringify(m));
    }
    // A temporary file a crash left mid-write is no message.
    writeFileSync(path.join(legacy, a, ".000000000005.json.123.abcdef.tmp"), "{");

    const store = MessageStore.open(state, legacy);
    expect(existsSync(legacy), "the old folder is renamed").to.equal(false);
    expect(readdirSync(dir)).to.include("messages.migrated");
    const page = await store.messages(a, { limit: 2 });
    expect(page.messages.map((m) => m.id)).to.deep.equal([id(4), id(2)]);
    expect((await store.messages(a, { limit: 2, cursor: page.nextCursor })).messages.map((m) => m.id)).to.deep.equal([
      id(1),
    ]);
    expect(store.participants(a)).to.deep.equal({ patient: PATIENT, doctor: DOCTOR });
    const list = store.conversations(PATIENT, { limit: 10 });
    expect(list.conversations.map((c) => [c.threadId, c.messageCount, c.lastMessageId])).to.deep.equal([
      [a, 3, id(4)],
      [b, 1, id(3)],
    ]);
    expect(store.conversations(DOCTOR, { limit: 10 }).conversations.map((c) => c.threadId)).to.deep.equal([a]);
    // Imported before the size column existed, sized by its migration: the daily byte limit counts them.
    const patientBytes = JSON.stringify(files[0][2]).length + JSON.stringify(files[3][2]).length;
    expect(state.db.prepare(SENT_BYTES_SINCE).get(PATIENT.toLowerCase(), 0)).to.deep.include({ sent: patientBytes });

    // The store numbers on after the imported messages; a reopen imports nothing twice.
    await store.append({ ...message(6, b, PATIENT, OTHER), sentAt: undefined } as never);
    state.close();
    state = StateDatabase.open(path.join(dir, "state.sqlite"), []);
    const again = MessageStore.open(state, legacy);
    const newest = again.conversations(PATIENT, { limit: 1 });
    expect(newest.conversations[0].threadId).to.equal(b);
    expect(again.conversations(PATIENT, { limit: 10 }).conversations.map((c) => c.messageCount)).to.deep.equal([2, 3]);
  });

  it("pages a user's conversations by latest message without repeats when one moves to the top", async () => {
    const store = MessageStore.open(state);
    for (let n = 1; n <= 5; n++) await store.append(message(n, thread(n), PATIENT));
    const first = store.conversations(PATIENT, { limit: 2 });
    expect(first.conversations.map((c) => c.threadId)).to.deep.equal([thread(5), thread(4)]);
    // Conversation 1 gets a new message: top of a new first page, not on the next one.
    await store.append(message(6, thread(1), DOCTOR));
    const next = store.conversations(PATIENT, { limit: 2, cursor: first.nextCursor });
    expect(next.conversations.map((c) => c.threadId)).to.deep.equal([thread(3), thread(2)]);
    expect(next.nextCursor, "conversation 1 is not repeated at the end").to.equal(undefined);
    expect(store.conversations(PATIENT, { limit: 1 }).conversations[0].threadId).to.equal(thread(1));
  });

  it("refuses a duplicate id and a sender past the daily limit, storing nothing; the other side still writes", async () => {
    const store = MessageStore.open(state);
    const t = thread(9);
    await store.append(message(1, t, PATIENT), { perSenderPerDay: 2 });
    try {
      await store.append(message(1, t, PATIENT), { perSenderPerDay: 2 });
      expect.fail("a duplicate id was stored");
    } catch (error) {
      expect(error).to.be.instanceOf(ConflictError);
    }
    await store.append(message(2, t, PATIENT), { perSenderPerDay: 2 });
    try {
      await store.append(message(3, t, PATIENT), { perSenderPerDay: 2 });
      expect.fail("a third message in a day was stored");
    } catch (error) {
      expect(error).to.be.instanceOf(SendLimitReached);
    }
    await store.append(message(4, t, DOCTOR), { perSenderPerDay: 2 });
    expect((await store.messages(t, { limit: 10 })).messages.map((m) => m.id)).to.deep.equal([id(4), id(2), id(1)]);
    expect(store.has(id(3))).to.equal(false);
  });

  it("sums a sender's bytes of the day across conversations from the index alone, and refuses the send past the limit", async () => {
    const store = MessageStore.open(state);
    const size = JSON.stringify({ ...message(1, thread(1), PATIENT), sentAt: new Date().toISOString() }).length;
    const limits = { bytesPerSenderPerDay: 2 * size + 10 };
    await store.append(message(1, thread(1), PATIENT), limits);
    await store.append(message(2, thread(2), PATIENT), limits);
    try {
      await store.append(message(3, thread(3), PATIENT), limits);
      expect.fail("a third message past the sender's bytes was stored");
    } catch (error) {
      expect(error).to.be.instanceOf(SendLimitReached);
    }
    expect(store.has(id(3))).to.equal(false);
    await store.append(message(4, thread(1), DOCTOR), limits);
    const { sent } = state.db.prepare(SENT_BYTES_SINCE).get(PATIENT.toLowerCase(), 0) as { sent: number };
    expect(sent).to.equal(2 * size);
    // The sum is read from the index (sender, time, size): no message body is read to count.
    const plan = state.db.prepare(`EXPLAIN QUERY PLAN ${SENT_BYTES_SINCE}`).all(PATIENT.toLowerCase(), 0);
    expect(JSON.stringify(plan)).to.include("USING COVERING INDEX messages_sender_time_size");
  });
});
