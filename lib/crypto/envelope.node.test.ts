import { expect } from "chai";
import { createHash, randomBytes as nodeRandomBytes } from "node:crypto";
import { equalBytes, toHex } from "../bytes";
import { IntegrityError } from "../errors";
import {
  ENVELOPE_HEADER_LENGTH,
  envelopeHash,
  generateDataKey,
  openEnvelope,
  readEnvelopeHeader,
  sealEnvelope,
  verifyEnvelopeHash,
} from "./envelope";
import { localRecordIdentity } from "../testing/recordIdentity";

const identity = localRecordIdentity({ category: 8 });

describe("crypto/envelope (Node only: heavy)", () => {
  it("round-trips a 50 MB report and verifies its hash", async () => {
    const dataKey = generateDataKey();
    const report = new Uint8Array(nodeRandomBytes(50 * 1024 * 1024));
    const envelope = await sealEnvelope(report, dataKey, identity, { mediaType: "application/dicom" });
    expect(readEnvelopeHeader(envelope).compressed).to.equal(false);
    expect(envelope.length).to.be.below(report.length + ENVELOPE_HEADER_LENGTH + 16 + 64);

    const hash = await envelopeHash(envelope);
    expect(hash).to.equal(`0x${createHash("sha256").update(envelope).digest("hex")}`);
    await verifyEnvelopeHash(envelope, hash);

    const opened = await openEnvelope(envelope, dataKey, identity);
    expect(opened.mediaType).to.equal("application/dicom");
    expect(opened.plaintext.length).to.equal(report.length);
    expect(equalBytes(opened.plaintext, report)).to.equal(true);

    envelope[envelope.length >> 1] ^= 0x01;
    try {
      await verifyEnvelopeHash(envelope, hash);
      expect.fail("the altered envelope passed its hash check");
    } catch (error) {
      expect(error).to.be.instanceOf(IntegrityError);
    }
  });

  it("round-trips a 50 MB compressible report, compressed", async () => {
    const dataKey = generateDataKey();
    const line = new TextEncoder().encode("OBX|1|NM|2345-7^Glucose^LN||5.4|mmol/L|3.9-5.8|N|||F\r");
    const report = new Uint8Array(50 * 1024 * 1024);
    for (let i = 0; i < report.length; i += line.length) report.set(line.subarray(0, report.length - i), i);
    const envelope = await sealEnvelope(report, dataKey, identity);
    expect(readEnvelopeHeader(envelope).compressed).to.equal(true);
    expect(envelope.length).to.be.below(report.length / 20);
    const opened = await openEnvelope(envelope, dataKey, identity);
    expect(equalBytes(opened.plaintext, report)).to.equal(true);
  });

  it("never repeats an IV over 100,000 real encryptions under one key", async () => {
    const dataKey = generateDataKey();
    const seen = new Set<string>();
    const input = new Uint8Array([1]);
    for (let batch = 0; batch < 100; batch++) {
      const envelopes = await Promise.all(
        Array.from({ length: 1000 }, () => sealEnvelope(input, dataKey, identity, { compress: "never" })),
      );
      for (const envelope of envelopes) seen.add(toHex(envelope.subarray(72, 84)));
    }
    expect(seen.size).to.equal(100_000);
  });
});
