import { expect } from "chai";
import { publicKeyOf, SECP256K1_N } from "../keys/userKeyPair";
import { compressPublicKey, sameAddress } from "./context";

const GX = "79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798";

describe("compressPublicKey", function () {
  it("gives the 33-byte form the chain returns: 02 for an even y, 03 for an odd y", function () {
    // 1·G has an even y; (n − 1)·G = −G has the same x and the odd y.
    const one = `0x${"0".repeat(63)}1` as const;
    const minusOne = `0x${(SECP256K1_N - 1n).toString(16)}` as const;
    expect(compressPublicKey(publicKeyOf(one))).to.equal(`0x02${GX}`);
    expect(compressPublicKey(publicKeyOf(minusOne))).to.equal(`0x03${GX}`);
  });

  it("compares addresses without regard to case", function () {
    expect(
      sameAddress("0xAbC0000000000000000000000000000000000001", "0xabc0000000000000000000000000000000000001"),
    ).to.equal(true);
    expect(
      sameAddress("0xabc0000000000000000000000000000000000001", "0xabc0000000000000000000000000000000000002"),
    ).to.equal(false);
  });
});
