import { createHash } from "node:crypto";
import { expect } from "chai";
import request from "supertest";
import { utf8 } from "../../lib/bytes";
import { Category, categoryMask } from "../../lib/categories";
import { generateDataKey, sealEnvelope } from "../../lib/crypto/envelope";
import { newRecordId } from "../../lib/crypto/identity";
import type { Address } from "viem";
import { expectError } from "../testing/records";
import { startTestStack, type StackAccount, type TestStack } from "../testing/stack";
import { READ_REFUSALS } from "./grantRefusal";

/**
 * A refused download says which rule failed, and the patient's refusal list (GET /v1/audit/refusals)
 * keeps that sentence with who and which file: the doctor's chart shows it and the patient's
 * Activity lists it (issue 16 bug 4). Before, every refusal was "You are not allowed to read this
 * file now." Each case is one state of the grant on a real chain.
 */
describe("blob read refusals: why, and audited (GET /v1/blobs/:cid)", () => {
  let stack: TestStack;
  const tokens = new Map<StackAccount, string>();
  before(async () => {
    stack = await startTestStack();
    for (const who of [stack.patient, stack.patient2, stack.doctor, stack.doctor2, stack.outsider]) {
      tokens.set(who, await stack.signIn(who));
    }
  });
  after(async () => stack?.close());

  const auth = (who: StackAccount) => `Bearer ${tokens.get(who)}`;
  /** Stores an envelope of `patient`'s of `category` (as the patient) and answers its CID. */
  const stored = async (patient: StackAccount, category: number): Promise<string> => {
    const identity = {
      chainId: stack.chain.chainId,
      contract: stack.core,
      patient: patient.address as Address,
      recordId: newRecordId(),
      category,
      part: "report" as const,
    };
    const bytes = await sealEnvelope(utf8("a report"), generateDataKey(), identity, { compress: "never" });
    const res = await request(stack.app)
      .post("/v1/blobs")
      .set("Authorization", auth(patient))
      .set("Content-Type", "application/octet-stream")
      .set("X-Content-SHA256", `0x${createHash("sha256").update(bytes).digest("hex")}`)
      .send(Buffer.from(bytes))
      .expect(201);
    return res.body.cid as string;
  };
  const download = (who: StackAccount, cid: string) =>
    request(stack.app).get(`/v1/blobs/${cid}`).set("Authorization", auth(who));
  const refusalsOf = async (patient: StackAccount, cid: string) => {
    const { body } = await request(stack.app)
      .get(`/v1/audit/refusals?patient=${patient.address}`)
      .set("Authorization", auth(patient))
      .expect(200);
    return (body.refusals as { cid?: string; reason: string; reader: string }[]).filter((r) => r.cid === cid);
  };
  const chainNow = async () => Number((await stack.publicClient.getBlock()).timestamp);
  const grant = async (patient: StackAccount, doctor: StackAccount, mask: number, seconds = 86_400) =>
    (await stack.coreAs(patient).grantAccess(doctor.address, mask, (await chainNow()) + seconds)).wait();

  /** A reason as a whole-message pattern (its full stop and apostrophes are literal). */
  const exactly = (reason: string) => new RegExp(`^${reason.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`);

  it("no grant ever: 'has not granted', audited with who and which file", async () => {
    const cid = await stored(stack.patient, Category.LabResults);
    expectError(await download(stack.doctor, cid), 403, "forbidden", exactly(READ_REFUSALS.noGrant));
    const audited = await refusalsOf(stack.patient, cid);
    expect(audited).to.have.length(1);
    expect(audited[0]).to.include({ reader: stack.doctor.address, reason: READ_REFUSALS.noGrant });
  });

  it("a grant of other categories: names the category not covered", async () => {
    await grant(stack.patient, stack.doctor, categoryMask([Category.ClinicalNotes]));
    const lab = await stored(stack.patient, Category.LabResults);
    const note = await stored(stack.patient, Category.ClinicalNotes);
    await download(stack.doctor, note).expect(200);
    const res = await download(stack.doctor, lab);
    expectError(res, 403, "forbidden", /does not cover lab results records\.$/);
    expect(res.body.error.message).to.equal(READ_REFUSALS.notCovered(Category.LabResults));
    expect((await refusalsOf(stack.patient, lab))[0].reason).to.equal(READ_REFUSALS.notCovered(Category.LabResults));
  });

  it("after a revoke: 'revoked', for a file read a moment before", async () => {
    const note = await stored(stack.patient, Category.ClinicalNotes);
    await download(stack.doctor, note).expect(200);
    await (await stack.coreAs(stack.patient).revokeAccess(stack.doctor.address)).wait();
    expectError(await download(stack.doctor, note), 403, "forbidden", exactly(READ_REFUSALS.revoked));
    expect((await refusalsOf(stack.patient, note))[0]).to.include({
      reader: stack.doctor.address,
      reason: READ_REFUSALS.revoked,
    });
    // A later grant is in force again, and a doctor the patient never revoked is still "not granted".
    await grant(stack.patient, stack.doctor, categoryMask([Category.ClinicalNotes]));
    await download(stack.doctor, note).expect(200);
    expectError(await download(stack.doctor2, note), 403, "forbidden", exactly(READ_REFUSALS.noGrant));
  });

  it("a grant that ended: says when, by the chain's clock", async () => {
    await grant(stack.patient2, stack.doctor2, categoryMask([Category.LabResults]), 3600);
    const { expiresAt } = await stack.coreContract.grantOf(stack.patient2.address, stack.doctor2.address);
    const lab = await stored(stack.patient2, Category.LabResults);
    await download(stack.doctor2, lab).expect(200);
    await stack.increaseTime(3601);
    const res = await download(stack.doctor2, lab);
    expect(res.status).to.equal(403);
    expect(res.body.error.message).to.equal(READ_REFUSALS.ended(new Date(Number(expiresAt) * 1000)));
    expect(res.body.error.message).to.match(/^This doctor's access grant ended on \d{4}-\d\d-\d\d \d\d:\d\d UTC\.$/);
    // The time itself, for a client to say in its reader's zone (lib/api/apiError.ts).
    expect(res.body.error.details).to.deep.equal({
      grantEndedAt: new Date(Number(expiresAt) * 1000).toISOString(),
    });
  });

  it("reads a pair's history once: a repeated refusal reads only the blocks since, and still sees a revoke", async () => {
    const note = await stored(stack.patient2, Category.ClinicalNotes);
    const client = stack.services.publicClient;
    const original = client.getContractEvents;
    const windows: bigint[][] = [];
    client.getContractEvents = ((args: { eventName?: string; fromBlock: bigint; toBlock: bigint }) => {
      if (args.eventName === "ConsentRevoked") windows.push([args.fromBlock, args.toBlock]);
      return (original as (a: unknown) => unknown).call(client, args);
    }) as typeof original;
    const refusedWith = async (reason: string) =>
      expectError(await download(stack.doctor, note), 403, "forbidden", exactly(reason));
    try {
      await refusedWith(READ_REFUSALS.noGrant);
      const first = windows.length;
      // The first refusal reads back to the floor (this test chain's contract is in no deployment file: block 0).
      expect(windows[first - 1][0]).to.equal(0n);
      const head = await stack.publicClient.getBlockNumber({ cacheTime: 0 });
      for (let i = 0; i < 5; i++) await refusedWith(READ_REFUSALS.noGrant);
      expect(windows.length).to.equal(first);
      await grant(stack.patient2, stack.doctor, categoryMask([Category.LabResults]));
      await (await stack.coreAs(stack.patient2).revokeAccess(stack.doctor.address)).wait();
      await refusedWith(READ_REFUSALS.revoked);
      expect(windows.slice(first).every(([from]) => from > head)).to.equal(true);
      const afterRevoke = windows.length;
      await refusedWith(READ_REFUSALS.revoked);
      expect(windows.length).to.equal(afterRevoke);
    } finally {
      client.getContractEvents = original;
    }
  });

  it("an account that is no doctor (told why, not audited), and a suspended doctor (audited)", async () => {
    const note = await stored(stack.patient2, Category.ClinicalNotes);
    const stranger = await download(stack.outsider, note);
    expectError(stranger, 403, "forbidden", exactly(READ_REFUSALS.notADoctor));
    // Anyone can sign in with fresh addresses: their refusals would bury a doctor's in the patient's Activity.
    expect(await refusalsOf(stack.patient2, note)).to.deep.equal([]);
    const line = stack.logs.map((l) => JSON.parse(l)).find((l) => l.requestId === stranger.headers["x-request-id"]);
    expect(line).to.deep.include({ msg: "read refused", audited: false });
    await grant(stack.patient2, stack.doctor, categoryMask([Category.ClinicalNotes]));
    await download(stack.doctor, note).expect(200);
    await (await stack.coreContract.suspendDoctor(stack.doctor.address, 1)).wait();
    expectError(await download(stack.doctor, note), 403, "forbidden", exactly(READ_REFUSALS.suspended));
    const reasons = (await refusalsOf(stack.patient2, note)).map((r) => r.reason).sort();
    expect(reasons).to.deep.equal([READ_REFUSALS.suspended]);
  });
});
