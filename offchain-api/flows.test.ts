/**
 * The record flows of lib/records end to end over real HTTP: the service listening on a loopback
 * port, each user with their own signed-in EhrApiClient whose BlobStore and KeyVault are the
 * service's, on a real anvil chain and the service's Helia store on disk. Nothing is mocked.
 */
import { expect } from "chai";
import { createHash } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fromUtf8, utf8 } from "../lib/bytes";
import { readChainRecord, recordCount } from "../lib/chain/ehr";
import { Category } from "../lib/categories";
import { AccessDeniedError, IntegrityError, SessionError } from "../lib/errors";
import type { GeneralDetails } from "../lib/fhir/generalDetails";
import { EhrApiClient } from "../lib/api/client";
import { rawLeafCid } from "../lib/api/rawCid";
import { filesUnder } from "./testing/blobStoreContract";
import {
  createRecord,
  grantAccessWithRewrap,
  latestGeneralDetails,
  openEmergencyAndRead,
  readEmergencyRecords,
  readRecord,
  revokeAccess,
  updateGeneralDetails,
  type FlowContext,
} from "../lib/records/flows";
import { rejection } from "../lib/testing/rejection";
import { startTestStack, WEB_ORIGIN, type StackAccount, type TestStack } from "./testing/stack";

const DAY = 24 * 3600;

const DETAILS: GeneralDetails = {
  fullName: "Ada Example",
  dateOfBirth: "1980-02-03",
  bloodGroup: "O-",
  allergies: ["penicillin"],
  chronicConditions: ["type 2 diabetes"],
  currentMedications: ["metformin"],
  emergencyContacts: [{ name: "Bob Example", phone: "+44 20 7946 0000" }],
  updatedAt: "2026-11-21T10:00:00Z",
};

const NOTE = [
  "CHIEF COMPLAINT:, Follow-up of diabetes.",
  "ALLERGIES:, Penicillin.",
  "MEDICATIONS:, Metformin 500 mg twice daily.",
  "LABORATORY:, Hemoglobin A1c 7.1%.",
  "PLAN:, Continue metformin. Recheck A1c in three months.",
].join("\n");

describe("record flows over HTTP (lib/api client ↔ offchain-api)", function () {
  let stack: TestStack;
  let server: Server;
  let baseUrl: string;
  const clients = new Map<StackAccount, EhrApiClient>();

  /** A user's signed-in client (one per user, as each browser has its own). */
  const clientOf = async (who: StackAccount): Promise<EhrApiClient> => {
    let client = clients.get(who);
    if (!client) {
      client = new EhrApiClient({ baseUrl, origin: WEB_ORIGIN });
      await client.signIn(who.wallet);
      clients.set(who, client);
    }
    return client;
  };
  const contextOf = async (who: StackAccount): Promise<FlowContext> => {
    const client = await clientOf(who);
    return {
      publicClient: stack.publicClient,
      walletClient: who.wallet,
      core: stack.core,
      storage: client.blobStore(),
      vault: client.keyVault(),
    };
  };
  const chainNow = async () => Number((await stack.publicClient.getBlock()).timestamp);

  let detailsIndex: number;
  let reportIndex: number;
  let doctorAccessTx: `0x${string}`;
  const report = utf8(`Lab report: ${NOTE}`);
  let summaryBytes: Uint8Array;

  before(async function () {
    stack = await startTestStack();
    // The handler follows the stack's current app, so `restartServices` is a real service restart
    // behind the same address.
    server = createServer((req, res) => stack.app(req, res));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async function () {
    await new Promise((resolve) => server?.close(resolve));
    await stack?.close();
  });

  it("signs each user in with their wallet", async function () {
    for (const who of [stack.patient, stack.doctor, stack.doctor2]) {
      const session = await (await clientOf(who)).session();
      expect(session.address).to.equal(who.address);
    }
    expect((await (await clientOf(stack.patient)).session()).role).to.equal("patient");
    expect((await (await clientOf(stack.doctor)).session()).role).to.equal("doctor");
  });

  it("the patient writes their general details", async function () {
    const created = await updateGeneralDetails(await contextOf(stack.patient), {
      patient: stack.patient.address,
      details: DETAILS,
      patientKey: stack.patient.key,
    });
    detailsIndex = created.index;
    const record = await readChainRecord(stack.publicClient, stack.core, stack.patient.address, created.index);
    // The service stores a ≤ 1 MiB envelope as one raw block: its CID is the hash on the chain.
    expect(record.cid).to.equal(rawLeafCid(record.envelopeHash));
    const latest = await latestGeneralDetails(await contextOf(stack.patient), {
      patient: stack.patient.address,
      readerKey: stack.patient.key,
    });
    expect(latest?.details).to.deep.equal(DETAILS);
  });

  it("a doctor without a grant cannot store a record for the patient, and nothing reaches the chain", async function () {
    const before = await recordCount(stack.publicClient, stack.core, stack.patient.address);
    await rejection(
      createRecord(await contextOf(stack.doctor), {
        patient: stack.patient.address,
        category: Category.LabResults,
        content: report,
        mediaType: "text/plain",
        authorKey: stack.doctor.key,
      }),
      AccessDeniedError,
    );
    expect(await recordCount(stack.publicClient, stack.core, stack.patient.address)).to.equal(before);
  });

  it("the granted doctor summarizes a note through the service and adds a record with the summary", async function () {
    await grantAccessWithRewrap(await contextOf(stack.patient), {
      doctor: stack.doctor.address,
      categories: 1 << Category.LabResults,
      expiresAt: (await chainNow()) + 30 * DAY,
      patientKey: stack.patient.key,
    });
    const doctor = await clientOf(stack.doctor);
    const { summary, source } = await doctor.summarize(NOTE, "text/plain");
    expect(source).to.equal("text");
    expect(summary.allergies.map((a) => a.text.toLowerCase())).to.include("penicillin");
    summaryBytes = utf8(JSON.stringify(summary));

    const created = await createRecord(await contextOf(stack.doctor), {
      patient: stack.patient.address,
      category: Category.LabResults,
      content: report,
      mediaType: "text/plain",
      fileName: "lab.txt",
      summary: summaryBytes,
      authorKey: stack.doctor.key,
    });
    reportIndex = created.index;
  });

  it("the patient reads the doctor's record and its summary byte for byte", async function () {
    const ctx = await contextOf(stack.patient);
    const read = await readRecord(ctx, {
      patient: stack.patient.address,
      index: reportIndex,
      readerKey: stack.patient.key,
    });
    expect(read.plaintext).to.deep.equal(report);
    expect(read).to.include({ mediaType: "text/plain", fileName: "lab.txt", basis: "Patient" });
    const summary = await readRecord(ctx, {
      patient: stack.patient.address,
      index: reportIndex,
      part: "summary",
      readerKey: stack.patient.key,
    });
    expect(summary.plaintext).to.deep.equal(summaryBytes);
  });

  it("the doctor reads under the grant; after the patient revokes, the chain and the service refuse", async function () {
    const doctorCtx = await contextOf(stack.doctor);
    const granted = await readRecord(doctorCtx, {
      patient: stack.patient.address,
      index: reportIndex,
      readerKey: stack.doctor.key,
    });
    expect(granted.plaintext).to.deep.equal(report);
    expect(granted.basis).to.equal("Grant");
    doctorAccessTx = granted.accessTx!;

    await revokeAccess(await contextOf(stack.patient), { doctor: stack.doctor.address });

    // The flow stops at the service, before any transaction: the envelope is refused, with the reason.
    const sent = await stack.publicClient.getTransactionCount({ address: stack.doctor.address });
    const refusedRead = await rejection(
      readRecord(doctorCtx, { patient: stack.patient.address, index: reportIndex, readerKey: stack.doctor.key }),
      AccessDeniedError,
    );
    expect(refusedRead.shortMessage).to.equal("The patient revoked this doctor's access.");
    expect(await stack.publicClient.getTransactionCount({ address: stack.doctor.address })).to.equal(sent);
    // Going around the flow does not help: the chain refuses to log it, the service the envelope and the key.
    const reverted = await rejection(
      stack.coreAs(stack.doctor).logAccess.staticCall(stack.patient.address, reportIndex, false),
    );
    expect((reverted as { revert?: { name: string } }).revert?.name).to.equal("AccessUnauthorized");
    const record = await readChainRecord(stack.publicClient, stack.core, stack.patient.address, reportIndex);
    await rejection(doctorCtx.storage.get(record.cid), AccessDeniedError);
    await rejection(
      doctorCtx.vault.fetchWrappedKey({
        patient: stack.patient.address,
        recordIndex: reportIndex,
        recordId: granted.recordId,
        part: "report",
        reader: stack.doctor.address,
        accessTx: doctorAccessTx,
      }),
      AccessDeniedError,
    );
  });

  it("the patient sees the refusals; the doctor may not", async function () {
    const record = await readChainRecord(stack.publicClient, stack.core, stack.patient.address, reportIndex);
    const { refusals, total } = await (await clientOf(stack.patient)).refusals(stack.patient.address);
    expect(total).to.equal(refusals.length).and.be.at.least(2);
    const byDoctor = refusals.filter((r) => r.reader === stack.doctor.address && r.patient === stack.patient.address);
    const download = byDoctor.find((r) => r.cid === record.cid);
    const release = byDoctor.find((r) => r.recordIndex === reportIndex);
    expect(download, JSON.stringify(refusals)).to.deep.include({ part: "report" });
    expect(release, JSON.stringify(refusals)).to.deep.include({ part: "report" });
    for (const r of [download!, release!]) {
      expect(r.reason).to.be.a("string").and.not.equal("");
      expect(Date.parse(r.at)).to.be.greaterThan(0);
    }
    // Newest first: the key release was refused after the download.
    expect(refusals.indexOf(release!)).to.be.below(refusals.indexOf(download!));

    await rejection((await clientOf(stack.doctor)).refusals(stack.patient.address), AccessDeniedError);
  });

  it("another doctor opens emergency access and reads general details and the summary through the custodian", async function () {
    const custodian = await (await clientOf(stack.doctor2)).custodian();
    expect(custodian.published).to.equal(true);

    const result = await openEmergencyAndRead(await contextOf(stack.doctor2), {
      patient: stack.patient.address,
      reasonCode: 1,
      justification: "Unconscious on arrival; needs allergies before treatment.",
      doctorKey: stack.doctor2.key,
    });
    expect(result.unavailable).to.deep.equal([]);
    expect(result.generalDetails?.index).to.equal(detailsIndex);
    expect(JSON.parse(fromUtf8(result.generalDetails!.plaintext))).to.deep.equal(DETAILS);
    expect(result.generalDetails?.basis).to.equal("Emergency");
    expect(result.summaries.map((s) => s.index)).to.deep.equal([reportIndex]);
    expect(result.summaries[0].plaintext).to.deep.equal(summaryBytes);
    // The full report is not part of an emergency window: the service refuses the file, saying why.
    const refused = await rejection(
      readRecord(await contextOf(stack.doctor2), {
        patient: stack.patient.address,
        index: reportIndex,
        readerKey: stack.doctor2.key,
      }),
      AccessDeniedError,
    );
    expect(refused.shortMessage).to.equal("The patient has not granted this doctor access.");
  });

  it("after a service restart the sessions still hold and everything is still readable", async function () {
    await stack.restartServices();
    for (const who of [stack.patient, stack.doctor2]) {
      expect((await (await clientOf(who)).session()).address).to.equal(who.address);
    }
    const patientCtx = await contextOf(stack.patient);
    const read = await readRecord(patientCtx, {
      patient: stack.patient.address,
      index: reportIndex,
      readerKey: stack.patient.key,
    });
    expect(read.plaintext).to.deep.equal(report);
    const latest = await latestGeneralDetails(patientCtx, {
      patient: stack.patient.address,
      readerKey: stack.patient.key,
    });
    expect(latest?.details).to.deep.equal(DETAILS);

    const emergency = await readEmergencyRecords(await contextOf(stack.doctor2), {
      patient: stack.patient.address,
      doctorKey: stack.doctor2.key,
    });
    expect(emergency.unavailable).to.deep.equal([]);
    expect(JSON.parse(fromUtf8(emergency.generalDetails!.plaintext))).to.deep.equal(DETAILS);
    expect(emergency.summaries[0].plaintext).to.deep.equal(summaryBytes);

    // The refusal log is kept across the restart.
    expect((await (await clientOf(stack.patient)).refusals(stack.patient.address)).total).to.be.at.least(1);
  });

  it("a signed-out client is refused until it signs in again", async function () {
    const client = new EhrApiClient({ baseUrl, origin: WEB_ORIGIN });
    await client.signIn(stack.patient.wallet);
    const record = await readChainRecord(stack.publicClient, stack.core, stack.patient.address, detailsIndex);
    const store = client.blobStore();
    expect(await store.get(record.cid)).to.have.length.greaterThan(0);
    await client.signOut();
    await rejection(store.get(record.cid), SessionError);
    await client.signIn(stack.patient.wallet);
    expect(await store.get(record.cid)).to.have.length.greaterThan(0);
  });

  it("a blob tampered with on disk fails the patient's read with an IntegrityError", async function () {
    const record = await readChainRecord(stack.publicClient, stack.core, stack.patient.address, detailsIndex);
    const blocks = await filesUnder(path.join(stack.dataDir, "api"));
    let tampered = 0;
    for (const file of blocks) {
      const bytes = await readFile(file);
      if (`0x${createHash("sha256").update(bytes).digest("hex")}` !== record.envelopeHash) continue;
      bytes[bytes.length - 1] ^= 1;
      await writeFile(file, bytes);
      tampered++;
    }
    expect(tampered, "the envelope's block on disk").to.equal(1);

    const error = await rejection(
      readRecord(await contextOf(stack.patient), {
        patient: stack.patient.address,
        index: detailsIndex,
        readerKey: stack.patient.key,
      }),
      IntegrityError,
    );
    // The service caught it (502 corrupt_content), not only the client's own check.
    expect(error.details).to.include("corrupt_content");
    // The other records are unaffected.
    const read = await readRecord(await contextOf(stack.patient), {
      patient: stack.patient.address,
      index: reportIndex,
      readerKey: stack.patient.key,
    });
    expect(read.plaintext).to.deep.equal(report);
  });
});
