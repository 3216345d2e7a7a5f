import { expect } from "chai";
import request from "supertest";
import { createHash } from "node:crypto";
import { keccak256, toBytes, type Address } from "viem";
import { utf8 } from "../../lib/bytes";
import { readChainRecord, writeCore } from "../../lib/chain/ehr";
import { newRecordId } from "../../lib/crypto/identity";
import type { Hex } from "viem";
import { createRecord } from "../../lib/records/createRecord";
import { grantAccessWithRewrap } from "../../lib/records/grantAccess";
import type { WrappedKeyEntry } from "../../lib/storage/types";
import { expectError, flowAs, storedTestKeyEntry, testKeyEntry } from "../testing/records";
import { fakeWrapped } from "./fakeWrapped";
import { startTestStack, type StackAccount, type TestStack } from "../testing/stack";

describe("keys (POST /v1/keys, POST /v1/keys/release) and their audit", () => {
  let stack: TestStack;
  const tokens = new Map<StackAccount, string>();
  /** Every wrapped key answered: none may appear in a log line. */
  const released: string[] = [];
  let details: { index: number; recordId: Hex };
  let labs: { index: number; recordId: Hex };

  before(async () => {
    stack = await startTestStack();
    for (const who of [stack.admin, stack.patient, stack.patient2, stack.doctor, stack.doctor2, stack.outsider]) {
      tokens.set(who, await stack.signIn(who));
    }
    const make = (category: number) =>
      createRecord(flowAs(stack, stack.patient), {
        patient: stack.patient.address,
        category,
        content: utf8(`record of category ${category}`),
        mediaType: "text/plain",
        summary: utf8('{"summary":true}'),
        authorKey: stack.patient.key,
      });
    details = await make(0);
    labs = await make(6);
  });
  after(async () => stack?.close());

  const auth = (who: StackAccount) => `Bearer ${tokens.get(who)}`;
  const release = (who: StackAccount, body: Record<string, unknown>) =>
    request(stack.app).post("/v1/keys/release").set("Authorization", auth(who)).send(body);
  const store = (who: StackAccount, entries: unknown) =>
    request(stack.app).post("/v1/keys").set("Authorization", auth(who)).send({ entries });
  const logAccess = async (who: StackAccount, index: number, summaryOnly = false) =>
    (
      await writeCore(
        { publicClient: stack.publicClient, walletClient: who.wallet, core: stack.core },
        "logAccess",
        [stack.patient.address, BigInt(index), summaryOnly],
        "log access",
      )
    ).txHash;
  const ask = (record: { index: number; recordId: Hex }, part = "report", accessTx?: Hex) => ({
    patient: stack.patient.address,
    recordIndex: record.index,
    recordId: record.recordId,
    part,
    ...(accessTx && { accessTx }),
  });
  const granted = async (who: StackAccount, categories: number) =>
    grantAccessWithRewrap(flowAs(stack, stack.patient), {
      doctor: who.address,
      categories,
      expiresAt: Number((await stack.publicClient.getBlock()).timestamp) + 86400,
      patientKey: stack.patient.key,
    });
  const refusals = async (who = stack.patient, query = "") =>
    (
      await request(stack.app)
        .get(`/v1/audit/refusals?patient=${stack.patient.address}${query}`)
        .set("Authorization", auth(who))
        .expect(200)
    ).body as { refusals: { reader: string; recordIndex: number; part: string; reason: string }[]; total: number };
  const expectAudited = async (reader: StackAccount, index: number, reason: RegExp) => {
    const [latest] = (await refusals()).refusals;
    expect(latest).to.include({ reader: reader.address, recordIndex: index, part: "report" });
    expect(latest.reason).to.match(reason);
  };

  it("releases the patient's own key without an access log", async () => {
    const { body } = await release(stack.patient, ask(labs)).expect(200);
    expect(body.wrapped).to.match(/^ehrwk1:/);
    released.push(body.wrapped);
  });

  it("answers 404 when no key is held for this reader", async () => {
    const res = await release(stack.patient, { ...ask(labs), recordId: newRecordId() });
    expectError(res, 404, "not_found", /No key for this record is held for you/);
  });

  it("refuses a doctor without a grant (403) and audits it for the patient", async () => {
    expectError(await release(stack.doctor, ask(labs)), 403, "forbidden", /only after your read is logged/);
    await expectAudited(stack.doctor, labs.index, /only after your read is logged/);
  });

  it("releases under a grant with a logged access, and refuses after the revoke (403, audited)", async () => {
    await granted(stack.doctor, 1 << 6);
    const tx = await logAccess(stack.doctor, labs.index);
    const { body } = await release(stack.doctor, ask(labs, "report", tx)).expect(200);
    released.push(body.wrapped);
    await (await stack.coreAs(stack.patient).revokeAccess(stack.doctor.address)).wait();
    expectError(
      await release(stack.doctor, ask(labs, "report", tx)),
      403,
      "forbidden",
      /access to this record has ended/,
    );
    await expectAudited(stack.doctor, labs.index, /has ended/);
  });

  it("re-wraps the custodian's key inside an emergency window, only for that patient, and refuses after expiry", async () => {
    await (
      await stack.coreAs(stack.doctor).openEmergencyAccess(stack.patient.address, 1, keccak256(toBytes("collapsed")))
    ).wait();
    const tx = await logAccess(stack.doctor, details.index);
    const { body } = await release(stack.doctor, ask(details, "report", tx)).expect(200);
    expect(body.wrapped).to.match(/^ehrwk1:/);
    released.push(body.wrapped);
    // The same access log does not open another patient's record.
    const other = await release(stack.doctor, { ...ask(details, "report", tx), patient: stack.patient2.address });
    expectError(other, 403, "forbidden", /does not cover this record/);
    // Labs (category 6) are not opened by an emergency: logAccess itself refuses, so no key either.
    expectError(await release(stack.doctor, ask(labs, "report", tx)), 403, "forbidden", /does not cover/);

    const { emergencyWindow } = await stack.coreContract.policy();
    await stack.increaseTime(Number(emergencyWindow) + 1);
    expectError(await release(stack.doctor, ask(details, "report", tx)), 403, "forbidden", /has ended/);
    await expectAudited(stack.doctor, details.index, /has ended/);
  });

  it("releases against the one break-glass transaction (openEmergencyAccessAndLog) what it logged, nothing else", async () => {
    const { txHash: tx } = await writeCore(
      { publicClient: stack.publicClient, walletClient: stack.doctor.wallet, core: stack.core },
      "openEmergencyAccessAndLog",
      [stack.patient.address, 1, keccak256(toBytes("found unconscious")), [BigInt(details.index), BigInt(labs.index)]],
      "open emergency access",
    );
    // General details in full and the labs' summary, each re-wrapped from the custodian's key.
    for (const [record, part] of [
      [details, "report"],
      [labs, "summary"],
    ] as const) {
      const { body } = await release(stack.doctor, ask(record, part, tx)).expect(200);
      expect(body.wrapped).to.match(/^ehrwk1:/);
      released.push(body.wrapped);
    }
    // The transaction logged the labs' summary only: their full report stays closed (403, audited).
    expectError(await release(stack.doctor, ask(labs, "report", tx)), 403, "forbidden", /does not cover/);
    await expectAudited(stack.doctor, labs.index, /does not cover/);
    // Another doctor cannot present it as their own read.
    expectError(await release(stack.doctor2, ask(details, "report", tx)), 403, "forbidden", /does not cover/);
  });

  it("refuses a suspended doctor (403, audited)", async () => {
    await granted(stack.doctor2, 1 << 6);
    const tx = await logAccess(stack.doctor2, labs.index);
    released.push((await release(stack.doctor2, ask(labs, "report", tx)).expect(200)).body.wrapped);
    await (await stack.coreContract.suspendDoctor(stack.doctor2.address, 1)).wait();
    expectError(await release(stack.doctor2, ask(labs, "report", tx)), 403, "forbidden", /has ended/);
    await expectAudited(stack.doctor2, labs.index, /has ended/);
  });

  describe("storing", () => {
    /** The patient's own key entry (changed by `over`). */
    const entryFor = async (over: Partial<WrappedKeyEntry> = {}) =>
      storedTestKeyEntry(stack, { reader: stack.patient.address, ...over });

    it("stores the patient's entries and lets the patient replace them (201)", async () => {
      const entry = await entryFor();
      expect((await store(stack.patient, [entry]).expect(201)).body).to.deep.equal({ stored: 1 });
      await store(stack.patient, [{ ...entry, wrapped: fakeWrapped("44") }]).expect(201);
      expect((await stack.services.keyStore.heldEntry(entry))?.wrapped).to.equal(fakeWrapped("44"));
    });

    it("lets a granted doctor add entries but never replace one (409), and stores nothing of a refused batch", async () => {
      await granted(stack.doctor, 1 << 3);
      const existing = await entryFor();
      await store(stack.patient, [existing]).expect(201);
      const fresh = await entryFor({ reader: stack.doctor.address });
      await store(stack.doctor, [fresh]).expect(201);
      const another = await entryFor();
      const res = await store(stack.doctor, [another, { ...existing, wrapped: fakeWrapped("55") }]);
      expectError(res, 409, "conflict", /only the patient can replace it/);
      expect((await stack.services.keyStore.heldEntry(existing))?.wrapped).to.equal(existing.wrapped);
      expect(await stack.services.keyStore.heldEntry(another)).to.equal(undefined);
    });

    it("accepts a doctor whose grant covers only the highest category (bit 31)", async () => {
      const expires = Number((await stack.publicClient.getBlock()).timestamp) + 86400;
      await (await stack.coreAs(stack.patient).grantAccess(stack.doctor.address, 2 ** 31, expires)).wait();
      const entry = await entryFor({ reader: stack.doctor.address });
      await store(stack.doctor, [entry]).expect(201);
      expect((await stack.services.keyStore.heldEntry(entry))?.wrapped).to.equal(entry.wrapped);
    });

    it("refuses a writer who is neither the patient nor a granted doctor (403)", async () => {
      const entry = await entryFor({ patient: stack.patient2.address, reader: stack.patient2.address });
      expectError(await store(stack.doctor, [entry]), 403, "forbidden", /only for yourself/);
      expectError(await store(stack.outsider, [await entryFor()]), 403, "forbidden", /only for yourself/);
      expect(await stack.services.keyStore.heldEntry(entry)).to.equal(undefined);
    });

    it("refuses an account that is no patient storing entries naming itself (403): no free disk for strangers", async () => {
      const outsider = stack.outsider.address;
      const entries = await Promise.all(
        Array.from({ length: 64 }, (_, i) =>
          entryFor({ patient: outsider, reader: outsider, recordId: `0x${(i + 1).toString(16).padStart(32, "0")}` }),
        ),
      );
      expectError(await store(stack.outsider, entries), 403, "forbidden", /registered patient/);
      for (const entry of entries) expect(await stack.services.keyStore.heldEntry(entry)).to.equal(undefined);
    });

    it("stores a patient's keys only for the patient, the custodian or a doctor the patient gave access to (403 otherwise, nothing stored)", async () => {
      await granted(stack.doctor, 1 << 3);
      const entry = await entryFor();
      const forReader = (reader: Address) => ({ ...entry, reader });
      await store(stack.patient, [stack.patient.address, stack.core, stack.doctor.address].map(forReader)).expect(201);
      const refusedFor = async (reader: Address) => {
        // A new record's keys, with entries that pass beside the refused one: all or nothing.
        const fresh = await entryFor();
        const batch = [fresh, { ...fresh, reader }];
        const refused = await store(stack.patient, batch);
        expectError(refused, 403, "forbidden", /only for you, the emergency custodian or a doctor you gave access to/);
        for (const entry of batch) expect(await stack.services.keyStore.heldEntry(entry), reader).to.equal(undefined);
      };
      // Accounts that are no doctor, and a doctor whose grant stands but who is suspended.
      for (const who of [stack.outsider, stack.patient2, stack.hospital, stack.admin, stack.doctor2]) {
        await refusedFor(who.address);
      }
      // An active doctor once the patient revoked their access: no new keys for them.
      await (await stack.coreAs(stack.patient).revokeAccess(stack.doctor.address)).wait();
      await refusedFor(stack.doctor.address);
      await granted(stack.doctor, 1 << 3);
    });

    it("stores a key only for a record part of its patient this service knows (404 for any other file, 400 for another part)", async () => {
      const stored = await entryFor();
      const notHere = async (entry: WrappedKeyEntry) => {
        const res = await store(stack.patient, [stored, entry]);
        expectError(
          res,
          404,
          "not_found",
          /^The record file a key is for is not stored here: upload the file before its keys\.$/,
        );
        expect(await stack.services.keyStore.heldEntry(stored)).to.equal(undefined);
      };
      // No file under this hash: a made-up record id cannot take room.
      await notHere(await entryFor({ envelopeHash: `0x${"ef".repeat(32)}` }));
      // Another patient's file, or a file that is no envelope (a key backup is clear JSON), answer
      // the same: the answer tells nothing of what is stored under a hash.
      const otherPatient = await storedTestKeyEntry(stack, { patient: stack.patient2.address });
      await notHere({ ...stored, envelopeHash: otherPatient.envelopeHash });
      const backup = utf8(JSON.stringify({ version: 1, note: "not an envelope" }));
      const backupHash = `0x${createHash("sha256").update(backup).digest("hex")}` as Hex;
      await stack.services.blobs.put(backup, backupHash);
      await notHere({ ...stored, envelopeHash: backupHash });
      // The patient's own file, named with another record id or part.
      const wrongs: [string, WrappedKeyEntry][] = [
        ["record", { ...stored, recordId: newRecordId() }],
        ["part", { ...stored, part: "summary" as const }],
      ];
      for (const [what, wrong] of wrongs) {
        expectError(await store(stack.patient, [wrong]), 400, "bad_request", /the record part its envelope hash names/);
        expect(await stack.services.keyStore.heldEntry(wrong), what).to.equal(undefined);
      }
      await store(stack.patient, [stored]).expect(201);
    });

    it("knows a record part from the chain when no upload here recorded it (a record made before, or through another instance)", async () => {
      // `details` was made through the library straight into the store: no upload row, a record on chain.
      const record = await readChainRecord(stack.publicClient, stack.core, stack.patient.address, details.index);
      const own = testKeyEntry(stack, {
        recordId: details.recordId,
        reader: stack.patient.address,
        envelopeHash: record.envelopeHash,
        wrapped: fakeWrapped("77"),
      });
      expect(stack.services.uploads.envelopeOf(record.envelopeHash)).to.equal(undefined);
      await store(stack.patient, [own]).expect(201);
      expect((await stack.services.keyStore.heldEntry(own))?.wrapped).to.equal(fakeWrapped("77"));
      // Its summary is the summary part; a made-up record id for the same file is refused.
      const summary = { ...own, part: "summary" as const, envelopeHash: record.summaryHash };
      await store(stack.patient, [summary]).expect(201);
      expectError(
        await store(stack.patient, [{ ...own, recordId: newRecordId() }]),
        400,
        "bad_request",
        /the record part its envelope hash names/,
      );
      // Another patient's record on chain is no file of this patient's.
      const theirs = await createRecord(flowAs(stack, stack.patient2), {
        patient: stack.patient2.address,
        category: 3,
        content: utf8("another patient's record"),
        mediaType: "text/plain",
        authorKey: stack.patient2.key,
      });
      const theirRecord = await readChainRecord(stack.publicClient, stack.core, stack.patient2.address, theirs.index);
      expectError(
        await store(stack.patient, [{ ...own, recordId: theirs.recordId, envelopeHash: theirRecord.envelopeHash }]),
        404,
        "not_found",
        /upload the file before its keys/,
      );
    });

    it("refuses entries of another chain or contract, malformed entries and malformed JSON (400)", async () => {
      expectError(await store(stack.patient, [await entryFor({ chainId: 1 })]), 400, "bad_request", /this chain/);
      expectError(
        await store(stack.patient, [await entryFor({ contract: stack.book })]),
        400,
        "bad_request",
        /this chain/,
      );
      expectError(await store(stack.patient, []), 400, "bad_request", /entries/);
      expectError(await store(stack.patient, [{ ...(await entryFor()), part: "other" }]), 400, "bad_request", /part/);
      // Junk where a wrapped key belongs would be handed to its reader and block the custodian's re-wrap.
      for (const junk of [
        "ehrwk1:not-a-real-key",
        "hello",
        fakeWrapped("33").slice(0, -2),
        fakeWrapped("33").replace("0002", "0004"),
        // The form of a wrapped key, but 16 blocks longer than any: room taken for nothing.
        `${fakeWrapped("33")}${"33".repeat(16 * 16)}`,
      ]) {
        const refused = await store(stack.patient, [await entryFor({ wrapped: junk })]);
        expectError(refused, 400, "bad_request", /wrapped/);
      }
      const bad = await request(stack.app)
        .post("/v1/keys")
        .set("Authorization", auth(stack.patient))
        .set("Content-Type", "application/json")
        .send('{"entries": [');
      expectError(bad, 400, "bad_request", /not valid JSON/);
      expectError(await release(stack.patient, { patient: "0x12", recordIndex: -1 }), 400, "bad_request", /patient/);
    });
  });

  it("never logs a wrapped key or a token", () => {
    expect(released.length).to.be.greaterThan(3);
    const logged = stack.logs.join("\n");
    for (const secret of [...released, ...tokens.values()]) expect(logged).not.to.include(secret);
    expect(logged).not.to.include("ehrwk1:");
    expect(logged).to.include("read refused");
  });
});
