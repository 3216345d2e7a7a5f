import { expect } from "chai";
import { localMinute } from "./localTime";

describe("localMinute", () => {
  it("says a time in the given zone, naming it: Paris an hour ahead of UTC in December, New York five behind", () => {
    const at = new Date("2026-12-03T04:10:00.000Z");
    expect(localMinute(at, "Europe/Paris")).to.match(/^Thu,? 3 Dec 2026, 05:10 CET$/);
    expect(localMinute(at, "America/New_York")).to.match(/^Wed,? 2 Dec 2026, 23:10 (EST|GMT-5)$/);
    expect(localMinute(at.getTime(), "UTC")).to.match(/^Thu,? 3 Dec 2026, 04:10 UTC$/);
  });

  it("uses the reader's own zone when none is given", () => {
    const at = new Date("2026-12-03T04:10:00.000Z");
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    expect(localMinute(at)).to.equal(localMinute(at, zone));
  });
});
