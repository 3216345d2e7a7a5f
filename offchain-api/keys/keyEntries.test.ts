import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect } from "chai";
import request from "supertest";
import { keccak256, toBytes } from "viem";
import { utf8 } from "../../lib/bytes";
import { readChainRecord, writeCore } from "../../lib/chain/ehr";
import { newRecordId } from "../../lib/crypto/identity";
import type { Hex } from "viem";
import { unwrapDataKey } from "../../lib/crypto/keyWrap";
import { createRecord } from "../../lib/records/createRecord";
import { grantAccessWithRewrap } from "../../lib/records/grantAccess";
import type { WrappedKeyEntry } from "../../lib/storage/types";
import { StateDatabase } from "../state/database";
import { expectError, flowAs, storedTestKeyEntry, testKeyEntry } from "../testing/records";
import { startTestStack, type StackAccount, type TestStack } from "../testing/stack";
import { fakeWrapped } from "./fakeWrapped";
import { ChainKeyVault } from "./vault";

/** Regression tests of the attack battery's findings 3, 4 and 6 (issue 15), on a real chain and service. */
describe("key entries: who may store what, create-if-absent, the refusal flood", () => {
  let stack: TestStack;
  const tokens = new Map<StackAccount, string>();
  let details: { index: number; recordId: Hex };

  before(async () => {
    stack = await startTestStack();
    for (const who of [stack.patient, stack.doctor, stack.doctor2]) tokens.set(who, await stack.signIn(who));
    details = await createRecord(flowAs(stack, stack.patient), {
      patient: stack.patient.address,
      category: 0,
      content: utf8("general details"),
      mediaType: "text/plain",
      summary: utf8('{"summary":true}'),
      authorKey: stack.patient.key,
    });
    const expiresAt = Number((await stack.publicClient.getBlock()).timestamp) + 86400;
    for (const doctor of [stack.doctor, stack.doctor2]) {
      await grantAccessWithRewrap(flowAs(stack, stack.patient), {
        doctor: doctor.address,
        categories: 1 << 6,
        expiresAt,
        patientKey: stack.patient.key,
      });
    }
  });
  after(async () => stack?.close());

  const auth = (who: StackAccount) => `Bearer ${tokens.get(who)}`;
  const store = (who: StackAccount, entries: unknown) =>
    request(stack.app).post("/v1/keys").set("Authorization", auth(who)).send({ entries });
  const entryFor = (over: Partial<WrappedKeyEntry> = {}) => storedTestKeyEntry(stack, over);

  it("finding 3: a granted doctor cannot plant a key for another doctor (403); that doctor's break-glass read still gets the custodian's re-wrap", async () => {
    const record = await readChainRecord(stack.publicClient, stack.core, stack.patient.address, details.index);
    const planted = await entryFor({
      recordId: details.recordId,
      reader: stack.doctor2.address,
      envelopeHash: record.envelopeHash,
    });
    expectError(
      await store(stack.doctor, [planted]),
      403,
      "forbidden",
      /only for themself, the patient or the emergency custodian/,
    );
    expect(await stack.services.keyStore.heldEntry(planted)).to.equal(undefined);

    const { txHash } = await writeCore(
      { publicClient: stack.publicClient, walletClient: stack.doctor2.wallet, core: stack.core },
      "openEmergencyAccessAndLog",
      [stack.patient.address, 1, keccak256(toBytes("collapsed")), [BigInt(details.index)]],
      "open emergency access",
    );
    const { body } = await request(stack.app)
      .post("/v1/keys/release")
      .set("Authorization", auth(stack.doctor2))
      .send({
        patient: stack.patient.address,
        recordIndex: details.index,
        recordId: details.recordId,
        part: "report",
        accessTx: txHash,
      })
      .expect(200);
    const key = await unwrapDataKey(body.wrapped, stack.doctor2.key.privateKey, {
      chainId: stack.chain.chainId,
      contract: stack.core,
      patient: stack.patient.address,
      recordId: details.recordId,
      category: 0,
      part: "report",
      reader: stack.doctor2.address,
    });
    expect(key).to.have.length(32);
  });

  it("still lets a doctor store for themself, the patient and the custodian (201)", async () => {
    const recordId = newRecordId();
    const { envelopeHash } = await entryFor({ recordId });
    const mine = await Promise.all(
      [stack.doctor.address, stack.patient.address, stack.core].map((reader) =>
        entryFor({ recordId, reader, envelopeHash }),
      ),
    );
    await store(stack.doctor, mine).expect(201);
  });

  it("finding 4: concurrent posts of the same new entry by two granted doctors store it once (one 201, the rest 409)", async () => {
    for (let round = 0; round < 5; round++) {
      const entry = await entryFor({ reader: stack.patient.address });
      const answers = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          store(i % 2 ? stack.doctor : stack.doctor2, [{ ...entry, wrapped: fakeWrapped(i % 2 ? "44" : "55") }]),
        ),
      );
      const statuses = answers.map((a) => a.status).sort();
      expect(statuses, `round ${round}`).to.deep.equal([201, ...Array(9).fill(409)]);
      const winner = answers.findIndex((a) => a.status === 201);
      expect((await stack.services.keyStore.heldEntry(entry))?.wrapped).to.equal(fakeWrapped(winner % 2 ? "44" : "55"));
    }
  });

  it("lets the patient ask which record parts a reader holds keys of (GET /v1/keys/held)", async () => {
    const { body } = await request(stack.app)
      .get(`/v1/keys/held?reader=${stack.patient.address}`)
      .set("Authorization", auth(stack.patient))
      .expect(200);
    const record = await readChainRecord(stack.publicClient, stack.core, stack.patient.address, details.index);
    expect(body.envelopeHashes).to.include(record.envelopeHash.toLowerCase());
    expectError(
      await request(stack.app).get("/v1/keys/held?reader=0x12").set("Authorization", auth(stack.patient)),
      400,
      "bad_request",
      /reader/,
    );
  });

  it("finding 6: 200 refused releases naming a real record add one entry counted 200; a record that does not exist adds none", async () => {
    const refusals = async () =>
      (
        await request(stack.app)
          .get(`/v1/audit/refusals?patient=${stack.patient.address}`)
          .set("Authorization", auth(stack.patient))
          .expect(200)
      ).body as { refusals: { count: number; recordIndex: number; reader: string }[]; total: number };
    const before = (await refusals()).total;
    const ask = (recordIndex: number) =>
      request(stack.app)
        .post("/v1/keys/release")
        .set("Authorization", auth(stack.doctor))
        .send({ patient: stack.patient.address, recordIndex, recordId: details.recordId, part: "report" })
        .expect(403);
    for (let batch = 0; batch < 10; batch++) await Promise.all(Array.from({ length: 20 }, () => ask(details.index)));
    for (let batch = 0; batch < 5; batch++)
      await Promise.all(Array.from({ length: 20 }, () => ask(details.index + 1000)));
    const after = await refusals();
    expect(after.total).to.equal(before + 1);
    expect(after.refusals[0]).to.include({ count: 200, recordIndex: details.index, reader: stack.doctor.address });
  });
});

describe("ChainKeyVault: importing the earlier file layouts", () => {
  let stack: TestStack;
  let folder: string;
  before(async () => {
    stack = await startTestStack();
  });
  after(async () => {
    await stack?.close();
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  it("imports entries/*.json and wrapped-keys.json once, then renames them; a second open imports nothing", async () => {
    folder = await mkdtemp(path.join(tmpdir(), "ehr-keys-legacy-"));
    const keys = path.join(folder, "keys");
    await mkdir(path.join(keys, "entries"), { recursive: true });
    const entry = (reader: Hex, fill: string) =>
      testKeyEntry(stack, {
        recordId: "0x0123456789abcdef0123456789abcdef",
        reader: reader as WrappedKeyEntry["reader"],
        envelopeHash: `0x${"cd".repeat(32)}`,
        wrapped: fakeWrapped(fill),
      });
    // The per-entry layout: one file named by the SHA-256 of the entry's key.
    const inFiles = [entry(stack.patient.address, "01"), entry(stack.doctor.address, "02")];
    for (const e of inFiles) {
      const name = createHash("sha256")
        .update([e.chainId, e.contract, e.patient, e.recordId, e.part, e.reader].join(":").toLowerCase())
        .digest("hex");
      await writeFile(path.join(keys, "entries", `${name}.json`), JSON.stringify(e));
    }
    await writeFile(path.join(keys, "entries", "torn.json"), '{"chainId":');
    // The one-file layout before it.
    await writeFile(path.join(keys, "wrapped-keys.json"), JSON.stringify([entry(stack.doctor2.address, "03")]));

    const state = StateDatabase.open(path.join(folder, "state.sqlite"), []);
    try {
      const open = () =>
        new ChainKeyVault({ state, legacyFolder: keys, publicClient: stack.publicClient, core: stack.core });
      const vault = open();
      for (const [reader, fill] of [
        [stack.patient.address, "01"],
        [stack.doctor.address, "02"],
        [stack.doctor2.address, "03"],
      ] as const) {
        expect((await vault.heldEntry(entry(reader, fill)))?.wrapped).to.equal(fakeWrapped(fill));
      }
      expect((await readdir(keys)).sort()).to.deep.equal(["entries.migrated", "wrapped-keys.json.migrated"]);
      open();
      const { n } = state.db.prepare("SELECT count(*) AS n FROM key_entries").get() as { n: number };
      expect(Number(n)).to.equal(3);
    } finally {
      state.close();
    }
  });
});
