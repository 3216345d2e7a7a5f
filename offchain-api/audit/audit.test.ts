import { mkdtemp, readFile, rm, appendFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect } from "chai";
import request from "supertest";
import type { Address } from "../../lib/crypto/identity";
import { expectError } from "../testing/records";
import { startTestStack, type StackAccount, type TestStack } from "../testing/stack";
import { AuditLog, type Refusal } from "./log";

const PATIENT = "0x00000000000000000000000000000000000000a1" as Address;
const refusal = (i: number, patient = PATIENT): Refusal => ({
  at: new Date(Date.UTC(2025, 0, 1, 0, 0, i)).toISOString(),
  reader: "0x00000000000000000000000000000000000000d1" as Address,
  patient,
  recordIndex: i,
  part: "report",
  reason: "Your access to this record has ended.",
});

describe("AuditLog (append-only JSON lines)", () => {
  let folder: string;
  beforeEach(async () => {
    folder = await mkdtemp(path.join(tmpdir(), "ehr-audit-"));
  });
  afterEach(async () => rm(folder, { recursive: true, force: true }));

  it("lists a patient's refusals newest first, paged, with the total, and keeps them across a reopen", async () => {
    let log = await AuditLog.open(folder);
    for (let i = 0; i < 5; i++) await log.append(refusal(i));
    await log.append(refusal(9, "0x00000000000000000000000000000000000000a2" as Address));
    const page = log.refusalsFor(PATIENT.toUpperCase().replace("0X", "0x") as Address, { offset: 1, limit: 2 });
    expect(page.total).to.equal(5);
    expect(page.refusals.map((r) => r.recordIndex)).to.deep.equal([3, 2]);
    await log.close();
    log = await AuditLog.open(folder);
    expect(log.refusalsFor(PATIENT, { offset: 4, limit: 10 }).refusals.map((r) => r.recordIndex)).to.deep.equal([0]);
    expect(log.refusalsFor(PATIENT, { offset: 10, limit: 10 })).to.deep.equal({ refusals: [], total: 5 });
    await log.close();
    const lines = (await readFile(path.join(folder, "refusals.jsonl"), "utf8")).trim().split("\n");
    expect(lines).to.have.length(6);
    expect(JSON.parse(lines[0])).to.deep.equal(refusal(0));
  });

  it("skips a torn last line (a crash mid-append) and appends after it", async () => {
    let log = await AuditLog.open(folder);
    await log.append(refusal(1));
    await log.close();
    await appendFile(path.join(folder, "refusals.jsonl"), '{"at":"2025-');
    log = await AuditLog.open(folder);
    expect(log.refusalsFor(PATIENT, { offset: 0, limit: 10 }).total).to.equal(1);
    await log.append(refusal(2));
    await log.close();
    log = await AuditLog.open(folder);
    expect(log.refusalsFor(PATIENT, { offset: 0, limit: 10 }).refusals.map((r) => r.recordIndex)).to.deep.equal([2, 1]);
    await log.close();
  });

  it("refuses appends after close", async () => {
    const log = await AuditLog.open(folder);
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
    // One real refusal: the doctor asks for a key without any grant.
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
