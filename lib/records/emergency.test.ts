import { expect } from "chai";
import { keccak256, sliceHex, toBytes } from "viem";
import { justificationHash, repeatsJustification } from "./emergency";

describe("break-glass justification", () => {
  const first = "Found unconscious in the emergency department.";
  // The window keeps the first 9 bytes of the justification hash (IEmergencyAccess.EmergencyWindow).
  const tagOf = (text: string) => sliceHex(keccak256(toBytes(text)), 0, 9);

  it("hashes the text as the chain receives it", () => {
    expect(justificationHash(first)).to.equal(keccak256(toBytes(first)));
  });

  it("tells a replayed justification from a second reason, whatever the tag's case", () => {
    expect(repeatsJustification(first, tagOf(first))).to.equal(true);
    expect(repeatsJustification(first, tagOf(first).toUpperCase().replace("0X", "0x") as `0x${string}`)).to.equal(true);
    expect(repeatsJustification("Unresponsive again after a second seizure.", tagOf(first))).to.equal(false);
    // A window never opened has a zero tag: nothing to repeat.
    expect(repeatsJustification(first, `0x${"00".repeat(9)}`)).to.equal(false);
  });
});
