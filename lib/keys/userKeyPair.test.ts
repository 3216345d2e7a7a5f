import { expect } from "chai";
import { fromHex, toHex } from "../bytes";
import { SECP256K1_N, generateUserKey, isValidPrivateKey, keyPairMatches, publicKeyOf } from "./userKeyPair";

const hardhatKey0 = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80" as const;
const hardhatPublicKey0 =
  "0x8318535b54105d4a7aae60c08fc45f9687181b4fdfc625bd1a753fa7397fed753547f11ca8696646f2f3acb08e31016afac23e630c5d11f59f61fef57b0d2aa5";

function scalar(value: bigint): Uint8Array {
  return fromHex(value.toString(16).padStart(64, "0"));
}

describe("user key pair", () => {
  it("derives the 64-byte uncompressed public key without the 04 prefix", () => {
    expect(publicKeyOf(hardhatKey0)).to.equal(hardhatPublicKey0);
  });

  it("generates distinct valid keypairs", () => {
    const a = generateUserKey();
    const b = generateUserKey();
    expect(a.privateKey).to.not.equal(b.privateKey);
    for (const key of [a, b]) {
      expect(isValidPrivateKey(fromHex(key.privateKey))).to.equal(true);
      expect(key.publicKey).to.equal(publicKeyOf(key.privateKey));
      expect(keyPairMatches(key)).to.equal(true);
    }
  });

  it("accepts private keys 1 to n - 1 only", () => {
    expect(isValidPrivateKey(scalar(0n))).to.equal(false);
    expect(isValidPrivateKey(scalar(1n))).to.equal(true);
    expect(isValidPrivateKey(scalar(SECP256K1_N - 1n))).to.equal(true);
    expect(isValidPrivateKey(scalar(SECP256K1_N))).to.equal(false);
    expect(isValidPrivateKey(new Uint8Array(31).fill(1))).to.equal(false);
  });

  it("tells a matching pair from a mismatched or malformed one", () => {
    const other = generateUserKey();
    expect(
      keyPairMatches({
        privateKey: hardhatKey0,
        publicKey: hardhatPublicKey0.toUpperCase().replace("0X", "0x") as `0x${string}`,
      }),
    ).to.equal(true);
    expect(keyPairMatches({ privateKey: hardhatKey0, publicKey: other.publicKey })).to.equal(false);
    expect(keyPairMatches({ privateKey: toHex(scalar(0n)), publicKey: hardhatPublicKey0 })).to.equal(false);
    expect(keyPairMatches({ privateKey: "0x1234", publicKey: hardhatPublicKey0 })).to.equal(false);
  });
});
