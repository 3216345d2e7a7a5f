import { expect } from "chai";
import {
  ageInYears,
  calendarDate,
  localClock,
  localDate,
  localDay,
  localDayFrom,
  localMinute,
  localSecond,
  readerTimeZone,
  zoneLabel,
  zoneOffsetMinutes,
} from "./localTime";

describe("localSecond", () => {
  it("says a time to the second in the given zone, naming it (the audit trail's format)", () => {
    const at = new Date(Date.UTC(2026, 11, 3, 4, 10, 12));
    expect(localSecond(at, "Europe/Paris")).to.equal("3 Dec 2026, 05:10:12 CET");
    expect(localSecond(at, "Asia/Kolkata")).to.equal("3 Dec 2026, 09:40:12 GMT+5:30");
    expect(localSecond(at)).to.equal(localSecond(at, readerTimeZone()));
  });
});

describe("localMinute", () => {
  it("says a time in the given zone, naming it: Paris an hour ahead of UTC in December, New York five behind", () => {
    const at = new Date("2026-12-03T04:10:00.000Z");
    expect(localMinute(at, "Europe/Paris")).to.match(/^Thu,? 3 Dec 2026, 05:10 CET$/);
    expect(localMinute(at, "America/New_York")).to.match(/^Wed,? 2 Dec 2026, 23:10 (EST|GMT-5)$/);
    expect(localMinute(at.getTime(), "UTC")).to.match(/^Thu,? 3 Dec 2026, 04:10 UTC$/);
    expect(localMinute(at, "Asia/Kolkata")).to.match(/^Thu,? 3 Dec 2026, 09:40 GMT\+5:30$/);
  });

  it("uses the reader's own zone when none is given", () => {
    const at = new Date("2026-12-03T04:10:00.000Z");
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    expect(readerTimeZone()).to.equal(zone);
    expect(localMinute(at)).to.equal(localMinute(at, zone));
  });

  it("gives the same answer from its kept format, zone after zone", () => {
    const at = Date.UTC(2026, 11, 3, 4, 10);
    const first = ["Europe/Paris", "Asia/Kolkata", "Europe/Paris"].map((zone) => localMinute(at, zone));
    expect(first[0]).to.equal(first[2]);
    expect(first[0]).to.not.equal(first[1]);
  });
});

describe("localDay, localClock", () => {
  it("say the day and the time in the zone: 23:30 UTC is the next morning in Kolkata", () => {
    const at = Date.UTC(2026, 11, 6, 23, 30);
    expect(localDay(at, "UTC")).to.match(/^Sunday,? 6 December$/);
    expect(localClock(at, "UTC")).to.equal("23:30");
    expect(localDay(at, "Asia/Kolkata")).to.match(/^Monday,? 7 December$/);
    expect(localClock(at, "Asia/Kolkata")).to.equal("05:00");
  });
});

describe("localDayFrom", () => {
  it("names today, tomorrow and yesterday from the reader's day, in the zone, and any other day by its name", () => {
    const now = Date.UTC(2026, 11, 4, 20, 0); // Friday 20:00 UTC, Saturday 01:30 in Kolkata
    const hour = 3_600_000;
    expect(localDayFrom(now + 5 * hour, now, "UTC")).to.match(/^Tomorrow, Saturday,? 5 December$/);
    expect(localDayFrom(now + 5 * hour, now, "Asia/Kolkata")).to.match(/^Today, Saturday,? 5 December$/);
    expect(localDayFrom(now - 19 * hour, now, "UTC")).to.match(/^Today, Friday,? 4 December$/);
    expect(localDayFrom(now - 21 * hour, now, "UTC")).to.match(/^Yesterday, Thursday,? 3 December$/);
    expect(localDayFrom(now + 28 * hour, now, "UTC")).to.match(/^Sunday,? 6 December$/);
    expect(localDayFrom(now - 48 * hour, now, "UTC")).to.match(/^Wednesday,? 2 December$/);
    // A year on, the same date is not today.
    expect(localDayFrom(now + 365 * 24 * hour, now, "UTC")).to.match(/^Saturday,? 4 December$/);
  });
});

describe("localDate", () => {
  it("says the day of a moment in the given zone: late evening in New York is the next day in Paris", () => {
    const at = Date.UTC(2026, 11, 3, 2, 30);
    expect(localDate(at, "Europe/Paris")).to.equal("3 Dec 2026");
    expect(localDate(at, "America/New_York")).to.equal("2 Dec 2026");
    expect(localDate(new Date(at))).to.equal(localDate(at, readerTimeZone()));
  });
});

describe("calendarDate", () => {
  it("writes a date of birth in words, the same day in every zone", () => {
    expect(calendarDate("1990-04-15")).to.equal("15 Apr 1990");
    expect(calendarDate("2000-01-01")).to.equal("1 Jan 2000");
    expect(calendarDate("1960-02-29")).to.equal("29 Feb 1960");
  });

  it("gives back what is not a calendar date as it was", () => {
    for (const text of ["1990-02-30", "1961-02-29", "1990-13-01", "15/04/1990", "", "1990-4-15"]) {
      expect(calendarDate(text), text).to.equal(text);
    }
  });
});

describe("zoneLabel, zoneOffsetMinutes", () => {
  it("names a zone with its short name, and its offset east of UTC in minutes", () => {
    const winter = Date.UTC(2026, 11, 3);
    expect(zoneLabel(winter, "Asia/Kolkata")).to.equal("Asia/Kolkata (GMT+5:30)");
    expect(zoneLabel(winter, "Europe/Paris")).to.equal("Europe/Paris (CET)");
    expect(zoneLabel(winter, "UTC")).to.equal("UTC");
    expect(zoneOffsetMinutes(winter, "Asia/Kolkata")).to.equal(330);
    expect(zoneOffsetMinutes(winter, "UTC")).to.equal(0);
    expect(zoneOffsetMinutes(winter, "America/Los_Angeles")).to.equal(-480);
    expect(zoneOffsetMinutes(winter)).to.equal(-new Date(winter).getTimezoneOffset());
  });
});

describe("ageInYears", () => {
  it("counts whole years to the reader's date, the birthday itself included", () => {
    // Dates built from local parts: the reader's own calendar day, whatever this machine's zone.
    expect(ageInYears("1980-06-15", new Date(2026, 5, 14, 23, 59))).to.equal(45);
    expect(ageInYears("1980-06-15", new Date(2026, 5, 15, 0, 0))).to.equal(46);
    expect(ageInYears("2000-02-29", new Date(2026, 1, 28, 12))).to.equal(25);
    expect(ageInYears("2000-02-29", new Date(2026, 2, 1, 12))).to.equal(26);
    expect(ageInYears("2026-12-04", new Date(2026, 11, 4, 8))).to.equal(0);
  });

  it("has no age for what is no date of birth: not YYYY-MM-DD, in the future, or over 150 years ago", () => {
    const today = new Date(2026, 11, 4, 12);
    for (const bad of ["", "15/06/1980", "1980-6-15", "2027-01-01", "1870-01-01", "born 1980"])
      expect(ageInYears(bad, today), bad).to.equal(undefined);
  });
});
