/**
 * Uploads over real sockets, sent slowly the way an attacker would (issue 15, open attack 2): a
 * refused upload is answered from its first bytes and its connection closed, not after 50 MB; one
 * address has at most two uploads in flight; clear text is refused at the window where it starts.
 */
import { createHash } from "node:crypto";
import { once } from "node:events";
import { request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { expect } from "chai";
import request from "supertest";
import { randomBytes, utf8 } from "../../lib/bytes";
import { ENVELOPE_HEADER_LENGTH, generateDataKey, sealEnvelope } from "../../lib/crypto/envelope";
import { newRecordId } from "../../lib/crypto/identity";
import type { Address } from "viem";
import { loadConfig } from "../config";
import { createApiServer } from "../http/server";
import { filesUnder } from "../testing/blobStoreContract";
import { startTestStack, type StackAccount, type TestStack } from "../testing/stack";

const MiB = 1024 * 1024;
/** What the attacker declares: the service's default upload limit. */
const DECLARED = 50 * MiB;
const CHUNK = 64 * 1024;

/** What a raw upload saw: the answer, and how many body bytes the client got onto the wire. */
interface UploadOutcome {
  status: number;
  body: { error?: { code: string; message: string } } & Record<string, unknown>;
  headers: Record<string, string | string[] | undefined>;
  /** Body bytes written when the answer's head arrived. */
  writtenAtAnswer: number;
  /** Body bytes written in all (the client keeps writing after the answer until the socket closes). */
  written: number;
  /** Whether the service closed the connection (rather than reading on). */
  closed: boolean;
}

interface SlowUpload {
  token: string;
  /** The first bytes sent (an envelope's header, a whole envelope). */
  first: Uint8Array;
  /** Content-Length; omitted: chunked. */
  declared?: number;
  /** Total body bytes to send (default: `declared`). */
  total?: number;
  /** The bytes after `first`, one chunk at a time (default: random). */
  next?: (offset: number, length: number) => Uint8Array;
  /** Pause between chunks. @default 5 */
  everyMs?: number;
  /** Bytes per chunk. @default 64 KiB */
  chunkBytes?: number;
  sha256?: string;
  /** Stop writing at this many bytes and wait (an upload held open). */
  holdAt?: number;
}

describe("uploads decided from their first bytes (issue 15, open attack 2)", function () {
  this.timeout(180_000);
  let stack: TestStack;
  let server: Server;
  let port: number;
  const tokens = new Map<StackAccount, string>();
  const blocks = () => path.join(stack.dataDir, "api", "ipfs");
  const rowsOf = (who: Address) =>
    Number(
      (
        stack.services.state.db.prepare("SELECT COUNT(*) AS n FROM uploads WHERE uploader = ?").get(who) as {
          n: number;
        }
      ).n,
    );

  const listen = async () => {
    server = createApiServer(stack.config, stack.app).listen(0, "127.0.0.1");
    await once(server, "listening");
    port = (server.address() as AddressInfo).port;
  };
  const stopListening = async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  };
  const signInAll = async () => {
    for (const who of [stack.patient, stack.patient2, stack.doctor, stack.doctor2, stack.outsider]) {
      tokens.set(who, await stack.signIn(who));
    }
  };

  before(async () => {
    // The service's defaults (50 MiB uploads), with a quota of one largest upload, so that a
    // patient with anything pending is over it for a 50 MB body.
    stack = await startTestStack({ env: { EHR_UPLOAD_QUOTA_BYTES: String(DECLARED) } });
    await signInAll();
    await listen();
  });
  after(async () => {
    await stopListening();
    await stack?.close();
  });

  const envelope = async (patient: Address, size: number, category = 3) =>
    sealEnvelope(
      randomBytes(size),
      generateDataKey(),
      {
        chainId: stack.chain.chainId,
        contract: stack.core,
        patient,
        recordId: newRecordId(),
        category,
        part: "report",
      },
      { compress: "never" },
    );
  const headerOf = async (patient: Address) => (await envelope(patient, 64)).subarray(0, ENVELOPE_HEADER_LENGTH + 16);

  /**
   * POSTs `first` and then chunks of 64 KiB every `everyMs`, as long as the service lets it: after
   * the answer it goes on writing (as a hostile client would) until the socket closes or 1 s passes.
   */
  const slowUpload = (options: SlowUpload & { onSocket?: (destroy: () => void) => void }): Promise<UploadOutcome> =>
    new Promise((resolve, reject) => {
      const total = options.total ?? options.declared ?? DECLARED;
      const headers: Record<string, string | number> = {
        Authorization: `Bearer ${options.token}`,
        "Content-Type": "application/octet-stream",
        "X-Content-SHA256": options.sha256 ?? `0x${"00".repeat(32)}`,
      };
      if (options.declared !== undefined) headers["Content-Length"] = options.declared;
      const req = httpRequest({ host: "127.0.0.1", port, method: "POST", path: "/v1/blobs", headers, agent: false });
      let written = 0;
      let writtenAtAnswer = -1;
      let closed = false;
      let answer: Omit<UploadOutcome, "written" | "writtenAtAnswer" | "closed"> | undefined;
      let answeredAt = 0;
      let settled = false;
      const finish = () => {
        if (settled || !answer) return;
        settled = true;
        resolve({ ...answer, written, writtenAtAnswer, closed });
      };
      // Closed with no answer at all (a dropped upload): status 0.
      const closedUnanswered = () =>
        setTimeout(() => {
          if (settled || answer) return;
          settled = true;
          resolve({ status: 0, body: {}, headers: {}, written, writtenAtAnswer, closed });
        }, 500);
      req.on("error", () => undefined);
      req.on("socket", (socket) => {
        socket.on("close", () => {
          closed = true;
          finish();
          closedUnanswered();
        });
        options.onSocket?.(() => socket.destroy());
      });
      req.on("response", (res) => {
        writtenAtAnswer = written;
        answeredAt = Date.now();
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("error", () => undefined);
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          answer = { status: res.statusCode ?? 0, body: text ? JSON.parse(text) : {}, headers: res.headers };
          if (closed || written >= total) finish();
        });
      });
      const write = (bytes: Uint8Array) =>
        new Promise<boolean>((done) => {
          if (req.destroyed || closed) return done(false);
          req.write(Buffer.from(bytes), (error) => {
            if (!error) written += bytes.length;
            done(!error);
          });
        });
      void (async () => {
        try {
          if (!(await write(options.first))) return;
          while (written < total) {
            if (options.holdAt !== undefined && written >= options.holdAt) return;
            if (answeredAt && Date.now() - answeredAt > 1000) break;
            const length = Math.min(options.chunkBytes ?? CHUNK, total - written);
            if (!(await write(options.next ? options.next(written, length) : randomBytes(length)))) return;
            await new Promise((r) => setTimeout(r, options.everyMs ?? 5));
          }
          if (written >= total) req.end();
          else req.destroy();
          // Answered with the socket left open: wait for the answer's end, then report.
          const waited = Date.now();
          while (!answer && Date.now() - waited < 5000) await new Promise((r) => setTimeout(r, 10));
          finish();
        } catch (error) {
          reject(error);
        }
      })();
    });

  /** A refused upload: answered with `status` after at most the first chunks, closed, nothing stored or counted. */
  const expectCutShort = async (who: StackAccount, outcome: UploadOutcome, status: number, reason: RegExp) => {
    expect(outcome.status, JSON.stringify(outcome.body)).to.equal(status);
    expect(outcome.body.error?.message).to.match(reason);
    expect(
      outcome.writtenAtAnswer,
      `bytes of ${DECLARED} the client had written when answered (${outcome.written} in all)`,
    ).to.be.below(MiB);
    expect(outcome.closed, "the service closed the connection").to.equal(true);
    expect(outcome.written, "bytes written before the connection closed").to.be.below(4 * MiB);
    expect(rowsOf(who.address), "quota rows of the uploader").to.equal(0);
  };

  describe("refusals cost the first bytes, not the body", () => {
    it("refuses an account that can store no record (413) from its Content-Length", async () => {
      const before = await filesUnder(blocks());
      const outcome = await slowUpload({
        token: tokens.get(stack.outsider)!,
        first: await headerOf(stack.outsider.address),
        declared: DECLARED,
      });
      await expectCutShort(stack.outsider, outcome, 413, /other accounts can store only their key backup/);
      expect(await filesUnder(blocks())).to.deep.equal(before);
    });

    it("refuses an envelope for another patient (403) after its header, for a patient and an ungranted doctor", async () => {
      const before = await filesUnder(blocks());
      for (const who of [stack.patient2, stack.doctor2]) {
        const outcome = await slowUpload({
          token: tokens.get(who)!,
          first: await headerOf(stack.patient.address),
          declared: DECLARED,
        });
        await expectCutShort(who, outcome, 403, /only for yourself/);
      }
      expect(await filesUnder(blocks())).to.deep.equal(before);
    });

    it("refuses an upload over EHR_MAX_UPLOAD_BYTES (413) from its Content-Length", async () => {
      const before = await filesUnder(blocks());
      const outcome = await slowUpload({
        token: tokens.get(stack.patient)!,
        first: await headerOf(stack.patient.address),
        declared: DECLARED + 1,
      });
      await expectCutShort(stack.patient, outcome, 413, /larger than this service accepts/);
      expect(await filesUnder(blocks())).to.deep.equal(before);
    });

    it("refuses a body that is neither an envelope nor a key backup (415) from its first bytes", async () => {
      const outcome = await slowUpload({
        token: tokens.get(stack.patient)!,
        first: utf8("%PDF-1.7\n"),
        declared: DECLARED,
      });
      await expectCutShort(stack.patient, outcome, 415, /Only encrypted records and key backups/);
    });

    it("refuses clear text as soon as it starts (415), storing and counting nothing", async () => {
      const header = await headerOf(stack.patient.address);
      const text = utf8("Diagnosis: HIV positive, viral load 20,000 copies/mL; started on ART. ".repeat(1000));
      const before = await filesUnder(blocks());
      // 512 KiB of random bytes, then clear text.
      const outcome = await slowUpload({
        token: tokens.get(stack.patient)!,
        first: header,
        declared: DECLARED,
        next: (offset, length) =>
          offset < 512 * 1024 ? randomBytes(length) : text.subarray(0, Math.min(length, text.length)),
      });
      await expectCutShort(stack.patient, outcome, 415, /not encrypted/);
      expect(await filesUnder(blocks())).to.deep.equal(before);
    });

    it("cuts a chunked body at EHR_MAX_UPLOAD_BYTES (413), storing nothing", async () => {
      const before = await filesUnder(blocks());
      const outcome = await slowUpload({
        token: tokens.get(stack.patient)!,
        first: await headerOf(stack.patient.address),
        total: DECLARED + 16 * MiB,
        everyMs: 0,
        chunkBytes: MiB,
      });
      expect(outcome.status, JSON.stringify(outcome.body)).to.equal(413);
      expect(outcome.body.error?.message).to.match(/larger than this service accepts/);
      // What the client got onto the wire: the limit, plus what the kernel's socket buffers hold.
      expect(outcome.writtenAtAnswer).to.be.within(DECLARED - 4 * MiB, DECLARED + 8 * MiB);
      expect(outcome.closed).to.equal(true);
      expect(rowsOf(stack.patient.address)).to.equal(0);
      expect(await filesUnder(blocks())).to.deep.equal(before);
    });

    it("refuses a patient over the quota (413) from the Content-Length, before the body", async () => {
      const who = stack.patient2;
      const small = await envelope(who.address, 2000);
      await request(stack.app)
        .post("/v1/blobs")
        .set("Authorization", `Bearer ${tokens.get(who)}`)
        .set("Content-Type", "application/octet-stream")
        .set("X-Content-SHA256", `0x${createHash("sha256").update(small).digest("hex")}`)
        .send(Buffer.from(small))
        .expect(201);
      const before = await filesUnder(blocks());
      const outcome = await slowUpload({
        token: tokens.get(who)!,
        first: await headerOf(who.address),
        declared: DECLARED,
      });
      expect(outcome.status, JSON.stringify(outcome.body)).to.equal(413);
      expect(outcome.body.error?.message).to.match(/not yet saved in a record/);
      expect(outcome.writtenAtAnswer).to.be.below(MiB);
      expect(outcome.closed).to.equal(true);
      expect(rowsOf(who.address), "only the first upload is counted").to.equal(1);
      expect(await filesUnder(blocks())).to.deep.equal(before);
    });
  });

  describe("bytes already stored", () => {
    it("takes them again without judging them again, but refuses other bytes declared under their hash (400), storing nothing", async () => {
      const stored = await envelope(stack.patient.address, 4096);
      const hash = `0x${createHash("sha256").update(stored).digest("hex")}` as const;
      const post = (body: Uint8Array) =>
        request(stack.app)
          .post("/v1/blobs")
          .set("Authorization", `Bearer ${tokens.get(stack.patient)}`)
          .set("Content-Type", "application/octet-stream")
          .set("X-Content-SHA256", hash)
          .send(Buffer.from(body));
      const first = await post(stored).expect(201);
      expect(stack.services.blobs.holds?.(hash)).to.equal(true);
      expect((await post(stored).expect(201)).body.cid).to.equal(first.body.cid);
      const before = await filesUnder(blocks());
      const rows = rowsOf(stack.patient.address);
      // Its header and tag, then clear text, declared under the stored blob's hash: not judged as
      // ciphertext, but its bytes are not the stored ones.
      const forged = new Uint8Array(stored.length);
      forged.set(stored.subarray(0, ENVELOPE_HEADER_LENGTH + 16));
      forged.set(
        utf8("Diagnosis: HIV positive. ".repeat(200)).subarray(0, stored.length - ENVELOPE_HEADER_LENGTH - 16),
        ENVELOPE_HEADER_LENGTH + 16,
      );
      const refused = await post(forged).expect(400);
      expect(refused.body.error.message).to.match(/X-Content-SHA256|hash/i);
      expect(await filesUnder(blocks())).to.deep.equal(before);
      expect(rowsOf(stack.patient.address)).to.equal(rows);
    });
  });

  describe("what is accepted streams through", () => {
    it("stores a 5 MB envelope sent in 64 KiB pieces, byte for byte", async () => {
      // A granted doctor's upload for the patient (the doctor's quota, the patient's record).
      const expires = Number((await stack.publicClient.getBlock()).timestamp) + 3600;
      await (await stack.coreAs(stack.patient).grantAccess(stack.doctor.address, 1 << 3, expires)).wait();
      const sealed = await envelope(stack.patient.address, 5 * MiB);
      const outcome = await slowUpload({
        token: tokens.get(stack.doctor)!,
        first: sealed.subarray(0, 100),
        declared: sealed.length,
        next: (offset, length) => sealed.subarray(offset, offset + length),
        everyMs: 0,
        sha256: `0x${createHash("sha256").update(sealed).digest("hex")}`,
      });
      expect(outcome.status, JSON.stringify(outcome.body)).to.equal(201);
      const back = await stack.services.blobs.get(outcome.body.cid as string);
      expect(Buffer.compare(Buffer.from(back), Buffer.from(sealed))).to.equal(0);
      await (await stack.coreAs(stack.patient).revokeAccess(stack.doctor.address)).wait();
    });
  });

  describe("uploads in flight", () => {
    it("answers a third concurrent upload from one address 429 with Retry-After; a finished or dropped one frees its place", async () => {
      const who = stack.patient;
      const token = tokens.get(who)!;
      const held: { destroy?: () => void; outcome: Promise<UploadOutcome> }[] = [];
      for (let i = 0; i < 2; i++) {
        const sealed = await envelope(who.address, MiB);
        const entry: { destroy?: () => void; outcome: Promise<UploadOutcome> } = {} as never;
        entry.outcome = slowUpload({
          token,
          first: sealed.subarray(0, 100),
          declared: sealed.length,
          next: (offset, length) => sealed.subarray(offset, offset + length),
          holdAt: 128 * 1024,
          onSocket: (destroy) => (entry.destroy = destroy),
        });
        held.push(entry);
      }
      await new Promise((r) => setTimeout(r, 300));
      const third = await slowUpload({ token, first: await headerOf(who.address), declared: DECLARED });
      expect(third.status, JSON.stringify(third.body)).to.equal(429);
      expect(third.body.error?.code).to.equal("too_many_uploads");
      expect(Number(third.headers["retry-after"])).to.be.at.least(1);
      expect(third.writtenAtAnswer).to.be.below(MiB);
      // One held upload drops its connection: its place is free again.
      held[0]!.destroy!();
      await new Promise((r) => setTimeout(r, 200));
      const sealed = await envelope(who.address, 3000);
      const fourth = await slowUpload({
        token,
        first: sealed,
        declared: sealed.length,
        sha256: `0x${createHash("sha256").update(sealed).digest("hex")}`,
      });
      expect(fourth.status, JSON.stringify(fourth.body)).to.equal(201);
      held[1]!.destroy!();
      await Promise.allSettled(held.map((h) => h.outcome));
    });

    /** The service restarted with a cap on the body bytes held in flight (the quota two uploads wide). */
    const restartWithCap = async (bytesInFlight: number) => {
      await stopListening();
      await stack.restartServices({
        EHR_UPLOAD_QUOTA_BYTES: String(2 * DECLARED),
        EHR_MAX_UPLOAD_BYTES_IN_FLIGHT: String(bytesInFlight),
      });
      await signInAll();
      await listen();
    };
    /** The patient's upload declaring 50 MiB, sent up to `holdAt` and held open there; `drop()` ends it. */
    const holdUpload = async (holdAt: number, chunkBytes?: number) => {
      let drop: (() => void) | undefined;
      const sealed = await envelope(stack.patient.address, 4 * MiB);
      const outcome = slowUpload({
        token: tokens.get(stack.patient)!,
        first: sealed.subarray(0, 100),
        declared: DECLARED,
        next: (offset, length) => sealed.subarray(offset % sealed.length, (offset % sealed.length) + length),
        everyMs: chunkBytes ? 0 : undefined,
        chunkBytes,
        holdAt,
        onSocket: (destroy) => (drop = destroy),
      });
      return { outcome, drop: () => drop!() };
    };
    /** `record` sent whole and at once by the second patient. */
    const sendWhole = (record: Uint8Array) =>
      slowUpload({
        token: tokens.get(stack.patient2)!,
        first: record.subarray(0, 100),
        declared: record.length,
        next: (offset, length) => record.subarray(offset, offset + length),
        everyMs: 0,
        sha256: `0x${createHash("sha256").update(record).digest("hex")}`,
      });

    it("counts what an upload has sent, not what it declared: one held open after its first bytes keeps no one out", async () => {
      await restartWithCap(DECLARED + MiB);
      const held = await holdUpload(128 * 1024);
      await new Promise((r) => setTimeout(r, 300));
      // Another account's 2 MiB record is received and stored meanwhile (the 50 MiB declared would
      // have filled the cap of 51 MiB).
      const other = await sendWhole(await envelope(stack.patient2.address, 2 * MiB - 1024));
      expect(other.status, JSON.stringify(other.body)).to.equal(201);
      held.drop();
      await held.outcome;
    });

    it("answers 503 busy with Retry-After once the body bytes held would pass EHR_MAX_UPLOAD_BYTES_IN_FLIGHT, before reading on", async () => {
      await restartWithCap(DECLARED);
      // One upload sends 40 MiB of its 50 and is held there: its buffer holds 40 MiB or more.
      const held = await holdUpload(40 * MiB, MiB);
      const sent = Date.now();
      while (stack.services.uploadsInFlight.current.bytes < 40 * MiB) {
        expect(Date.now() - sent, "the held upload's bytes arrive").to.be.below(30_000);
        await new Promise((r) => setTimeout(r, 50));
      }
      const record = await envelope(stack.patient2.address, 12 * MiB);
      const rowsBefore = rowsOf(stack.patient2.address);
      const other = await sendWhole(record);
      expect(other.status, JSON.stringify(other.body)).to.equal(503);
      expect(other.body.error?.code).to.equal("busy");
      expect(Number(other.headers["retry-after"])).to.be.at.least(1);
      expect(other.writtenAtAnswer, "refused once its buffer would pass the cap, not at its end").to.be.below(12 * MiB);
      expect(rowsOf(stack.patient2.address), "nothing counted for the refused upload").to.equal(rowsBefore);
      held.drop();
      await held.outcome;
      // Its bytes are free again.
      const after = await sendWhole(record);
      expect(after.status, JSON.stringify(after.body)).to.equal(201);
    });

    it("has the caps in the configuration: 2 per address, 8 x the largest upload in bytes, at least one upload", () => {
      const defaults = loadConfig({});
      expect(defaults.maxUploadsInFlightPerAddress).to.equal(2);
      expect(defaults.maxUploadBytesInFlight).to.equal(8 * DECLARED);
      expect(loadConfig({ EHR_MAX_UPLOADS_IN_FLIGHT: "5" }).maxUploadsInFlightPerAddress).to.equal(5);
      expect(() => loadConfig({ EHR_MAX_UPLOAD_BYTES_IN_FLIGHT: String(DECLARED - 1) })).to.throw(/not valid/);
    });
  });
});
