import { once } from "node:events";
import { readFile } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { expect } from "chai";
import request from "supertest";
import { contractConstants } from "../../deployments/contracts";
import { EhrApiClient } from "../../lib/api/client";
import { AccessDeniedError } from "../../lib/errors";
import {
  conversationId,
  MAX_MESSAGE_TEXT,
  openMessage,
  participantKeys,
  sealMessage,
  type MessageContent,
  type SealedMessage,
} from "../../lib/messages";
import type { StoredMessage } from "../../lib/api/wire/messages";
import { expectError } from "../testing/records";
import { MAX_MESSAGE_BYTES_PER_SENDER_PER_DAY, MAX_MESSAGES_PER_DAY } from "./service";
import { startTestStack, type StackAccount, type TestStack } from "../testing/stack";

const SLOT = contractConstants.SLOT_DURATION;
/** Plaintext that must never reach the service's answers, logs or disk. */
const SECRET = "PLAINTEXT-MARKER-chest-pain-since-tuesday";

describe("/v1/messages (end-to-end encrypted patient–doctor messages)", () => {
  let stack: TestStack;
  const tokens = new Map<StackAccount, string>();
  /** Every response body the tests saw, to check none holds plaintext. */
  const bodies: string[] = [];
  let appointmentStart: number;

  const seal = async (
    sender: StackAccount,
    patient: StackAccount,
    doctor: StackAccount,
    content: MessageContent = { kind: "text", text: `${SECRET} from ${sender.address}` },
  ) =>
    sealMessage({
      chainId: stack.chain.chainId,
      contract: stack.core,
      patient: patient.address,
      doctor: doctor.address,
      sender: sender.address,
      content,
      publicKeys: await participantKeys(stack.publicClient, stack.core, patient.address, doctor.address),
    });
  /** A message the outsider seals with the accounts' own keys (the chain holds none for the outsider). */
  const sealedByOutsider = (patient: StackAccount, doctor: StackAccount) =>
    sealMessage({
      chainId: stack.chain.chainId,
      contract: stack.core,
      patient: patient.address,
      doctor: doctor.address,
      sender: stack.outsider.address,
      content: { kind: "text", text: SECRET },
      publicKeys: { patient: patient.key.publicKey, doctor: doctor.key.publicKey },
    });
  const track = (res: request.Response) => {
    bodies.push(JSON.stringify(res.body));
    return res;
  };
  const send = async (who: StackAccount, message: unknown, start?: number) =>
    track(
      await request(stack.app)
        .post("/v1/messages")
        .set("Authorization", `Bearer ${tokens.get(who)}`)
        .send(start === undefined ? { message } : { message, appointmentStart: start }),
    );
  const get = async (who: StackAccount, pathAndQuery: string) =>
    track(
      await request(stack.app)
        .get(`/v1/messages${pathAndQuery}`)
        .set("Authorization", `Bearer ${tokens.get(who)}`),
    );
  const thread = async (who: StackAccount, threadId: string, query = "") => {
    const res = await get(who, `/conversations/${threadId}${query}`);
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    return res.body as { messages: StoredMessage[]; nextCursor?: string };
  };
  const openAs = (who: StackAccount, message: SealedMessage) =>
    openMessage(message, {
      chainId: stack.chain.chainId,
      contract: stack.core,
      reader: who.address,
      privateKey: who.key.privateKey,
    });
  const refusalsOf = (patient: StackAccount) =>
    stack.services.audit.refusalsFor(patient.address, { offset: 0, limit: 50 });
  const chainNow = async () => Number((await stack.publicClient.getBlock()).timestamp);
  const grant = async (patient: StackAccount, doctor: StackAccount) => {
    const expires = (await chainNow()) + 86400;
    await (await stack.coreAs(patient).grantAccess(doctor.address, 1 << 3, expires)).wait();
  };

  before(async () => {
    stack = await startTestStack();
    for (const who of [stack.patient, stack.patient2, stack.doctor, stack.doctor2, stack.outsider]) {
      tokens.set(who, await stack.signIn(who));
    }
    await grant(stack.patient, stack.doctor);
    const now = await chainNow();
    appointmentStart = now - (now % SLOT) + 2 * SLOT;
    await stack.writeBook(stack.patient2, "book", [stack.doctor2.address, appointmentStart]);
  });
  after(async () => stack?.close());

  describe("with a grant", () => {
    it("carries a doctor's data request and the patient's answer, readable by both, newest first", async () => {
      const ask = await seal(stack.doctor, stack.patient, stack.doctor, {
        kind: "request",
        text: `${SECRET}: please share your latest lab results`,
        categories: [3],
        record: { patient: stack.patient.address, index: 0 },
      });
      const sent = await send(stack.doctor, ask);
      expect(sent.status, JSON.stringify(sent.body)).to.equal(201);
      expect(sent.body).to.have.keys(["id", "threadId", "sentAt"]);
      expect(sent.body).to.include({ id: ask.id, threadId: ask.threadId });

      const answer = await seal(stack.patient, stack.patient, stack.doctor, {
        kind: "text",
        text: `${SECRET}: uploaded and granted`,
        inReplyTo: ask.id,
        answer: { recordIndex: 0, grantTx: `0x${"ab".repeat(32)}` },
      });
      expect((await send(stack.patient, answer)).status).to.equal(201);

      for (const who of [stack.patient, stack.doctor]) {
        const list = await get(who, "/conversations");
        expect(list.status).to.equal(200);
        expect(list.body.conversations).to.have.length(1);
        expect(list.body.conversations[0]).to.include({
          threadId: ask.threadId,
          patient: stack.patient.address,
          doctor: stack.doctor.address,
          messageCount: 2,
          lastMessageId: answer.id,
          lastSender: stack.patient.address,
        });
        const { messages, nextCursor } = await thread(who, ask.threadId);
        expect(nextCursor).to.equal(undefined);
        expect(messages.map((m) => m.id)).to.deep.equal([answer.id, ask.id]);
        const [reply, request_] = await Promise.all(messages.map((m) => openAs(who, m)));
        expect(request_.content).to.deep.equal({
          kind: "request",
          text: `${SECRET}: please share your latest lab results`,
          categories: [3],
          record: { patient: stack.patient.address, index: 0 },
        });
        expect(request_).to.include({ sender: stack.doctor.address, recipient: stack.patient.address });
        expect(reply.content).to.deep.include({ kind: "text", inReplyTo: ask.id });
        expect(reply).to.include({ sender: stack.patient.address, recipient: stack.doctor.address });
      }
      // Someone else's conversation list does not show it, and the thread itself is answered as
      // one that does not exist: the same 404 as for a pair that never wrote.
      expect((await get(stack.patient2, "/conversations")).body).to.deep.equal({ conversations: [] });
      const stranger = await get(stack.outsider, `/conversations/${ask.threadId}`);
      const none = await get(stack.outsider, `/conversations/0x${"ab".repeat(32)}`);
      expectError(stranger, 404, "not_found", /^There is no such conversation of yours\.$/);
      const { requestId: _a, ...strangerError } = stranger.body.error;
      const { requestId: _b, ...noneError } = none.body.error;
      expect(strangerError).to.deep.equal(noneError);
    });

    it("pages a conversation with a cursor (newest first, no repeats) and refuses a duplicate id (409)", async () => {
      const more: SealedMessage[] = [];
      for (let i = 0; i < 3; i++) {
        more.push(await seal(stack.doctor, stack.patient, stack.doctor));
        expect((await send(stack.doctor, more[i])).status).to.equal(201);
      }
      const first = await thread(stack.patient, more[0].threadId, "?limit=2");
      expect(first.messages.map((m) => m.id)).to.deep.equal([more[2].id, more[1].id]);
      const second = await thread(stack.patient, more[0].threadId, `?limit=2&cursor=${first.nextCursor}`);
      expect(second.messages).to.have.length(2);
      expect(second.messages[0].id).to.equal(more[0].id);
      const last = await thread(stack.patient, more[0].threadId, `?limit=2&cursor=${second.nextCursor}`);
      expect(last.messages).to.have.length(1);
      expect(last.nextCursor).to.equal(undefined);
      expectError(await send(stack.doctor, more[0]), 409, "conflict", /already stored/);
      // The same new message twice at once: one is stored, the other is a conflict (not a 503).
      const twice = await seal(stack.doctor, stack.patient, stack.doctor);
      const statuses = (await Promise.all([send(stack.doctor, twice), send(stack.doctor, twice)])).map((r) => r.status);
      expect(statuses.sort()).to.deep.equal([201, 409]);
      expect((await thread(stack.patient, more[0].threadId)).messages).to.have.length(6);
    });
    it("needs the appointment named, then works both ways; a wrong start is refused", async () => {
      const hello = await seal(stack.doctor2, stack.patient2, stack.doctor2);
      expectError(await send(stack.doctor2, hello), 403, "forbidden", /no current access grant.*appointment/);
      expectError(await send(stack.doctor2, hello, appointmentStart + SLOT), 403, "forbidden", /open appointment/);
      expect((await send(stack.doctor2, hello, appointmentStart)).status).to.equal(201);
      const reply = await seal(stack.patient2, stack.patient2, stack.doctor2);
      expect((await send(stack.patient2, reply, appointmentStart)).status).to.equal(201);
      const { messages } = await thread(stack.doctor2, hello.threadId);
      expect((await openAs(stack.doctor2, messages[0])).content.text).to.equal(
        `${SECRET} from ${stack.patient2.address}`,
      );
      expect((await openAs(stack.patient2, messages[1])).content.text).to.equal(
        `${SECRET} from ${stack.doctor2.address}`,
      );
    });

    it("closes when the appointment is cancelled (403, audited), the history stays readable", async () => {
      await stack.writeBook(stack.patient2, "cancel", [stack.doctor2.address, appointmentStart]);
      const before = refusalsOf(stack.patient2).total;
      const late = await seal(stack.patient2, stack.patient2, stack.doctor2);
      expectError(await send(stack.patient2, late, appointmentStart), 403, "forbidden", /no current access grant/);
      expect(refusalsOf(stack.patient2).total).to.equal(before + 1);
      expect((await thread(stack.patient2, late.threadId)).messages).to.have.length(2);
    });
  });

  describe("refusals", () => {
    it("refuses strangers and impersonation (403), auditing refused links", async () => {
      const before = refusalsOf(stack.patient2).total;
      // patient2 and doctor: no grant, no appointment.
      const cold = await seal(stack.patient2, stack.patient2, stack.doctor);
      expectError(await send(stack.patient2, cold), 403, "forbidden", /no current access grant/);
      expect(refusalsOf(stack.patient2).refusals[0]).to.include({
        reader: stack.patient2.address,
        patient: stack.patient2.address,
      });
      expect(refusalsOf(stack.patient2).total).to.equal(before + 1);
      // The outsider is no patient.
      const outsider = await sealedByOutsider(stack.outsider, stack.doctor);
      expectError(await send(stack.outsider, outsider), 403, "forbidden", /not a registered patient/);
      // A doctor writing to an address that is no patient: refused too.
      const toNobody = await sealMessage({
        chainId: stack.chain.chainId,
        contract: stack.core,
        patient: stack.outsider.address,
        doctor: stack.doctor.address,
        sender: stack.doctor.address,
        content: { kind: "text", text: SECRET },
        publicKeys: { patient: stack.outsider.key.publicKey, doctor: stack.doctor.key.publicKey },
      });
      expectError(await send(stack.doctor, toNobody), 403, "forbidden", /not a registered patient/);
      // Neither is kept as an audit row: no patient's Activity would show it, and every made-up
      // (or fresh) address would add one.
      expect(refusalsOf(stack.outsider).total).to.equal(0);
      // An address with no role, posing as a doctor of a real patient: refused, and nothing lands in
      // the patient's Activity (any throwaway address could fill it otherwise).
      const posing = await sealedByOutsider(stack.patient2, stack.outsider);
      expectError(await send(stack.outsider, posing), 403, "forbidden", /./);
      expect(refusalsOf(stack.patient2).total).to.equal(before + 1);
      // A participant's message sent with someone else's session.
      const forged = await seal(stack.doctor, stack.patient, stack.doctor);
      expectError(await send(stack.patient, forged), 403, "forbidden", /only as yourself/);
      expectError(await send(stack.outsider, forged), 403, "forbidden", /only as yourself/);
      expect(stack.services.messages.has(forged.id)).to.equal(false);
      const anonymous = await request(stack.app).post("/v1/messages").send({ message: forged });
      expectError(anonymous, 401, "unauthorized", /./);
    });

    it("closes a conversation after the grant is revoked (403, audited) and keeps its history readable", async () => {
      await (await stack.coreAs(stack.patient).revokeAccess(stack.doctor.address)).wait();
      const before = refusalsOf(stack.patient).total;
      const late = await seal(stack.doctor, stack.patient, stack.doctor);
      expectError(await send(stack.doctor, late), 403, "forbidden", /no current access grant/);
      expectError(
        await send(stack.patient, await seal(stack.patient, stack.patient, stack.doctor)),
        403,
        "forbidden",
        /grant/,
      );
      expect(refusalsOf(stack.patient).total).to.equal(before + 2);
      expect(refusalsOf(stack.patient).refusals[1]).to.include({ reader: stack.doctor.address });
      for (const who of [stack.patient, stack.doctor]) {
        const { messages } = await thread(who, late.threadId);
        expect(messages).to.have.length(6);
        expect((await openAs(who, messages[5])).content.kind).to.equal("request");
      }
    });

    it("refuses a suspended doctor and messages to them, whatever the grant", async () => {
      await grant(stack.patient, stack.doctor2);
      const ok = await seal(stack.patient, stack.patient, stack.doctor2);
      expect((await send(stack.patient, ok)).status).to.equal(201);
      await (await stack.coreContract.suspendDoctor(stack.doctor2.address, 1)).wait();
      expectError(
        await send(stack.doctor2, await seal(stack.doctor2, stack.patient, stack.doctor2)),
        403,
        "forbidden",
        /suspended/,
      );
      expectError(
        await send(stack.patient, await seal(stack.patient, stack.patient, stack.doctor2)),
        403,
        "forbidden",
        /suspended/,
      );
      // The suspended doctor still reads what was said.
      const { messages } = await thread(stack.doctor2, ok.threadId);
      expect(messages.map((m) => m.id)).to.deep.equal([ok.id]);
    });

    it("refuses malformed input with 400 naming the field, storing nothing", async () => {
      const good = await seal(stack.patient2, stack.patient2, stack.doctor);
      const wrongThread = await seal(stack.patient2, stack.patient2, stack.doctor2);
      const cases: [unknown, RegExp][] = [
        [{ ...good, id: "0x12" }, /message\.id/],
        [{ ...good, sender: "0x1234" }, /message\.sender/],
        [{ ...good, ciphertext: "not base64!" }, /message\.ciphertext/],
        [{ ...good, keys: { patient: "ehrwk1:00", doctor: good.keys.doctor } }, /message\.keys\.patient/],
        [{ ...good, extra: 1 }, /message/],
        [{ ...good, v: 2 }, /message\.v/],
        [{ ...good, chainId: 1 }, /another chain/],
        [{ ...good, threadId: wrongThread.threadId }, /conversation id/],
        [{ ...good, sender: stack.doctor2.address }, /sender must be/],
        [{ ...good, doctor: stack.patient2.address }, /patient and a doctor/],
      ];
      for (const [message, reason] of cases)
        expectError(await send(stack.patient2, message), 400, "bad_request", reason);
      expectError(await send(stack.patient2, good, -5), 400, "bad_request", /appointmentStart/);
      const notJson = await request(stack.app)
        .post("/v1/messages")
        .set("Authorization", `Bearer ${tokens.get(stack.patient2)}`)
        .set("Content-Type", "application/json")
        .send('{"message":');
      expectError(notJson, 400, "bad_request", /not valid JSON/);
      expectError(await get(stack.patient2, "/conversations?cursor=abc"), 400, "bad_request", /cursor/);
      expectError(await get(stack.patient2, "/conversations?limit=0"), 400, "bad_request", /limit/);
      expectError(await get(stack.patient2, "/conversations/0x12"), 400, "bad_request", /threadId/);
      expectError(await get(stack.patient2, `/conversations/0x${"00".repeat(32)}`), 404, "not_found", /no such/);
      expect(stack.services.messages.has(good.id)).to.equal(false);
    });

    it("refuses an oversized message (413), storing nothing", async () => {
      const good = await seal(stack.patient2, stack.patient2, stack.doctor);
      const big = { ...good, ciphertext: "A".repeat(64 * 1024 + 4) };
      expectError(await send(stack.patient2, big), 413, "payload_too_large", /longer than/);
      const huge = { ...good, ciphertext: "A".repeat(200 * 1024) };
      expectError(await send(stack.patient2, huge), 413, "payload_too_large", /larger than/);
      expect(stack.services.messages.has(good.id)).to.equal(false);
    });
  });

  describe("storage", () => {
    it("keeps every message across a service restart, and the store goes on numbering after it", async () => {
      const threadId = (await seal(stack.doctor, stack.patient, stack.doctor)).threadId;
      const before = await thread(stack.patient, threadId);
      const conversations = (await get(stack.patient, "/conversations")).body;
      await stack.restartServices();
      tokens.set(stack.patient, await stack.signIn(stack.patient));
      tokens.set(stack.doctor, await stack.signIn(stack.doctor));
      expect(await thread(stack.patient, threadId)).to.deep.equal(before);
      expect((await get(stack.patient, "/conversations")).body).to.deep.equal(conversations);
      await grant(stack.patient, stack.doctor);
      const after = await seal(stack.doctor, stack.patient, stack.doctor);
      expect((await send(stack.doctor, after)).status).to.equal(201);
      const { messages } = await thread(stack.patient, threadId, "?limit=1");
      expect(messages[0].id).to.equal(after.id);
      expect((await openAs(stack.patient, messages[0])).content.text).to.include(SECRET);
    });

    it("is what EhrApiClient sends and lists over real HTTP, refusals mapped to library errors", async () => {
      const server = stack.app.listen(0, "127.0.0.1");
      await once(server, "listening");
      try {
        const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
        const clientOf = (who: StackAccount) =>
          new EhrApiClient({ baseUrl, session: { token: tokens.get(who) as string, address: who.address } });
        const doctor = clientOf(stack.doctor);
        const message = await seal(stack.doctor, stack.patient, stack.doctor);
        expect(await doctor.sendMessage(message)).to.include({ id: message.id, threadId: message.threadId });
        const { conversations, nextCursor } = await clientOf(stack.patient).listConversations({ limit: 1 });
        expect(conversations.map((c) => c.threadId)).to.deep.equal([message.threadId]);
        // The patient also talks to doctor2: a second page.
        expect(nextCursor).to.be.a("string");
        const next = await clientOf(stack.patient).listConversations({ limit: 1, cursor: nextCursor });
        expect(next.conversations[0].doctor).to.equal(stack.doctor2.address);
        expect(next.nextCursor).to.equal(undefined);
        const page = await clientOf(stack.patient).listMessages(message.threadId, { limit: 1 });
        expect((await openAs(stack.patient, page.messages[0])).content.text).to.include(SECRET);
        const refused = await clientOf(stack.patient2)
          .sendMessage(await seal(stack.patient2, stack.patient2, stack.doctor))
          .catch((error: unknown) => error);
        expect(refused).to.be.instanceOf(AccessDeniedError);
        expect((refused as AccessDeniedError).shortMessage).to.match(/no current access grant/);
        const before = await clientOf(stack.patient2)
          .sendMessage(await seal(stack.patient2, stack.patient2, stack.doctor2), { appointmentStart })
          .catch((error: unknown) => error);
        expect(before).to.be.instanceOf(AccessDeniedError);
      } finally {
        server.close();
      }
    });

    it("never logs a conversation's id (it names its patient and doctor), signed in or not", async () => {
      const threadId = conversationId(
        { chainId: stack.chain.chainId, contract: stack.core },
        stack.patient.address,
        stack.doctor.address,
      );
      await thread(stack.patient, threadId);
      const stale = await request(stack.app).get(`/v1/messages/conversations/${threadId}?limit=5`).expect(401);
      const mixed = await request(stack.app).get(`/v1/messages/conversations/${threadId.toUpperCase()}/x`);
      const paths = [stale, mixed].map(
        (res) =>
          stack.logs.map((line) => JSON.parse(line)).find((l) => l.reqId === res.headers["x-request-id"] && l.req)?.req
            .path,
      );
      expect(paths).to.deep.equal(["/v1/messages/conversations/:threadId", "/v1/messages/conversations/:threadId/x"]);
      for (const line of stack.logs) expect(line.toLowerCase()).not.to.include(threadId.slice(2).toLowerCase());
    });

    it("refuses a sender's message past 200 in a conversation in a day (429), storing nothing; the other side still writes", async function () {
      this.timeout(120_000);
      await grant(stack.patient2, stack.doctor);
      const threadId = conversationId(
        { chainId: stack.chain.chainId, contract: stack.core },
        stack.patient2.address,
        stack.doctor.address,
      );
      const mine = async () =>
        (await stack.services.messages.messages(threadId, { limit: 10_000 })).messages.filter(
          (m) => m.sender === stack.patient2.address,
        ).length;
      let refused: request.Response | undefined;
      for (let i = 0; i <= MAX_MESSAGES_PER_DAY && !refused; i++) {
        const res = await send(stack.patient2, await seal(stack.patient2, stack.patient2, stack.doctor));
        if (res.status === 429) refused = res;
        else expect(res.status, JSON.stringify(res.body)).to.equal(201);
      }
      expect(refused, "a refusal within 201 sends").not.to.equal(undefined);
      expectError(refused!, 429, "too_many_messages", /200 messages in this conversation in the last 24 hours/);
      expect(await mine()).to.equal(MAX_MESSAGES_PER_DAY);
      await send(stack.doctor, await seal(stack.doctor, stack.patient2, stack.doctor)).then((res) =>
        expect(res.status).to.equal(201),
      );
    });
  });

  describe("with an appointment only", () => {
    it("never shows the plaintext to the service: not in answers, logs or files", async () => {
      expect(bodies.length).to.be.greaterThan(20);
      for (const body of bodies) expect(body).not.to.include(SECRET);
      for (const line of stack.logs) expect(line).not.to.include(SECRET);
      // On disk: the state database and its write-ahead log, byte for byte.
      const file = stack.services.state.file;
      for (const part of [file, `${file}-wal`]) {
        const bytes = (await readFile(part).catch(() => Buffer.alloc(0))).toString("latin1");
        expect(bytes).not.to.include(SECRET);
        expect(bytes).not.to.include("lab results");
      }
      const { n } = stack.services.state.db.prepare("SELECT COUNT(*) AS n FROM messages").get() as { n: number };
      expect(Number(n)).to.equal(stack.logs.filter((line) => line.includes('"message stored"')).length);
    });
  });

  // Last: it spends the patient's budget for the day.
  describe("a sender's daily bytes", () => {
    it("refuses a sender past 4 MiB of messages in 24 hours across all conversations (429), storing nothing; the doctors still write", async function () {
      this.timeout(120_000);
      // The patient links to a second doctor on her own, as anyone can with a grant (doctor2 may
      // have been suspended above).
      if (!(await stack.coreContract.isActiveDoctor(stack.doctor2.address))) {
        await (await stack.coreContract.reinstateDoctor(stack.doctor2.address)).wait();
      }
      await grant(stack.patient, stack.doctor2);
      const sentBytes = () =>
        Number(
          (
            stack.services.state.db
              .prepare("SELECT COALESCE(SUM(LENGTH(body)), 0) AS b FROM messages WHERE sender = ?")
              .get(stack.patient.address.toLowerCase()) as { b: number }
          ).b,
        );
      // The longest text, in characters of three UTF-8 bytes: about 35 KB sealed.
      const long: MessageContent = { kind: "text", text: "中".repeat(MAX_MESSAGE_TEXT) };
      const sent = new Map<StackAccount, number>([
        [stack.doctor, 0],
        [stack.doctor2, 0],
      ]);
      let refused: request.Response | undefined;
      for (let i = 0; i < 2 * MAX_MESSAGES_PER_DAY && !refused; i++) {
        const doctor = i % 2 === 0 ? stack.doctor : stack.doctor2;
        const res = await send(stack.patient, await seal(stack.patient, stack.patient, doctor, long));
        if (res.status === 429) refused = res;
        else {
          expect(res.status, JSON.stringify(res.body)).to.equal(201);
          sent.set(doctor, sent.get(doctor)! + 1);
        }
      }
      expectError(refused!, 429, "too_many_messages", /as much as this service takes from one account in 24 hours/);
      // Refused by the total of both conversations, each far under its own limit of messages.
      for (const count of sent.values()) expect(count).to.be.within(40, MAX_MESSAGES_PER_DAY / 2);
      const before = sentBytes();
      expect(before).to.be.at.most(MAX_MESSAGE_BYTES_PER_SENDER_PER_DAY);
      expect(before).to.be.greaterThan(MAX_MESSAGE_BYTES_PER_SENDER_PER_DAY - 40_000);
      // Refused again, to either doctor, and nothing is stored.
      for (const doctor of [stack.doctor, stack.doctor2]) {
        const again = await send(stack.patient, await seal(stack.patient, stack.patient, doctor, long));
        expectError(again, 429, "too_many_messages", /24 hours/);
      }
      expect(sentBytes()).to.equal(before);
      // Each doctor has a budget of their own.
      for (const doctor of [stack.doctor, stack.doctor2]) {
        const res = await send(doctor, await seal(doctor, stack.patient, doctor));
        expect(res.status, JSON.stringify(res.body)).to.equal(201);
      }
    });
  });
});
