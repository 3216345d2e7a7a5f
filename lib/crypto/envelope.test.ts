import { expect } from "chai";
import { equalBytes, fromHex, randomBytes, sha256, toHex, utf8 } from "../bytes";
import { BindingError, FormatError, IntegrityError } from "../errors";
import {
  ENVELOPE_HEADER_LENGTH,
  ENVELOPE_MAGIC,
  envelopeHash,
  generateDataKey,
  generateIv,
  openEnvelope,
  readEnvelopeHeader,
  sealEnvelope,
  verifyEnvelopeHash,
} from "./envelope";
import { encodeIdentity, newRecordId } from "./identity";
import type { RecordIdentity } from "./identity";
import { rejection } from "../testing/rejection";
import { localRecordIdentity } from "../testing/recordIdentity";
import { thrown } from "../testing/thrown";

const identity = localRecordIdentity({ recordId: "0x0123456789abcdef0123456789abcdef" });

function altered(bytes: Uint8Array, index: number, change: (b: number) => number = (b) => b ^ 0x01): Uint8Array {
  const copy = bytes.slice();
  copy[index] = change(copy[index]);
  return copy;
}

/** The bytes `needle` appear somewhere in `haystack`. */
function contains(haystack: Uint8Array, needle: Uint8Array): boolean {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

/** An envelope around an arbitrary inner plaintext, as a broken writer could make one. */
async function envelopeAround(inner: Uint8Array, dataKey: Uint8Array, flags = 0): Promise<Uint8Array> {
  const header = new Uint8Array(ENVELOPE_HEADER_LENGTH);
  header.set(ENVELOPE_MAGIC, 0);
  header[4] = 1;
  header[5] = flags;
  header.set(encodeIdentity(identity), 6);
  const iv = generateIv();
  header.set(iv, 72);
  const key = await crypto.subtle.importKey("raw", dataKey as BufferSource, "AES-GCM", false, ["encrypt"]);
  const ciphertext = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv: iv as BufferSource, additionalData: header as BufferSource },
    key,
    inner as BufferSource,
  );
  const out = new Uint8Array(header.length + ciphertext.byteLength);
  out.set(header);
  out.set(new Uint8Array(ciphertext), header.length);
  return out;
}

function innerOf(meta: string, content: Uint8Array): Uint8Array {
  const json = utf8(meta);
  const inner = new Uint8Array(4 + json.length + content.length);
  new DataView(inner.buffer).setUint32(0, json.length);
  inner.set(json, 4);
  inner.set(content, 4 + json.length);
  return inner;
}

const INTEGRITY_MESSAGE = "cannot be decrypted: it was altered or the key is wrong";

describe("crypto/envelope", () => {
  const dataKey = generateDataKey();

  describe("generateDataKey and generateIv", () => {
    it("returns 32 random bytes per key and 12 per IV", () => {
      const a = generateDataKey();
      const b = generateDataKey();
      expect(a).to.be.instanceOf(Uint8Array);
      expect(a.length).to.equal(32);
      expect(toHex(a)).to.not.equal(toHex(b));
      expect(generateIv().length).to.equal(12);
    });

    it("never repeats an IV over 100,000 draws", () => {
      const seen = new Set<string>();
      for (let i = 0; i < 100_000; i++) seen.add(toHex(generateIv()));
      expect(seen.size).to.equal(100_000);
    });

    it("gives every sealed envelope its own IV (2,000 seals of the same input under one key)", async () => {
      const seen = new Set<string>();
      const input = utf8("x");
      for (let batch = 0; batch < 20; batch++) {
        const envelopes = await Promise.all(
          Array.from({ length: 100 }, () => sealEnvelope(input, dataKey, identity, { compress: "never" })),
        );
        for (const envelope of envelopes) seen.add(toHex(readEnvelopeHeader(envelope).iv));
      }
      expect(seen.size).to.equal(2000);
    });
  });

  describe("sealEnvelope and openEnvelope", () => {
    const cases: [string, Uint8Array][] = [
      ["empty content", new Uint8Array(0)],
      ["one byte", new Uint8Array([0x2a])],
      ["UTF-8 text", utf8("Blood pressure 120/80 mmHg — Größe 1,80 m — 血压正常")],
      ["every byte value", Uint8Array.from({ length: 512 }, (_, i) => i % 256)],
      ["compressible text (100 KB)", utf8("Observation: glucose 5.4 mmol/L\n".repeat(3200))],
      ["incompressible bytes (100 KB)", randomBytes(100_000)],
      ["1 MB of random bytes", randomBytes(1 << 20)],
      ["1 MB of compressible bytes", utf8("a".repeat(1 << 20))],
    ];
    for (const [name, plaintext] of cases) {
      for (const compress of ["auto", "always", "never"] as const) {
        it(`round-trips ${name} (compress: ${compress})`, async () => {
          const envelope = await sealEnvelope(plaintext, dataKey, identity, { compress, mediaType: "text/plain" });
          const opened = await openEnvelope(envelope, dataKey, identity);
          expect(opened.plaintext.length).to.equal(plaintext.length);
          expect(equalBytes(opened.plaintext, plaintext)).to.equal(true);
          expect(opened.mediaType).to.equal("text/plain");
          expect(opened).to.not.have.property("fileName");
          const header = readEnvelopeHeader(envelope);
          if (compress === "always") expect(header.compressed).to.equal(true);
          if (compress === "never") expect(header.compressed).to.equal(false);
          if (compress === "auto" && header.compressed) {
            expect(envelope.length).to.be.lessThan(plaintext.length + ENVELOPE_HEADER_LENGTH + 16);
          }
        });
      }
    }

    it('"auto" compresses what shrinks and keeps incompressible content as is', async () => {
      const text = utf8("Condition: type 2 diabetes mellitus, controlled.\n".repeat(2000));
      const sealedText = await sealEnvelope(text, dataKey, identity);
      expect(readEnvelopeHeader(sealedText).compressed).to.equal(true);
      expect(readEnvelopeHeader(sealedText).flags).to.equal(1);
      expect(sealedText.length).to.be.lessThan(text.length / 10);

      const noise = randomBytes(3 << 20);
      const sealedNoise = await sealEnvelope(noise, dataKey, identity);
      expect(readEnvelopeHeader(sealedNoise).compressed).to.equal(false);
      expect(readEnvelopeHeader(sealedNoise).flags).to.equal(0);
      const small = randomBytes(1000);
      expect(readEnvelopeHeader(await sealEnvelope(small, dataKey, identity)).compressed).to.equal(false);
    });

    it("keeps the media type and file name inside the ciphertext", async () => {
      const plaintext = utf8("Patient: Jane Doe, HIV positive");
      const fileName = "jane-doe-lab-report-ünïcode.pdf";
      const envelope = await sealEnvelope(plaintext, dataKey, identity, {
        mediaType: "application/fhir+json",
        fileName,
        compress: "never",
      });
      expect(contains(envelope, plaintext)).to.equal(false);
      expect(contains(envelope, utf8("Jane"))).to.equal(false);
      expect(contains(envelope, utf8(fileName))).to.equal(false);
      expect(contains(envelope, utf8("fhir"))).to.equal(false);
      const opened = await openEnvelope(envelope, dataKey, identity);
      expect(opened.mediaType).to.equal("application/fhir+json");
      expect(opened.fileName).to.equal(fileName);
    });

    it("defaults the media type to application/octet-stream", async () => {
      const envelope = await sealEnvelope(utf8("x"), dataKey, identity);
      expect((await openEnvelope(envelope, dataKey, identity)).mediaType).to.equal("application/octet-stream");
    });

    it("seals the same content differently each time (fresh IV)", async () => {
      const a = await sealEnvelope(utf8("same"), dataKey, identity);
      const b = await sealEnvelope(utf8("same"), dataKey, identity);
      expect(toHex(a)).to.not.equal(toHex(b));
    });

    it("leaves the caller's plaintext unchanged", async () => {
      const plaintext = randomBytes(4096);
      const before = toHex(plaintext);
      await sealEnvelope(plaintext, dataKey, identity, { compress: "always" });
      await sealEnvelope(plaintext, dataKey, identity, { compress: "never" });
      expect(toHex(plaintext)).to.equal(before);
    });

    it("opens an envelope expected with addresses in another hex case", async () => {
      const envelope = await sealEnvelope(utf8("x"), dataKey, identity);
      const lower = {
        ...identity,
        contract: identity.contract.toLowerCase() as `0x${string}`,
        patient: identity.patient.toUpperCase().replace("0X", "0x") as `0x${string}`,
        recordId: identity.recordId.toUpperCase().replace("0X", "0x") as `0x${string}`,
      };
      expect(fromHex(toHex((await openEnvelope(envelope, dataKey, lower)).plaintext))).to.deep.equal(utf8("x"));
    });

    it("seals a summary part and a large chain id", async () => {
      const summary: RecordIdentity = { ...identity, part: "summary", chainId: 2 ** 53 - 1, category: 31 };
      const envelope = await sealEnvelope(utf8("summary"), dataKey, summary);
      expect(readEnvelopeHeader(envelope).identity).to.deep.equal({
        ...summary,
        contract: summary.contract.toLowerCase(),
        patient: summary.patient.toLowerCase(),
      });
      expect((await openEnvelope(envelope, dataKey, summary)).plaintext).to.deep.equal(utf8("summary"));
    });

    it("refuses an invalid identity, key or options with a FormatError", async () => {
      const bad: [string, Partial<Record<keyof RecordIdentity, unknown>>][] = [
        ["chainId", { chainId: 0 }],
        ["chainId", { chainId: 1.5 }],
        ["chainId", { chainId: 2 ** 53 }],
        ["contract", { contract: "0x1234" }],
        ["contract", { contract: "5FbDB2315678afecb367f032d93F642f64180aa3" }],
        ["patient", { patient: "0xzz997970C51812dc3A010C7d01b50e0d17dc79C8" }],
        ["recordId", { recordId: "0x0123" }],
        ["category", { category: 32 }],
        ["category", { category: -1 }],
        ["part", { part: "full" }],
      ];
      for (const [field, change] of bad) {
        const error = await rejection(
          sealEnvelope(utf8("x"), dataKey, { ...identity, ...change } as RecordIdentity),
          FormatError,
        );
        expect(error.details).to.contain(field);
      }
      await rejection(sealEnvelope(utf8("x"), new Uint8Array(16), identity), FormatError);
      await rejection(sealEnvelope("text" as unknown as Uint8Array, dataKey, identity), FormatError);
      await rejection(sealEnvelope(utf8("x"), dataKey, identity, { mediaType: "" }), FormatError);
      await rejection(sealEnvelope(utf8("x"), dataKey, identity, { fileName: 7 as unknown as string }), FormatError);
      await rejection(
        sealEnvelope(utf8("x"), dataKey, identity, { compress: "yes" as unknown as "auto" }),
        FormatError,
      );
    });
  });

  describe("readEnvelopeHeader", () => {
    it("reads magic, version, flags, identity and IV in the documented layout", async () => {
      const envelope = await sealEnvelope(utf8("hello"), dataKey, identity, { compress: "never" });
      expect(toHex(envelope.subarray(0, 4))).to.equal("0x45485245"); // "EHRE"
      expect(envelope[4]).to.equal(1);
      expect(envelope[5]).to.equal(0);
      expect(toHex(envelope.subarray(6, 72))).to.equal(toHex(encodeIdentity(identity)));
      const header = readEnvelopeHeader(envelope);
      expect(header.version).to.equal(1);
      expect(header.flags).to.equal(0);
      expect(header.compressed).to.equal(false);
      expect(header.identity).to.deep.equal({
        ...identity,
        contract: identity.contract.toLowerCase(),
        patient: identity.patient.toLowerCase(),
      });
      expect(toHex(header.iv)).to.equal(toHex(envelope.subarray(72, 84)));
      expect(header.ciphertextLength).to.equal(envelope.length - 84);
    });

    it("encodes the identity canonically (big-endian, fixed width)", () => {
      const bytes = encodeIdentity({ ...identity, chainId: 0x0102030405, category: 9, part: "summary" });
      expect(bytes.length).to.equal(66);
      expect(toHex(bytes.subarray(0, 8))).to.equal("0x0000000102030405");
      expect(toHex(bytes.subarray(8, 28))).to.equal(identity.contract.toLowerCase());
      expect(toHex(bytes.subarray(28, 48))).to.equal(identity.patient.toLowerCase());
      expect(toHex(bytes.subarray(48, 64))).to.equal(identity.recordId);
      expect(bytes[64]).to.equal(9);
      expect(bytes[65]).to.equal(1);
    });

    it("refuses what is not an envelope", () => {
      thrown(() => readEnvelopeHeader(new Uint8Array(0)), FormatError);
      thrown(() => readEnvelopeHeader(utf8("%PDF-1.7 not an envelope at all, just some bytes here ...")), FormatError);
      thrown(() => readEnvelopeHeader("EHRE" as unknown as Uint8Array), FormatError);
    });
  });

  describe("tampering", () => {
    let envelope: Uint8Array;
    const plaintext = utf8("Allergy: penicillin (anaphylaxis)");
    before(async () => {
      envelope = await sealEnvelope(plaintext, dataKey, identity, { compress: "never" });
    });

    it("refuses a changed magic byte with a FormatError", async () => {
      for (let i = 0; i < 4; i++) {
        const error = await rejection(openEnvelope(altered(envelope, i), dataKey, identity), FormatError);
        expect(error.shortMessage).to.match(/not an encrypted record/);
      }
    });

    it("refuses an unknown version with a FormatError", async () => {
      for (const version of [0, 2, 255]) {
        const error = await rejection(
          openEnvelope(
            altered(envelope, 4, () => version),
            dataKey,
            identity,
          ),
          FormatError,
        );
        expect(error.shortMessage).to.match(/format version/);
      }
    });

    it("refuses unknown flags with a FormatError and a flipped compression flag with an IntegrityError", async () => {
      for (const flags of [0x02, 0x80, 0xff]) {
        await rejection(
          openEnvelope(
            altered(envelope, 5, () => flags),
            dataKey,
            identity,
          ),
          FormatError,
        );
      }
      await rejection(
        openEnvelope(
          altered(envelope, 5, () => 0x01),
          dataKey,
          identity,
        ),
        IntegrityError,
      );
    });

    const fields: [keyof RecordIdentity, number][] = [
      ["chainId", 6 + 7],
      ["contract", 6 + 8],
      ["patient", 6 + 28 + 19],
      ["recordId", 6 + 48 + 5],
      ["category", 6 + 64],
      ["part", 6 + 65],
    ];
    for (const [field, offset] of fields) {
      it(`binds ${field}: a changed header fails, whichever identity is expected`, async () => {
        const tampered = altered(envelope, offset);
        // Expecting the original record: the header names another one.
        const binding = await rejection(openEnvelope(tampered, dataKey, identity), BindingError);
        expect(binding.details).to.contain(field);
        // Expecting what the altered header claims: the associated data no longer matches.
        const claimed = readEnvelopeHeader(tampered).identity;
        const integrity = await rejection(openEnvelope(tampered, dataKey, claimed), IntegrityError);
        expect(integrity.shortMessage).to.contain(INTEGRITY_MESSAGE);
      });
    }

    it("refuses header identity values out of range with a FormatError", async () => {
      await rejection(
        openEnvelope(
          altered(envelope, 6 + 64, () => 32),
          dataKey,
          identity,
        ),
        FormatError,
      );
      await rejection(
        openEnvelope(
          altered(envelope, 6 + 65, () => 2),
          dataKey,
          identity,
        ),
        FormatError,
      );
      const zeroChain = envelope.slice();
      zeroChain.fill(0, 6, 14);
      await rejection(openEnvelope(zeroChain, dataKey, identity), FormatError);
      await rejection(
        openEnvelope(
          altered(envelope, 6, () => 0xff),
          dataKey,
          identity,
        ),
        FormatError,
      );
    });

    it("refuses a changed IV, ciphertext byte or tag byte with an IntegrityError", async () => {
      const positions = [72, 78, 83, 84, 84 + 10, envelope.length - 17, envelope.length - 16, envelope.length - 1];
      for (const position of positions) {
        const error = await rejection(openEnvelope(altered(envelope, position), dataKey, identity), IntegrityError);
        expect(error.shortMessage).to.contain(INTEGRITY_MESSAGE);
      }
    });

    it("refuses truncated input", async () => {
      for (const length of [0, 1, 3, 4, 5, 6, 40, 71, 72, 83, 84, 90, 99]) {
        await rejection(openEnvelope(envelope.slice(0, length), dataKey, identity), FormatError);
      }
      for (const length of [100, 110, envelope.length - 16, envelope.length - 1]) {
        await rejection(openEnvelope(envelope.slice(0, length), dataKey, identity), IntegrityError);
      }
    });

    it("refuses extra bytes appended", async () => {
      for (const extra of [1, 16, 1000]) {
        const longer = new Uint8Array(envelope.length + extra);
        longer.set(envelope);
        await rejection(openEnvelope(longer, dataKey, identity), IntegrityError);
      }
    });

    it("refuses the wrong data key with an IntegrityError and a malformed one with a FormatError", async () => {
      const error = await rejection(openEnvelope(envelope, generateDataKey(), identity), IntegrityError);
      expect(error.shortMessage).to.equal("This record cannot be decrypted: it was altered or the key is wrong.");
      await rejection(openEnvelope(envelope, dataKey.subarray(0, 31), identity), FormatError);
      await rejection(openEnvelope(envelope, new Uint8Array(33), identity), FormatError);
    });

    it("leaves the envelope it was given unchanged", async () => {
      const before = toHex(envelope);
      await rejection(openEnvelope(envelope, generateDataKey(), identity), IntegrityError);
      await openEnvelope(envelope, dataKey, identity);
      expect(toHex(envelope)).to.equal(before);
    });
  });

  describe("openEnvelope with another expected identity", () => {
    const others: [keyof RecordIdentity, Partial<RecordIdentity>][] = [
      ["chainId", { chainId: 1 }],
      ["contract", { contract: "0xe7f1725e7734ce288f8367e1bb143e90bb3f0512" }],
      ["patient", { patient: "0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc" }],
      ["recordId", { recordId: newRecordId() }],
      ["category", { category: 7 }],
      ["part", { part: "summary" }],
    ];
    for (const [field, change] of others) {
      it(`refuses another ${field} with a BindingError naming the field, not its value`, async () => {
        const envelope = await sealEnvelope(utf8("x"), dataKey, identity);
        const error = await rejection(openEnvelope(envelope, dataKey, { ...identity, ...change }), BindingError);
        expect(error.details).to.equal(`envelope identity differs in: ${field}`);
        expect(error.message).to.not.contain(identity.patient.toLowerCase().slice(2));
        expect(error.message).to.not.contain(identity.patient.slice(2));
      });
    }

    it("refuses a malformed expected identity with a FormatError", async () => {
      const envelope = await sealEnvelope(utf8("x"), dataKey, identity);
      await rejection(openEnvelope(envelope, dataKey, { ...identity, category: 99 }), FormatError);
    });
  });

  describe("authenticated but malformed content (a broken writer)", () => {
    it("refuses bad metadata or a bad gzip stream with a FormatError", async () => {
      const inners: [Uint8Array, number][] = [
        [new Uint8Array(0), 0],
        [new Uint8Array([0, 0, 0]), 0],
        [new Uint8Array([0, 0, 1, 0, 1, 2]), 0],
        [innerOf("not json", new Uint8Array(0)), 0],
        [innerOf('{"fileName":"a"}', new Uint8Array(0)), 0],
        [innerOf('{"mediaType":"text/plain","fileName":3}', new Uint8Array(0)), 0],
        [innerOf("null", new Uint8Array(0)), 0],
        [innerOf('{"mediaType":"text/plain"}', utf8("not gzip")), 1],
      ];
      for (const [inner, flags] of inners) {
        await rejection(openEnvelope(await envelopeAround(inner, dataKey, flags), dataKey, identity), FormatError);
      }
      // The helper itself makes openable envelopes.
      const good = await envelopeAround(innerOf('{"mediaType":"text/plain"}', utf8("ok")), dataKey);
      expect((await openEnvelope(good, dataKey, identity)).plaintext).to.deep.equal(utf8("ok"));
    });
  });

  describe("decompression limit", () => {
    it("refuses compressed content that would exceed maxPlaintextBytes with a FormatError", async () => {
      const plaintext = new Uint8Array(4 << 20); // zeros: about 4 KB once compressed
      const envelope = await sealEnvelope(plaintext, dataKey, identity);
      expect(envelope.length).to.be.below(10_000);
      const error = await rejection(
        openEnvelope(envelope, dataKey, identity, { maxPlaintextBytes: 1 << 20 }),
        FormatError,
      );
      expect(error.shortMessage).to.match(/larger than this app accepts/);
      const opened = await openEnvelope(envelope, dataKey, identity, { maxPlaintextBytes: 4 << 20 });
      expect(opened.plaintext.length).to.equal(4 << 20);
      expect((await openEnvelope(envelope, dataKey, identity)).plaintext.length).to.equal(4 << 20);
    });
  });

  describe("envelopeHash and verifyEnvelopeHash", () => {
    it("hashes the whole envelope with SHA-256", async () => {
      const envelope = await sealEnvelope(utf8("x"), dataKey, identity);
      const hash = await envelopeHash(envelope);
      expect(hash).to.match(/^0x[0-9a-f]{64}$/);
      expect(hash).to.equal(toHex(await sha256(envelope)));
      await verifyEnvelopeHash(envelope, hash);
      await verifyEnvelopeHash(envelope, hash.toUpperCase().replace("0X", "0x") as `0x${string}`);
    });

    it("refuses a changed envelope or another hash with an IntegrityError", async () => {
      const envelope = await sealEnvelope(utf8("x"), dataKey, identity);
      const hash = await envelopeHash(envelope);
      for (const position of [0, 50, envelope.length - 1]) {
        await rejection(verifyEnvelopeHash(altered(envelope, position), hash), IntegrityError);
      }
      await rejection(verifyEnvelopeHash(envelope.subarray(0, envelope.length - 1), hash), IntegrityError);
      const other = toHex(altered(fromHex(hash), 31));
      const error = await rejection(verifyEnvelopeHash(envelope, other), IntegrityError);
      expect(error.shortMessage).to.match(/does not match the hash recorded on-chain/);
    });

    it("refuses a malformed expected hash with a FormatError", async () => {
      const envelope = await sealEnvelope(utf8("x"), dataKey, identity);
      for (const bad of ["", "0x", "0x1234", `0x${"g".repeat(64)}`, "ab".repeat(32), `0x${"00".repeat(33)}`]) {
        await rejection(verifyEnvelopeHash(envelope, bad as `0x${string}`), FormatError);
      }
    });
  });
});
