import { expect } from "chai";
import { cipher, createIdentity, encryptWithPublicKey, publicKey } from "eth-crypto";
import { toBase64, toHex } from "../bytes";
import { BindingError, FormatError, IntegrityError } from "../errors";
import { generateDataKey } from "./envelope";
import { newRecordId } from "./identity";
import type { Address, Hex } from "viem";
import { unwrapDataKey, wrapDataKey, WRAPPED_KEY_BYTES, wrappedKeyShapeError, WRAPPED_KEY_PREFIX } from "./keyWrap";
import type { WrapBinding } from "./keyWrap";
import { rejection } from "../testing/rejection";
import { localRecordIdentity } from "../testing/recordIdentity";

/** Rejects with a FormatError or an IntegrityError (altered bytes may break the form or the MAC). */
async function refused(promise: Promise<unknown>): Promise<void> {
  try {
    await promise;
  } catch (error) {
    expect(error instanceof FormatError || error instanceof IntegrityError, String(error)).to.equal(true);
    return;
  }
  throw new Error("expected a FormatError or an IntegrityError");
}

describe("crypto/keyWrap", () => {
  const reader = createIdentity();
  const other = createIdentity();
  const compressedKey = `0x${publicKey.compress(reader.publicKey)}` as Hex;
  const uncompressedKey = `0x${reader.publicKey}` as Hex;
  const binding: WrapBinding = { ...localRecordIdentity({ category: 2 }), reader: reader.address as Address };
  const dataKey = generateDataKey();
  let wrapped: string;

  before(async () => {
    wrapped = await wrapDataKey(dataKey, compressedKey, binding);
  });

  describe("wrapDataKey and unwrapDataKey", () => {
    it("round-trips with a 33-byte compressed public key (as EhrCore.encryptionKeyOf returns it)", async () => {
      expect(compressedKey.length).to.equal(2 + 66);
      expect(toHex(await unwrapDataKey(wrapped, reader.privateKey as Hex, binding))).to.equal(toHex(dataKey));
    });

    it("round-trips with a 64-byte x||y public key, and with the 65-byte 04-prefixed form", async () => {
      expect(uncompressedKey.length).to.equal(2 + 128);
      for (const key of [uncompressedKey, `0x04${reader.publicKey}` as Hex, reader.publicKey as Hex]) {
        const w = await wrapDataKey(dataKey, key, binding);
        expect(toHex(await unwrapDataKey(w, reader.privateKey as Hex, binding))).to.equal(toHex(dataKey));
      }
    });

    it('writes "ehrwk1:" and lowercase hex, never the key in clear, fresh each time', async () => {
      expect(wrapped.startsWith(WRAPPED_KEY_PREFIX)).to.equal(true);
      expect(wrapped.slice(WRAPPED_KEY_PREFIX.length)).to.match(/^[0-9a-f]+$/);
      expect(wrapped).to.not.contain(toHex(dataKey).slice(2));
      expect(wrapped).to.not.contain(toBase64(dataKey));
      const again = await wrapDataKey(dataKey, compressedKey, binding);
      expect(again).to.not.equal(wrapped);
    });

    it("accepts the expected binding with addresses in another hex case", async () => {
      const lower = { ...binding, contract: binding.contract.toLowerCase(), reader: binding.reader.toLowerCase() };
      const key = await unwrapDataKey(wrapped, reader.privateKey.slice(2) as Hex, lower as WrapBinding);
      expect(toHex(key)).to.equal(toHex(dataKey));
    });

    it("wraps summaries and every category", async () => {
      const summary: WrapBinding = { ...binding, part: "summary", category: 31 };
      const w = await wrapDataKey(dataKey, compressedKey, summary);
      expect(toHex(await unwrapDataKey(w, reader.privateKey as Hex, summary))).to.equal(toHex(dataKey));
      await rejection(unwrapDataKey(w, reader.privateKey as Hex, binding), BindingError);
    });
  });

  describe("the wrong key holder", () => {
    it("refuses another private key with an IntegrityError", async () => {
      const error = await rejection(unwrapDataKey(wrapped, other.privateKey as Hex, binding), IntegrityError);
      expect(error.shortMessage).to.match(/cannot be unwrapped/);
      expect(error.message).to.not.contain(other.privateKey.slice(2));
    });

    it("refuses a malformed private key with a FormatError", async () => {
      for (const bad of ["", "0x1234", `0x${"zz".repeat(32)}`, `0x${"11".repeat(33)}`]) {
        await rejection(unwrapDataKey(wrapped, bad as Hex, binding), FormatError);
      }
    });
  });

  describe("a wrapped key moved to another record, part, reader, chain or contract", () => {
    const moves: [keyof WrapBinding, Partial<WrapBinding>][] = [
      ["chainId", { chainId: 1 }],
      ["contract", { contract: "0xe7f1725e7734ce288f8367e1bb143e90bb3f0512" }],
      ["patient", { patient: "0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc" }],
      ["recordId", { recordId: newRecordId() }],
      ["category", { category: 3 }],
      ["part", { part: "summary" }],
      ["reader", { reader: other.address as Address }],
    ];
    for (const [field, change] of moves) {
      it(`refuses another ${field} with a BindingError`, async () => {
        const error = await rejection(
          unwrapDataKey(wrapped, reader.privateKey as Hex, { ...binding, ...change }),
          BindingError,
        );
        expect(error.details).to.equal(`wrapped key binding differs in: ${field}`);
        expect(error.message).to.not.contain(binding.patient.slice(2));
      });
    }

    it("refuses a key the other reader's copy was made for, even when that reader holds it", async () => {
      // The same data key wrapped for `other` on another record: opening it as this record fails.
      const otherRecord = { ...binding, recordId: newRecordId(), reader: other.address as Address };
      const theirs = await wrapDataKey(dataKey, `0x${other.publicKey}` as Hex, otherRecord);
      await rejection(
        unwrapDataKey(theirs, other.privateKey as Hex, { ...binding, reader: other.address as Address }),
        BindingError,
      );
    });
  });

  describe("tampered, truncated and garbage input", () => {
    // Hex offsets after the prefix: iv 0..31, ephemeral key 32..97, mac 98..161, ciphertext 162..
    const regions: [string, number][] = [
      ["IV", 5],
      ["ephemeral key prefix", 0 + 32],
      ["ephemeral key x", 32 + 20],
      ["MAC", 98 + 10],
      ["ciphertext start", 162 + 1],
      ["ciphertext end", -1],
    ];
    for (const [region, offset] of regions) {
      it(`refuses a change in the ${region}`, async () => {
        const body = wrapped.slice(WRAPPED_KEY_PREFIX.length);
        const at = offset < 0 ? body.length + offset : offset;
        for (const replacement of ["0", "f", "8"]) {
          if (body[at] === replacement) continue;
          const changed = WRAPPED_KEY_PREFIX + body.slice(0, at) + replacement + body.slice(at + 1);
          await refused(unwrapDataKey(changed, reader.privateKey as Hex, binding));
        }
      });
    }

    it("refuses a wrapped key cut short or lengthened", async () => {
      for (const length of [0, 3, 7, 8, 40, 100, 169, 200, wrapped.length - 2, wrapped.length - 1]) {
        await rejection(unwrapDataKey(wrapped.slice(0, length), reader.privateKey as Hex, binding), FormatError);
      }
      // One AES block fewer is shorter than any payload: refused by its form, before the MAC.
      await rejection(unwrapDataKey(wrapped.slice(0, -32), reader.privateKey as Hex, binding), FormatError);
      await rejection(unwrapDataKey(wrapped + "0", reader.privateKey as Hex, binding), FormatError);
      await refused(unwrapDataKey(wrapped + "00".repeat(16), reader.privateKey as Hex, binding));
    });

    it("refuses garbage with a FormatError", async () => {
      const garbage = [
        "",
        "ehrwk1:",
        "ehrwk1:zz",
        `ehrwk2:${wrapped.slice(7)}`,
        `EHRWK1:${wrapped.slice(7)}`,
        wrapped.slice(7),
        wrapped.toUpperCase(),
        JSON.stringify({ iv: "00" }),
        `ehrwk1:${"00".repeat(97)}`,
        `ehrwk1:${"00".repeat(16)}02${"00".repeat(32)}${"00".repeat(48)}`,
      ];
      for (const text of garbage) {
        await rejection(unwrapDataKey(text, reader.privateKey as Hex, binding), FormatError);
      }
      await rejection(unwrapDataKey(42 as unknown as string, reader.privateKey as Hex, binding), FormatError);
      const error = await rejection(
        unwrapDataKey(`ehrwk9:${wrapped.slice(7)}`, reader.privateKey as Hex, binding),
        FormatError,
      );
      expect(error.details).to.match(/version 9/);
    });

    it("tells the form of a wrapped key without a private key (wrappedKeyShapeError), as the storage service checks it", () => {
      expect(wrappedKeyShapeError(wrapped)).to.equal(undefined);
      for (const text of ["", "ehrwk1:zz", wrapped.slice(7), wrapped.toUpperCase(), wrapped.slice(0, -2), 42]) {
        expect(wrappedKeyShapeError(text), String(text).slice(0, 20)).to.be.a("string");
      }
      // The ephemeral key after the 16-byte IV is compressed (02/03) in everything eth-crypto writes.
      const body = wrapped.slice(WRAPPED_KEY_PREFIX.length);
      const uncompressed = `${WRAPPED_KEY_PREFIX}${body.slice(0, 32)}04${body.slice(34)}`;
      expect(wrappedKeyShapeError(uncompressed)).to.match(/not compressed/);
    });

    it("knows the sizes a wrapped key can have: the shortest and the longest binding pass, one block more does not", async () => {
      const shortest = { ...binding, chainId: 1, category: 0, part: "report" as const };
      const longest = { ...binding, chainId: Number.MAX_SAFE_INTEGER, category: 31, part: "summary" as const };
      const sizes = [];
      for (const edge of [shortest, longest]) {
        const made = await wrapDataKey(generateDataKey(), reader.publicKey as Hex, edge);
        expect(wrappedKeyShapeError(made)).to.equal(undefined);
        sizes.push((made.length - WRAPPED_KEY_PREFIX.length) / 2);
        expect(await unwrapDataKey(made, reader.privateKey as Hex, edge)).to.have.length(32);
      }
      expect(sizes).to.deep.equal([WRAPPED_KEY_BYTES.min, WRAPPED_KEY_BYTES.max]);
      // A key wrapped with room for more (a 4 KB string of the right form) is junk taking the service's disk.
      const body = wrapped.slice(WRAPPED_KEY_PREFIX.length);
      for (const extra of [WRAPPED_KEY_BYTES.max - body.length / 2 + 16, 2048]) {
        const padded = `${wrapped}${"00".repeat(extra - (extra % 16))}`;
        expect(wrappedKeyShapeError(padded), `${extra} bytes more`).to.equal("wrong length");
      }
    });

    it("refuses a well-encrypted payload that is not a valid key binding with a FormatError", async () => {
      const good = { v: 1, key: toBase64(dataKey), ...binding };
      const payloads = [
        "not json",
        "null",
        JSON.stringify({ ...good, v: 2 }),
        JSON.stringify({ ...good, key: toBase64(new Uint8Array(16)) }),
        JSON.stringify({ ...good, key: "!!" }),
        JSON.stringify({ ...good, key: undefined }),
        JSON.stringify({ ...good, reader: "0x1234" }),
        JSON.stringify({ ...good, category: 40 }),
        JSON.stringify({ ...good, part: "everything" }),
      ];
      for (const payload of payloads) {
        const text = WRAPPED_KEY_PREFIX + cipher.stringify(await encryptWithPublicKey(reader.publicKey, payload));
        await rejection(unwrapDataKey(text, reader.privateKey as Hex, binding), FormatError);
      }
      // The same construction with a valid payload opens: the refusals above are the payloads'.
      const text =
        WRAPPED_KEY_PREFIX + cipher.stringify(await encryptWithPublicKey(reader.publicKey, JSON.stringify(good)));
      expect(toHex(await unwrapDataKey(text, reader.privateKey as Hex, binding))).to.equal(toHex(dataKey));
    });
  });

  describe("invalid wrap inputs", () => {
    it("refuses a public key that is not a secp256k1 point or has the wrong length", async () => {
      const bad = [
        "0x",
        "0x1234",
        `0x05${reader.publicKey.slice(0, 64)}`,
        `0x02${"ff".repeat(32)}`,
        `0x${"00".repeat(64)}`,
        `0x${"zz".repeat(33)}`,
        `0x04${"11".repeat(64)}`,
      ];
      for (const key of bad) await rejection(wrapDataKey(dataKey, key as Hex, binding), FormatError);
    });

    it("refuses a data key that is not 32 bytes and an invalid binding", async () => {
      await rejection(wrapDataKey(new Uint8Array(16), compressedKey, binding), FormatError);
      await rejection(wrapDataKey(dataKey, compressedKey, { ...binding, reader: "0x12" as Address }), FormatError);
      await rejection(wrapDataKey(dataKey, compressedKey, { ...binding, chainId: -1 }), FormatError);
      await rejection(unwrapDataKey(wrapped, reader.privateKey as Hex, { ...binding, category: 1.5 }), FormatError);
    });
  });
});
