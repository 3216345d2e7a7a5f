import { expect } from "chai";
import { randomBytes, utf8 } from "../../lib/bytes";
import { useNodeCrypto } from "../../lib/crypto/aesGcm.node";
import { ENVELOPE_HEADER_LENGTH, generateDataKey, sealEnvelope } from "../../lib/crypto/envelope";
import { newRecordId, type RecordIdentity } from "../../lib/crypto/identity";
import {
  binomialLogTails,
  CiphertextCheck,
  ciphertextRefusal,
  compressionMargin,
  FALSE_REFUSAL,
  MIN_CIPHERTEXT_LENGTH,
  PRINTABLE_PROBABILITY,
  printableThreshold,
  repeatThreshold,
} from "./ciphertextCheck";

const identity = (): RecordIdentity => ({
  chainId: 31337,
  contract: "0x5fbdb2315678afecb367f032d93f642f64180aa3",
  patient: "0x15d34aaf54267db7d7c367839aaf71a00a2c6a65",
  recordId: newRecordId(),
  category: 3,
  part: "report",
});

/** Words of a clinical note, to make clear text of any length. */
const WORDS = "the patient is HIV positive viral load copies per mL started on ART allergic to penicillin rash".split(
  " ",
);
function clearText(length: number): Uint8Array {
  let text = "";
  while (text.length < length) text += `${WORDS[Math.floor(Math.random() * WORDS.length)]} `;
  return utf8(text.slice(0, length));
}
function utf8Text(length: number): Uint8Array {
  const words = ["пациент", "жалобы", "на", "боль", "в", "груди", "患者", "胸痛", "发热", "ВИЧ", "положительный"];
  const parts: string[] = [];
  // Every word is at least 2 bytes a character, so `length` characters are enough.
  for (let chars = 0; chars < length; chars += parts[parts.length - 1].length) {
    parts.push(`${words[Math.floor(Math.random() * words.length)]} `);
  }
  return utf8(parts.join("")).subarray(0, length);
}

describe("ciphertextCheck: does an envelope's body look like AES-GCM output?", () => {
  before(() => useNodeCrypto());

  describe("thresholds, from the exact distributions", () => {
    it("sums binomial tails exactly (checked against closed forms)", () => {
      const tails = binomialLogTails(10, 0.5);
      expect(Math.exp(tails[8])).to.be.closeTo(56 / 1024, 1e-12);
      expect(Math.exp(tails[0])).to.be.closeTo(1, 1e-12);
      expect(Math.exp(tails[10])).to.be.closeTo(1 / 1024, 1e-15);
      const printable = binomialLogTails(40, PRINTABLE_PROBABILITY);
      expect(printable[40]).to.be.closeTo(40 * Math.log(PRINTABLE_PROBABILITY), 1e-9);
    });

    it("refuses a window only where random bytes get with probability under the budget", () => {
      for (const [length, alpha] of [
        [37, 2 ** -51],
        [100, 2 ** -51],
        [256, 2 ** -51],
        [256, 2 ** -70],
      ] as const) {
        const k = printableThreshold(length, alpha);
        const tails = binomialLogTails(length, PRINTABLE_PROBABILITY);
        expect(tails[k]).to.be.at.most(Math.log(alpha));
        if (k > 0) expect(tails[k - 1]).to.be.above(Math.log(alpha));
      }
      // Too short to tell: never refused on the printable count.
      expect(printableThreshold(30, 2 ** -51)).to.equal(31);
    });

    it("refuses a repeated byte value only where random bytes get, for any of the 256 values, under the budget", () => {
      for (const [length, alpha] of [
        [37, 2 ** -52],
        [256, 2 ** -52],
        [256, 2 ** -75],
      ] as const) {
        const k = repeatThreshold(length, alpha);
        const tails = binomialLogTails(length, 1 / 256);
        // A union bound over the 256 values.
        expect(Math.log(256) + tails[k]).to.be.at.most(Math.log(alpha));
        expect(Math.log(256) + tails[k - 1]).to.be.above(Math.log(alpha));
      }
    });

    it("asks a chunk to shrink by enough bytes that all chunks together stay under the budget", () => {
      for (const chunks of [1, 10, 800, 100_000]) {
        const s = compressionMargin(chunks, 2 ** -51);
        // At most 256^(1-s)/255 of all strings shrink by s bytes or more.
        expect((chunks * 256 ** (1 - s)) / 255).to.be.at.most(2 ** -51);
      }
      expect(FALSE_REFUSAL).to.equal(2 ** -50);
    });
  });

  describe("real ciphertext passes", () => {
    it("passes 20,000 random buffers of 37 bytes to 4 KiB, and random buffers up to 8 MiB", async function () {
      this.timeout(120_000);
      for (let i = 0; i < 20_000; i++) {
        const length = MIN_CIPHERTEXT_LENGTH + Math.floor(Math.random() * (4096 - MIN_CIPHERTEXT_LENGTH));
        const refusal = await ciphertextRefusal(randomBytes(length));
        if (refusal) expect.fail(`a random buffer of ${length} bytes was refused: ${refusal}`);
      }
      for (const length of [4097, 65_535, 65_536, 65_537, 1 << 20, 3_000_001, 8 << 20]) {
        expect(await ciphertextRefusal(randomBytes(length)), `${length} bytes`).to.equal(undefined);
      }
    });

    it("passes envelopes sealed by sealEnvelope of every size, compressed or not, clear text inside", async function () {
      this.timeout(120_000);
      const sizes = [0, 1, 2, 15, 16, 17, 100, 255, 256, 257, 1000, 4096, 65_536, 300_000, 2_500_000];
      for (const size of sizes) {
        for (const [content, compress] of [
          [randomBytes(size), "never"],
          [clearText(size), "auto"],
          [clearText(size), "never"],
          [new Uint8Array(size), "always"],
        ] as const) {
          const envelope = await sealEnvelope(content, generateDataKey(), identity(), {
            compress,
            mediaType: "text/plain",
            fileName: "report.txt",
          });
          const refusal = await ciphertextRefusal(envelope.subarray(ENVELOPE_HEADER_LENGTH));
          if (refusal) expect.fail(`an envelope of ${size} bytes (${compress}) was refused: ${refusal}`);
        }
      }
      // The smallest envelope there is: empty content, a one-letter media type.
      const smallest = await sealEnvelope(new Uint8Array(), generateDataKey(), identity(), {
        mediaType: "x",
        compress: "never",
      });
      expect(smallest.length - ENVELOPE_HEADER_LENGTH).to.equal(MIN_CIPHERTEXT_LENGTH);
      expect(await ciphertextRefusal(smallest.subarray(ENVELOPE_HEADER_LENGTH))).to.equal(undefined);
    });
  });

  describe("clear text and low-entropy bodies are refused", () => {
    it("refuses a window where one byte value repeats as often as the bound, and not once less", async () => {
      // 1 KiB: 7 windows. The window at 256 holds each byte value once, then `k` of them made 0xd0
      // (a UTF-8 lead byte, there once already): exactly k, and nothing printable or compressible.
      const threshold = repeatThreshold(256, FALSE_REFUSAL / 3 / 7);
      const body = (k: number) => {
        const region = randomBytes(1024);
        // No 0xd0 outside the window either: its count there is exactly k.
        for (let i = 0; i < region.length; i++) if (region[i] === 0xd0) region[i] = 0xd1;
        const window = Uint8Array.from({ length: 256 }, (_, i) => (i * 167) & 0xff);
        for (let i = 0, made = 1; made < k; i++) {
          if (window[i] !== 0xd0) {
            window[i] = 0xd0;
            made++;
          }
        }
        region.set(window, 256);
        return region;
      };
      expect(await ciphertextRefusal(body(threshold))).to.equal("repeated bytes");
      expect(await ciphertextRefusal(body(threshold - 1))).to.equal(undefined);
    });

    const cases: [string, (length: number) => Uint8Array][] = [
      ["ASCII text", clearText],
      ["UTF-8 text (Cyrillic and Chinese)", utf8Text],
      ["zeros", (n) => new Uint8Array(n)],
      ["a repeated 16-byte pattern", (n) => repeat(randomBytes(16), n)],
      [
        "the bytes 0 to 255 over and over (a flat histogram)",
        (n) =>
          repeat(
            Uint8Array.from({ length: 256 }, (_, i) => i),
            n,
          ),
      ],
      ["a repeated random 4 KiB block", (n) => repeat(randomBytes(4096), n)],
      ["base64 text", (n) => utf8(Buffer.from(randomBytes(n)).toString("base64")).subarray(0, n)],
      ["hex text", (n) => utf8(Buffer.from(randomBytes(n)).toString("hex")).subarray(0, n)],
      ["JSON", (n) => utf8(JSON.stringify({ diagnosis: "HIV positive", note: fromWords(n) })).subarray(0, n)],
    ];
    for (const [name, make] of cases) {
      it(`refuses ${name}`, async () => {
        for (const length of [64, 200, 1000, 10_000, 200_000]) {
          // Short bodies can only be told apart by their printable count: binary patterns from 1000 bytes.
          if (length < 1000 && /pattern|block|zeros|0 to 255|UTF-8/.test(name)) continue;
          // A 4 KiB block repeats only in a longer body.
          if (length < 8192 && /block/.test(name)) continue;
          expect(await ciphertextRefusal(make(length)), `${name}, ${length} bytes`).to.be.a("string");
        }
      });
    }

    it("refuses 50 bytes of clear text, and anything shorter than an envelope can be", async () => {
      expect(await ciphertextRefusal(utf8("HIV positive; viral load 20,000 copies/mL. On ART"))).to.be.a("string");
      expect(await ciphertextRefusal(randomBytes(MIN_CIPHERTEXT_LENGTH - 1))).to.be.a("string");
    });

    it("finds clear text hidden inside a large random body", async () => {
      for (const [hidden, at] of [
        [500, 1_000_003],
        [4000, 30_000],
        [1500, 8_000_000 - 1600],
      ]) {
        const body = randomBytes(8_000_000);
        body.set(clearText(hidden), at);
        expect(await ciphertextRefusal(body), `${hidden} bytes at ${at}`).to.be.a("string");
        const utf = randomBytes(8_000_000);
        utf.set(utf8Text(hidden * 2), at - hidden);
        expect(await ciphertextRefusal(utf), `${hidden * 2} bytes of UTF-8 at ${at - hidden}`).to.be.a("string");
      }
    });

    // brotli alone let about 1 in 3,000 of these through at 2 and 4 KiB (its sampled "worth
    // compressing?" guess): 4,000 draws each, where that failed 3 runs in 4.
    it("finds 500 bytes of UTF-8 text inside a small random body (1-2 KiB: the cheaper brotli quality; 4-8 KiB: the other)", async () => {
      for (const size of [1024, 2048, 2049, 4096, 8192]) {
        for (let trial = 0; trial < (size === 2048 || size === 4096 ? 4000 : 200); trial++) {
          const body = randomBytes(size);
          body.set(utf8Text(500), Math.floor(Math.random() * (size - 500)));
          expect(await ciphertextRefusal(body), `500 bytes of UTF-8 in ${size}`).to.be.a("string");
        }
      }
    });
  });
});

describe("CiphertextCheck: the same tests while the bytes arrive", () => {
  /** Feeds `region` in pieces of random sizes (up to `piece` bytes), as a socket delivers them. */
  const streamed = (region: Uint8Array, length: number, piece: number) => {
    const check = new CiphertextCheck(length);
    for (let available = 0; available < region.length;) {
      available = Math.min(region.length, available + 1 + Math.floor(Math.random() * piece));
      const refusal = check.advance(region, available);
      if (refusal) return { refusal, at: available };
    }
    return { refusal: check.finish(region), at: region.length };
  };

  it("refuses exactly what the whole-region check refuses, for random bytes and text of every kind and length", async () => {
    const makers = [randomBytes, clearText, utf8Text, (n: number) => repeat(randomBytes(16), n)];
    for (const length of [0, 36, 37, 100, 256, 257, 383, 384, 1000, 65_536, 65_537, 300_000]) {
      for (const make of makers) {
        const region = make(length);
        const whole = await ciphertextRefusal(region);
        for (const piece of [1, 700, 70_000]) {
          if (piece === 1 && length > 1000) continue;
          // Which test fires first may differ with the pieces; whether one fires may not.
          const refused = streamed(region, length, piece).refusal !== undefined;
          expect(refused, `${make.name} ${length} in pieces of ${piece}`).to.equal(whole !== undefined);
        }
      }
    }
  });

  it("refuses clear text at the window where it starts, not at the end", () => {
    const region = randomBytes(4_000_000);
    region.set(clearText(2000), 1_000_000);
    const { refusal, at } = streamed(region, region.length, 65_536);
    expect(refusal).to.be.a("string");
    expect(at).to.be.within(1_000_000, 1_000_000 + 2 * 65_536);
  });

  it("with only an upper bound of the length (a chunked body), refuses no random body and still finds text", () => {
    const bound = 50 * 1024 * 1024;
    for (const length of [37, 200, 5000, 1_000_000]) {
      expect(streamed(randomBytes(length), bound, 65_536).refusal, `${length} random bytes`).to.equal(undefined);
    }
    expect(streamed(clearText(200), bound, 65_536).refusal).to.be.a("string");
    const hidden = randomBytes(1_000_000);
    hidden.set(clearText(1000), 500_000);
    expect(streamed(hidden, bound, 65_536).refusal).to.be.a("string");
  });
});

function repeat(pattern: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i += pattern.length)
    out.set(pattern.subarray(0, Math.min(pattern.length, length - i)), i);
  return out;
}

function fromWords(length: number): string {
  return new TextDecoder().decode(clearText(length));
}
