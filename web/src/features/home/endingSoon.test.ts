/// <reference types="mocha" />
import { expect } from "chai";
import { ENDING_SOON, isEndingSoon } from "./endingSoon";

const DAY = 86_400;
const NOW = 1_800_000_000;

describe("isEndingSoon", () => {
  it("leaves out a grant just given, however short (the 5-day grant of an approved request)", () => {
    expect(isEndingSoon({ grantedAt: NOW, expiresAt: NOW + 5 * DAY }, NOW)).to.equal(false);
    expect(isEndingSoon({ grantedAt: NOW - 60, expiresAt: NOW + DAY }, NOW)).to.equal(false);
  });

  it("lists a short grant once half its length has run", () => {
    const grant = { grantedAt: NOW - 3 * DAY, expiresAt: NOW + 2 * DAY };
    expect(isEndingSoon(grant, NOW)).to.equal(true);
    const halfway = { grantedAt: NOW - 2.5 * DAY, expiresAt: NOW + 2.5 * DAY };
    expect(isEndingSoon(halfway, NOW)).to.equal(true);
    expect(isEndingSoon(halfway, NOW - 1)).to.equal(false);
  });

  it("lists a long grant in its last week only", () => {
    const grant = { grantedAt: NOW - 300 * DAY, expiresAt: NOW + 365 * DAY };
    expect(isEndingSoon(grant, NOW)).to.equal(false);
    expect(isEndingSoon(grant, grant.expiresAt - ENDING_SOON - 1)).to.equal(false);
    expect(isEndingSoon(grant, grant.expiresAt - ENDING_SOON)).to.equal(true);
  });

  it("leaves out a grant that has ended", () => {
    const grant = { grantedAt: NOW - 5 * DAY, expiresAt: NOW };
    expect(isEndingSoon(grant, NOW)).to.equal(false);
    expect(isEndingSoon(grant, NOW + DAY)).to.equal(false);
  });
});
