import { expect } from "chai";
import { createDecipheriv, randomBytes as nodeRandomBytes } from "node:crypto";
import { equalBytes, randomBytes, toHex, utf8 } from "../bytes";
import { IntegrityError } from "../errors";
import { getAesGcmBackend, setAesGcmBackend, webCryptoAesGcmBackend } from "./aesGcm";
import type { AesGcmBackend } from "./aesGcm";
import { nodeAesGcmBackend, useNodeCrypto } from "./aesGcm.node";
import { ENVELOPE_HEADER_LENGTH, generateDataKey, openEnvelope, readEnvelopeHeader, sealEnvelope } from "./envelope";
import { newRecordId } from "./identity";
import type { RecordIdentity } from "./identity";
import { rejection } from "../testing/rejection";

const identity: RecordIdentity = {
  chainId: 31337,
  contract: "0x5fbdb2315678afecb367f032d93f642f64180aa3",
  patient: "0x70997970c51812dc3a010c7d01b50e0d17dc79c8",
  recordId: newRecordId(),
  category: 3,
  part: "report",
};
const INTEGRITY_MESSAGE = "This record cannot be decrypted: it was altered or the key is wrong.";

function altered(bytes: Uint8Array, index: number): Uint8Array {
  const copy = bytes.slice();
  copy[index] ^= 0x01;
  return copy;
}

async function sealWith(backend: AesGcmBackend, ...args: Parameters<typeof sealEnvelope>): Promise<Uint8Array> {
  setAesGcmBackend(backend);
  return sealEnvelope(...args);
}

async function openWith(backend: AesGcmBackend, ...args: Parameters<typeof openEnvelope>) {
  setAesGcmBackend(backend);
  return openEnvelope(...args);
}

describe("crypto/aesGcm.node (node:crypto backend)", () => {
  const dataKey = generateDataKey();
  const original = getAesGcmBackend();
  afterEach(() => setAesGcmBackend(original));

  it("is off until useNodeCrypto() installs it", () => {
    expect(getAesGcmBackend()).to.equal(webCryptoAesGcmBackend);
    useNodeCrypto();
    expect(getAesGcmBackend()).to.equal(nodeAesGcmBackend);
    expect(getAesGcmBackend().name).to.equal("node");
  });

  it("refuses a backend without seal and open", () => {
    for (const bad of [null, {}, { seal() {} }, "node"]) {
      expect(() => setAesGcmBackend(bad as unknown as AesGcmBackend)).to.throw(TypeError);
    }
    expect(getAesGcmBackend()).to.equal(original);
  });

  const contents: [string, Uint8Array][] = [
    ["empty content", new Uint8Array(0)],
    ["UTF-8 text", utf8("Allergy: penicillin — Größe 1,80 m")],
    ["100 KB of random bytes", randomBytes(100_000)],
    // Several seal slices, and past one update's 4 MiB when opened (decrypted in place, in slices).
    ["5 MB of random bytes", new Uint8Array(nodeRandomBytes((5 << 20) + 5))],
    ["2 MB of compressible text", utf8("OBX|1|NM|2345-7^Glucose^LN||5.4|mmol/L\r".repeat(55_000))],
  ];
  const directions: [string, AesGcmBackend, AesGcmBackend][] = [
    ["node → WebCrypto", nodeAesGcmBackend, webCryptoAesGcmBackend],
    ["WebCrypto → node", webCryptoAesGcmBackend, nodeAesGcmBackend],
    ["node → node", nodeAesGcmBackend, nodeAesGcmBackend],
  ];
  for (const [name, plaintext] of contents) {
    for (const compress of ["never", "always"] as const) {
      for (const [direction, sealer, opener] of directions) {
        it(`${direction}: round-trips ${name} (compress: ${compress})`, async () => {
          const before = toHex(plaintext);
          const envelope = await sealWith(sealer, plaintext, dataKey, identity, {
            compress,
            mediaType: "text/plain",
            fileName: "lab.txt",
          });
          expect(toHex(plaintext)).to.equal(before);
          expect(readEnvelopeHeader(envelope).compressed).to.equal(compress === "always");
          const opened = await openWith(opener, envelope, dataKey, identity);
          expect(opened.mediaType).to.equal("text/plain");
          expect(opened.fileName).to.equal("lab.txt");
          expect(equalBytes(opened.plaintext, plaintext)).to.equal(true);
          expect(Object.getPrototypeOf(opened.plaintext)).to.equal(Uint8Array.prototype); // not a Buffer
        });
      }
    }
  }

  it("writes byte-for-byte the WebCrypto format (same key, IV and header give the same bytes)", async () => {
    const envelope = await sealWith(nodeAesGcmBackend, randomBytes(5000), dataKey, identity, { compress: "never" });
    const header = envelope.subarray(0, ENVELOPE_HEADER_LENGTH);
    const iv = envelope.subarray(72, ENVELOPE_HEADER_LENGTH);
    // Decrypt with node:crypto directly, then re-encrypt the plaintext with each backend.
    const decipher = createDecipheriv("aes-256-gcm", dataKey, iv);
    decipher.setAAD(header);
    decipher.setAuthTag(envelope.subarray(envelope.length - 16));
    const inner = new Uint8Array(
      Buffer.concat([
        decipher.update(envelope.subarray(ENVELOPE_HEADER_LENGTH, envelope.length - 16)),
        decipher.final(),
      ]),
    );
    const viaWeb = new Uint8Array(inner.length + 16);
    const viaNode = new Uint8Array(inner.length + 16);
    await webCryptoAesGcmBackend.seal(dataKey, iv, header, [inner], viaWeb);
    await nodeAesGcmBackend.seal(dataKey, iv, header, [inner.subarray(0, 7), inner.subarray(7)], viaNode);
    expect(toHex(viaNode)).to.equal(toHex(viaWeb));
    expect(toHex(viaNode)).to.equal(toHex(envelope.subarray(ENVELOPE_HEADER_LENGTH)));
  });

  it("refuses an output of the wrong size with a RangeError", async () => {
    for (const backend of [nodeAesGcmBackend, webCryptoAesGcmBackend]) {
      await rejection(
        backend.seal(dataKey, new Uint8Array(12), new Uint8Array(0), [new Uint8Array(10)], new Uint8Array(25)),
        RangeError,
      );
    }
  });

  describe("tampering, with the node backend", () => {
    let envelope: Uint8Array;
    before(async () => {
      setAesGcmBackend(nodeAesGcmBackend);
      envelope = await sealEnvelope(utf8("Diagnosis: type 2 diabetes"), dataKey, identity, { compress: "never" });
    });

    it("refuses a changed header, IV, ciphertext or tag byte with the same IntegrityError", async () => {
      useNodeCrypto();
      const positions = [5, 72, 83, 84, 90, envelope.length - 17, envelope.length - 16, envelope.length - 1];
      for (const position of positions) {
        const tampered = altered(envelope, position);
        const expected = position === 5 ? identity : readEnvelopeHeader(tampered).identity;
        const error = await rejection(openEnvelope(tampered, dataKey, expected), IntegrityError);
        expect(error.shortMessage).to.equal(INTEGRITY_MESSAGE);
      }
    });

    it("refuses the wrong key, truncation and extra bytes with an IntegrityError", async () => {
      useNodeCrypto();
      const wrongKey = await rejection(openEnvelope(envelope, generateDataKey(), identity), IntegrityError);
      expect(wrongKey.shortMessage).to.equal(INTEGRITY_MESSAGE);
      for (const length of [100, envelope.length - 16, envelope.length - 1]) {
        await rejection(openEnvelope(envelope.slice(0, length), dataKey, identity), IntegrityError);
      }
      const longer = new Uint8Array(envelope.length + 16);
      longer.set(envelope);
      await rejection(openEnvelope(longer, dataKey, identity), IntegrityError);
      await rejection(
        nodeAesGcmBackend.open(dataKey, new Uint8Array(12), new Uint8Array(0), new Uint8Array(15)),
        IntegrityError,
      );
    });

    it("refuses a 5 MB envelope (opened in place, in slices) with one changed byte, and leaves it unchanged", async () => {
      useNodeCrypto();
      const large = await sealEnvelope(new Uint8Array(nodeRandomBytes(5 << 20)), dataKey, identity, {
        compress: "never",
      });
      for (const position of [200, large.length >> 1, large.length - 1]) {
        const tampered = altered(large, position);
        const before = toHex(tampered);
        const error = await rejection(openEnvelope(tampered, dataKey, identity), IntegrityError);
        expect(error.shortMessage).to.equal(INTEGRITY_MESSAGE);
        expect(toHex(tampered)).to.equal(before);
      }
    });

    it("leaves the envelope unchanged", async () => {
      useNodeCrypto();
      const before = toHex(envelope);
      await rejection(openEnvelope(altered(envelope, 90), dataKey, identity), IntegrityError);
      await openEnvelope(envelope, dataKey, identity);
      expect(toHex(envelope)).to.equal(before);
    });
  });
});
