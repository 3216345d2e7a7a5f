import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect } from "chai";
import request from "supertest";
import { getAddress } from "viem";
import type { Address } from "viem";
import { utf8 } from "../../lib/bytes";
import { createRecord } from "../../lib/records/createRecord";
import { expectError, flowAs } from "../testing/records";
import { startTestStack, type StackAccount, type TestStack } from "../testing/stack";
import { StateDatabase } from "../state/database";
import { AuditLog, type RefusalEvent } from "./log";

const PATIENT = getAddress("0x00000000000000000000000000000000000000a1");
const refusal = (i: number, patient = PATIENT): RefusalEvent => ({
  at: new Date(Date.UTC(2025, 0, 1, 0, 0, i)).toISOString(),
  reader: getAddress("0x00000000000000000000000000000000000000d1"),
  patient,
  recordIndex: i,
  part: "report",
  reason: "Your access to this record has ended.",
});

describe("AuditLog (SQLite, repeats aggregated per day)", () => {
  let folder: string;
  let state: StateDatabase;
  beforeEach(async () => {
    folder = await mkdtemp(path.join(tmpdir(), "ehr-audit-"));
    state = StateDatabase.open(path.join(folder, "state.sqlite"), []);
  });
  afterEach(async () => {
    state.close();
    await rm(folder, { recursive: true, force: true });
  });

  it("lists a patient's refusals most recent first, paged, with the total, and keeps them across a reopen", async () => {
    let log = AuditLog.open(state);
    for (let i = 0; i < 5; i++) await log.append(refusal(i));
    await log.append(refusal(9, getAddress("0x00000000000000000000000000000000000000a2")));
    const page = log.refusalsFor(PATIENT.toUpperCase().replace("0X", "0x") as Address, { offset: 1, limit: 2 });
    expect(page.total).to.equal(5);
    expect(page.refusals.map((r) => r.recordIndex)).to.deep.equal([3, 2]);
    state.close();
    state = StateDatabase.open(path.join(folder, "state.sqlite"), []);
    log = AuditLog.open(state);
    expect(log.refusalsFor(PATIENT, { offset: 4, limit: 10 }).refusals).to.deep.equal([
      { ...refusal(0), firstAt: refusal(0).at, count: 1 },
    ]);
    expect(log.refusalsFor(PATIENT, { offset: 10, limit: 10 })).to.deep.equal({ refusals: [], total: 5 });
  });

  it("counts repeats of the same refusal on one UTC day in one entry, and starts a new entry the next day", async () => {
    const log = AuditLog.open(state);
    const at = (day: number, second: number) => new Date(Date.UTC(2025, 0, day, 12, 0, second)).toISOString();
    for (let i = 0; i < 200; i++) await log.append({ ...refusal(3), at: at(1, i % 60) });
    await log.append({ ...refusal(3), at: at(2, 0) });
    await log.append({ ...refusal(3), reason: "Another reason.", at: at(2, 1) });
    const { refusals, total } = log.refusalsFor(PATIENT, { offset: 0, limit: 10 });
    expect(total).to.equal(3);
    expect(refusals.map((r) => r.count)).to.deep.equal([1, 1, 200]);
    expect(refusals[2]).to.include({ firstAt: at(1, 0), at: at(1, 59), recordIndex: 3 });
  });

  it("imports refusals.jsonl of the earlier layout once (skipping a torn line) and renames it", async () => {
    const legacy = path.join(folder, "audit");
    await mkdir(legacy);
    const lines = [refusal(1), refusal(1), refusal(2)].map((r) => JSON.stringify(r)).join("\n");
    await writeFile(path.join(legacy, "refusals.jsonl"), `${lines}\n{"at":"2025-`);
    AuditLog.open(state, legacy);
    const log = AuditLog.open(state, legacy); // a second open imports nothing more
    const { refusals, total } = log.refusalsFor(PATIENT, { offset: 0, limit: 10 });
    expect(total).to.equal(2);
    expect(refusals.map((r) => [r.recordIndex, r.count])).to.deep.equal([
      [2, 1],
      [1, 2],
    ]);
    expect(await readdir(legacy)).to.deep.equal(["refusals.jsonl.migrated"]);
  });

  it("refuses appends after close", async () => {
    const log = AuditLog.open(state);
    await log.close();
    const error = await log.append(refusal(1)).catch((e) => e);
    expect(error.shortMessage).to.equal("The audit log is closed.");
  });
});

describe("GET /v1/audit/refusals", () => {
  let stack: TestStack;
  const tokens = new Map<StackAccount, string>();
  before(async () => {
    stack = await startTestStack();
    for (const who of [stack.admin, stack.patient, stack.patient2, stack.doctor])
      tokens.set(who, await stack.signIn(who));
    await createRecord(flowAs(stack, stack.patient), {
      patient: stack.patient.address,
      category: 6,
      content: utf8("labs"),
      mediaType: "text/plain",
      authorKey: stack.patient.key,
    });
    // One real refusal: the doctor asks for a key of that record without any grant.
    await request(stack.app)
      .post("/v1/keys/release")
      .set("Authorization", `Bearer ${tokens.get(stack.doctor)}`)
      .send({ patient: stack.patient.address, recordIndex: 0, recordId: `0x${"00".repeat(16)}`, part: "report" })
      .expect(403);
  });
  after(async () => stack?.close());

  const list = (who: StackAccount, query: string) =>
    request(stack.app)
      .get(`/v1/audit/refusals?${query}`)
      .set("Authorization", `Bearer ${tokens.get(who)}`);

  it("shows the patient and an admin the refusals, never another account (403)", async () => {
    const mine = await list(stack.patient, `patient=${stack.patient.address}`).expect(200);
    expect(mine.body.total).to.equal(1);
    expect(mine.body.refusals[0]).to.include({ reader: stack.doctor.address, patient: stack.patient.address });
    expect(Date.parse(mine.body.refusals[0].at)).to.be.closeTo(Date.now(), 600_000);
    expect((await list(stack.admin, `patient=${stack.patient.address}`).expect(200)).body).to.deep.equal(mine.body);
    expectError(
      await list(stack.patient2, `patient=${stack.patient.address}`),
      403,
      "forbidden",
      /patient or an admin/,
    );
    expectError(await list(stack.doctor, `patient=${stack.patient.address}`), 403, "forbidden", /patient or an admin/);
  });

  it("refuses a malformed query (400) and a missing session (401)", async () => {
    expectError(await list(stack.patient, "patient=0x12"), 400, "bad_request", /patient/);
    expectError(await list(stack.patient, `patient=${stack.patient.address}&limit=0`), 400, "bad_request", /limit/);
    expectError(await list(stack.patient, `patient=${stack.patient.address}&offset=-1`), 400, "bad_request", /offset/);
    const anonymous = await request(stack.app).get(`/v1/audit/refusals?patient=${stack.patient.address}`);
    expectError(anonymous, 401, "unauthorized", /./);
  });
});
