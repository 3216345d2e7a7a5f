import { once } from "node:events";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { expect } from "chai";
import request from "supertest";
import { EhrApiClient } from "../../lib/api/client";
import { MAX_CONVERSATION_MARKS, MAX_MARKS_PER_REQUEST, type ReadState } from "../../lib/api/wire/readState";
import { FormatError } from "../../lib/errors";
import { participantKeys, sealMessage } from "../../lib/messages";
import { syncReadState, webPendingReadMarks, type KeyValueStorage } from "../../lib/notifications/unread";
import { StateDatabase } from "../state/database";
import { expectError } from "../testing/records";
import { startTestStack, WEB_ORIGIN, type StackAccount, type TestStack } from "../testing/stack";
import { ReadStateStore } from "./store";

/** A chain notification's id: a transaction hash and a log index. */
const note = (byte: string, logIndex = 0) => `0x${byte.repeat(32)}:${logIndex}`;

describe("/v1/read-state (each user's inbox and conversation read marks)", () => {
  let stack: TestStack;
  const tokens = new Map<StackAccount, string>();
  /** The conversation of patient and doctor (one message from the doctor). */
  let thread: string;
  let threadSentAt: number;

  const get = (who?: StackAccount) => {
    const req = request(stack.app).get("/v1/read-state");
    return who ? req.set("Authorization", `Bearer ${tokens.get(who)}`) : req;
  };
  const post = (who: StackAccount | undefined, body: unknown) => {
    const req = request(stack.app).post("/v1/read-state");
    return (who ? req.set("Authorization", `Bearer ${tokens.get(who)}`) : req).send(body as object);
  };
  const stateOf = async (who: StackAccount): Promise<ReadState> => {
    const res = await get(who);
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.headers["cache-control"]).to.equal("no-store");
    return res.body as ReadState;
  };

  before(async () => {
    stack = await startTestStack();
    for (const who of [stack.patient, stack.patient2, stack.doctor, stack.outsider]) {
      tokens.set(who, await stack.signIn(who));
    }
    const now = Number((await stack.publicClient.getBlock()).timestamp);
    await (await stack.coreAs(stack.patient).grantAccess(stack.doctor.address, 1 << 3, now + 86400)).wait();
    const message = await sealMessage({
      chainId: stack.chain.chainId,
      contract: stack.core,
      patient: stack.patient.address,
      doctor: stack.doctor.address,
      sender: stack.doctor.address,
      content: { kind: "text", text: "read-state test message" },
      publicKeys: await participantKeys(stack.publicClient, stack.core, stack.patient.address, stack.doctor.address),
    });
    const sent = await request(stack.app)
      .post("/v1/messages")
      .set("Authorization", `Bearer ${tokens.get(stack.doctor)}`)
      .send({ message });
    expect(sent.status, JSON.stringify(sent.body)).to.equal(201);
    thread = sent.body.threadId;
    threadSentAt = Date.parse(sent.body.sentAt);
  });
  after(async () => stack?.close());

  it("refuses a request without a valid session (401) and changes nothing", async () => {
    expect((await get()).status).to.equal(401);
    expect((await post(undefined, { inboxSeen: { at: 1, ids: [] } })).status).to.equal(401);
    const forged = await request(stack.app)
      .post("/v1/read-state")
      .set("Authorization", "Bearer not-a-token")
      .send({ inboxSeen: { at: 1, ids: [] } });
    expect(forged.status).to.equal(401);
    expect(forged.body.error.code).to.equal("unauthorized");
    expect(await stateOf(stack.patient)).to.deep.equal({ conversations: {} });
  });

  it("merges forward only: a stale browser's older marks change nothing", async () => {
    const fresh = { inboxSeen: { at: 2_000, ids: [note("aa")] }, conversations: { [thread]: threadSentAt } };
    const first = await post(stack.patient, fresh);
    expect(first.status, JSON.stringify(first.body)).to.equal(200);
    expect(first.body).to.deep.equal(fresh);

    // A second browser that saw less sends what it knows: the state stays where it was.
    const stale = await post(stack.patient, {
      inboxSeen: { at: 1_000, ids: [note("bb")] },
      conversations: { [thread]: threadSentAt - 60_000 },
    });
    expect(stale.status).to.equal(200);
    expect(stale.body).to.deep.equal(fresh);
    expect(await stateOf(stack.patient)).to.deep.equal(fresh);

    // Seen at the same time: both browsers' ids count.
    const same = await post(stack.patient, { inboxSeen: { at: 2_000, ids: [note("cc", 7)] } });
    expect(same.body.inboxSeen).to.deep.equal({ at: 2_000, ids: [note("aa"), note("cc", 7)] });
    // Later: it moves on.
    const later = await post(stack.patient, { inboxSeen: { at: 3_000, ids: [`message:0x${"d4".repeat(16)}`] } });
    expect(later.body).to.deep.equal({
      inboxSeen: { at: 3_000, ids: [`message:0x${"d4".repeat(16)}`] },
      conversations: { [thread]: threadSentAt },
    });
  });

  it("keeps each user's state their own: another user reads and writes only theirs", async () => {
    const before = await stateOf(stack.patient);
    // The other participant has a state of their own.
    const doctor = await post(stack.doctor, { conversations: { [thread]: threadSentAt + 5 } });
    expect(doctor.status, JSON.stringify(doctor.body)).to.equal(200);
    expect(doctor.body).to.deep.equal({ conversations: { [thread]: threadSentAt + 5 } });
    expect(await stateOf(stack.patient2)).to.deep.equal({ conversations: {} });

    // Nobody marks a conversation they are not in, or one that does not exist: the same 404 for
    // both, so a stranger cannot learn whether a patient and a doctor write to each other.
    expectError(
      await post(stack.patient2, { conversations: { [thread]: threadSentAt } }),
      404,
      "not_found",
      /^There is no such conversation of yours; nothing was changed\.$/,
    );
    expectError(
      await post(stack.patient2, { conversations: { [`0x${"ee".repeat(32)}`]: 1 } }),
      404,
      "not_found",
      /no such conversation/,
    );
    // There is no way to name another user: an extra field is refused, not obeyed.
    const named = await post(stack.patient2, { address: stack.patient.address, inboxSeen: { at: 9e12, ids: [] } });
    expect(named.status).to.equal(400);
    expect(named.body.error.message).to.match(/check/);
    const query = await request(stack.app)
      .get(`/v1/read-state?address=${stack.patient.address}`)
      .set("Authorization", `Bearer ${tokens.get(stack.outsider)}`);
    expect(query.body).to.deep.equal({ conversations: {} });

    expect(await stateOf(stack.patient)).to.deep.equal(before);
    expect(await stateOf(stack.patient2)).to.deep.equal({ conversations: {} });
  });

  it("refuses marks from an address with no role on chain (403), storing nothing: a fresh address could add rows for good", async () => {
    const rows = () => stack.services.state.db.prepare("SELECT COUNT(*) AS n FROM read_inbox").get() as { n: number };
    const before = rows().n;
    const ids = Array.from({ length: 64 }, (_, i) => `0x${i.toString(16).padStart(64, "0")}:123456`);
    expectError(
      await post(stack.outsider, { inboxSeen: { at: 1, ids } }),
      403,
      "forbidden",
      /This needs .*; your account is/,
    );
    expect(rows().n).to.equal(before);
    expect(await stateOf(stack.outsider)).to.deep.equal({ conversations: {} });
  });

  it("refuses marks beyond its bounds with a clear error and changes nothing", async () => {
    const before = await stateOf(stack.patient);
    const manyMarks = Object.fromEntries(
      Array.from({ length: MAX_MARKS_PER_REQUEST + 1 }, (_, i) => [`0x${i.toString(16).padStart(64, "0")}`, 1]),
    );
    expectError(
      await post(stack.patient, { conversations: manyMarks }),
      413,
      "payload_too_large",
      /^Send at most 200 conversation marks at once; nothing was changed\.$/,
    );

    const huge = await post(stack.patient, { conversations: {}, padding: "x".repeat(40_000) });
    expect(huge.status).to.equal(413);
    expect(huge.body.error.code).to.equal("payload_too_large");

    const tooManyIds = await post(stack.patient, {
      inboxSeen: { at: 9_000, ids: Array.from({ length: 65 }, (_, i) => note("ab", i)) },
    });
    expect(tooManyIds.status).to.equal(400);
    expect(tooManyIds.body.error.message).to.equal("The request is not valid: check inboxSeen.ids.");
    // Two requests of 64 ids at one time would hold 128: refused as a whole.
    const sixtyFour = (offset: number) => Array.from({ length: 64 }, (_, i) => note("ac", offset + i));
    expect((await post(stack.patient2, { inboxSeen: { at: 9_000, ids: sixtyFour(0) } })).status).to.equal(200);
    const overflow = await post(stack.patient2, { inboxSeen: { at: 9_000, ids: sixtyFour(64) } });
    expect(overflow.status).to.equal(413);
    expect(overflow.body.error.message).to.match(/more than 64 notification ids; nothing was changed/);
    expect((await stateOf(stack.patient2)).inboxSeen?.ids).to.deep.equal(sixtyFour(0));

    for (const bad of [
      { conversations: { [thread.toUpperCase().replace("0X", "0x")]: 1 } },
      { conversations: { [thread]: -1 } },
      { conversations: { [thread]: 1.5 } },
      { inboxSeen: { at: 1, ids: ["Lisinopril 10 mg"] } },
      { inboxSeen: { at: "1", ids: [] } },
      [],
    ]) {
      const res = await post(stack.patient, bad);
      expect(res.status, JSON.stringify(bad)).to.equal(400);
      expect(res.body.error.message).to.match(/^The request is not valid: check /);
    }
    const text = await request(stack.app)
      .post("/v1/read-state")
      .set("Authorization", `Bearer ${tokens.get(stack.patient)}`)
      .set("Content-Type", "application/json")
      .send("{not json");
    expect(text.status).to.equal(400);
    expect(await stateOf(stack.patient)).to.deep.equal(before);
  });

  it("survives a restart of the service", async () => {
    const before = await stateOf(stack.patient);
    expect(before.inboxSeen).to.not.equal(undefined);
    await stack.restartServices();
    expect(await stateOf(stack.patient)).to.deep.equal(before);
    expect(await stateOf(stack.doctor)).to.deep.equal({ conversations: { [thread]: threadSentAt + 5 } });
  });

  it("is spoken by the library's client over HTTP (FormatError for marks beyond the bounds)", async () => {
    const server: Server = stack.app.listen(0, "127.0.0.1");
    await once(server, "listening");
    try {
      const client = new EhrApiClient({
        baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        origin: WEB_ORIGIN,
      });
      await client.signIn(stack.patient.wallet);
      const before = await client.readState();
      const after = await client.markRead({ conversations: { [thread]: threadSentAt + 1_000 } });
      expect(after).to.deep.equal({ ...before, conversations: { [thread]: threadSentAt + 1_000 } });
      const refused = await client.markRead({ inboxSeen: { at: 1, ids: ["not an id"] } }).catch((e: unknown) => e);
      expect(refused).to.be.instanceOf(FormatError);
      expect((refused as FormatError).shortMessage).to.equal("The request is not valid: check inboxSeen.ids.0.");
    } finally {
      server.close();
    }
  });

  it("syncs a browser's kept marks: sent when the service answers, kept while it cannot be reached", async () => {
    const server: Server = stack.app.listen(0, "127.0.0.1");
    await once(server, "listening");
    const map = new Map<string, string>();
    const storage: KeyValueStorage = {
      getItem: (k) => map.get(k) ?? null,
      setItem: (k, v) => void map.set(k, v),
      removeItem: (k) => void map.delete(k),
    };
    const pending = webPendingReadMarks(storage, stack.chain.chainId, stack.core, stack.patient.address);
    try {
      const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const online = new EhrApiClient({ baseUrl, origin: WEB_ORIGIN });
      await online.signIn(stack.patient.wallet);
      const before = await online.readState();
      const mark = { inboxSeen: { at: 50_000, ids: [note("ef", 2)] } };

      // The service is down (nothing listens on the port any more): the mark stays kept and shows.
      const closed = stack.app.listen(0, "127.0.0.1");
      await once(closed, "listening");
      const deadUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
      await new Promise((done) => closed.close(done));
      const offline = new EhrApiClient({ baseUrl: deadUrl, origin: WEB_ORIGIN });
      pending.keep(mark);
      const local = await syncReadState(offline, pending, before);
      expect(local).to.deep.equal({ ...before, inboxSeen: mark.inboxSeen });
      expect(pending.pending()).to.deep.equal(mark);
      expect(await stateOf(stack.patient)).to.deep.equal(before);

      // Back: the kept mark is sent, accepted, and no longer kept.
      const synced = await syncReadState(online, pending, local);
      expect(synced).to.deep.equal({ ...before, inboxSeen: mark.inboxSeen });
      expect(pending.pending()).to.equal(undefined);
      expect(map.size).to.equal(0);
      expect(await stateOf(stack.patient)).to.deep.equal(synced);

      // A mark the service refuses (not the caller's conversation) is dropped, not retried forever.
      pending.keep({ conversations: { [`0x${"ee".repeat(32)}`]: 1 } });
      expect(await syncReadState(online, pending, synced)).to.deep.equal(synced);
      expect(pending.pending()).to.equal(undefined);
    } finally {
      server.close();
    }
  });

  it("logs nothing of what was read", () => {
    const logs = stack.logs.join("\n");
    expect(logs).to.contain("/v1/read-state");
    for (const secret of [thread.slice(2), note("aa").slice(2, 40), "d4d4d4d4d4", String(threadSentAt)]) {
      expect(
        logs,
        stack.logs.find((l) => l.includes(secret)),
      ).to.not.contain(secret);
    }
  });
});

describe("ReadStateStore", () => {
  it("keeps at most MAX_CONVERSATION_MARKS marks per user, dropping the oldest", () => {
    const state = StateDatabase.open(":memory:", []);
    try {
      const store = new ReadStateStore(state);
      const user = "0x00000000000000000000000000000000000000a1";
      const id = (i: number) => `0x${i.toString(16).padStart(64, "0")}`;
      for (let start = 0; start < MAX_CONVERSATION_MARKS + 50; start += 200) {
        const marks = Object.fromEntries(
          Array.from({ length: 200 }, (_, k) => [id(start + k), 1_000 + start + k] as const),
        );
        store.merge(user, { conversations: marks });
      }
      const kept = store.read(user).conversations;
      expect(Object.keys(kept)).to.have.length(MAX_CONVERSATION_MARKS);
      // 1,200 marks written: the 200 oldest went.
      expect(kept[id(199)]).to.equal(undefined);
      expect(kept[id(200)]).to.equal(1_200);
      expect(kept[id(1_199)]).to.equal(2_199);
      expect(store.read("0x00000000000000000000000000000000000000b2")).to.deep.equal({ conversations: {} });
    } finally {
      state.close();
    }
  });
});
