import { expect } from "chai";
import { MAX_POLLING_MS, MIN_POLLING_MS, pollingIntervalFor } from "./pollingInterval";

describe("pollingIntervalFor", () => {
  it("polls at the minimum on a chain that mines on each transaction", () => {
    expect(pollingIntervalFor(0)).to.equal(MIN_POLLING_MS);
    expect(MIN_POLLING_MS).to.equal(250);
  });

  it("polls at half a block: 1 s on the QBFT network's 2-second blocks", () => {
    expect(pollingIntervalFor(2_000)).to.equal(1_000);
    expect(pollingIntervalFor(5_000)).to.equal(2_500);
  });

  it("stays between the minimum and viem's 4-second default", () => {
    expect(pollingIntervalFor(100)).to.equal(MIN_POLLING_MS);
    expect(pollingIntervalFor(12_000)).to.equal(MAX_POLLING_MS);
  });

  it("treats a value that is not a positive number as mining on each transaction", () => {
    expect(pollingIntervalFor(-1)).to.equal(MIN_POLLING_MS);
    expect(pollingIntervalFor(Number.NaN)).to.equal(MIN_POLLING_MS);
  });
});
