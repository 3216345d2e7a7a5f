import { expect } from "chai";
import {
  concatBytes,
  equalBytes,
  fromBase64,
  fromHex,
  fromUtf8,
  randomBytes,
  sha256,
  toBase64,
  toHex,
  utf8,
} from "./bytes";

const bytes = (...values: number[]) => new Uint8Array(values);
const ascii = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));

describe("bytes", () => {
  describe("utf8 / fromUtf8", () => {
    it("round-trips ASCII, accents, other scripts and emoji", () => {
      for (const text of ["", "hello", "Müller, Zoë", "患者记录", "🩺💊", "a\u0000b"]) {
        expect(fromUtf8(utf8(text))).to.equal(text);
      }
    });

    it("encodes to the standard UTF-8 bytes", () => {
      expect([...utf8("é€😀")]).to.deep.equal([0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80]);
    });

    it("refuses bytes that are not valid UTF-8 instead of inventing characters", () => {
      expect(() => fromUtf8(bytes(0xff))).to.throw(TypeError);
      expect(() => fromUtf8(bytes(0xc3))).to.throw(TypeError); // truncated sequence
      expect(() => fromUtf8(bytes(0xed, 0xa0, 0x80))).to.throw(TypeError); // lone surrogate
    });

    it("decodes only a view's own bytes", () => {
      const whole = utf8("xxabcxx");
      expect(fromUtf8(whole.subarray(2, 5))).to.equal("abc");
    });
  });

  describe("toHex / fromHex", () => {
    it("writes 0x and two lowercase digits per byte", () => {
      expect(toHex(bytes())).to.equal("0x");
      expect(toHex(bytes(0, 1, 0x0f, 0x10, 0xab, 0xff))).to.equal("0x00010f10abff");
    });

    it("reads with or without 0x, in either case", () => {
      expect([...fromHex("0x00010f10abff")]).to.deep.equal([0, 1, 0x0f, 0x10, 0xab, 0xff]);
      expect([...fromHex("00010F10ABFF")]).to.deep.equal([0, 1, 0x0f, 0x10, 0xab, 0xff]);
      expect(fromHex("0x")).to.have.length(0);
      expect(fromHex("")).to.have.length(0);
    });

    it("round-trips every byte value", () => {
      const all = Uint8Array.from({ length: 256 }, (_, i) => i);
      expect(fromHex(toHex(all))).to.deep.equal(all);
    });

    it("rejects odd lengths and non-hex characters", () => {
      for (const bad of ["0x0", "abc", "0xzz", "0x0x00", " 00", "00 ", "0x-1", "0X00", "gg"]) {
        expect(() => fromHex(bad), bad).to.throw(TypeError, "not a hex string");
      }
    });

    it("hexes only a view's own bytes", () => {
      expect(toHex(bytes(1, 2, 3, 4).subarray(1, 3))).to.equal("0x0203");
    });
  });

  describe("concatBytes", () => {
    it("joins parts in order", () => {
      expect([...concatBytes(bytes(1), bytes(), bytes(2, 3), bytes(4))]).to.deep.equal([1, 2, 3, 4]);
    });

    it("returns an empty array for no parts", () => {
      expect(concatBytes()).to.be.instanceOf(Uint8Array).and.have.length(0);
    });

    it("copies: changing a part afterwards does not change the result", () => {
      const a = bytes(1, 2);
      const out = concatBytes(a, bytes(3));
      a[0] = 9;
      expect([...out]).to.deep.equal([1, 2, 3]);
    });

    it("takes only a view's own bytes", () => {
      expect([...concatBytes(bytes(1, 2, 3, 4).subarray(1, 3), bytes(5))]).to.deep.equal([2, 3, 5]);
    });
  });

  describe("toBase64 / fromBase64", () => {
    // RFC 4648 section 10.
    const vectors: [string, string][] = [
      ["", ""],
      ["f", "Zg=="],
      ["fo", "Zm8="],
      ["foo", "Zm9v"],
      ["foob", "Zm9vYg=="],
      ["fooba", "Zm9vYmE="],
      ["foobar", "Zm9vYmFy"],
    ];

    it("matches the RFC 4648 test vectors both ways", () => {
      for (const [plain, encoded] of vectors) {
        expect(toBase64(ascii(plain))).to.equal(encoded);
        expect(fromBase64(encoded)).to.deep.equal(ascii(plain));
      }
    });

    it("round-trips every byte value", () => {
      const all = Uint8Array.from({ length: 256 }, (_, i) => i);
      expect(fromBase64(toBase64(all))).to.deep.equal(all);
    });

    it("round-trips inputs larger than one 32 KiB chunk", () => {
      const big = Uint8Array.from({ length: 100_003 }, (_, i) => (i * 31 + 7) & 0xff);
      const encoded = toBase64(big);
      expect(encoded).to.have.length(4 * Math.ceil(big.length / 3));
      expect(fromBase64(encoded)).to.deep.equal(big);
    });

    it("encodes only a view's own bytes", () => {
      expect(toBase64(ascii("xfoox").subarray(1, 4))).to.equal("Zm9v");
    });

    it("rejects text that is not base64", () => {
      for (const bad of ["Z", "Zm9v!", "Zm9v_", "Zm9v-", "Zg===", "é"]) {
        expect(() => fromBase64(bad), bad).to.throw();
      }
    });
  });

  describe("equalBytes", () => {
    it("is true for equal contents, including empty", () => {
      expect(equalBytes(bytes(), bytes())).to.equal(true);
      expect(equalBytes(bytes(1, 2, 3), bytes(1, 2, 3))).to.equal(true);
    });

    it("is false when lengths differ", () => {
      expect(equalBytes(bytes(1, 2), bytes(1, 2, 3))).to.equal(false);
      expect(equalBytes(bytes(), bytes(0))).to.equal(false);
    });

    it("is false when any single byte differs, first, middle or last", () => {
      const a = Uint8Array.from({ length: 64 }, (_, i) => i);
      for (const at of [0, 31, 63]) {
        const b = a.slice();
        b[at] ^= 0x01;
        expect(equalBytes(a, b), `byte ${at}`).to.equal(false);
      }
    });

    it("compares views by their own bytes", () => {
      expect(equalBytes(bytes(9, 1, 2, 9).subarray(1, 3), bytes(1, 2))).to.equal(true);
    });
  });

  describe("sha256", () => {
    it("matches the FIPS 180-2 test vectors", async () => {
      expect(toHex(await sha256(bytes()))).to.equal(
        "0xe3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
      );
      expect(toHex(await sha256(ascii("abc")))).to.equal(
        "0xba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
      );
      expect(toHex(await sha256(ascii("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")))).to.equal(
        "0x248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
      );
    });

    it("hashes only a view's own bytes", async () => {
      const whole = ascii("xxabcxx");
      expect(await sha256(whole.subarray(2, 5))).to.deep.equal(await sha256(ascii("abc")));
    });

    it("returns a fresh 32-byte Uint8Array", async () => {
      const digest = await sha256(utf8("record"));
      expect(digest).to.be.instanceOf(Uint8Array).and.have.length(32);
    });
  });

  describe("randomBytes", () => {
    it("returns the length asked for, including zero", () => {
      for (const n of [0, 1, 16, 32, 65_536, 65_537]) expect(randomBytes(n)).to.have.length(n);
    });

    it("fills lengths past the 65,536-byte getRandomValues limit, to the end", () => {
      const out = randomBytes(200_000);
      // Each 64 KiB chunk, including the short last one, must be filled (not left zero).
      for (const start of [0, 65_536, 131_072, 196_608]) {
        const chunk = out.subarray(start, Math.min(out.length, start + 65_536));
        expect(
          chunk.some((b) => b !== 0),
          `chunk at ${start}`,
        ).to.equal(true);
      }
    });

    it("does not repeat itself", () => {
      expect(equalBytes(randomBytes(32), randomBytes(32))).to.equal(false);
    });
  });
});
