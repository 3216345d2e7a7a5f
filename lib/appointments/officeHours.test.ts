import { expect } from "chai";
import { FormatError } from "../errors";
import { formatDayHours, parseDayHours, parseWeek } from "./officeHours";

/** The demo seed's office hours: 09:00 to 17:00 (slots 18..33). */
const NINE_TO_FIVE = (() => {
  let day = 0;
  for (let s = 18; s < 34; s++) day += 2 ** s;
  return day;
})();

function refuses(text: string, message: RegExp): void {
  let error: unknown;
  try {
    parseDayHours(text, "Monday");
  } catch (e) {
    error = e;
  }
  expect(error, text).to.be.instanceOf(FormatError);
  expect((error as FormatError).shortMessage).to.match(message);
}

describe("lib/appointments/officeHours", () => {
  it("encodes ranges as the contract's slot mask", () => {
    expect(parseDayHours("09:00-17:00")).to.equal(NINE_TO_FIVE);
    expect(parseDayHours(" 9:00 – 9:30 ")).to.equal(2 ** 18);
    expect(parseDayHours("00:00-24:00")).to.equal(2 ** 48 - 1);
    expect(parseDayHours("09:00-12:00, 13:00-17:00")).to.equal(NINE_TO_FIVE - 2 ** 24 - 2 ** 25);
    expect(parseDayHours("09:00-11:00; 10:00-12:00")).to.equal(parseDayHours("09:00-12:00"));
  });

  it("reads an empty day or 'closed' as no hours", () => {
    expect(parseDayHours("")).to.equal(0);
    expect(parseDayHours("  Closed ")).to.equal(0);
  });

  it("writes a mask back as ranges, and round-trips", () => {
    expect(formatDayHours(NINE_TO_FIVE)).to.equal("09:00-17:00");
    expect(formatDayHours(BigInt(NINE_TO_FIVE))).to.equal("09:00-17:00");
    expect(formatDayHours(0)).to.equal("");
    expect(formatDayHours(2 ** 48 - 1)).to.equal("00:00-24:00");
    for (const text of ["08:30-12:00, 13:00-17:30", "00:00-00:30, 23:30-24:00"]) {
      expect(formatDayHours(parseDayHours(text))).to.equal(text);
    }
  });

  it("refuses text that is not hours, times off the half hour, and empty or reversed ranges", () => {
    refuses("nine to five", /write hours like 09:00-12:00/);
    refuses("09:00", /write hours like/);
    refuses("09:15-12:00", /on the hour or the half hour/);
    refuses("09:00-25:00", /not a time of day/);
    refuses("09:75-10:00", /not a time of day/);
    refuses("12:00-09:00", /end after it starts/);
    refuses("09:00-09:00", /end after it starts/);
  });

  it("parses a week Monday first and names the first bad day", () => {
    const week = parseWeek(["09:00-17:00", "", "", "", "", "", "closed"]);
    expect(week).to.deep.equal([NINE_TO_FIVE, 0, 0, 0, 0, 0, 0]);
    expect(() => parseWeek(["", "", "x", "", "", "", ""])).to.throw(FormatError, /^Wednesday:/);
    expect(() => parseWeek(["", ""])).to.throw(FormatError, /seven days/);
  });
});
