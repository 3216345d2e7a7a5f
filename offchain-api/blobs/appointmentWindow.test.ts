import { expect } from "chai";
import request from "supertest";
import { contractConstants } from "../../deployments/contracts";
import { utf8, fromUtf8 } from "../../lib/bytes";
import { FormatError } from "../../lib/errors";
import { createRecord } from "../../lib/records/createRecord";
import { readRecord } from "../../lib/records/readRecord";
import type { WrappedKeyEntry } from "../../lib/storage/types";
import { expectError, flowAs, storedTestKeyEntry } from "../testing/records";
import { startTestStack, type StackAccount, type TestStack } from "../testing/stack";
import { hasAppointmentWindow } from "./appointmentWindow";
import { fakeWrapped } from "../keys/fakeWrapped";

const SLOT = contractConstants.SLOT_DURATION;
const PRESCRIPTIONS = 10;

describe("appointment write window (addAppointmentRecord without a grant)", () => {
  let stack: TestStack;
  let token: string;
  let start: number;

  const chainNow = async () => Number((await stack.publicClient.getBlock()).timestamp);
  const entry = (patient: StackAccount): Promise<WrappedKeyEntry> =>
    storedTestKeyEntry(stack, { patient: patient.address, wrapped: fakeWrapped("cd") });
  const store = (entries: WrappedKeyEntry[]) =>
    request(stack.app).post("/v1/keys").set("Authorization", `Bearer ${token}`).send({ entries });
  const prescription = (appointmentStart: number | undefined, patient: StackAccount = stack.patient) =>
    createRecord(flowAs(stack, stack.doctor), {
      patient: patient.address,
      category: PRESCRIPTIONS,
      content: utf8('{"resourceType":"Bundle","type":"collection"}'),
      mediaType: "application/fhir+json",
      summary: utf8('{"allergies":[]}'),
      authorKey: stack.doctor.key,
      appointmentStart,
    });

  before(async () => {
    stack = await startTestStack();
    token = await stack.signIn(stack.doctor);
    const now = await chainNow();
    start = now - (now % SLOT) + SLOT;
    await stack.writeBook(stack.patient, "book", [stack.doctor.address, start]);
    await stack.writeBook(stack.doctor, "confirm", [start]);
  });
  after(async () => stack?.close());

  it("is closed before the appointment starts: keys refused (403), nothing stored", async () => {
    expect(await hasAppointmentWindow(stack.services, stack.patient.address, stack.doctor.address)).to.equal(false);
    const early = await entry(stack.patient);
    expectError(await store([early]), 403, "forbidden", /only for yourself/);
    expect(await stack.services.keyStore.heldEntry(early)).to.equal(undefined);
  });

  it("refuses an appointment start that is not unix seconds before doing anything", async () => {
    for (const bad of [-1, 1.5, Number.NaN]) {
      let error: unknown;
      await prescription(bad).catch((e: unknown) => (error = e));
      expect(error).to.be.instanceOf(FormatError);
    }
  });

  it("opens at the start: the doctor stores keys and adds a record the patient reads; other patients stay closed", async () => {
    await stack.increaseTime(start - (await chainNow()));
    expect(await hasAppointmentWindow(stack.services, stack.patient.address, stack.doctor.address)).to.equal(true);
    expect(await hasAppointmentWindow(stack.services, stack.patient2.address, stack.doctor.address)).to.equal(false);
    expect(await hasAppointmentWindow(stack.services, stack.patient.address, stack.doctor2.address)).to.equal(false);
    await store([await entry(stack.patient)]).expect(201);
    expectError(await store([await entry(stack.patient2)]), 403, "forbidden", /only for yourself/);

    // Without the appointment path the chain refuses the doctor (no grant).
    let refused: unknown;
    await prescription(undefined).catch((e: unknown) => (refused = e));
    expect((refused as Error)?.message).to.match(/not allowed|unauthori[sz]ed|RecordWriteUnauthorized/i);

    const created = await prescription(start);
    const read = await readRecord(flowAs(stack, stack.patient), {
      patient: stack.patient.address,
      index: created.index,
      readerKey: stack.patient.key,
    });
    expect(read.category).to.equal(PRESCRIPTIONS);
    expect(fromUtf8(read.plaintext)).to.contain('"collection"');
  });

  it("stores no keys for a suspended doctor inside the window (403), and again once reinstated", async () => {
    // Before: the keys route asked only for the window, so a suspended doctor with a confirmed
    // appointment could still plant entries (for themself, the patient or the custodian).
    await (await stack.coreContract.suspendDoctor(stack.doctor.address, 1)).wait();
    try {
      const planted = await entry(stack.patient);
      expectError(await store([planted]), 403, "forbidden", /only for yourself/);
      expect(await stack.services.keyStore.heldEntry(planted)).to.equal(undefined);
    } finally {
      await (await stack.coreContract.reinstateDoctor(stack.doctor.address)).wait();
    }
    await store([await entry(stack.patient)]).expect(201);
  });

  it("is open just after a slot starts on an idle chain: judged at the next block's time, not the latest block's", async () => {
    // A new slot with the second patient (who has no other appointment), booked and confirmed; then
    // the chain's clock moves past its start with no block mined (as the e2e appointments spec
    // does): the latest block is from before it started, while the next block, stamped at least
    // with the wall clock, is after. The service's clock says it has started (a clock given here,
    // ahead like the chain's). Before: refused, judged by the latest block's time.
    const now = await chainNow();
    const later = now - (now % SLOT) + 2 * SLOT;
    await stack.writeBook(stack.patient2, "book", [stack.doctor.address, later]);
    await stack.writeBook(stack.doctor, "confirm", [later]);
    await stack.publicClient.request({
      method: "evm_increaseTime" as never,
      params: [later - (await chainNow())] as never,
    });
    expect(await chainNow()).to.be.below(later);
    const clock = () => (later + 5) * 1000;
    const open = (patient: StackAccount, doctor: StackAccount) =>
      hasAppointmentWindow(stack.services, patient.address, doctor.address, clock);
    expect(await open(stack.patient2, stack.doctor)).to.equal(true);
    expect(await open(stack.patient2, stack.doctor2)).to.equal(false);
    // The chain takes the record under that appointment in the next block.
    const created = await prescription(later, stack.patient2);
    expect(created.index).to.be.a("number");
  });

  it("closes 24 hours after the slot ends: keys refused again and the chain refuses the record", async () => {
    await stack.increaseTime(SLOT + 24 * 60 * 60 + 1);
    expect(await hasAppointmentWindow(stack.services, stack.patient.address, stack.doctor.address)).to.equal(false);
    expectError(await store([await entry(stack.patient)]), 403, "forbidden", /only for yourself/);
    let error: unknown;
    await prescription(start).catch((e: unknown) => (error = e));
    expect(error, "a refusal").to.be.instanceOf(Error);
  });
});
