/**
 * The off-chain service killed with SIGKILL in the middle of a stream of uploads, then restarted on
 * the same port and data folder. What a client was told is stored must be there, whole; what it
 * was not told must not be on the chain. Real anvil, real service process, real Helia store on disk.
 */
import { writeFile } from "node:fs/promises";
import { expect } from "chai";
import { randomBytes, sha256, toHex } from "../../lib/bytes";
import { readChainRecord, recordCount } from "../../lib/chain/ehr";
import { Category } from "../../lib/categories";
import { EhrApiClient } from "../../lib/api/client";
import { StorageError } from "../../lib/errors";
import { createRecord, readRecord, type FlowContext } from "../../lib/records/flows";
import { blockFileOf } from "../../offchain-api/testing/blobStoreContract";
import { startTestStack, WEB_ORIGIN, type StackAccount, type TestStack } from "../../offchain-api/testing/stack";
import {
  brokenBlockFiles,
  download,
  envelopeFor,
  signInTo,
  crashDuringStream,
  startServiceProcess,
  upload,
  type ServiceUnderTest,
  describeFault,
} from "./support";

describeFault("fault: the service is killed (SIGKILL) during a stream of uploads", function () {
  let stack: TestStack;
  let service: ServiceUnderTest;
  let token: string;
  const clientFor = async (who: StackAccount) => {
    const client = new EhrApiClient({ baseUrl: service.url, origin: WEB_ORIGIN });
    await client.signIn(who.wallet);
    return client;
  };
  const contextFor = (who: StackAccount, client: EhrApiClient): FlowContext => ({
    publicClient: stack.publicClient,
    walletClient: who.wallet,
    core: stack.core,
    storage: client.blobStore(),
    vault: client.keyVault(),
  });

  before(async () => {
    stack = await startTestStack();
    service = await startServiceProcess(stack);
    token = await signInTo(stack, service.url, stack.patient2);
  });
  after(async () => {
    await service?.close();
    await stack?.close();
  });

  let lastReport: { cid: string; content: Uint8Array } | undefined;

  it("records through lib/records createRecord: every one the client saw created reads back whole; no other reaches the chain", async () => {
    // One stream per patient: one wallet sends one transaction at a time, as in the dApp.
    const patients = [stack.patient, stack.patient2];
    const writers = await Promise.all(patients.map(async (who) => contextFor(who, await clientFor(who))));
    const count = async () =>
      (await Promise.all(patients.map((who) => recordCount(stack.publicClient, stack.core, who.address)))).reduce(
        (a, b) => a + b,
      );
    const before = await count();

    const { acked, failures } = await crashDuringStream(
      service,
      { streams: 2, ackedBeforeKill: 3, rounds: 1 },
      async (i) => {
        const content = randomBytes(200 * 1024);
        const created = await createRecord(writers[i], {
          patient: patients[i].address,
          category: Category.LabResults,
          content,
          mediaType: "application/octet-stream",
          authorKey: patients[i].key,
        });
        return { ...created, patient: patients[i], content };
      },
    );

    // The dead service failed the flow before the chain: a StorageError ("could not be reached").
    expect(failures.length).to.be.at.least(2);
    for (const failure of failures) expect(failure).to.be.instanceOf(StorageError);
    // Nothing unacknowledged on the chain, nothing acknowledged missing from it.
    expect((await count()) - before).to.equal(acked.length);

    // New clients (the session secret survives the restart too, but a new browser signs in anew).
    const readers = new Map<StackAccount, { ctx: FlowContext; token: string }>();
    for (const who of patients) {
      readers.set(who, { ctx: contextFor(who, await clientFor(who)), token: await signInTo(stack, service.url, who) });
    }
    for (const record of acked) {
      const patient = record.patient;
      const { ctx: reader, token: patientToken } = readers.get(patient)!;
      const read = await readRecord(reader, { patient: patient.address, index: record.index, readerKey: patient.key });
      expect(read.plaintext).to.deep.equal(record.content);
      const onChain = await readChainRecord(stack.publicClient, stack.core, patient.address, record.index);
      const served = await download(service.url, patientToken, onChain.cid);
      expect(served.status).to.equal(200);
      expect(toHex(await sha256(served.bytes!))).to.equal(onChain.envelopeHash);
      if (patient === stack.patient) lastReport = { cid: onChain.cid, content: served.bytes! };
    }
    expect(await brokenBlockFiles(service.storeDir)).to.deep.equal([]);
  });

  it("raw uploads of multi-block envelopes: every 201 is served byte for byte after the restart", async () => {
    const { acked, failures } = await crashDuringStream(
      service,
      { streams: 2, ackedBeforeKill: 2, rounds: 1 },
      async () => {
        // 1.5 MiB: a UnixFS DAG of two leaves and a root, so a kill can land between blocks.
        const bytes = await envelopeFor(stack, stack.patient2.address, 1536 * 1024);
        const answer = await upload(service.url, token, bytes);
        if (answer.status !== 201) throw new Error(`upload answered ${answer.status}`);
        return { cid: answer.body.cid!, bytes };
      },
    );
    expect(failures.length).to.be.at.least(2);
    for (const { cid, bytes } of acked) {
      const served = await download(service.url, token, cid);
      expect(served.status, cid).to.equal(200);
      expect(Buffer.compare(Buffer.from(served.bytes!), Buffer.from(bytes))).to.equal(0);
    }
    expect(await brokenBlockFiles(service.storeDir)).to.deep.equal([]);
  });

  it("a block corrupted on disk under the running process is refused as corrupt (502), never served", async () => {
    const patientToken = await signInTo(stack, service.url, stack.patient);
    const file = await blockFileOf(service.storeDir, lastReport!.content);
    const corrupted = Buffer.from(lastReport!.content);
    corrupted[corrupted.length - 1] ^= 0x01;
    await writeFile(file, corrupted);
    const served = await download(service.url, patientToken, lastReport!.cid);
    expect(served.status).to.equal(502);
    expect(served.body.error).to.include({ code: "corrupt_content", message: "The stored file is corrupt." });
  });
});
