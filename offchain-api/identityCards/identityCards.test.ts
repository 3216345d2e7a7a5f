import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { expect } from "chai";
import request from "supertest";
import { contractConstants } from "../../deployments/contracts";
import type { StoredMessage } from "../../lib/api/wire/messages";
import { openIdentityCard, sealIdentityCard, type IdentityCard } from "../../lib/identity/card";
import { openMessage, participantKeys } from "../../lib/messages";
import { expectError } from "../testing/records";
import { startTestStack, type StackAccount, type TestStack } from "../testing/stack";

/** A name that must never reach the service's answers, logs or disk in clear. */
const NAME = "Ada PLAINTEXT-MARKER Lovelace";

describe("/v1/identity-cards (a patient's name card, sealed to one doctor)", () => {
  let stack: TestStack;
  const tokens = new Map<StackAccount, string>();
  const bodies: string[] = [];
  let appointmentStart: number;

  const seal = async (
    patient: StackAccount,
    doctor: StackAccount,
    card: IdentityCard = { name: NAME, dateOfBirth: "1980-02-29" },
  ) =>
    sealIdentityCard({
      chainId: stack.chain.chainId,
      contract: stack.core,
      patient: patient.address,
      doctor: doctor.address,
      card,
      publicKeys: await participantKeys(stack.publicClient, stack.core, patient.address, doctor.address),
    });
  const track = (res: request.Response) => {
    bodies.push(JSON.stringify(res.body));
    return res;
  };
  const share = async (who: StackAccount, body: unknown) =>
    track(
      await request(stack.app)
        .post("/v1/identity-cards")
        .set("Authorization", `Bearer ${tokens.get(who)}`)
        .send(body as object),
    );
  const list = async (who: StackAccount) => {
    const res = track(
      await request(stack.app)
        .get("/v1/identity-cards")
        .set("Authorization", `Bearer ${tokens.get(who)}`),
    );
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    return res.body as { received: StoredMessage[]; shared: StoredMessage[] };
  };
  const openAs = (who: StackAccount, card: StoredMessage) =>
    openIdentityCard(card, {
      chainId: stack.chain.chainId,
      contract: stack.core,
      reader: who.address,
      privateKey: who.key.privateKey,
    });
  const chainNow = async () => Number((await stack.publicClient.getBlock()).timestamp);

  before(async () => {
    stack = await startTestStack();
    for (const who of [stack.patient, stack.patient2, stack.doctor, stack.doctor2, stack.outsider]) {
      tokens.set(who, await stack.signIn(who));
    }
    const now = await chainNow();
    await (await stack.coreAs(stack.patient).grantAccess(stack.doctor.address, 1 << 3, now + 86400)).wait();
    appointmentStart = now - (now % contractConstants.SLOT_DURATION) + 2 * contractConstants.SLOT_DURATION;
    await stack.writeBook(stack.patient2, "book", [stack.doctor2.address, appointmentStart]);
  });
  after(async () => stack?.close());

  it("gives the granted doctor the patient's name and date of birth, and the patient what she shared", async () => {
    const card = await seal(stack.patient, stack.doctor);
    const res = await share(stack.patient, { card });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body).to.include({ patient: stack.patient.address, doctor: stack.doctor.address });

    const { received } = await list(stack.doctor);
    expect(received).to.have.length(1);
    expect(await openAs(stack.doctor, received[0])).to.deep.include({
      name: NAME,
      dateOfBirth: "1980-02-29",
      patient: stack.patient.address,
      doctor: stack.doctor.address,
    });
    const { shared, received: none } = await list(stack.patient);
    expect(none).to.deep.equal([]);
    expect((await openAs(stack.patient, shared[0])).name).to.equal(NAME);
  });

  it("keeps one card per patient and doctor: sharing again replaces it", async () => {
    const res = await share(stack.patient, {
      card: await seal(stack.patient, stack.doctor, { name: `${NAME} Byron` }),
    });
    expect(res.status).to.equal(200);
    const { received } = await list(stack.doctor);
    expect(received).to.have.length(1);
    const opened = await openAs(stack.doctor, received[0]);
    expect(opened.name).to.equal(`${NAME} Byron`);
    expect(opened.dateOfBirth).to.equal(undefined);
  });

  it("gives a suspended doctor no names (suspension ends all access), and gives them back on reinstatement", async () => {
    expect((await list(stack.doctor)).received).to.have.length(1);
    await (await stack.coreContract.suspendDoctor(stack.doctor.address, 1)).wait();
    try {
      expect((await list(stack.doctor)).received).to.deep.equal([]);
      // The patient still sees what she shared.
      expect((await list(stack.patient)).shared).to.have.length(1);
    } finally {
      await (await stack.coreContract.reinstateDoctor(stack.doctor.address)).wait();
    }
    expect((await list(stack.doctor)).received).to.have.length(1);
  });

  it("shares on an open appointment when no grant links the two, and only then", async () => {
    const card = await seal(stack.patient2, stack.doctor2);
    expectError(await share(stack.patient2, { card }), 403, "forbidden", /no current access grant/);
    expect((await list(stack.doctor2)).received).to.deep.equal([]);
    const res = await share(stack.patient2, { card, appointmentStart });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect((await list(stack.doctor2)).received).to.have.length(1);
    // The appointment is patient2's, not patient's: it links nobody else.
    const other = await seal(stack.patient, stack.doctor2);
    expectError(
      await share(stack.patient, { card: other, appointmentStart }),
      403,
      "forbidden",
      /your name card cannot be shared/,
    );
  });

  it("refuses a card sent by anyone but its patient, changing nothing", async () => {
    const card = await seal(stack.patient, stack.doctor, { name: "Someone Else" });
    expectError(await share(stack.doctor, { card }), 403, "forbidden", /only your own name card/);
    expectError(await share(stack.outsider, { card }), 403, "forbidden", /only your own name card/);
    expectError(
      await share(stack.patient, { card: { ...card, sender: stack.doctor.address } }),
      400,
      "bad_request",
      /sent by its patient/,
    );
    expectError(await share(stack.patient, { card: { ...card, chainId: 1 } }), 400, "bad_request", /another chain/);
    expectError(
      await share(stack.patient, { card: { ...card, doctor: stack.doctor2.address } }),
      400,
      "bad_request",
      /pair id/,
    );
    const opened = await openAs(stack.doctor, (await list(stack.doctor)).received[0]);
    expect(opened.name).to.equal(`${NAME} Byron`);
  });

  it("refuses malformed and oversized bodies with a clear error", async () => {
    const card = await seal(stack.patient, stack.doctor);
    expectError(await share(stack.patient, { card, extra: 1 }), 400, "bad_request", /./);
    expectError(await share(stack.patient, {}), 400, "bad_request", /card/);
    // Past the contract's uint40: the caller's mistake (400), not a chain failure (503).
    expectError(
      await share(stack.patient, { card, appointmentStart: 2 ** 40 }),
      400,
      "bad_request",
      /appointmentStart/,
    );
    const huge = { ...card, ciphertext: "A".repeat(4000) };
    expectError(await share(stack.patient, { card: huge }), 413, "payload_too_large", /larger than a name card/);
    const anonymous = await request(stack.app).get("/v1/identity-cards");
    expect(anonymous.status).to.equal(401);
  });

  it("cannot be opened as a message, nor by a third person", async () => {
    const { received } = await list(stack.doctor);
    const scope = { chainId: stack.chain.chainId, contract: stack.core };
    await openMessage(received[0], {
      ...scope,
      reader: stack.doctor.address,
      privateKey: stack.doctor.key.privateKey,
    }).then(
      () => expect.fail("a card opened as a message"),
      (error: Error) => expect(error.name).to.equal("IntegrityError"),
    );
    await openAs(stack.doctor2, received[0]).then(
      () => expect.fail("a third person opened the card"),
      (error: Error) => expect(error.name).to.equal("BindingError"),
    );
  });

  it("lets the patient withdraw it: the doctor no longer gets it; 404 the second time", async () => {
    const del = () =>
      request(stack.app)
        .delete(`/v1/identity-cards/${stack.doctor.address}`)
        .set("Authorization", `Bearer ${tokens.get(stack.patient)}`);
    const withdrawn = await del();
    expect(withdrawn.status).to.equal(204);
    expect((await list(stack.doctor)).received).to.deep.equal([]);
    expectError(await del(), 404, "not_found", /not shared a name card/);
    // The request log says a card was withdrawn, not from whom.
    const line = stack.logs
      .map((l) => JSON.parse(l))
      .find((l) => l.reqId === withdrawn.headers["x-request-id"] && l.req);
    expect(line.req.path).to.equal("/v1/identity-cards/:doctor");
    const doctor = stack.doctor.address.slice(2).toLowerCase();
    for (const l of stack.logs.filter((l) => l.includes('"req":'))) expect(l.toLowerCase()).not.to.include(doctor);
  });

  it("keeps cards across a service restart, and never holds or answers the name in clear", async () => {
    expect((await share(stack.patient, { card: await seal(stack.patient, stack.doctor) })).status).to.equal(200);
    await stack.restartServices();
    tokens.set(stack.doctor, await stack.signIn(stack.doctor));
    const { received } = await list(stack.doctor);
    expect((await openAs(stack.doctor, received[0])).name).to.equal(NAME);
    for (const body of bodies) expect(body).not.to.include("PLAINTEXT-MARKER");
    const files = await readdir(stack.dataDir, { recursive: true });
    for (const file of files) {
      const full = path.join(stack.dataDir, file);
      const bytes = await readFile(full).catch(() => Buffer.alloc(0));
      expect(bytes.includes("PLAINTEXT-MARKER"), file).to.equal(false);
    }
  });
});
