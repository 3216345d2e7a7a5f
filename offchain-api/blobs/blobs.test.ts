import { createHash } from "node:crypto";
import { rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { expect } from "chai";
import request from "supertest";
import { HDNodeWallet } from "ethers";
import { keccak256, toBytes } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { randomBytes, sha256, toHex, utf8 } from "../../lib/bytes";
import { ENVELOPE_HEADER_LENGTH, readEnvelopeHeader } from "../../lib/crypto/envelope";
import type { RecordIdentity } from "../../lib/crypto/identity";
import type { Address, Hex } from "viem";
import { createKeyBackup } from "../../lib/keys/keyBackup";
import { generateUserKey } from "../../lib/keys/userKeyPair";
import { rawLeafCid } from "../../lib/api/rawCid";
import { KuboBlobStore } from "../storage/kuboBlobStore";
import { blockFileOf, filesUnder } from "../testing/blobStoreContract";
import { startKuboRpcServer, type KuboRpcDouble } from "../testing/kuboRpcServer";
import { expectError, sealTestEnvelope, testKeyEntry } from "../testing/records";
import { rejection } from "../../lib/testing/rejection";
import { startTestStack, type StackAccount, type TestStack } from "../testing/stack";

const MAX_UPLOAD = 64 * 1024;
const DAY_MS = 24 * 3600 * 1000;
const expectRejected = (promise: Promise<unknown>) => rejection(promise);

/** An anvil development account the stack leaves unused (indexes 7 to 9): no role on the chain, funded. */
function spareAccount(index: 7 | 8 | 9): StackAccount {
  const mnemonic = "test test test test test test test test test test test junk";
  const privateKey = HDNodeWallet.fromPhrase(mnemonic, undefined, `m/44'/60'/0'/0/${index}`).privateKey as Hex;
  const account = privateKeyToAccount(privateKey);
  return { address: account.address, account, privateKey, wallet: undefined as never, key: generateUserKey() };
}

describe("blobs (POST /v1/blobs, GET /v1/blobs/:cid)", () => {
  let stack: TestStack;
  const tokens = new Map<StackAccount, string>();
  const blocks = () => path.join(stack.dataDir, "api", "ipfs");

  before(async () => {
    stack = await startTestStack({ env: { EHR_MAX_UPLOAD_BYTES: String(MAX_UPLOAD) } });
    for (const who of [stack.patient, stack.patient2, stack.doctor, stack.doctor2, stack.outsider]) {
      tokens.set(who, await stack.signIn(who));
    }
  });
  after(async () => stack?.close());

  const auth = (who: StackAccount) => `Bearer ${tokens.get(who)}`;
  const upload = (who: StackAccount, bytes: Uint8Array, hash?: string) =>
    request(stack.app)
      .post("/v1/blobs")
      .set("Authorization", auth(who))
      .set("Content-Type", "application/octet-stream")
      .set("X-Content-SHA256", hash ?? `0x${createHash("sha256").update(bytes).digest("hex")}`)
      .send(Buffer.from(bytes));
  const download = (who: StackAccount, cid: string) =>
    request(stack.app)
      .get(`/v1/blobs/${cid}`)
      .set("Authorization", auth(who))
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const body = Buffer.concat(chunks);
          const json = /json/.test(String(res.headers["content-type"]));
          done(null, json ? JSON.parse(body.toString("utf8")) : body);
        });
      });
  const envelope = async (
    patient: Address,
    category = 3,
    part: "report" | "summary" = "report",
    over: Partial<RecordIdentity> = {},
    size = 500,
  ) => (await sealTestEnvelope(stack, size, { patient, category, part, ...over })).bytes;
  const stored = async (who: StackAccount, bytes: Uint8Array) => {
    const res = await upload(who, bytes);
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    return res.body.cid as string;
  };
  const backupOf = async (who: StackAccount, over: Record<string, unknown> = {}) =>
    createKeyBackup(
      who.key,
      "a long enough passphrase",
      {
        address: who.address,
        chainId: stack.chain.chainId,
        contract: stack.core,
        createdAt: new Date().toISOString(),
        ...over,
      },
      { scrypt: { N: 1024, r: 8, p: 1 } },
    );
  const hashOf = async (bytes: Uint8Array) => toHex(await sha256(bytes)) as Hex;
  /** Adds a record naming `bytes` (an envelope of `who`) on-chain, as the dApp does after the upload. */
  const addRecord = async (who: StackAccount, bytes: Uint8Array, cid: string, category = 3) =>
    (
      await stack.coreAs(who).addRecord(who.address, {
        category,
        envelopeHash: await hashOf(bytes),
        cid,
        summaryHash: `0x${"00".repeat(32)}`,
        summaryCid: "",
      })
    ).wait();

  describe("upload", () => {
    it("stores the patient's envelope and answers its raw-leaf CID and size; the patient reads it back", async () => {
      const bytes = await envelope(stack.patient.address);
      const res = await upload(stack.patient, bytes).expect(201);
      expect(res.body).to.deep.equal({ cid: rawLeafCid(toHex(await sha256(bytes))), size: bytes.length });
      // One log line for the upload: the request's, with what was stored.
      const lines = stack.logs.map((l) => JSON.parse(l)).filter((l) => l.reqId === res.headers["x-request-id"]);
      expect(lines.map((l) => [l.msg, l.blob])).to.deep.equal([
        ["request completed", { cid: res.body.cid, size: bytes.length, kind: "envelope" }],
      ]);
      const back = await download(stack.patient, res.body.cid).expect(200);
      expect(back.headers["content-type"]).to.equal("application/octet-stream");
      expect(Buffer.compare(back.body, Buffer.from(bytes))).to.equal(0);
    });

    it("refuses a body that does not match X-Content-SHA256 (400) and stores nothing", async () => {
      const bytes = await envelope(stack.patient.address);
      const before = await filesUnder(blocks());
      const res = await upload(stack.patient, bytes, toHex(await sha256(randomBytes(8))));
      expectError(res, 400, "bad_request", /does not match its declared hash; nothing was stored/);
      expect(await filesUnder(blocks())).to.deep.equal(before);
    });

    it("refuses a missing or malformed X-Content-SHA256 (400)", async () => {
      const bytes = await envelope(stack.patient.address);
      for (const hash of ["", "0x1234", "ab".repeat(32), `0x${"zz".repeat(32)}`]) {
        expectError(await upload(stack.patient, bytes, hash), 400, "bad_request", /X-Content-SHA256/);
      }
      const res = await request(stack.app)
        .post("/v1/blobs")
        .set("Authorization", auth(stack.patient))
        .set("Content-Type", "application/octet-stream")
        .send(Buffer.from(bytes));
      expectError(res, 400, "bad_request", /X-Content-SHA256/);
    });

    it("refuses a body over EHR_MAX_UPLOAD_BYTES (413) and stores nothing", async () => {
      const before = await filesUnder(blocks());
      const res = await upload(stack.patient, randomBytes(MAX_UPLOAD + 1));
      expectError(res, 413, "payload_too_large", /larger than this service accepts/);
      expect(await filesUnder(blocks())).to.deep.equal(before);
    });

    it("refuses what is not our ciphertext (415): random bytes, JSON, another content type", async () => {
      const before = await filesUnder(blocks());
      expectError(await upload(stack.patient, randomBytes(300)), 415, "unsupported_media_type", /Only encrypted/);
      expectError(await upload(stack.patient, utf8('{"format":"x"}')), 415, "unsupported_media_type", /Only/);
      const cut = (await envelope(stack.patient.address)).subarray(0, 40);
      expectError(await upload(stack.patient, cut), 415, "unsupported_media_type", /Only encrypted/);
      const text = await request(stack.app)
        .post("/v1/blobs")
        .set("Authorization", auth(stack.patient))
        .set("Content-Type", "text/plain")
        .set("X-Content-SHA256", toHex(await sha256(utf8("hello"))))
        .send("hello");
      expectError(text, 415, "unsupported_media_type", /application\/octet-stream/);
      expect(await filesUnder(blocks())).to.deep.equal(before);
    });

    it("refuses an envelope of another chain or EhrCore (415)", async () => {
      const other = await envelope(stack.patient.address, 3, "report", { contract: stack.book });
      expectError(await upload(stack.patient, other), 415, "unsupported_media_type", /another chain or contract/);
      const chain = await envelope(stack.patient.address, 3, "report", { chainId: 1 });
      expectError(await upload(stack.patient, chain), 415, "unsupported_media_type", /another chain or contract/);
    });

    it("refuses an envelope for another patient unless the uploader is a doctor they granted (403)", async () => {
      const bytes = await envelope(stack.patient.address, 3);
      expectError(await upload(stack.patient2, bytes), 403, "forbidden", /only for yourself/);
      expectError(await upload(stack.doctor2, bytes), 403, "forbidden", /only for yourself/);
      expectError(await upload(stack.outsider, bytes), 403, "forbidden", /only for yourself/);
      const expires = Number((await stack.publicClient.getBlock()).timestamp) + 86400;
      await (await stack.coreAs(stack.patient).grantAccess(stack.doctor2.address, 1 << 3, expires)).wait();
      await upload(stack.doctor2, bytes).expect(201);
      // The grant covers category 3 only.
      expectError(await upload(stack.doctor2, await envelope(stack.patient.address, 4)), 403, "forbidden", /only/);
      await (await stack.coreAs(stack.patient).revokeAccess(stack.doctor2.address)).wait();
    });

    it("stores a key backup for its owner only, before any registration, and serves it to the owner only", async () => {
      const who = stack.outsider;
      const meta = {
        address: who.address,
        chainId: stack.chain.chainId,
        contract: stack.core,
        createdAt: new Date().toISOString(),
      };
      const backup = await createKeyBackup(who.key, "a long enough passphrase", meta, {
        scrypt: { N: 1024, r: 8, p: 1 },
      });
      expectError(await upload(stack.patient, backup), 403, "forbidden", /only your own key backup/);
      const cid = await stored(who, backup);
      expect(Buffer.compare((await download(who, cid).expect(200)).body, Buffer.from(backup))).to.equal(0);
      expectError(await download(stack.patient, cid), 403, "forbidden", /not yours/);
      const foreign = await createKeyBackup(
        who.key,
        "a long enough passphrase",
        { ...meta, chainId: 1 },
        {
          scrypt: { N: 1024, r: 8, p: 1 },
        },
      );
      expectError(await upload(who, foreign), 415, "unsupported_media_type", /another chain or contract/);
    });

    it("needs a session (401)", async () => {
      const res = await request(stack.app).post("/v1/blobs").set("Content-Type", "application/octet-stream").send("x");
      expectError(res, 401, "unauthorized", /./);
    });
  });

  describe("download", () => {
    it("refuses a malformed CID (400) and answers 404 for a CID not stored, never an empty 200", async () => {
      expectError(await download(stack.patient, "not-a-cid"), 400, "bad_request", /cid/);
      expectError(
        await download(stack.patient, "QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG"),
        400,
        "bad_request",
        /cid/,
      );
      const missing = rawLeafCid(toHex(await sha256(randomBytes(32))));
      expectError(await download(stack.patient, missing), 404, "not_found", /No file is stored/);
    });

    it("answers 502 corrupt_content for a block corrupted on disk, never the bytes", async () => {
      const bytes = await envelope(stack.patient.address);
      const cid = await stored(stack.patient, bytes);
      const file = await blockFileOf(blocks(), bytes);
      const corrupted = Buffer.from(bytes);
      corrupted[300] ^= 0x01;
      await writeFile(file, corrupted);
      expectError(await download(stack.patient, cid), 502, "corrupt_content", /corrupt/);
    });

    it("serves an envelope to a doctor whose grant covers its category now, and refuses (and audits) others", async () => {
      const bytes = await envelope(stack.patient2.address, 6);
      const cid = await stored(stack.patient2, bytes);
      expectError(await download(stack.doctor, cid), 403, "forbidden", /has not granted this doctor access/);
      const expires = Number((await stack.publicClient.getBlock()).timestamp) + 86400;
      await (await stack.coreAs(stack.patient2).grantAccess(stack.doctor.address, 1 << 6, expires)).wait();
      await download(stack.doctor, cid).expect(200);
      await (await stack.coreAs(stack.patient2).revokeAccess(stack.doctor.address)).wait();
      expectError(await download(stack.doctor, cid), 403, "forbidden", /revoked this doctor's access/);
      expectError(await download(stack.doctor, cid), 403, "forbidden", /revoked this doctor's access/);
      const { body } = await request(stack.app)
        .get(`/v1/audit/refusals?patient=${stack.patient2.address}`)
        .set("Authorization", auth(stack.patient2))
        .expect(200);
      // Each reason is its own row (the patient sees why); the repeat the same day is counted in its row.
      const mine = body.refusals.filter((r: { cid?: string }) => r.cid === cid);
      expect(mine.map((r: { reason: string; count: number }) => [r.reason, r.count])).to.deep.equal([
        ["The patient revoked this doctor's access.", 2],
        ["The patient has not granted this doctor access.", 1],
      ]);
      expect(mine[0]).to.include({ reader: stack.doctor.address, patient: stack.patient2.address, part: "report" });
    });

    it("judges every download at the latest block: a revoke mined just before refuses it, though the same reads were answered for the block before", async () => {
      // Chain reads are answered once per block (lib/chain/perBlockReads.ts): warm them for block N
      // with concurrent requests (a pair no other test grants), then revoke (block N+1) and ask again at once.
      const bytes = await envelope(stack.patient.address, 5);
      const cid = await stored(stack.patient, bytes);
      const expires = Number((await stack.publicClient.getBlock()).timestamp) + 86400;
      await (await stack.coreAs(stack.patient).grantAccess(stack.doctor.address, 1 << 5, expires)).wait();
      const served = await Promise.all(Array.from({ length: 5 }, () => download(stack.doctor, cid)));
      expect(served.map((res) => res.status)).to.deep.equal([200, 200, 200, 200, 200]);
      await upload(stack.doctor, await envelope(stack.patient.address, 5)).expect(201);
      await (await stack.coreAs(stack.patient).revokeAccess(stack.doctor.address)).wait();
      expectError(await download(stack.doctor, cid), 403, "forbidden", /revoked this doctor's access/);
      // And back: a grant mined just before is honoured at once, by a download and by an upload,
      // though the upload may be judged on a view a second old (UPLOAD_CHAIN_VIEW_MAX_AGE_MS), which
      // the download just above learned: still revoked. Its refusal is judged again at the latest block.
      await (await stack.coreAs(stack.patient).grantAccess(stack.doctor.address, 1 << 5, expires)).wait();
      await upload(stack.doctor, await envelope(stack.patient.address, 5)).expect(201);
      await download(stack.doctor, cid).expect(200);
      await (await stack.coreAs(stack.patient).revokeAccess(stack.doctor.address)).wait();
    });

    it("lets a stream of uploads share a block-number call up to a second old, where each download asks for its own", async () => {
      // Count the service's eth_blockNumber calls (it reads the chain through the stack's client).
      const client = stack.publicClient as unknown as { request(args: { method: string }): Promise<unknown> };
      const request = client.request;
      let calls = 0;
      let granted = false;
      client.request = (args) => {
        if (args.method === "eth_blockNumber") calls++;
        return request(args);
      };
      try {
        const cid = await stored(stack.patient, await envelope(stack.patient.address, 2));
        calls = 0;
        for (let i = 0; i < 5; i++) await stored(stack.patient, await envelope(stack.patient.address, 2));
        // One call a second at most (the uploads take well under that): fewer than one per upload.
        expect(calls).to.be.lessThan(2);
        calls = 0;
        // A doctor's download is judged on the chain (the patient's own is not), each at the latest block.
        const expires = Number((await stack.publicClient.getBlock()).timestamp) + 86400;
        await (await stack.coreAs(stack.patient).grantAccess(stack.doctor2.address, 1 << 2, expires)).wait();
        granted = true;
        calls = 0;
        for (let i = 0; i < 3; i++) await download(stack.doctor2, cid).expect(200);
        expect(calls).to.equal(3);
      } finally {
        client.request = request;
        if (granted) await (await stack.coreAs(stack.patient).revokeAccess(stack.doctor2.address)).wait();
      }
    });

    it("serves general details and summaries, but not other reports, inside an emergency window", async () => {
      const patient = stack.patient2.address;
      const details = await stored(stack.patient2, await envelope(patient, 0));
      const summary = await stored(stack.patient2, await envelope(patient, 9, "summary"));
      const report = await stored(stack.patient2, await envelope(patient, 9, "report"));
      await (
        await stack.coreAs(stack.doctor2).openEmergencyAccess(patient, 1, keccak256(toBytes("unconscious")))
      ).wait();
      await download(stack.doctor2, details).expect(200);
      await download(stack.doctor2, summary).expect(200);
      expectError(await download(stack.doctor2, report), 403, "forbidden", /has not granted this doctor access/);
    });
  });

  describe("who may store what (finding 2: anyone could store anything)", () => {
    it("refuses an envelope from an address that is not a registered patient (403), storing nothing", async () => {
      const before = await filesUnder(blocks());
      const own = await envelope(stack.outsider.address);
      expectError(await upload(stack.outsider, own), 403, "forbidden", /Only a registered patient can store records/);
      expect(await filesUnder(blocks())).to.deep.equal(before);
    });

    it("reads at most a key backup's size from an account that can store no record (413 before the body, or once chunked bytes pass it)", async () => {
      // Before: a throwaway address's 49 MB bodies were read whole and only then refused (415/403):
      // 20 at once grew the service from 389 MB to 1.1 GB.
      const big = randomBytes(40 * 1024);
      // Starting as a key backup does (`{`): anything else is refused from its first byte (415).
      big[0] = 0x7b;
      for (const who of [stack.outsider, stack.hospital]) {
        if (!tokens.has(who)) tokens.set(who, await stack.signIn(who));
        expectError(await upload(who, big), 413, "payload_too_large", /other accounts can store only their key backup/);
        const chunked = await new Promise<{ status: number; body: string }>((resolve, reject) => {
          const req = request(stack.app)
            .post("/v1/blobs")
            .set("Authorization", auth(who))
            .set("Content-Type", "application/octet-stream")
            .set("X-Content-SHA256", `0x${"00".repeat(32)}`);
          // No Content-Length: the body comes chunked.
          for (let i = 0; i < 10; i++) void req.write(Buffer.from(big.subarray(i * 4096, (i + 1) * 4096)));
          req.end((error, res) => (error ? reject(error) : resolve({ status: res.status, body: res.text })));
        });
        expect(chunked.status, chunked.body).to.equal(413);
      }
      // An active patient's large envelope is still read and stored.
      await upload(stack.patient, await envelope(stack.patient.address, 3, "report", {}, 40 * 1024)).expect(201);
    });

    it("refuses clear text behind a valid envelope header (415), storing nothing", async () => {
      const header = (await envelope(stack.patient.address)).subarray(0, ENVELOPE_HEADER_LENGTH);
      const before = await filesUnder(blocks());
      for (const text of [
        "HIV positive, viral load 20,000 copies/mL; started on ART. Partner not informed.",
        "Diagnosis: major depressive disorder. ".repeat(200),
      ]) {
        const body = new Uint8Array([...header, ...utf8(text)]);
        expectError(await upload(stack.patient, body), 415, "unsupported_media_type", /not encrypted/);
      }
      expect(await filesUnder(blocks())).to.deep.equal(before);
    });

    it("stores a registered doctor's own key backup (their first key, or a rotation), not a hospital's", async () => {
      await stored(stack.doctor, await backupOf(stack.doctor));
      tokens.set(stack.hospital, await stack.signIn(stack.hospital));
      expectError(await upload(stack.hospital, await backupOf(stack.hospital)), 403, "forbidden", /cannot register/);
    });

    it("refuses a key backup with anything the app does not write (415): an extra field, a free-text date", async () => {
      const backup = JSON.parse(new TextDecoder().decode(await backupOf(stack.outsider)));
      const extra = utf8(`${JSON.stringify({ ...backup, note: "HIV positive" }, null, 2)}\n`);
      expectError(await upload(stack.outsider, extra), 415, "unsupported_media_type", /form this app writes/);
      const dated = await backupOf(stack.outsider, { createdAt: "HIV positive 2020" });
      expectError(await upload(stack.outsider, dated), 415, "unsupported_media_type", /form this app writes/);
    });

    it("stores at most 3 unregistered key backups per address (413 beyond, saying what to do)", async () => {
      const fresh = spareAccount(9);
      tokens.set(fresh, await stack.signIn(fresh));
      for (let i = 0; i < 3; i++) await stored(fresh, await backupOf(fresh));
      expectError(await upload(fresh, await backupOf(fresh)), 413, "payload_too_large", /register one on-chain/);
    });
  });

  describe("the quota of uploads not yet in a record", () => {
    it("refuses uploads past the quota (413, saying what to do) until a record on-chain names one", async () => {
      // The quota is 4 x EHR_MAX_UPLOAD_BYTES (256 KiB here).
      const who = stack.patient2;
      const big = () => envelope(who.address, 3, "report", {}, 60_000);
      const first = await big();
      const firstCid = await stored(who, first);
      let refused;
      for (let i = 0; i < 5 && !refused; i++) {
        const res = await upload(who, await big());
        if (res.status !== 201) refused = res;
      }
      expectError(refused!, 413, "payload_too_large", /not yet saved in a record .* save them in records/);
      await addRecord(who, first, firstCid);
      await stored(who, await big());
    });
  });

  describe("the sweeper of unreferenced uploads", () => {
    const later = () => Date.now() + DAY_MS + 60_000;

    it("removes an upload no record names after the grace period, keeps one a mined record names", async () => {
      const orphan = await envelope(stack.patient.address);
      const orphanCid = await stored(stack.patient, orphan);
      const kept = await envelope(stack.patient.address);
      const keptCid = await stored(stack.patient, kept);
      await addRecord(stack.patient, kept, keptCid);
      // The patient's own keys of both, as the app stores them after the files.
      const keyOf = async (bytes: Uint8Array) => {
        const { recordId, part } = readEnvelopeHeader(bytes).identity;
        const entry = testKeyEntry(stack, {
          recordId,
          part,
          reader: stack.patient.address,
          envelopeHash: await hashOf(bytes),
        });
        await request(stack.app)
          .post("/v1/keys")
          .set("Authorization", auth(stack.patient))
          .send({ entries: [entry] })
          .expect(201);
        return entry;
      };
      const [orphanKey, keptKey] = [await keyOf(orphan), await keyOf(kept)];
      // Within the grace period nothing goes.
      await stack.services.sweeper.runOnce();
      await download(stack.patient, orphanCid).expect(200);
      expect(await stack.services.sweeper.runOnce(later())).to.be.at.least(1);
      expectError(await download(stack.patient, orphanCid), 404, "not_found", /No file is stored/);
      await expectRejected(blockFileOf(blocks(), orphan));
      await download(stack.patient, keptCid).expect(200);
      // A key of a file no record ever named goes with it; the record's key stays.
      expect(await stack.services.keyStore.heldEntry(orphanKey)).to.equal(undefined);
      expect((await stack.services.keyStore.heldEntry(keptKey))?.wrapped).to.equal(keptKey.wrapped);
      // Its bytes are free again: uploading them once more stores them anew.
      await stored(stack.patient, orphan);
    });

    it("keeps a record named on-chain before the scan's cursor (asked per patient before removing)", async () => {
      const bytes = await envelope(stack.patient.address);
      const cid = await stored(stack.patient, bytes);
      await addRecord(stack.patient, bytes, cid);
      // As if the scan had missed it: the ledger forgets that the record named it.
      stack.services.state.db
        .prepare("UPDATE uploads SET referenced_at = NULL WHERE sha256 = ?")
        .run(await hashOf(bytes));
      await stack.services.sweeper.runOnce(later());
      await download(stack.patient, cid).expect(200);
    });

    it("keeps a key backup its owner registered on-chain, removes one never registered", async () => {
      const owner = spareAccount(8);
      tokens.set(owner, await stack.signIn(owner));
      const registered = await backupOf(owner);
      const registeredCid = await stored(owner, registered);
      const abandoned = await backupOf(owner);
      const abandonedCid = await stored(owner, abandoned);
      await (await stack.coreAs(owner).registerPatient(owner.key.publicKey, await hashOf(registered))).wait();
      await stack.services.sweeper.runOnce(later());
      await download(owner, registeredCid).expect(200);
      expectError(await download(owner, abandonedCid), 404, "not_found", /No file is stored/);
    });

    it("never removes a blob stored before the ledger, even when it is uploaded again", async () => {
      const old = await envelope(stack.patient.address);
      // Stored straight into the store: no upload row, as every blob from before this change.
      const { cid } = await stack.services.blobs.put(old, await hashOf(old));
      await stack.services.sweeper.runOnce(later());
      await download(stack.patient, cid).expect(200);
      await stored(stack.patient, old);
      await stack.services.sweeper.runOnce(later());
      await download(stack.patient, cid).expect(200);
    });

    it("keeps a raw blob that is also the first leaf of another pinned blob (blocks are shared by content)", async () => {
      const large = await envelope(stack.patient.address, 3, "report", {}, 2_500_000);
      const { cid: largeCid } = await stack.services.blobs.put(large, await hashOf(large));
      // A granted doctor could upload the first 1 MiB of it as a blob of its own: the same block.
      const firstLeaf = large.subarray(0, 1024 * 1024);
      const { cid: leafCid } = await stack.services.blobs.put(firstLeaf, await hashOf(firstLeaf));
      await stack.services.blobs.remove(leafCid);
      expect(Buffer.compare(Buffer.from(await stack.services.blobs.get(largeCid)), Buffer.from(large))).to.equal(0);
    });
  });

  describe("a refused download reads only the first block (finding 1)", () => {
    it("refuses a 45 MB blob after reading at most its first 1 MiB block, in memory and in time like a small one", async function () {
      this.timeout(120_000);
      const large = await envelope(stack.patient.address, 3, "report", {}, 45 * 1024 * 1024);
      const { cid } = await stack.services.blobs.put(large, await hashOf(large));
      const small = await envelope(stack.patient.address);
      const smallCid = await stored(stack.patient, small);
      // Count the bytes that come out of the real store, whichever method the router calls.
      const store = stack.services.blobs;
      let bytesRead = 0;
      const counted =
        <A extends unknown[], R>(read: (...args: A) => Promise<R>) =>
        async (...args: A) => {
          const result = await read.apply(store, args);
          const bytes = result instanceof Uint8Array ? result : (result as { bytes: Uint8Array }).bytes;
          bytesRead += bytes.length;
          return result;
        };
      const original = { get: store.get, readStart: store.readStart };
      store.get = counted(original.get);
      if (original.readStart) store.readStart = counted(original.readStart);
      try {
        const started = performance.now();
        expectError(
          await download(stack.outsider, smallCid),
          403,
          "forbidden",
          /Only the patient and doctors the patient granted access/,
        );
        const smallMs = performance.now() - started;
        bytesRead = 0;
        global.gc?.();
        const baseline = process.memoryUsage().arrayBuffers;
        let peak = baseline;
        const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().arrayBuffers)), 1);
        const t0 = performance.now();
        const refusals = await Promise.all(Array.from({ length: 5 }, () => download(stack.outsider, cid)));
        const largeMs = (performance.now() - t0) / 5;
        clearInterval(sampler);
        for (const res of refusals)
          expectError(res, 403, "forbidden", /Only the patient and doctors the patient granted access/);
        expect(bytesRead, "bytes read from the store for 5 refusals").to.be.at.most(5 * 1024 * 1024);
        expect(peak - baseline, "memory grown by the refusals").to.be.below(20 * 1024 * 1024);
        expect(largeMs, `a refusal of 45 MB took ${largeMs} ms, of a small blob ${smallMs} ms`).to.be.below(
          Math.max(250, 5 * smallMs),
        );
      } finally {
        Object.assign(store, original);
      }
      // The patient still gets all of it, checked against its CID.
      const whole = await download(stack.patient, cid).expect(200);
      expect(Buffer.compare(whole.body, Buffer.from(large))).to.equal(0);
    });
  });

  describe("with IPFS_API_URL (Kubo RPC API: the test double of a Kubo daemon)", () => {
    let node: KuboRpcDouble;
    before(async () => {
      node = await startKuboRpcServer(path.join(stack.dataDir, "kubo"));
      await stack.restartServices({ IPFS_API_URL: node.url });
      tokens.set(stack.patient, await stack.signIn(stack.patient));
    });
    after(async () => {
      await stack.restartServices();
      await node.close();
    });

    it("stores through the node (pinned, same CID) and serves it back; a corrupt block is 502", async () => {
      expect(stack.services.blobs.kind).to.equal("kubo");
      const bytes = await envelope(stack.patient.address);
      const res = await upload(stack.patient, bytes).expect(201);
      expect(res.body.cid).to.equal(rawLeafCid(toHex(await sha256(bytes)) as Hex));
      expect(node.pins.has(res.body.cid)).to.equal(true);
      expect(
        Buffer.compare((await download(stack.patient, res.body.cid).expect(200)).body, Buffer.from(bytes)),
      ).to.equal(0);
      const missing = rawLeafCid(toHex(await sha256(randomBytes(32))));
      expectError(await download(stack.patient, missing), 404, "not_found", /No file is stored/);
      const file = await blockFileOf(node.blocksFolder, bytes);
      await writeFile(file, Buffer.from(randomBytes(bytes.length)));
      expectError(await download(stack.patient, res.body.cid), 502, "corrupt_content", /corrupt/);
    });

    it("refuses a download from the first block only (block/get, never cat); the sweeper unpins an orphan (pin rm)", async () => {
      const large = await envelope(stack.patient.address, 3, "report", {}, 2_500_000);
      const { cid } = await stack.services.blobs.put(large, await hashOf(large));
      const before = node.requests.length;
      expectError(
        await download(stack.outsider, cid),
        403,
        "forbidden",
        /Only the patient and doctors the patient granted access/,
      );
      const asked = node.requests.slice(before).map((r) => r.slice(0, r.indexOf("?")));
      expect(asked).to.deep.equal(["block/get", "block/get"]);
      const orphan = await envelope(stack.patient.address);
      const orphanCid = await stored(stack.patient, orphan);
      expect(node.pins.has(orphanCid)).to.equal(true);
      await stack.services.sweeper.runOnce(Date.now() + DAY_MS + 60_000);
      expect(node.pins.has(orphanCid)).to.equal(false);
      expect(node.pins.has(cid), "stored before the ledger").to.equal(true);
    });

    it("answers 404 for a blob the node streams cut short (a block missing mid-stream), serving none of it", async () => {
      // A record over the single-block limit, stored in the node directly (uploads are capped low here).
      const bytes = await envelope(stack.patient.address, 3, "report", {}, 2.5 * 1024 * 1024);
      const { cid } = await (await KuboBlobStore.open({ url: node.url })).put(bytes, toHex(await sha256(bytes)));
      await download(stack.patient, cid).expect(200);
      await rm(await blockFileOf(node.blocksFolder, bytes.subarray(1024 * 1024, 2 * 1024 * 1024)));
      const res = await download(stack.patient, cid);
      expectError(res, 404, "not_found", /No file is stored/);
    });
  });

  describe("with a protected Kubo RPC API (credentials in IPFS_API_URL)", () => {
    const user = "ehr-api";
    const password = "n0t-In-Logs-7741";
    let node: KuboRpcDouble;
    before(async () => {
      const basic = `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
      node = await startKuboRpcServer(path.join(stack.dataDir, "kubo-auth"), { authorizations: [basic] });
    });
    after(async () => {
      await stack.restartServices();
      await node.close();
    });
    const withCredentials = (secret: string) => node.url.replace("http://", `http://${user}:${secret}@`);

    it("stores and serves through it with the right password, sent as an Authorization header", async () => {
      await stack.restartServices({ IPFS_API_URL: withCredentials(password) });
      tokens.set(stack.patient, await stack.signIn(stack.patient));
      const bytes = await envelope(stack.patient.address);
      const { body } = await upload(stack.patient, bytes).expect(201);
      await download(stack.patient, body.cid).expect(200);
      expect(node.pins.has(body.cid)).to.equal(true);
      expect(node.requests.every((r) => !r.includes(password))).to.equal(true);
    });

    it("answers a wrong password with 503 storage_unavailable, and no log line or answer holds a credential", async () => {
      const wrong = "wr0ng-Secret-9";
      await stack.restartServices({ IPFS_API_URL: withCredentials(wrong) });
      tokens.set(stack.patient, await stack.signIn(stack.patient));
      const logsBefore = stack.logs.length;
      const res = await upload(stack.patient, await envelope(stack.patient.address));
      expectError(res, 503, "storage_unavailable", /refused this service's credentials/);
      const seen = [JSON.stringify(res.body), ...stack.logs.slice(logsBefore)].join("\n");
      expect(seen).to.include("request failed");
      const encoded = Buffer.from(`${user}:${wrong}`).toString("base64");
      for (const secret of [wrong, password, encoded]) expect(seen).not.to.include(secret);
    });
  });
});
