import { createRequire } from "node:module";
import { expect } from "chai";
import { randomBytes } from "../../lib/bytes";
import { patchPnetCipher } from "./pnetCipher";

type Cipher = { update(input: Uint8Array, output?: Uint8Array): Uint8Array };
const xsalsa20 = () => createRequire(__filename)("xsalsa20") as (nonce: Uint8Array, key: Uint8Array) => Cipher;

describe("pnet cipher (xsalsa20 under @libp2p/pnet)", function () {
  const nonce = randomBytes(24);
  const key = randomBytes(32);

  before(() => patchPnetCipher());

  it("encrypts a message larger than xsalsa20's whole WebAssembly memory (64 MiB) in one call", function () {
    const message = new Uint8Array(70 * 1024 * 1024).fill(7);
    const sealed = xsalsa20()(nonce, key).update(message);
    expect(sealed.length).to.equal(message.length);
    expect(Buffer.from(xsalsa20()(nonce, key).update(sealed)).equals(Buffer.from(message))).to.equal(true);
  });

  it("gives the same stream whatever the chunking, with many ciphers alive at once", function () {
    const message = randomBytes(3 * 1024 * 1024 + 5);
    const whole = xsalsa20()(nonce, key).update(message);
    const others = Array.from({ length: 8 }, () => xsalsa20()(randomBytes(24), key));
    const chunked = xsalsa20()(nonce, key);
    const parts: Uint8Array[] = [];
    for (let offset = 0, i = 0; offset < message.length; i++) {
      const size = [1, 63, 65, 70_000, 1_000_000][i % 5];
      parts.push(chunked.update(message.subarray(offset, offset + size)));
      others[i % others.length].update(randomBytes(size));
      offset += size;
    }
    expect(Buffer.concat(parts).equals(Buffer.from(whole))).to.equal(true);
  });
});
