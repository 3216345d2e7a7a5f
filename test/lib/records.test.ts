import { expect } from "chai";
import { errorSentences } from "../../lib/chain/errorCatalogue";
import hre, { ethers } from "hardhat";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createPublicClient, createWalletClient, custom, type EIP1193Provider, type PublicClient } from "viem";
import { hardhat } from "viem/chains";
import { deploySystem } from "../../scripts/lib/deploy";
import { fromUtf8, utf8 } from "../../lib/bytes";
import { generateUserKey } from "../../lib/keys/userKeyPair";
import type { UserKey } from "../../lib/keys/types";
import type { Address, Hex } from "viem";
import { HeliaBlobStore } from "../../offchain-api/storage/heliaBlobStore";
import { ChainKeyVault } from "../../offchain-api/keys/vault";
import { CustodianRewrapper } from "../../offchain-api/keys/custodianRewrapper";
import { StateDatabase } from "../../offchain-api/state/database";
import { filesUnder } from "../../offchain-api/testing/blobStoreContract";
import type { BlobStore, KeyVault } from "../../lib/storage/types";
import {
  AccessDeniedError,
  ChainError,
  ContractRevertedError,
  FormatError,
  IntegrityError,
  KeyUnlockError,
  StorageError,
  UserRejectedError,
} from "../../lib/errors";
import {
  createRecord,
  recordsAwaitingShare,
  shareAwaitingRecords,
  grantAccessWithRewrap,
  latestGeneralDetails,
  listRecords,
  NOT_COVERED,
  openEmergencyAndRead,
  readEmergencyRecords,
  readRecord,
  revokeAccess,
  rewrapGrantedRecords,
  updateGeneralDetails,
  type FlowContext,
  type FlowProgress,
} from "../../lib/records/flows";
import { ehrCoreAbi } from "../../deployments/contracts";
import { coreEvents, encryptionKeyOf, readChainRecord } from "../../lib/chain/ehr";
import { readClinicalSources } from "../../lib/clinical/readClinicalSources";

const provider = hre.network.provider as unknown as EIP1193Provider;
const DAY = 24 * 3600;
/** The progress stages of one transaction, as every flow reports them. */
const TRANSACTION_STAGES = ["awaiting-signature", "pending", "confirmed"];
/** The progress stages of reading one stored blob. */
const DOWNLOAD_STAGES = ["download", "verify", "decrypt"];

/** A provider whose user declines every transaction (EIP-1193 code 4001). */
const rejectingProvider: EIP1193Provider = {
  ...provider,
  request: (async (args: { method: string; params?: unknown }) => {
    if (args.method === "eth_sendTransaction") {
      throw Object.assign(new Error("User rejected the request."), { code: 4001 });
    }
    return provider.request(args as never);
  }) as EIP1193Provider["request"],
};

async function latestTimestamp(): Promise<number> {
  return (await ethers.provider.getBlock("latest"))!.timestamp;
}

describe("record flows (Helia on disk, in-process EVM)", function () {
  let folder: string;
  let storage: HeliaBlobStore;
  let chainVault: ChainKeyVault;
  let state: StateDatabase;
  let vault: KeyVault;
  let publicClient: PublicClient;
  let core: Address;
  let accounts: { admin: Address; patient: Address; doctor: Address; doctor2: Address; patient2: Address };
  const keys: Record<string, UserKey> = {};
  const custodian = generateUserKey();

  const context = (account: Address, onProgress?: (p: FlowProgress) => unknown, rejecting = false): FlowContext => ({
    publicClient,
    walletClient: createWalletClient({
      account,
      chain: hardhat,
      transport: custom(rejecting ? rejectingProvider : provider, { retryCount: 0 }),
      pollingInterval: 20,
    }),
    core,
    storage,
    vault,
    onProgress,
  });

  beforeEach(async function () {
    const [admin, hospital, doctor, doctor2, patient, patient2] = await ethers.getSigners();
    const system = await deploySystem(admin);
    core = (await system.core.getAddress()) as Address;
    accounts = {
      admin: admin.address as Address,
      patient: patient.address as Address,
      doctor: doctor.address as Address,
      doctor2: doctor2.address as Address,
      patient2: patient2.address as Address,
    };
    await (await system.core.addHospital(hospital.address, "St Mary")).wait();
    for (const [i, d] of [doctor, doctor2].entries()) {
      await (await system.core.onboardDoctor(d.address, 1, 100, ethers.id(`l${i}`), `Dr ${i}`, "ipfs://p")).wait();
      keys[d.address] = generateUserKey();
      await (await system.core.connect(d).setEncryptionKey(keys[d.address].publicKey, ethers.id(`b${i}`))).wait();
    }
    for (const [i, p] of [patient, patient2].entries()) {
      keys[p.address] = generateUserKey();
      await (await system.core.connect(p).registerPatient(keys[p.address].publicKey, ethers.id(`p${i}`))).wait();
    }
    await (await system.core.setCustodianKey(custodian.publicKey)).wait();

    publicClient = createPublicClient({
      chain: hardhat,
      transport: custom(provider, { retryCount: 0 }),
      pollingInterval: 20,
    }) as PublicClient;
    folder = await mkdtemp(join(tmpdir(), "ehr-flows-"));
    storage = await HeliaBlobStore.open({ folder: join(folder, "ipfs") });
    state = StateDatabase.open(join(folder, "state.sqlite"), []);
    chainVault = new ChainKeyVault({ state, publicClient, core });
    vault = chainVault;
  });

  afterEach(async function () {
    await storage.stop();
    state.close();
    await rm(folder, { recursive: true, force: true });
  });

  const addReport = (
    author: Address,
    category = 6,
    text = "haemoglobin 13.5 g/dL",
    summary = true,
    onProgress?: (p: FlowProgress) => unknown,
  ) =>
    createRecord(context(author, onProgress), {
      patient: accounts.patient,
      category,
      content: utf8(text),
      mediaType: "text/plain",
      fileName: "report.txt",
      summary: summary ? utf8(JSON.stringify({ text: `summary of ${text}` })) : undefined,
      authorKey: keys[author],
    });

  /** The patient grants `doctor` the `categories` for a day from the latest block, re-wrapping covered records. */
  const grantForADay = async (doctor: Address, categories: number, onProgress?: (p: FlowProgress) => unknown) =>
    grantAccessWithRewrap(context(accounts.patient, onProgress), {
      doctor,
      categories,
      expiresAt: (await latestTimestamp()) + DAY,
      patientKey: keys[accounts.patient],
    });

  /** `reader` reads the patient's record `index` (its report unless `part` says) with their own key. */
  const readAs = (
    reader: Address,
    index: number,
    { part, onProgress }: { part?: "report" | "summary"; onProgress?: (p: FlowProgress) => unknown } = {},
  ) => readRecord(context(reader, onProgress), { patient: accounts.patient, index, part, readerKey: keys[reader] });

  const recordCount = async () =>
    publicClient.readContract({
      address: core,
      abi: ehrCoreAbi,
      functionName: "recordCount",
      args: [accounts.patient],
    });

  describe("createRecord and readRecord", function () {
    it("creates a record the patient reads back, reporting progress in order", async function () {
      const stages: string[] = [];
      const created = await addReport(accounts.patient, 6, "haemoglobin 13.5 g/dL", true, (p) => stages.push(p.stage));
      expect(created.index).to.equal(0);
      expect(created.recordId).to.match(/^0x[0-9a-f]{32}$/);
      expect(stages).to.deep.equal(["encrypt", "upload", "upload", ...TRANSACTION_STAGES]);

      const readStages: string[] = [];
      const read = await readAs(accounts.patient, 0, { onProgress: (p) => readStages.push(p.stage) });
      expect(fromUtf8(read.plaintext)).to.equal("haemoglobin 13.5 g/dL");
      expect(read).to.include({ mediaType: "text/plain", fileName: "report.txt", basis: "Patient", category: 6 });
      expect(read.recordId).to.equal(created.recordId);
      expect(read.accessTx).to.equal(undefined);
      expect(readStages).to.deep.equal(DOWNLOAD_STAGES);

      const summary = await readAs(accounts.patient, 0, { part: "summary" });
      expect(JSON.parse(fromUtf8(summary.plaintext))).to.deep.equal({ text: "summary of haemoglobin 13.5 g/dL" });
      expect(summary.mediaType).to.equal("application/json");
    });

    it("waits for each stage's report (e.g. the UI painting it) before going on, on upload and on read", async function () {
      const events: string[] = [];
      // A reporter that takes a while, as a UI waiting for the next paint does.
      const slowReport = (p: FlowProgress) => {
        events.push(`start ${p.stage}`);
        return new Promise<void>((resolve) => setTimeout(() => (events.push(`shown ${p.stage}`), resolve()), 20));
      };
      const created = await addReport(accounts.patient, 6, "ferritin 40 ug/L", false, slowReport);
      events.push("created");
      await readAs(accounts.patient, created.index, { onProgress: slowReport });
      events.push("read");
      const pairs = (stages: string[]) => stages.flatMap((s) => [`start ${s}`, `shown ${s}`]);
      // The wallet prompt and the receipt wait follow these two anyway: they are not awaited.
      const waited = events.filter((e) => !/awaiting-signature|pending/.test(e));
      expect(waited).to.deep.equal([
        ...pairs(["encrypt", "upload", "upload", "confirmed"]),
        "created",
        ...pairs(DOWNLOAD_STAGES),
        "read",
      ]);
    });

    it("records the envelope's CID and hash on-chain, with the summary flag", async function () {
      await addReport(accounts.patient);
      const record = await readChainRecord(publicClient, core, accounts.patient, 0);
      expect(record.flags & 1).to.equal(1);
      expect(record.cid).to.match(/^bafkrei/);
      expect(await storage.isPinned(record.cid)).to.equal(true);
      expect(await storage.isPinned(record.summaryCid!)).to.equal(true);
    });

    it("refuses a summary read of a record without a summary", async function () {
      await addReport(accounts.patient, 6, "x", false);
      const error = await readAs(accounts.patient, 0, { part: "summary" }).catch((e) => e);
      expect(error).to.be.instanceOf(FormatError);
      expect(error.shortMessage).to.equal("This record has no summary.");
    });

    it("refuses an author key that is not the one registered on-chain, before storing anything", async function () {
      const before = await filesUnder(folder);
      const error = await createRecord(context(accounts.patient), {
        patient: accounts.patient,
        category: 6,
        content: utf8("x"),
        mediaType: "text/plain",
        authorKey: generateUserKey(),
      }).catch((e) => e);
      expect(error).to.be.instanceOf(KeyUnlockError);
      expect(await filesUnder(folder)).to.deep.equal(before);
      expect(await recordCount()).to.equal(0n);
    });

    it("stores nothing and sends no transaction when the store sees a hash mismatch at upload", async function () {
      const faulty: BlobStore = {
        put: (bytes, hash) => {
          const altered = bytes.slice();
          altered[altered.length - 1] ^= 1; // a transport that flips a bit
          return storage.put(altered, hash);
        },
        get: (cid) => storage.get(cid),
      };
      const before = await filesUnder(folder);
      const block = await publicClient.getBlockNumber();
      const error = await createRecord(
        { ...context(accounts.patient), storage: faulty },
        {
          patient: accounts.patient,
          category: 6,
          content: utf8("x"),
          mediaType: "text/plain",
          authorKey: keys[accounts.patient],
        },
      ).catch((e) => e);
      expect(error).to.be.instanceOf(IntegrityError);
      expect(await publicClient.getBlockNumber()).to.equal(block);
      expect(await recordCount()).to.equal(0n);
      expect((await filesUnder(folder)).filter((f) => !before.includes(f))).to.deep.equal([]);
    });

    it("turns a wallet rejection (4001) into UserRejectedError and adds no record", async function () {
      const error = await createRecord(context(accounts.patient, undefined, true), {
        patient: accounts.patient,
        category: 6,
        content: utf8("x"),
        mediaType: "text/plain",
        authorKey: keys[accounts.patient],
      }).catch((e) => e);
      expect(error).to.be.instanceOf(UserRejectedError);
      expect(error.shortMessage).to.equal("You declined the request in your wallet; nothing was changed.");
      expect(await recordCount()).to.equal(0n);
    });

    it("detects a tampered block on disk: IntegrityError, no plaintext", async function () {
      await addReport(accounts.patient, 6, "original", false);
      const record = await readChainRecord(publicClient, core, accounts.patient, 0);
      const envelope = await storage.get(record.cid);
      for (const path of await filesUnder(join(folder, "ipfs", "blocks"))) {
        const content = new Uint8Array(await readFile(path));
        if (content.length === envelope.length && Buffer.compare(content, envelope) === 0) {
          content[content.length - 5] ^= 0xff;
          await writeFile(path, content);
        }
      }
      const error = await readAs(accounts.patient, 0).catch((e) => e);
      expect(error).to.be.instanceOf(IntegrityError);
      expect(error).to.not.have.property("plaintext");
    });

    it("checks the on-chain hash before decrypting: other valid bytes under the CID are refused", async function () {
      await addReport(accounts.patient, 6, "first", false);
      await addReport(accounts.patient, 6, "second", false);
      const first = await readChainRecord(publicClient, core, accounts.patient, 0);
      const second = await readChainRecord(publicClient, core, accounts.patient, 1);
      // A store that answers record 0's CID with record 1's (intact, decryptable) envelope.
      const swapping: BlobStore = {
        put: (bytes, hash) => storage.put(bytes, hash),
        get: (cid) => storage.get(cid === first.cid ? second.cid : cid),
      };
      const error = await readRecord(
        { ...context(accounts.patient), storage: swapping },
        {
          patient: accounts.patient,
          index: 0,
          readerKey: keys[accounts.patient],
        },
      ).catch((e) => e);
      expect(error).to.be.instanceOf(IntegrityError);
      expect(error.shortMessage).to.match(/does not match the hash recorded on-chain/);
    });

    it("lets a granted doctor author a record the patient then reads", async function () {
      await grantForADay(accounts.doctor, 1 << 6);
      const created = await addReport(accounts.doctor, 6, "doctor's report");
      const byPatient = await readAs(accounts.patient, created.index);
      expect(fromUtf8(byPatient.plaintext)).to.equal("doctor's report");
      const byDoctor = await readAs(accounts.doctor, created.index);
      expect(fromUtf8(byDoctor.plaintext)).to.equal("doctor's report");
      expect(byDoctor.basis).to.equal("Grant");
    });
  });

  describe("grants, revocation and the vault's release rule", function () {
    it("re-wraps covered records for a new grant; the doctor reads with a logged access", async function () {
      await addReport(accounts.patient, 6, "lab one");
      await addReport(accounts.patient, 2, "medication list", false);
      await addReport(accounts.patient, 6, "lab two", false);
      const stages: FlowProgress[] = [];
      const grant = await grantForADay(accounts.doctor, 1 << 6, (p) => stages.push(p));
      expect(grant.rewrapped).to.equal(3); // lab one (report + summary), lab two (report)
      expect(stages.map((s) => s.stage)).to.deep.equal([...TRANSACTION_STAGES, "rewrap", "rewrap"]);
      expect(stages.slice(3).map((s) => s.detail)).to.deep.equal(["record 1 of 2", "record 2 of 2"]);

      const readStages: string[] = [];
      const read = await readAs(accounts.doctor, 2, { onProgress: (p) => readStages.push(p.stage) });
      expect(fromUtf8(read.plaintext)).to.equal("lab two");
      expect(read.basis).to.equal("Grant");
      // The file first (the storage service serves it or refuses), then the logged access, then the key.
      expect(readStages).to.deep.equal(["download", "verify", "access-log", ...TRANSACTION_STAGES, "decrypt"]);
      const receipt = await publicClient.getTransactionReceipt({ hash: read.accessTx! });
      const logs = await publicClient.getContractEvents({
        address: core,
        abi: ehrCoreAbi,
        eventName: "RecordAccessed",
        blockHash: receipt.blockHash,
      });
      expect(logs).to.have.length(1);
      expect(logs[0].args).to.deep.include({ index: 2n, basis: 1, summaryOnly: false });
      expect(logs[0].args.reader!.toLowerCase()).to.equal(accounts.doctor.toLowerCase());

      // Not covered by the grant: the chain refuses to log it.
      const refused = await readAs(accounts.doctor, 1).catch((e) => e);
      expect(refused).to.be.instanceOf(ContractRevertedError);
      expect(refused.errorName).to.equal("AccessUnauthorized");
    });

    it("shares a new record with already-granted doctors named in shareWith, and only those", async function () {
      await grantForADay(accounts.doctor, 1 << 6);
      const created = await createRecord(context(accounts.patient), {
        patient: accounts.patient,
        category: 6,
        content: utf8("new lab"),
        mediaType: "text/plain",
        authorKey: keys[accounts.patient],
        shareWith: [accounts.doctor, accounts.doctor2],
      });
      const read = await readAs(accounts.doctor, created.index);
      expect(fromUtf8(read.plaintext)).to.equal("new lab");
      expect(
        await chainVault.heldEntry({ ...created, part: "report", patient: accounts.patient, reader: accounts.doctor2 }),
      ).to.equal(undefined);
    });

    it("a doctor's upload wraps keys only for the doctor, the patient and the custodian; the patient's app shares it with the other granted doctors", async function () {
      for (const doctor of [accounts.doctor, accounts.doctor2]) await grantForADay(doctor, 1 << 6);
      const refused = await createRecord(context(accounts.doctor), {
        patient: accounts.patient,
        category: 6,
        content: utf8("x"),
        mediaType: "text/plain",
        authorKey: keys[accounts.doctor],
        shareWith: [accounts.doctor2],
      }).catch((e) => e);
      expect(refused).to.be.instanceOf(FormatError);
      expect(refused.shortMessage).to.equal("Only the patient can share a record with other doctors.");

      const created = await addReport(accounts.doctor, 6, "doctor's lab");
      const held = (reader: Address) =>
        chainVault.heldEntry({ ...created, part: "report", patient: accounts.patient, reader });
      expect(await held(accounts.doctor2)).to.equal(undefined);
      const grants = [accounts.doctor, accounts.doctor2].map((doctor) => ({ doctor, categories: 1 << 6 }));
      const awaiting = await recordsAwaitingShare(context(accounts.patient), grants);
      expect(awaiting.map((a) => [a.doctor, a.records.map((r) => r.index)])).to.deep.equal([
        [accounts.doctor2, [created.index]],
      ]);
      const shared = await shareAwaitingRecords(context(accounts.patient), {
        patientKey: keys[accounts.patient],
        awaiting,
      });
      expect(shared).to.equal(2); // report and summary
      expect(await recordsAwaitingShare(context(accounts.patient), grants)).to.deep.equal([]);
      const read = await readAs(accounts.doctor2, created.index);
      expect(fromUtf8(read.plaintext)).to.equal("doctor's lab");
    });

    it("shares nothing with a suspended doctor (no error: the grant stands), and shares once they are reinstated", async function () {
      for (const doctor of [accounts.doctor, accounts.doctor2]) await grantForADay(doctor, 1 << 6);
      await addReport(accounts.doctor, 6, "a lab before the suspension");
      const grants = [{ doctor: accounts.doctor2, categories: 1 << 6 }];
      const awaiting = await recordsAwaitingShare(context(accounts.patient), grants);
      expect(awaiting).to.have.length(1);
      const [admin] = await ethers.getSigners();
      const registry = await ethers.getContractAt("EhrCore", core, admin);
      await (await registry.suspendDoctor(accounts.doctor2, 1)).wait();
      const share = () =>
        shareAwaitingRecords(context(accounts.patient), { patientKey: keys[accounts.patient], awaiting });
      expect(await share()).to.equal(0);
      expect(await recordsAwaitingShare(context(accounts.patient), grants)).to.have.length(1);
      await (await registry.reinstateDoctor(accounts.doctor2)).wait();
      expect(await share()).to.be.greaterThan(0);
      expect(await recordsAwaitingShare(context(accounts.patient), grants)).to.deep.equal([]);
    });

    it("re-wraps again on demand (rewrapGrantedRecords) without a transaction", async function () {
      await addReport(accounts.patient, 6, "lab");
      const now = await latestTimestamp();
      const wallet = context(accounts.patient).walletClient;
      const hash = await wallet.writeContract({
        address: core,
        abi: ehrCoreAbi,
        functionName: "grantAccess",
        args: [accounts.doctor, 1 << 6, now + DAY],
        chain: hardhat,
        account: accounts.patient,
      });
      await publicClient.waitForTransactionReceipt({ hash });
      const block = await publicClient.getBlockNumber({ cacheTime: 0 });
      const count = await rewrapGrantedRecords(context(accounts.patient), {
        doctor: accounts.doctor,
        categories: 1 << 6,
        patientKey: keys[accounts.patient],
      });
      expect(count).to.equal(2);
      expect(await publicClient.getBlockNumber({ cacheTime: 0 })).to.equal(block);
      const read = await readAs(accounts.doctor, 0, { part: "summary" });
      expect(JSON.parse(fromUtf8(read.plaintext))).to.deep.equal({ text: "summary of lab" });
    });

    it("reads the summaries a grant covers in one logged transaction, lists the rest as not covered, asks nothing without a grant", async function () {
      await addReport(accounts.patient, 6, "lab one");
      await addReport(accounts.patient, 2, "medication list");
      await addReport(accounts.patient, 6, "lab two", false);
      await addReport(accounts.patient, 6, "lab three");
      await grantForADay(accounts.doctor, 1 << 6);
      const nonce = () => publicClient.getTransactionCount({ address: accounts.doctor, blockTag: "latest" });
      const before = await nonce();
      const stages: string[] = [];
      const read = await readClinicalSources(
        context(accounts.doctor, (p) => stages.push(p.stage)),
        { patient: accounts.patient, readerKey: keys[accounts.doctor] },
      );
      // Newest first, the lab summaries the grant covers; the medication list's is outside it, never asked for.
      expect(read.summaries.map((s) => [s.index, JSON.parse(fromUtf8(s.plaintext)).text, s.basis])).to.deep.equal([
        [3, "summary of lab three", "Grant"],
        [0, "summary of lab one", "Grant"],
      ]);
      expect(read.unavailable).to.deep.equal([{ index: 1, part: "summary", reason: NOT_COVERED }]);
      expect(read.generalDetails).to.equal(undefined);
      // One transaction for both reads (one signature), logging each under the grant.
      expect((await nonce()) - before).to.equal(1);
      expect(stages.filter((s) => s === "awaiting-signature")).to.have.length(1);
      const receipt = await publicClient.getTransactionReceipt({ hash: read.summaries[0].accessTx! });
      expect(read.summaries[1].accessTx).to.equal(read.summaries[0].accessTx);
      const logged = coreEvents(receipt, core).flatMap((log) => (log.eventName === "RecordAccessed" ? [log.args] : []));
      expect(logged.map((a) => [a.index, a.basis, a.summaryOnly])).to.deep.equal([
        [3n, 1, true],
        [0n, 1, true],
      ]);

      // No grant: every part is listed as not covered, and nothing is sent.
      const before2 = await publicClient.getTransactionCount({ address: accounts.doctor2 });
      const none = await readClinicalSources(context(accounts.doctor2), {
        patient: accounts.patient,
        readerKey: keys[accounts.doctor2],
      });
      expect(none.summaries).to.deep.equal([]);
      expect(none.unavailable.map((u) => u.index)).to.deep.equal([3, 1, 0]);
      expect(await publicClient.getTransactionCount({ address: accounts.doctor2 })).to.equal(before2);

      // The patient reads all of their own, with no transaction.
      const patientBefore = await publicClient.getTransactionCount({ address: accounts.patient });
      const own = await readClinicalSources(context(accounts.patient), {
        patient: accounts.patient,
        readerKey: keys[accounts.patient],
      });
      expect(own.summaries.map((s) => s.index)).to.deep.equal([3, 1, 0]);
      expect(await publicClient.getTransactionCount({ address: accounts.patient })).to.equal(patientBefore);
    });

    it("refuses a doctor without a grant: the chain will not log, the vault will not release", async function () {
      await addReport(accounts.patient);
      const error = await readAs(accounts.doctor, 0).catch((e) => e);
      expect(error).to.be.instanceOf(ChainError);
      expect(error.errorName).to.equal("AccessUnauthorized");
      expect(error.shortMessage).to.equal(errorSentences.AccessUnauthorized);

      const record = await readChainRecord(publicClient, core, accounts.patient, 0);
      const envelope = await storage.get(record.cid);
      const recordId = ("0x" + Buffer.from(envelope.subarray(34, 50)).toString("hex")) as Hex;
      const denied = await vault
        .fetchWrappedKey({
          patient: accounts.patient,
          recordIndex: 0,
          recordId,
          part: "report",
          reader: accounts.doctor,
        })
        .catch((e) => e);
      expect(denied).to.be.instanceOf(AccessDeniedError);
      expect(denied.shortMessage).to.equal("A key is released only after your read is logged on the chain.");
      // Any other mined transaction is no access log either.
      const otherTx = (await publicClient.getBlock({ blockNumber: BigInt(record.blockNumber) })).transactions[0];
      const stillDenied = await vault
        .fetchWrappedKey({
          patient: accounts.patient,
          recordIndex: 0,
          recordId,
          part: "report",
          reader: accounts.doctor,
          accessTx: otherTx,
        })
        .catch((e) => e);
      expect(stillDenied).to.be.instanceOf(AccessDeniedError);
      expect(stillDenied.shortMessage).to.equal("The access log transaction does not cover this record.");
    });

    it("releases nothing after revocation, even against an earlier access log", async function () {
      await addReport(accounts.patient);
      await grantForADay(accounts.doctor, 0xffffffff);
      const read = await readAs(accounts.doctor, 0);
      await revokeAccess(context(accounts.patient), { doctor: accounts.doctor });

      const again = await readAs(accounts.doctor, 0).catch((e) => e);
      expect(again).to.be.instanceOf(ContractRevertedError);
      expect(again.errorName).to.equal("AccessUnauthorized");
      const replay = await vault
        .fetchWrappedKey({
          patient: accounts.patient,
          recordIndex: 0,
          recordId: read.recordId,
          part: "report",
          reader: accounts.doctor,
          accessTx: read.accessTx,
        })
        .catch((e) => e);
      expect(replay).to.be.instanceOf(AccessDeniedError);
      expect(replay.shortMessage).to.equal("Your access to this record has ended.");
    });

    it("binds a released key to the logged record, and refuses stale access logs", async function () {
      await addReport(accounts.patient, 6, "lab");
      await addReport(accounts.patient, 2, "medication");
      await grantForADay(accounts.doctor, (1 << 6) | (1 << 2));
      const read0 = await readAs(accounts.doctor, 0);
      const read1 = await readAs(accounts.patient, 1);
      // The doctor asks for a key to record `recordIndex`, citing the logged read of record 0.
      const doctorsKey = (recordIndex: number, recordId: Hex, part: "report" | "summary" = "report") =>
        vault.fetchWrappedKey({
          patient: accounts.patient,
          recordIndex,
          recordId,
          part,
          reader: accounts.doctor,
          accessTx: read0.accessTx,
        });
      // The access to record 0 cannot release record 1's key, by index or by id.
      const byIndex = await doctorsKey(1, read1.recordId).catch((e) => e);
      expect(byIndex).to.be.instanceOf(AccessDeniedError);
      const byId = await doctorsKey(0, read1.recordId).catch((e) => e);
      expect(byId).to.be.instanceOf(AccessDeniedError);
      expect(byId.shortMessage).to.equal("This key does not belong to the record you asked for.");
      // A full read's log also covers the summary.
      const summaryKey = await doctorsKey(0, read0.recordId, "summary");
      expect(summaryKey).to.match(/^ehrwk1:/);
      await hre.network.provider.request({ method: "hardhat_mine", params: ["0x64"] }); // 100 blocks later: still recent
      const recent = await doctorsKey(0, read0.recordId);
      expect(recent).to.match(/^ehrwk1:/);
      await hre.network.provider.request({ method: "hardhat_mine", params: ["0x1"] });
      const stale = await doctorsKey(0, read0.recordId).catch((e) => e);
      expect(stale).to.be.instanceOf(AccessDeniedError);
      expect(stale.shortMessage).to.equal("The access log transaction is too old: log the read again.");
      expect(String(stale.message)).to.not.include("ehrwk1");
    });

    it("keeps wrapped keys across a vault restart", async function () {
      const created = await addReport(accounts.patient);
      const reopened = new ChainKeyVault({
        state: StateDatabase.open(join(folder, "state.sqlite"), []),
        publicClient,
        core,
      });
      const wrapped = await reopened.fetchWrappedKey({
        patient: accounts.patient,
        recordIndex: created.index,
        recordId: created.recordId,
        part: "report",
        reader: accounts.patient,
      });
      expect(wrapped).to.match(/^ehrwk1:/);
      const missing = await reopened
        .fetchWrappedKey({
          patient: accounts.patient2,
          recordIndex: 0,
          recordId: created.recordId,
          part: "report",
          reader: accounts.patient2,
        })
        .catch((e) => e);
      expect(missing).to.be.instanceOf(StorageError);
    });

    it("refuses a grant to a doctor without a registered key before any transaction", async function () {
      const [admin, , , , , , keyless] = await ethers.getSigners();
      const coreContract = await ethers.getContractAt("EhrCore", core, admin);
      await (await coreContract.onboardDoctor(keyless.address, 1, 100, ethers.id("l9"), "Dr 9", "ipfs://p")).wait();
      const block = await publicClient.getBlockNumber({ cacheTime: 0 });
      const error = await grantAccessWithRewrap(context(accounts.patient), {
        doctor: keyless.address as Address,
        categories: 1,
        expiresAt: (await latestTimestamp()) + DAY,
        patientKey: keys[accounts.patient],
      }).catch((e) => e);
      expect(error).to.be.instanceOf(ChainError);
      expect(error.shortMessage).to.equal("This doctor has no registered encryption key yet.");
      expect(await publicClient.getBlockNumber({ cacheTime: 0 })).to.equal(block);
    });

    it("refuses a grant the chain would refuse, before the wallet is asked", async function () {
      const block = await publicClient.getBlockNumber({ cacheTime: 0 });
      const error = await grantAccessWithRewrap(context(accounts.patient), {
        doctor: accounts.doctor,
        categories: 1,
        expiresAt: (await latestTimestamp()) - 10,
        patientKey: keys[accounts.patient],
      }).catch((e) => e);
      expect(error).to.be.instanceOf(ContractRevertedError);
      expect(error.errorName).to.equal("ConsentExpiryOutOfRange");
      expect(await publicClient.getBlockNumber({ cacheTime: 0 })).to.equal(block);
    });
  });

  describe("general details and emergency access", function () {
    const details = {
      fullName: "Ada Example",
      dateOfBirth: "1980-02-03",
      bloodGroup: "O-" as const,
      allergies: ["penicillin"],
      chronicConditions: [],
      currentMedications: ["metformin"],
      emergencyContacts: [{ name: "Bob", phone: "+44 20 7946 0000" }],
      updatedAt: "2026-11-21T10:00:00Z",
    };

    /** Puts the custodian's re-wrap in front of the key vault, as the storage service does. */
    const useCustodian = () => {
      vault = new CustodianRewrapper({
        vault: chainVault,
        publicClient,
        core,
        custodianPrivateKey: custodian.privateKey,
      });
    };
    /** The patient saves these general details (changed by `changes`). */
    const saveDetails = (changes: Partial<typeof details> = {}) =>
      updateGeneralDetails(context(accounts.patient), {
        patient: accounts.patient,
        details: { ...details, ...changes },
        patientKey: keys[accounts.patient],
      });
    /** Doctor 2 opens emergency access to the patient and reads what it allows. */
    const openEmergency = (reasonCode: number, justification: string) =>
      openEmergencyAndRead(context(accounts.doctor2), {
        patient: accounts.patient,
        reasonCode,
        justification,
        doctorKey: keys[accounts.doctor2],
      });
    /** The patient opts out of emergency access (on-chain). */
    const optOutOfEmergencies = async () => {
      const hash = await context(accounts.patient).walletClient.writeContract({
        address: core,
        abi: ehrCoreAbi,
        functionName: "setEmergencyOptOut",
        args: [true],
        chain: hardhat,
        account: accounts.patient,
      });
      await publicClient.waitForTransactionReceipt({ hash });
    };

    it("updates and reads back the newest general details", async function () {
      await saveDetails({ fullName: "Old Name" });
      await addReport(accounts.patient);
      const created = await saveDetails();
      const latest = await latestGeneralDetails(context(accounts.patient), {
        patient: accounts.patient,
        readerKey: keys[accounts.patient],
      });
      expect(latest?.index).to.equal(created.index);
      expect(latest?.details.fullName).to.equal("Ada Example");
      expect(latest?.details.allergies).to.deep.equal(["penicillin"]);
    });

    it("refuses invalid general details before anything is stored", async function () {
      const before = await filesUnder(folder);
      const error = await saveDetails({ fullName: "" }).catch((e) => e);
      expect(error).to.be.instanceOf(FormatError);
      expect(await filesUnder(folder)).to.deep.equal(before);
    });

    it("opens emergency access and reads details and summaries through the custodian", async function () {
      useCustodian();
      await saveDetails();
      await addReport(accounts.patient, 6, "lab with summary");
      await addReport(accounts.patient, 9, "note without summary", false);
      await addReport(accounts.patient, 3, "condition with summary");

      // Before any window: no access log, no key, custodian or not.
      const record0 = await readChainRecord(publicClient, core, accounts.patient, 0);
      expect(record0.category).to.equal(0);
      const before = await vault
        .fetchWrappedKey({
          patient: accounts.patient,
          recordIndex: 0,
          recordId: ("0x" + "00".repeat(16)) as Hex,
          part: "report",
          reader: accounts.doctor2,
        })
        .catch((e) => e);
      expect(before).to.be.instanceOf(AccessDeniedError);

      const justification = "Unconscious patient in A&E, allergy status needed";
      const sentBefore = await publicClient.getTransactionCount({ address: accounts.doctor2 });
      const result = await openEmergency(1, justification);
      expect(result.emergencyId).to.equal(1);
      expect(result.unavailable).to.deep.equal([]);
      expect(JSON.parse(fromUtf8(result.generalDetails!.plaintext)).fullName).to.equal("Ada Example");
      expect(result.generalDetails!.basis).to.equal("Emergency");
      expect(result.summaries.map((s) => s.index)).to.deep.equal([3, 1]);
      expect(JSON.parse(fromUtf8(result.summaries[1].plaintext))).to.deep.equal({
        text: "summary of lab with summary",
      });
      expect(result.summaries.every((s) => s.basis === "Emergency" && s.part === "summary")).to.equal(true);

      // One transaction opened the window and logged every read; each key was released against it.
      expect(await publicClient.getTransactionCount({ address: accounts.doctor2 })).to.equal(sentBefore + 1);
      expect([result.generalDetails!, ...result.summaries].map((r) => r.accessTx)).to.deep.equal([
        result.txHash,
        result.txHash,
        result.txHash,
      ]);
      const receipt = await publicClient.getTransactionReceipt({ hash: result.txHash });
      expect(
        coreEvents(receipt, core).map((log) =>
          log.eventName === "RecordAccessed"
            ? [Number(log.args.index), log.args.basis, log.args.summaryOnly]
            : [log.eventName],
        ),
      ).to.deep.equal([["EmergencyAccessOpened"], [0, 2, false], [3, 2, true], [1, 2, true]]);
      // A record the transaction did not log gets no key against it.
      const unlogged = await vault
        .fetchWrappedKey({
          patient: accounts.patient,
          recordIndex: 2,
          recordId: ("0x" + "00".repeat(16)) as Hex,
          part: "summary",
          reader: accounts.doctor2,
          accessTx: result.txHash,
        })
        .catch((e) => e);
      expect(unlogged).to.be.instanceOf(AccessDeniedError);
      expect(unlogged.shortMessage).to.equal("The access log transaction does not cover this record.");

      // Only the hash of the justification is on-chain.
      const tx = await publicClient.getTransaction({ hash: result.txHash });
      expect(tx.input).to.include(ethers.id(justification).slice(2));
      expect(tx.input).to.not.include(Buffer.from("Unconscious").toString("hex"));

      // The full report of a non-details record stays closed under an emergency.
      const report = await readAs(accounts.doctor2, 1).catch((e) => e);
      expect(report).to.be.instanceOf(ContractRevertedError);
    });

    it("refuses a second window while one is open, and reads again through the open one", async function () {
      useCustodian();
      await addReport(accounts.patient, 6, "lab");
      await openEmergency(2, "collapse");
      const again = await openEmergency(2, "collapse").catch((e) => e);
      expect(again).to.be.instanceOf(ContractRevertedError);
      expect(again.errorName).to.equal("EmergencyAlreadyOpen");
      const sentBefore = await publicClient.getTransactionCount({ address: accounts.doctor2 });
      const reread = await readEmergencyRecords(context(accounts.doctor2), {
        patient: accounts.patient,
        doctorKey: keys[accounts.doctor2],
      });
      expect(await publicClient.getTransactionCount({ address: accounts.doctor2 })).to.equal(sentBefore + 1);
      expect(reread.generalDetails).to.equal(undefined);
      expect(reread.summaries.map((r) => fromUtf8(r.plaintext))).to.deep.equal([
        JSON.stringify({ text: "summary of lab" }),
      ]);
      const empty = await openEmergency(0, "x").catch((e) => e);
      expect(empty).to.be.instanceOf(FormatError);
    });

    it("without a custodian re-wrap, lists the parts it could not open", async function () {
      await saveDetails();
      const result = await openEmergency(1, "emergency");
      expect(result.generalDetails).to.equal(undefined);
      expect(result.unavailable).to.deep.equal([
        { index: 0, part: "report", reason: "No key for this record is held for you." },
      ]);
    });

    it("wraps summaries and general details to the custodian only for patients who did not opt out", async function () {
      const lab = await addReport(accounts.patient, 6, "lab");
      const custodianEntry = (part: "report" | "summary", recordId: Hex) =>
        chainVault.heldEntry({ patient: accounts.patient, recordId, part, reader: core });
      expect(await custodianEntry("summary", lab.recordId)).to.not.equal(undefined);
      expect(await custodianEntry("report", lab.recordId)).to.equal(undefined);
      const profile = await saveDetails();
      expect(await custodianEntry("report", profile.recordId)).to.not.equal(undefined);

      await optOutOfEmergencies();
      const later = await addReport(accounts.patient, 6, "lab after opt-out");
      expect(await custodianEntry("summary", later.recordId)).to.equal(undefined);
    });

    it("the custodian refuses once the window is closed by an opt-out", async function () {
      useCustodian();
      await saveDetails();
      const created = await readChainRecord(publicClient, core, accounts.patient, 0);
      const opened = await openEmergency(1, "emergency");
      const recordId = opened.generalDetails!.recordId;
      const accessTx = opened.generalDetails!.accessTx;
      await optOutOfEmergencies();
      const denied = await vault
        .fetchWrappedKey({
          patient: accounts.patient,
          recordIndex: created.index,
          recordId,
          part: "report",
          reader: accounts.doctor2,
          accessTx,
        })
        .catch((e) => e);
      expect(denied).to.be.instanceOf(AccessDeniedError);
    });
  });

  describe("listRecords", function () {
    it("pages oldest first and newest first", async function () {
      for (let i = 0; i < 5; i++) await addReport(accounts.patient, i + 1, `r${i}`, i % 2 === 0);
      const ctx = context(accounts.patient);
      const first = await listRecords(ctx, { patient: accounts.patient, offset: 0, limit: 2 });
      expect(first.total).to.equal(5);
      expect(first.records.map((r) => r.index)).to.deep.equal([0, 1]);
      expect(first.records[0]).to.include({ category: 1, flags: 1 });
      expect(first.records[0].summaryCid).to.match(/^bafkrei/);
      expect(first.records[1].summaryCid).to.equal(undefined);
      expect(first.records[1].author.toLowerCase()).to.equal(accounts.patient.toLowerCase());
      const last = await listRecords(ctx, { patient: accounts.patient, offset: 4, limit: 2 });
      expect(last.records.map((r) => r.index)).to.deep.equal([4]);
      expect((await listRecords(ctx, { patient: accounts.patient, offset: 5, limit: 2 })).records).to.deep.equal([]);
      const newest = await listRecords(ctx, { patient: accounts.patient, offset: 0, limit: 2, newestFirst: true });
      expect(newest.records.map((r) => r.index)).to.deep.equal([4, 3]);
      const older = await listRecords(ctx, { patient: accounts.patient, offset: 3, limit: 3, newestFirst: true });
      expect(older.records.map((r) => r.index)).to.deep.equal([1, 0]);
      const none = await listRecords(ctx, { patient: accounts.patient2 });
      expect(none).to.deep.equal({ records: [], total: 0 });
      const bad = await listRecords(ctx, { patient: accounts.patient, limit: 0 }).catch((e) => e);
      expect(bad).to.be.instanceOf(FormatError);
    });
  });

  it("reads encryption keys from the chain in compressed form", async function () {
    const key = await encryptionKeyOf(publicClient, core, accounts.doctor);
    expect(key).to.match(/^0x0[23][0-9a-f]{64}$/);
    expect(await encryptionKeyOf(publicClient, core, ("0x" + "11".repeat(20)) as Address)).to.equal(undefined);
  });
});
