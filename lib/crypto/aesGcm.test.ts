import { expect } from "chai";
import { equalBytes, randomBytes, toHex } from "../bytes";
import { IntegrityError } from "../errors";
import { getAesGcmBackend, setAesGcmBackend, webCryptoAesGcmBackend } from "./aesGcm";
import type { AesGcmBackend } from "./aesGcm";
import { rejection } from "../testing/rejection";

describe("crypto/aesGcm (WebCrypto backend and the backend switch)", () => {
  const key = randomBytes(32);
  const iv = randomBytes(12);
  const aad = randomBytes(84);

  it("uses WebCrypto by default", () => {
    expect(getAesGcmBackend()).to.equal(webCryptoAesGcmBackend);
    expect(webCryptoAesGcmBackend.name).to.equal("webcrypto");
  });

  it("seals parts as their concatenation, in place or not, and opens it", async () => {
    const plaintext = randomBytes(3000);
    const whole = new Uint8Array(plaintext.length + 16);
    await webCryptoAesGcmBackend.seal(key, iv, aad, [plaintext], whole);
    const split = new Uint8Array(plaintext.length + 16);
    await webCryptoAesGcmBackend.seal(key, iv, aad, [plaintext.subarray(0, 10), plaintext.subarray(10)], split);
    expect(toHex(split)).to.equal(toHex(whole));
    const inPlace = new Uint8Array(plaintext.length + 16);
    inPlace.set(plaintext);
    await webCryptoAesGcmBackend.seal(key, iv, aad, [inPlace.subarray(0, plaintext.length)], inPlace);
    expect(toHex(inPlace)).to.equal(toHex(whole));
    const opened = await webCryptoAesGcmBackend.open(key, iv, aad, whole);
    expect(equalBytes(opened, plaintext)).to.equal(true);
  });

  it("refuses an altered ciphertext, other associated data or a wrong key with an IntegrityError", async () => {
    const sealed = new Uint8Array(116);
    await webCryptoAesGcmBackend.seal(key, iv, aad, [randomBytes(100)], sealed);
    const altered = sealed.slice();
    altered[50] ^= 1;
    const message = "This record cannot be decrypted: it was altered or the key is wrong.";
    expect((await rejection(webCryptoAesGcmBackend.open(key, iv, aad, altered), IntegrityError)).shortMessage).to.equal(
      message,
    );
    await rejection(webCryptoAesGcmBackend.open(key, iv, randomBytes(84), sealed), IntegrityError);
    await rejection(webCryptoAesGcmBackend.open(randomBytes(32), iv, aad, sealed), IntegrityError);
    await rejection(webCryptoAesGcmBackend.open(key, iv, aad, sealed.subarray(0, 15)), IntegrityError);
  });

  it("refuses an output of the wrong size with a RangeError", async () => {
    await rejection(webCryptoAesGcmBackend.seal(key, iv, aad, [randomBytes(10)], new Uint8Array(10)), RangeError);
  });

  it("switches backends and refuses one without seal and open", () => {
    const other: AesGcmBackend = { ...webCryptoAesGcmBackend, name: "other" };
    try {
      setAesGcmBackend(other);
      expect(getAesGcmBackend()).to.equal(other);
      for (const bad of [null, {}, { seal() {} }, "node"]) {
        expect(() => setAesGcmBackend(bad as unknown as AesGcmBackend)).to.throw(TypeError);
      }
      expect(getAesGcmBackend()).to.equal(other);
    } finally {
      setAesGcmBackend(webCryptoAesGcmBackend);
    }
  });
});
