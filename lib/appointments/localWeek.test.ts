import { expect } from "chai";
import { FormatError } from "../errors";
import { zoneOffsetMinutes } from "../localTime";
import { onSlotGrid, weekToLocal, weekToUtc } from "./localWeek";
import { formatDayHours, parseWeek } from "./officeHours";

const KOLKATA = 330; // +05:30
const LOS_ANGELES_WINTER = -480; // -08:00

/** A week written as people write it (Monday first), as the chain's masks from a zone's hours. */
const toChain = (texts: string[], offset: number) => weekToUtc(parseWeek(texts), offset).map(formatDayHours);
const fromChain = (texts: string[], offset: number) => weekToLocal(parseWeek(texts), offset).map(formatDayHours);
const week = (days: Partial<Record<number, string>>) => Array.from({ length: 7 }, (_, d) => days[d] ?? "");

describe("lib/appointments/localWeek", () => {
  it("+05:30: 09:00-17:00 in Kolkata is 03:30-11:30 UTC, and back", () => {
    const local = week({ 0: "09:00-17:00", 4: "09:00-12:00, 13:00-17:00" });
    const utc = week({ 0: "03:30-11:30", 4: "03:30-06:30, 07:30-11:30" });
    expect(toChain(local, KOLKATA)).to.deep.equal(utc);
    expect(fromChain(utc, KOLKATA)).to.deep.equal(local);
  });

  it("-08:00: 09:00-17:00 in Los Angeles crosses midnight UTC, landing on two UTC days", () => {
    const local = week({ 2: "09:00-17:00" });
    const utc = week({ 2: "17:00-24:00", 3: "00:00-01:00" });
    expect(toChain(local, LOS_ANGELES_WINTER)).to.deep.equal(utc);
    expect(fromChain(utc, LOS_ANGELES_WINTER)).to.deep.equal(local);
  });

  it("a range crossing midnight UTC east of Greenwich: early hours in Kolkata are the previous UTC evening", () => {
    const local = week({ 3: "03:00-08:00" });
    expect(toChain(local, KOLKATA)).to.deep.equal(week({ 2: "21:30-24:00", 3: "00:00-02:30" }));
    expect(fromChain(week({ 2: "21:30-24:00", 3: "00:00-02:30" }), KOLKATA)).to.deep.equal(local);
  });

  it("wraps the week's end: Sunday evening in Los Angeles is Monday UTC, Monday morning in Kolkata is Sunday UTC", () => {
    expect(toChain(week({ 6: "18:00-22:00" }), LOS_ANGELES_WINTER)).to.deep.equal(week({ 0: "02:00-06:00" }));
    expect(fromChain(week({ 0: "02:00-06:00" }), LOS_ANGELES_WINTER)).to.deep.equal(week({ 6: "18:00-22:00" }));
    expect(toChain(week({ 0: "00:00-04:00" }), KOLKATA)).to.deep.equal(week({ 6: "18:30-22:30" }));
    // Split across the wrap: the end of the UTC week and the start of the next one.
    expect(toChain(week({ 0: "04:00-08:00" }), KOLKATA)).to.deep.equal(week({ 0: "00:00-02:30", 6: "22:30-24:00" }));
    expect(fromChain(week({ 0: "00:00-02:30", 6: "22:30-24:00" }), KOLKATA)).to.deep.equal(week({ 0: "04:00-08:00" }));
    expect(toChain(week({ 6: "20:00-24:00" }), LOS_ANGELES_WINTER)).to.deep.equal(week({ 0: "04:00-08:00" }));
  });

  it("keeps every slot of a full week, whatever the zone", () => {
    const full = Array(7).fill(2 ** 48 - 1);
    for (const offset of [KOLKATA, LOS_ANGELES_WINTER, 0, 840, -720]) {
      expect(weekToUtc(full, offset)).to.deep.equal(full);
      expect(weekToLocal(weekToUtc(parseWeek(week({ 5: "10:30-11:00" })), offset), offset)).to.deep.equal(
        parseWeek(week({ 5: "10:30-11:00" })),
      );
    }
  });

  it("daylight saving: the week follows the doctor's offset now, summer or winter", () => {
    const summer = zoneOffsetMinutes(Date.UTC(2026, 6, 6), "Europe/London");
    const winter = zoneOffsetMinutes(Date.UTC(2026, 11, 7), "Europe/London");
    expect([summer, winter]).to.deep.equal([60, 0]);
    expect(toChain(week({ 0: "09:00-17:00" }), summer)).to.deep.equal(week({ 0: "08:00-16:00" }));
    expect(toChain(week({ 0: "09:00-17:00" }), winter)).to.deep.equal(week({ 0: "09:00-17:00" }));
    // Hours published in summer read an hour earlier once the clocks go back.
    expect(fromChain(week({ 0: "08:00-16:00" }), winter)).to.deep.equal(week({ 0: "08:00-16:00" }));
    expect(zoneOffsetMinutes(Date.UTC(2026, 6, 6), "America/Los_Angeles")).to.equal(-420);
    expect(zoneOffsetMinutes(Date.UTC(2026, 11, 7), "America/Los_Angeles")).to.equal(LOS_ANGELES_WINTER);
  });

  it("refuses a zone off the chain's half hours (Kathmandu, +05:45)", () => {
    const kathmandu = zoneOffsetMinutes(Date.UTC(2026, 11, 7), "Asia/Kathmandu");
    expect(kathmandu).to.equal(345);
    expect(onSlotGrid(kathmandu)).to.equal(false);
    expect(onSlotGrid(KOLKATA)).to.equal(true);
    expect(() => weekToUtc(parseWeek(week({})), kathmandu)).to.throw(FormatError);
  });
});
